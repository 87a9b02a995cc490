from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.db.utils import DatabaseError


def _ensure_schedules(sender, using="default", **kwargs):
    from .jobs import ensure_schedules  # lazy: app loading imports apps.py before any model (jobs reads django_q's)

    try:
        ensure_schedules()
    except DatabaseError:  # django_q's tables not migrated yet (a partial migrate): the next migrate creates it
        pass


class SupervisionConfig(AppConfig):
    name = "kechuang.supervision"
    verbose_name = "督办"

    def ready(self):
        # The daily tick becomes a django-q2 schedule as soon as the database is migrated (idempotent).
        post_migrate.connect(_ensure_schedules, sender=self, dispatch_uid="kechuang-ensure-schedules")
