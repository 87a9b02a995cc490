"""What a user may see or change: one queryset method that every view, export and API calls.

Each scoped model declares ``scope_rule(user, action)`` (a classmethod) returning a ``Q`` object,
``True`` (everything) or ``False`` (nothing). ``restrict`` applies it, so a list, a detail page,
an export and an API endpoint cannot disagree about what a user may see. Objects outside the
scope are simply not found: detail views answer 404, never 403-with-a-hint.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.http import Http404

from kechuang.core.predicates import is_office, is_unit_member, sees_everything
from kechuang.core.roles import Role

VIEW = "view"
CHANGE = "change"


def restrict(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    """Filter ``queryset`` to what ``user`` may ``action``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    rule = getattr(queryset.model, "scope_rule", None)
    if rule is None:
        raise ImproperlyConfigured(f"{queryset.model.__name__} declares no scope_rule")
    decision = rule(user, action)
    if decision is True:
        return queryset
    if decision is False or decision is None:
        return queryset.none()
    if isinstance(decision, Q):
        # Rules express to-many conditions as ``pk__in`` subqueries, so no row is duplicated.
        return queryset.filter(decision)
    raise ImproperlyConfigured(f"{queryset.model.__name__}.scope_rule returned {decision!r}")


def restrict_or_404(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    """Like ``restrict``, but a user whose roles never reach this kind of object gets 404 for the
    whole list instead of an empty page."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise Http404
    decision = queryset.model.scope_rule(user, action)
    if decision is False or decision is None:
        raise Http404
    return restrict(queryset, user, action)


def get_for_user(queryset: models.QuerySet, user, action: str = VIEW, **lookup):
    """The one object matching ``lookup`` within the user's scope, or 404."""
    try:
        return restrict(queryset, user, action).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc
    except queryset.model.MultipleObjectsReturned as exc:  # pragma: no cover - lookups are unique
        raise Http404 from exc


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        return restrict(self, user, action)


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def plan_work_rule(user, action, unit_rule=None, *, leader_rule=True, unit_change_rule=None):
    """The common shape of a plan-work scope, shared by every app's ``scope_rule`` of plan work: the office
    does everything; leaders read everything (or what ``leader_rule`` gives); a unit's reporters and reviewers
    read what ``unit_rule(user)`` gives (nothing without one) and change only what ``unit_change_rule(user)``
    gives (nothing without one); nobody else sees anything."""
    if is_office(user):
        return True
    if action == CHANGE:
        return unit_change_rule(user) if unit_change_rule is not None and is_unit_member(user) else False
    if sees_everything(user):
        return leader_rule
    if unit_rule is not None and is_unit_member(user):
        return unit_rule(user)
    return False


def unit_member_roles():
    return (Role.REPORTER, Role.REVIEWER)
