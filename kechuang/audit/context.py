"""The current request's user, IP and user agent, for code that writes audit rows."""

from contextvars import ContextVar

current_request: ContextVar = ContextVar("kechuang_current_request", default=None)
