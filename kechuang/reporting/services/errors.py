"""Workflow errors: each carries a Chinese message for the user."""

from __future__ import annotations

TEXT_MAX = 5000


class WorkflowError(Exception):
    """A forbidden transition or edit (Chinese message for the user)."""

    status_code = 409

    def __init__(self, message: str, messages: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.messages = messages or [message]


class NotAllowed(WorkflowError):
    """The user may not do this to this row."""

    status_code = 403


class InvalidData(WorkflowError):
    """The data breaks a validation rule (``messages`` lists every problem)."""

    status_code = 422
