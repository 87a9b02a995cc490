"""The unread-notice count shown on the bell in the top bar of every page."""

from .services import unread_count


def unread_notices(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": unread_count(user)}
