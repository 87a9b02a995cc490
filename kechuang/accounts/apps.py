from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kechuang.accounts"
    verbose_name = "账号与角色"

    def ready(self):
        # Lazy, as Django's app loading requires (checks import models): registers the production security check.
        from . import checks  # noqa: F401
