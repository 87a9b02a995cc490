from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "kechuang.bulletins"
    verbose_name = "通报"
