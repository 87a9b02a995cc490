"""The audit log: logins, failures, lockout; append-only at the model and database level."""

import datetime as dt
import time

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from kechuang.audit.models import AuditEvent
from kechuang.core.testing import PASSWORD


@pytest.mark.django_db
def test_login_success_failure_and_logout_are_logged_with_the_source_address(personas):
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.post("/login/", {"username": "town", "password": "wrong-password"})
    client.post("/login/", {"username": "town", "password": PASSWORD})
    client.post("/logout/")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "result", "username", "ip"))
    assert actions == [
        ("auth.login_failed", "failure", "town", "10.1.2.3"),
        ("auth.login", "success", "town", "10.1.2.3"),
        ("auth.logout", "success", "town", "10.1.2.3"),
    ]


@pytest.mark.django_db
def test_five_failures_lock_the_username_at_that_address_and_the_right_password_no_longer_works(personas):
    client = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(5):
        client.post("/login/", {"username": "dept", "password": "wrong-password"})
    response = client.post("/login/", {"username": "dept", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another user at the same address is not locked out (lockout is per username and IP).
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.post("/login/", {"username": "town", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_the_audit_log_cannot_be_changed_or_deleted(personas):
    Client(REMOTE_ADDR="10.0.0.1").post("/login/", {"username": "town", "password": PASSWORD})
    event = AuditEvent.objects.get(action="auth.login")
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    # Even a raw statement through the application's connection is refused by the database.
    for sql in ("UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == "auth.login"


@pytest.mark.django_db
def test_the_auditor_filters_the_log_and_others_cannot_read_it(client_for, personas):
    Client(REMOTE_ADDR="10.0.0.2").post("/login/", {"username": "town", "password": "bad-password"})
    auditor = client_for("auditor")
    page = auditor.get("/audit/?result=failure").content.decode()
    assert "auth.login_failed" in page
    assert "auth.login_failed" not in auditor.get("/audit/?action=role.").content.decode()
    for name in ("office", "sysadmin", "secadmin", "leader"):
        assert client_for(name).get("/audit/").status_code == 404


@pytest.mark.django_db
def test_sessions_expire_after_thirty_idle_minutes_and_requests_renew_them_at_most_once_a_minute(client_for,
                                                                                                 personas):
    from django.conf import settings
    from django.contrib.sessions.models import Session

    assert settings.SESSION_COOKIE_AGE == 1800 and not settings.SESSION_SAVE_EVERY_REQUEST
    client = client_for("office")
    client.get("/")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    session = client.session
    session["_kc_renewed"] = int(time.time())  # renewed just now: the next page writes nothing
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(seconds=1000))
    stored = Session.objects.get(session_key=key).expire_date
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date == stored
    session = client.session
    session["_kc_renewed"] = int(time.time()) - settings.KECHUANG_SESSION_RENEW_SECONDS  # a minute ago
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(seconds=1000))
    client.get("/")
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + dt.timedelta(seconds=1790)
