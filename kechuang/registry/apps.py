from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "kechuang.registry"
    verbose_name = "科技资源库"
