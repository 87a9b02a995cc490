from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kechuang.core"
    verbose_name = "基础"
    default = True

    def ready(self):
        # Lazy, as Django's app loading requires: apps.py is imported before any model; these import models.
        from django_q.signals import post_spawn

        from . import checks  # noqa: F401 - registers the deployment checks
        from .jobs import recover_interrupted

        # Every task worker process that starts (first start, restart, or replacing one that died) fails the jobs
        # whose process is gone, so none stays "running" forever. A module-level function: signals hold weak refs.
        post_spawn.connect(recover_interrupted, dispatch_uid="kechuang-recover-interrupted-jobs")
