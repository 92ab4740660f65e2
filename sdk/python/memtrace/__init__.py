"""memtrace: a Python client for the memtrace memory service (standard library only).

    from memtrace import Memtrace
    client = Memtrace("http://localhost:9100", "mtk_...")
    ctx = client.get_session_context("sess_abc123", since="4h", include_types=["episodic"])
    print(ctx["context"])
"""

from .client import Memtrace
from .errors import (
    AuthenticationError,
    ConflictError,
    MemtraceError,
    NotFoundError,
    PermissionError,
    RateLimitError,
    UnavailableError,
    ValidationError,
)

__version__ = "0.3.0"

__all__ = [
    "Memtrace",
    "MemtraceError",
    "ValidationError",
    "AuthenticationError",
    "PermissionError",
    "NotFoundError",
    "ConflictError",
    "RateLimitError",
    "UnavailableError",
]
