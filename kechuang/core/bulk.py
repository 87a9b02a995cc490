"""Fast bulk writes for generated data (benchmark datasets): COPY on PostgreSQL, ``bulk_create`` elsewhere.

``insert_rows(Model, rows)`` writes plain dicts (attribute names → values; ``created``/``last_updated``
stamped now, every other field omitted takes its model default) without building model instances on
PostgreSQL. No signals, no history rows, no ``save()``: for data generators only, never for user data.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from django.db import connections, router
from django.utils import timezone


def insert_rows(model, rows: Iterable[dict], *, batch_size: int = 5000) -> int:
    """Insert ``rows`` into ``model``'s table; returns how many."""
    db = router.db_for_write(model)
    connection = connections[db]
    if connection.vendor != "postgresql":
        count = 0
        batch = []
        for row in rows:
            batch.append(model(**row))
            if len(batch) == batch_size:
                count += len(model.objects.using(db).bulk_create(batch))
                batch = []
        return count + len(model.objects.using(db).bulk_create(batch))
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default() or f.null or f.empty_strings_allowed:
            defaults[f.attname] = f.get_db_prep_save(f.get_default(), connection)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    names = [f.attname for f in fields]
    count = 0
    connection.ensure_connection()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_plain(row[n]) if n in row else defaults[n] for n in names])
                count += 1
    return count


def _plain(value):
    return value.value if isinstance(value, enum.Enum) else value


def analyze(using: str = "default") -> None:
    """Refresh the planner's statistics after a bulk load (a live database has autovacuum do it; queries right
    after ``bulk_create`` or COPY would otherwise be planned for empty tables). On PostgreSQL, outside a
    transaction, VACUUM too, as autovacuum does after many inserts: until the visibility map is set, an index-only
    scan still reads every heap page it covers."""
    connection = connections[using]
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
