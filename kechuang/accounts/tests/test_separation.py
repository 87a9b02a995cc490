"""三员分立 enforced in code: the escalation paths a security probe found (admin form fields, roles through the
admin, passwords set for others, self-grants, business roles for administrators) are closed and every change of
role, password, activation and token is an audit event."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from kechuang.accounts.checks import no_superuser_in_production
from kechuang.accounts.models import Role, User, UserRole
from kechuang.accounts.services import grant_role, issue_password_reset
from kechuang.accounts.testing import make_user
from kechuang.audit.models import AuditEvent
from kechuang.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Neu-Passw0rd!2022"


def test_the_admin_user_form_offers_no_superuser_staff_group_or_permission_field(personas, client_for):
    target = personas["talent"]
    page = client_for("sysadmin").get(f"/admin/accounts/user/{target.pk}/change/")
    assert page.status_code == 200
    names = set(re.findall(r'name="([a-z_]+)"', page.content.decode()))
    assert {"display_name", "unit", "is_active"} <= names
    assert not names & {"is_superuser", "is_staff", "groups", "user_permissions", "password"}


def test_posting_is_superuser_through_the_admin_changes_nothing(personas, client_for):
    me = personas["sysadmin"]
    client_for("sysadmin").post(f"/admin/accounts/user/{me.pk}/change/", {
        "username": "sysadmin", "display_name": "x", "is_active": "on", "is_superuser": "on", "is_staff": "on"})
    me.refresh_from_db()
    assert not me.is_superuser and not me.is_staff


def test_roles_cannot_be_added_or_changed_in_the_admin(personas, client_for):
    for name in ("sysadmin", "secadmin"):
        c = client_for(name)
        assert c.get("/admin/accounts/userrole/add/").status_code == 403
        c.post("/admin/accounts/userrole/add/", {"user": personas[name].pk, "role": "pii_viewer"})
    assert not UserRole.objects.filter(role__in=["pii_viewer", "office"], user__username__in=["sysadmin",
                                                                                              "secadmin"]).exists()


def test_nobody_sets_another_persons_password_in_the_admin(personas, client_for):
    target = personas["talent"]
    c = client_for("sysadmin")
    assert c.get(f"/admin/accounts/user/{target.pk}/password/").status_code in (302, 404)
    c.post(f"/admin/accounts/user/{target.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


def test_accounts_with_audit_events_are_deactivated_not_deleted(personas, client_for):
    target = personas["town"]
    assert client_for("sysadmin").post(f"/admin/accounts/user/{target.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=target.pk).exists()


@pytest.mark.parametrize("role", [Role.PII_VIEWER, Role.OFFICE, Role.REVIEWER])
def test_the_security_administrator_cannot_grant_itself_a_role(personas, client_for, role):
    me = personas["secadmin"]
    with pytest.raises(PermissionDenied, match="本人"):
        grant_role(me, role, by=me)
    client_for("secadmin").post(f"/accounts/users/{me.pk}/roles/", {"role": role, "action": "grant"})
    assert User.objects.get(pk=me.pk).roles == {Role.SECADMIN}
    assert not AuditEvent.objects.filter(action="role.grant").exists()


@pytest.mark.parametrize("admin_role", ["sysadmin", "secadmin", "auditor"])
def test_an_administrator_never_holds_a_business_role(personas, admin_role):
    actor = make_user("secadmin2", None, [Role.SECADMIN])
    for role in (Role.OFFICE, Role.PII_VIEWER, Role.LEADER):
        with pytest.raises(ValidationError, match="业务角色"):
            grant_role(personas[admin_role], role, by=actor)
    with pytest.raises(ValidationError, match="业务角色"):
        grant_role(personas["talent"], admin_role, by=actor)


def test_a_reset_link_lets_the_holder_choose_the_password_and_is_audited(personas, client_for):
    target = personas["talent"]
    page = client_for("sysadmin").post(f"/accounts/users/{target.pk}/reset-link/")
    assert page.status_code == 200
    link = re.search(r'value="(http[^"]+/accounts/reset/[^"]+)"', page.content.decode()).group(1)
    target.refresh_from_db()
    assert not target.has_usable_password() and target.must_change_password
    assert not target.check_password(PASSWORD)
    anonymous = Client()
    form = anonymous.get(link, follow=True)
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else link
    done = anonymous.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD) and not target.must_change_password
    assert anonymous.get(link, follow=True).context["validlink"] is False  # one use only
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "username"))
    assert ("password.reset_issued", "sysadmin") in actions and ("password.reset", "talent") in actions


def test_after_a_reset_the_next_sign_in_must_change_the_password(personas):
    target = personas["town"]
    issue_password_reset(target, by=personas["sysadmin"])
    target.set_password(PASSWORD)  # e.g. restored from a backup: the flag still forces a change
    target.save()
    c = Client()
    c.force_login(target)
    assert c.get("/").url == "/accounts/password/"
    c.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                   "new_password2": NEW_PASSWORD})
    assert c.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="password.change", username="town").exists()


def test_the_system_administrator_cannot_reset_its_own_password_by_link(personas):
    with pytest.raises(PermissionDenied):
        issue_password_reset(personas["sysadmin"], by=personas["sysadmin"])
    with pytest.raises(PermissionDenied):
        issue_password_reset(personas["town"], by=personas["secadmin"])


def test_activation_changes_are_audited(personas, client_for):
    target = personas["town_b"]
    client_for("sysadmin").post(f"/accounts/users/{target.pk}/active/", {"active": "0"})
    target.refresh_from_db()
    assert not target.is_active
    assert AuditEvent.objects.filter(action="account.deactivate", username="sysadmin",
                                     object_id=str(target.pk)).exists()


def test_check_security_passes_on_the_personas_and_fails_on_a_superuser(personas):
    call_command("check-security")
    User.objects.filter(pk=personas["office"].pk).update(is_superuser=True)
    with pytest.raises(CommandError, match="超级用户"):
        call_command("check-security")
    with override_settings(DEBUG=False):
        errors = no_superuser_in_production(None)
    assert [e.id for e in errors] == ["kechuang.E001"]
