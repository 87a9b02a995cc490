"""Settings for the test suite: production settings with a fast password hasher.

Every persona and every user a test creates would otherwise cost a full PBKDF2 hash (~0.3–1.5 s on the CI
machine). The only other difference: static files without the collectstatic manifest. A test checks production
never uses this hasher.
"""

from kechuang.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Pages render {% static %} without a collectstatic manifest (the live server serves from the finders).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# PostgreSQL test databases: the flush after each transactional test deletes rows instead of truncating ~260
# tables (TRUNCATE recreates every table's files: ~5 s per flush), and commits do not wait for the WAL (a test
# database need not survive a power cut). See kechuang/core/testdb.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "kechuang.core.testdb"  # noqa: F405
    DATABASES["default"]["OPTIONS"] = {  # noqa: F405
        **DATABASES["default"]["OPTIONS"],  # noqa: F405
        "options": "-c synchronous_commit=off",
    }

# Jobs run inline in the test process (a dedicated test starts a real worker process).
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
