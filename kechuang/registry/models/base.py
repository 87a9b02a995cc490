"""What every registry model shares: scoping by jurisdiction, pinyin initials for search, and the encryption
of personal data (Fernet, key derived from settings.PII_KEY, plus a keyed HMAC for uniqueness and lookup)."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import TimeStampedModel
from kechuang.core.predicates import is_leader, is_office, is_unit_member
from kechuang.core.scoping import VIEW, ScopedManager

from ..validators import mask_id, mask_phone

JURISDICTION_KINDS = ("town", "street", "zone")
MONEY = {"max_digits": 16, "decimal_places": 2}


@functools.cache
def _initial(char: str) -> str:
    # Lazy: pypinyin's dictionaries take ~56 MB per process; only processes that write registry names load them.
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(char, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))[0]


def pinyin_initials(text: str) -> str:
    """Lowercase pinyin initials of Chinese characters (other characters kept), e.g. 华中科技 → hzkj.

    Character by character (cached), so bulk imports stay fast; a polyphonic character takes its
    most common reading."""
    if not text:
        return ""
    return "".join(map(_initial, text)).lower().replace(" ", "")[:100]


# --------------------------------------------------------------------------------------- PII


def _fernet():
    key = hashlib.sha256(("fernet:" + settings.PII_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_pii(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt_pii(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""


def pii_hash(value: str) -> str | None:
    if not value:
        return None
    return hmac.new(("hmac:" + settings.PII_KEY).encode(), value.encode(), hashlib.sha256).hexdigest()


# ----------------------------------------------------------------------------------- base


class RegistryModel(TimeStampedModel):
    """Common behaviour: scoping, pinyin initials for search, URLs."""

    initials = models.CharField(_("拼音首字母"), max_length=100, blank=True, default="", db_index=True, editable=False)

    objects = ScopedManager()

    # Lookup from this model to the Unit whose jurisdiction it belongs to (None: not linked).
    town_lookup: str | None = "enterprise__town"
    # Rows not linked to a town that town users may still read (reference pools).
    town_reads_all = False
    initials_source = "name"
    registry_key = ""

    class Meta:
        abstract = True

    @classmethod
    def scope_rule(cls, user, action):
        if is_office(user):
            return True
        if action == VIEW and is_leader(user):
            return True
        if not is_unit_member(user):
            return False
        if user.unit.kind in JURISDICTION_KINDS:
            if cls.town_lookup is None:
                return action == VIEW and cls.town_reads_all
            return Q(**{cls.town_lookup: user.unit_id})
        # Departments read every registry row and change none.
        return action == VIEW

    def fill_initials(self) -> None:
        self.initials = pinyin_initials(str(getattr(self, self.initials_source, "") or ""))

    def save(self, *args, **kwargs):
        self.fill_initials()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("registry:detail", kwargs={"registry": self.registry_key, "pk": self.pk})


class PiiMixin(models.Model):
    """Masked display helpers shared by Talent and Expert."""

    class Meta:
        abstract = True

    @property
    def id_number(self) -> str:
        return decrypt_pii(getattr(self, "id_number_enc", ""))

    @property
    def phone(self) -> str:
        return decrypt_pii(self.phone_enc)

    def set_phone(self, value: str) -> None:
        self.phone_enc = encrypt_pii(value)
        self.phone_hash = pii_hash(value)

    @property
    def id_number_masked(self) -> str:
        return mask_id(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)
