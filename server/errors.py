"""Domain exceptions: what a use case reports when it cannot do what was asked.

    DomainError
     ├── InvalidInput         bad input; names the field      → ValidationError in a result union
     ├── NotFound             no such object, or not visible  → NotFoundError
     ├── Conflict             clashes with existing state     → ConflictError
     ├── InvalidCredentials   wrong handle or password        → InvalidCredentialsError
     ├── RateLimited          too many writes; retry later    → RateLimitedError
     ├── ContentRejected      a screening rule blocks the text → ContentRejectedError
     ├── NotAuthenticated     no valid token                  → top-level error UNAUTHENTICATED
     ├── Forbidden            signed in, but not allowed      → top-level error FORBIDDEN
     │    └── AccountSuspended  suspended users cannot write
     └── ServiceUnavailable   a service a read needs is away  → top-level error SERVICE_UNAVAILABLE

The top-level ones carry `extensions` so GraphQL reports their code; the others are turned
into the mutation's own result type by the schema's exception handlers.
"""

from __future__ import annotations

from datetime import datetime


class DomainError(Exception):
    code = "ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def extensions(self) -> dict[str, object]:
        """What GraphQL reports when the error surfaces as a top-level error."""
        return {"code": self.code}


class InvalidInput(DomainError):
    code = "INVALID_INPUT"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    @property
    def extensions(self) -> dict[str, object]:
        return {"code": self.code, "field": self.field}


class NotFound(DomainError):
    code = "NOT_FOUND"


class Conflict(DomainError):
    code = "CONFLICT"


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"

    def __init__(self, message: str = "Wrong handle or password.") -> None:
        super().__init__(message)


class RateLimited(DomainError):
    code = "RATE_LIMITED"

    def __init__(self, message: str, retry_after_seconds: float) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class ContentRejected(DomainError):
    """A screening rule blocks what was written; nothing was stored."""

    code = "CONTENT_REJECTED"

    def __init__(self, message: str, reasons: list[str], field: str | None = None) -> None:
        super().__init__(message)
        self.reasons = reasons
        self.field = field


class NotAuthenticated(DomainError):
    code = "UNAUTHENTICATED"

    def __init__(self, message: str = "Sign in to do this.") -> None:
        super().__init__(message)


class Forbidden(DomainError):
    code = "FORBIDDEN"

    def __init__(self, message: str = "You are not allowed to do this.") -> None:
        super().__init__(message)


class AccountSuspended(Forbidden):
    def __init__(self, until: datetime | None, *, banned: bool = False) -> None:
        when = f" until {until.isoformat()}" if until else ""
        what = "banned" if banned else f"suspended{when}"
        super().__init__(f"Your account is {what}; you cannot write.")
        self.until = until
        self.banned = banned

    @property
    def extensions(self) -> dict[str, object]:
        return {
            "code": self.code,
            "reason": "ACCOUNT_BANNED" if self.banned else "ACCOUNT_SUSPENDED",
            "until": self.until.isoformat() if self.until else None,
        }


class ServiceUnavailable(DomainError):
    """A read that needs a service (search) while it is unreachable. Writes never raise it."""

    code = "SERVICE_UNAVAILABLE"
