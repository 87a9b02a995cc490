"""Password rules beyond Django's: at least three character classes (等保 requirement)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Requires ``min_classes`` of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = sum(
            bool(re.search(pattern, password)) for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")
        )
        if classes < self.min_classes:
            raise ValidationError(
                _("密码至少需要包含小写字母、大写字母、数字、符号中的 {n} 类").format(n=self.min_classes),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码至少需要包含小写字母、大写字母、数字、符号中的 {n} 类").format(n=self.min_classes)
