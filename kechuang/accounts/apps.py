from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kechuang.accounts"
    verbose_name = "账号与角色"

    def ready(self):
        from . import checks  # noqa: F401  (registers the production security check)
