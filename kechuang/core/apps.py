from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class CoreConfig(AppConfig):
    name = "kechuang.core"
    verbose_name = "基础"
    default = True

    def ready(self):
        # Lazy, as Django's app loading requires: apps.py is imported before any model; these import models.
        from django_q.signals import post_spawn

        from . import checks, fingerprint  # noqa: F401 - checks: registers the deployment checks
        from .jobs import recover_interrupted

        # Every task worker process that starts (first start, restart, or replacing one that died) fails the jobs
        # whose process is gone, so none stays "running" forever. A module-level function: signals hold weak refs.
        post_spawn.connect(recover_interrupted, dispatch_uid="kechuang-recover-interrupted-jobs")
        # The data fingerprint is read once per GET request (core.fingerprint.RequestMemoMiddleware); a write drops
        # that memo.
        post_save.connect(fingerprint.forget, dispatch_uid="kechuang-fingerprint-save")
        post_delete.connect(fingerprint.forget, dispatch_uid="kechuang-fingerprint-delete")
        # The fingerprint's change triggers, on every source table, (re)made after each migrate (once: the
        # signal is sent per app, the triggers cover all of them).
        post_migrate.connect(fingerprint.install_triggers, sender=self, dispatch_uid="kechuang-fingerprint-triggers")
