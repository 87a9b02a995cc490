"""Test support: the append-only triggers must step aside while a transactional test's
database is flushed between tests (production never flushes)."""

from django.db import connection

from .migrations import _append_only_sql as sql


def disable_append_only() -> None:
    with connection.cursor() as cursor:
        for statement in sql.disable_statements(connection.vendor):
            cursor.execute(statement)


def enable_append_only() -> None:
    with connection.cursor() as cursor:
        for statement in sql.enable_statements(connection.vendor):
            cursor.execute(statement)
