"""Asking the declared permissions (each app's ``rules.py``) from a view, answering as the views always have.

A user who may not do an action gets 404, as for an object outside their scope (``core.scoping``): a page
never hints that something exists which the user may not reach.
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404


def check_perm(user, perm: str, obj=None) -> None:
    """Raise Http404 unless ``user`` has ``perm`` (on ``obj``)."""
    if not user.has_perm(perm, obj):
        raise Http404


def perm_required(perm: str):
    """View decorator: 404 unless the signed-in user has ``perm`` (an action that needs no object)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            check_perm(request.user, perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
