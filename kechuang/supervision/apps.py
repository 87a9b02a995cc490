from django.apps import AppConfig


def _ensure_schedules(sender, using="default", **kwargs):
    from django.db.utils import DatabaseError

    from .jobs import ensure_schedules

    try:
        ensure_schedules()
    except DatabaseError:  # django_q's tables not migrated yet (a partial migrate): the next migrate creates it
        pass


class SupervisionConfig(AppConfig):
    name = "kechuang.supervision"
    verbose_name = "督办"

    def ready(self):
        from django.db.models.signals import post_migrate

        # The daily tick becomes a django-q2 schedule as soon as the database is migrated (idempotent).
        post_migrate.connect(_ensure_schedules, sender=self, dispatch_uid="kechuang-ensure-schedules")
