"""Domain exceptions: what a use case reports when it cannot do what was asked.

    DomainError
     ├── InvalidInput         bad input; names the field      → ValidationError in a result union
     ├── NotFound             no such object, or not visible  → NotFoundError
     ├── Conflict             clashes with existing state     → ConflictError
     ├── InvalidCredentials   wrong handle or password        → InvalidCredentialsError
     ├── RateLimited          too many writes; retry later    → RateLimitedError
     ├── ContentRejected      a screening rule blocks the text → ContentRejectedError
     ├── NotEligible          not for the caller, now         → NotEligibleError (reason …)
     ├── InsufficientPoints   a balance would go below zero   → InsufficientPointsError
     ├── NotAuthenticated     no valid token                  → top-level error UNAUTHENTICATED
     ├── Forbidden            signed in, but not allowed      → top-level error FORBIDDEN
     │    ├── AccountSuspended  a running sanction forbids it (reason ACCOUNT_…)
     │    └── SessionEnded      a socket's token expired or account was sanctioned (4403)
     ├── QueryTooCostly       the operation asks for too much → top-level QUERY_TOO_COSTLY
     ├── BudgetExhausted      the caller's cost budget is spent → top-level RATE_LIMITED
     └── ServiceUnavailable   a service a read needs is away  → top-level error SERVICE_UNAVAILABLE

The top-level ones carry `extensions` so GraphQL reports their code; the others are turned
into the mutation's own result type by the schema's exception handlers.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


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


class NotEligibleReason(StrEnum):
    """Why a programme, a group or an invitation does not take the caller now."""

    PROGRAM_CLOSED = "PROGRAM_CLOSED"
    IDENTITY_NOT_ELIGIBLE = "IDENTITY_NOT_ELIGIBLE"
    NO_SEATS = "NO_SEATS"
    # The group has as many members as its limit allows.
    GROUP_FULL = "GROUP_FULL"
    # An invite-only group takes members by invitation (or invite link) alone.
    INVITATION_REQUIRED = "INVITATION_REQUIRED"
    # The group's staff removed the caller and barred them from rejoining.
    BANNED_FROM_GROUP = "BANNED_FROM_GROUP"
    INVITE_EXPIRED = "INVITE_EXPIRED"
    INVITE_USED_UP = "INVITE_USED_UP"
    INVITE_REVOKED = "INVITE_REVOKED"
    # A group applying for certification has fewer members than the minimum.
    TOO_FEW_MEMBERS = "TOO_FEW_MEMBERS"
    # An event's signup has not opened yet, or has closed (or the event is cancelled or over).
    SIGNUP_NOT_OPEN = "SIGNUP_NOT_OPEN"
    SIGNUP_CLOSED = "SIGNUP_CLOSED"
    # The caller's contribution is below what the event (or the vote) asks for.
    CONTRIBUTION_TOO_LOW = "CONTRIBUTION_TOO_LOW"
    ALREADY_SIGNED_UP = "ALREADY_SIGNED_UP"
    # The poll has closed; the caller voted already; the account is too new for the vote.
    POLL_CLOSED = "POLL_CLOSED"
    ALREADY_VOTED = "ALREADY_VOTED"
    ACCOUNT_TOO_NEW = "ACCOUNT_TOO_NEW"
    # Persona accounts speak for the company and take no part in community votes.
    PERSONA_ACCOUNT = "PERSONA_ACCOUNT"
    # A group's poll takes votes from the group's members alone.
    NOT_A_MEMBER = "NOT_A_MEMBER"
    # The caller rated this already (within the period, or this event).
    ALREADY_RATED = "ALREADY_RATED"
    # Only those who attended an event rate it.
    NOT_ATTENDED = "NOT_ATTENDED"


class NotEligible(DomainError):
    """The caller does not qualify for this now, for a reason they can act on or wait out: a
    closed KOC programme, a full group, an expired invite link, and so on."""

    code = "NOT_ELIGIBLE"

    def __init__(self, message: str, reason: NotEligibleReason) -> None:
        super().__init__(message)
        self.reason = reason


class InsufficientPoints(DomainError):
    """A spend or a correction would take a points balance below zero; nothing was charged."""

    code = "INSUFFICIENT_POINTS"

    def __init__(self, balance: int) -> None:
        super().__init__(f"Not enough points: the balance is {balance}.")
        self.balance = balance


class NotAuthenticated(DomainError):
    code = "UNAUTHENTICATED"

    def __init__(self, message: str = "Sign in to do this.") -> None:
        super().__init__(message)


class Forbidden(DomainError):
    code = "FORBIDDEN"

    def __init__(self, message: str = "You are not allowed to do this.") -> None:
        super().__init__(message)


class AccountSuspended(Forbidden):
    """A running sanction forbids this: a suspended or banned account cannot write, and a
    silenced (or worse) one cannot use staff or group-admin powers."""

    def __init__(
        self, until: datetime | None, *, banned: bool = False, silenced: bool = False
    ) -> None:
        when = f" until {until.isoformat()}" if until else ""
        if banned:
            message = "Your account is banned; you cannot write."
        elif silenced:
            message = f"Your account is silenced{when}; your moderation powers wait until then."
        else:
            message = f"Your account is suspended{when}; you cannot write."
        super().__init__(message)
        self.until = until
        self.banned = banned
        self.silenced = silenced

    @property
    def reason(self) -> str:
        if self.banned:
            return "ACCOUNT_BANNED"
        return "ACCOUNT_SILENCED" if self.silenced else "ACCOUNT_SUSPENDED"

    @property
    def extensions(self) -> dict[str, object]:
        return {
            "code": self.code,
            "reason": self.reason,
            "until": self.until.isoformat() if self.until else None,
        }


class SessionEnded(Forbidden):
    """A WebSocket connection's token expired, or its account was banned, suspended or
    deleted while it was open: the connection is closed with 4403."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason

    @property
    def extensions(self) -> dict[str, object]:
        return {"code": self.code, "reason": self.reason}


class QueryTooCostly(DomainError):
    """An operation would read more than the per-operation cost limit allows."""

    code = "QUERY_TOO_COSTLY"

    def __init__(self, cost: int, limit: int) -> None:
        super().__init__(
            f"This operation would cost {cost}, more than the limit of {limit}: ask for fewer "
            "items per page or fewer nested lists."
        )
        self.cost = cost
        self.limit = limit

    @property
    def extensions(self) -> dict[str, object]:
        return {"code": self.code, "cost": self.cost, "limit": self.limit}


class BudgetExhausted(DomainError):
    """The caller spent its query-cost budget for now: a top-level error with the wait."""

    code = "RATE_LIMITED"

    def __init__(self, retry_after_seconds: float, cost: int, budget: int) -> None:
        super().__init__(
            f"Too much asked in a short time; try again in {max(1, round(retry_after_seconds))} "
            "seconds."
        )
        self.retry_after_seconds = retry_after_seconds
        self.cost = cost
        self.budget = budget

    @property
    def extensions(self) -> dict[str, object]:
        return {
            "code": self.code,
            "reason": "QUERY_COST_BUDGET",
            "retryAfterSeconds": round(self.retry_after_seconds, 1),
            "cost": self.cost,
            "budgetPerMinute": self.budget,
        }


class ServiceUnavailable(DomainError):
    """A read that needs a service (search) while it is unreachable. Writes never raise it."""

    code = "SERVICE_UNAVAILABLE"
