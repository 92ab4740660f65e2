"""Typed errors of the memtrace client."""

import json
from typing import Any, Optional


class MemtraceError(Exception):
    """Any failure of a memtrace call; ``status_code`` is 0 for network failures and timeouts."""

    def __init__(
        self, message: str, status_code: int, code: Optional[str] = None, body: Any = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.code = code
        self.body = body


class ValidationError(MemtraceError):
    """400: the request was invalid; the message starts with the field's name."""


class AuthenticationError(MemtraceError):
    """401: the API key is missing, unknown or revoked."""


class PermissionError(MemtraceError):  # noqa: A001 - the name matches the TypeScript SDK
    """403: the key lacks the permission the call needs."""


class NotFoundError(MemtraceError):
    """404: no such memory, session, agent or key in the key's org."""


class ConflictError(MemtraceError):
    """409: a duplicate memory (``memory_id`` is the stored one), a taken name, the last admin key."""

    def __init__(
        self, message: str, status_code: int, code: Optional[str] = None, body: Any = None
    ) -> None:
        super().__init__(message, status_code, code, body)
        memory_id = body.get("memory_id") if isinstance(body, dict) else None
        self.memory_id: Optional[str] = memory_id if isinstance(memory_id, str) else None


class RateLimitError(MemtraceError):
    """429: too many requests."""


class UnavailableError(MemtraceError):
    """503: the service or its storage is unavailable; retrying later may succeed."""


_BY_STATUS = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
    503: UnavailableError,
}


def error_from_response(status: int, text: str) -> MemtraceError:
    """The typed error for an HTTP error response (message from the body's ``message``)."""
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    fields = body if isinstance(body, dict) else {}
    error = fields.get("error")
    message = fields.get("message")
    code = error if isinstance(error, str) and isinstance(message, str) else None
    if isinstance(message, str) and message:
        text_message = message
    elif isinstance(error, str) and error:
        text_message = error
    elif text.strip():
        text_message = text.strip()
    else:
        text_message = f"HTTP {status}"
    cls = _BY_STATUS.get(status, MemtraceError)
    return cls(text_message, status, code, body)
