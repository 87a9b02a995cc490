"""PostgreSQL for the test suite only (kechuang.settings_test): the flush that ends each transactional test
deletes rows instead of truncating every table. TRUNCATE replaces each table's files and costs ~5 s for ~260
tables; DELETE on the few rows a test leaves takes milliseconds. Django's foreign keys on PostgreSQL are
DEFERRABLE INITIALLY DEFERRED and the flush runs in one transaction, so the order of the deletes does not matter."""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:
            return super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
