"""三员分立 and role administration."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.accounts.models import Role, User, UserRole
from kechuang.accounts.services import grant_role, revoke_role
from kechuang.audit.models import AuditEvent


@pytest.mark.django_db
@pytest.mark.parametrize("first,second", [("sysadmin", "secadmin"), ("secadmin", "auditor"), ("auditor", "sysadmin")])
def test_no_account_may_hold_two_of_the_three_admin_roles(personas, first, second):
    from kechuang.accounts.testing import make_user

    user = personas[first]
    # A second security administrator acts, so the refusal is the 三员分立 rule, not the no-self-grant rule.
    actor = make_user("secadmin2", None, [Role.SECADMIN])
    with pytest.raises(ValidationError, match="三员分立"):
        grant_role(user, second, by=actor)
    assert set(user.role_assignments.values_list("role", flat=True)) == {first}


@pytest.mark.django_db
def test_only_the_security_administrator_grants_roles_and_each_grant_is_audited(personas):
    town = personas["town"]
    for name in ("sysadmin", "office", "auditor"):
        with pytest.raises(PermissionDenied):
            grant_role(town, Role.REVIEWER, by=personas[name])
    grant_role(town, Role.REVIEWER, by=personas["secadmin"])
    assert User.objects.get(pk=town.pk).has_role(Role.REVIEWER)
    event = AuditEvent.objects.get(action="role.grant")
    assert event.username == "secadmin" and event.detail == {"role": "reviewer"}
    revoke_role(town, Role.REVIEWER, by=personas["secadmin"])
    assert not UserRole.objects.filter(user=town, role=Role.REVIEWER).exists()
    assert AuditEvent.objects.filter(action="role.revoke").count() == 1


# On the whole `kechuang demo` (every app's demo data, as `make run` loads it; shared, see conftest.demo_data).
@pytest.mark.django_db
def test_no_persona_is_a_superuser_and_the_demo_creates_none(demo_data, personas):
    assert not User.objects.filter(is_superuser=True).exists()
    for user in User.objects.all():
        admin_roles = user.roles & {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}
        assert len(admin_roles) <= 1, user


@pytest.mark.django_db
def test_admin_site_follows_roles_not_is_staff(client_for):
    assert client_for("office").get("/admin/plans/indicator/").status_code == 200
    assert client_for("sysadmin").get("/admin/accounts/user/").status_code == 200
    # The system administrator cannot grant roles or read the audit log in the admin either.
    assert client_for("sysadmin").get("/admin/accounts/userrole/").status_code == 403
    assert client_for("sysadmin").get("/admin/audit/auditevent/").status_code == 403
    assert client_for("secadmin").get("/admin/audit/auditevent/").status_code == 403
    assert client_for("office").get("/admin/accounts/user/").status_code == 403
    assert client_for("town").get("/admin/").status_code == 302


@pytest.mark.django_db
def test_weak_passwords_are_rejected(plan):
    from django.contrib.auth.password_validation import validate_password

    for weak in ("short1A", "alllowercaseletters", "12345678901", "Password"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Kc-Strong-2022")
