"""Errors that are part of a mutation's result, and the handlers that produce them.

Every error type implements `Error`, so a client can always fall back to `... on Error`.
`ERROR_MAPPINGS` maps each leaf domain exception to its error type, one row each; a handler
applies only to mutations whose result union lists its error type. Anything without a row (not
signed in, forbidden, unexpected) stays a top-level error: there is no catch-all.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

import strawberry

from server import errors as domain


@strawberry.enum(description="Machine-readable reason of an error.")
class ErrorCode(Enum):
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    RATE_LIMITED = "RATE_LIMITED"
    CONTENT_REJECTED = "CONTENT_REJECTED"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    INSUFFICIENT_POINTS = "INSUFFICIENT_POINTS"


@strawberry.interface(description="What every error of a mutation result has.")
class Error:
    message: str = strawberry.field(description="A sentence to show the user.")
    code: ErrorCode = strawberry.field(description="The machine-readable reason.")


@strawberry.type(description="The input was not acceptable; nothing was changed.")
class ValidationError(Error):
    field: str | None = strawberry.field(description="The input field at fault, if one is.")


@strawberry.type(description="The object does not exist or is not visible to you.")
class NotFoundError(Error):
    pass


@strawberry.type(description="The change clashes with the current state (a taken handle, say).")
class ConflictError(Error):
    pass


@strawberry.type(description="The handle and password do not match an account.")
class InvalidCredentialsError(Error):
    pass


@strawberry.type(description="Too many writes in a short time; try again later.")
class RateLimitedError(Error):
    retry_after_seconds: float = strawberry.field(description="Seconds to wait before retrying.")


@strawberry.type(description="A screening rule does not allow this text; nothing was stored.")
class ContentRejectedError(Error):
    reasons: list[str] = strawberry.field(description="Why, as the rules name it.")
    field: str | None = strawberry.field(description="The input field at fault, if one is.")


strawberry.enum(
    domain.NotEligibleReason,
    description="PROGRAM_CLOSED: the KOC programme takes no applications now; "
    "IDENTITY_NOT_ELIGIBLE: not for the applicant's identity; NO_SEATS: every seat is taken; "
    "GROUP_FULL: the group has reached its member limit; INVITATION_REQUIRED: the group takes "
    "members by invitation alone; BANNED_FROM_GROUP: its staff barred the caller from "
    "rejoining; INVITE_EXPIRED, INVITE_USED_UP, INVITE_REVOKED: the invite link no longer "
    "admits anyone; TOO_FEW_MEMBERS: the group is below the minimum for certification; "
    "SIGNUP_NOT_OPEN, SIGNUP_CLOSED: the event takes no signups yet, or any more; "
    "CONTRIBUTION_TOO_LOW: the caller's contribution is below what is asked; ALREADY_SIGNED_UP: "
    "the caller holds a signup already; POLL_CLOSED: the poll has closed; ALREADY_VOTED: votes "
    "are final; ACCOUNT_TOO_NEW: the account is younger than contribution-weighted votes ask; "
    "PERSONA_ACCOUNT: persona accounts do not vote; NOT_A_MEMBER: a group's poll is for its "
    "members; ALREADY_RATED: rated already within the "
    "period (or this event); NOT_ATTENDED: only attendees rate an event.",
)


@strawberry.type(
    description="The caller does not qualify for this now (a KOC programme, a group, an invite "
    "link, an event, a vote, a rating); `reason` says why, and nothing was changed."
)
class NotEligibleError(Error):
    reason: domain.NotEligibleReason = strawberry.field(description="Why not.")


@strawberry.type(
    description="The points balance is too small for this; nothing was charged or changed."
)
class InsufficientPointsError(Error):
    balance: int = strawberry.field(description="The balance now.")


E = TypeVar("E", bound=domain.DomainError)
R = TypeVar("R", bound=Error)


class ErrorMapping(strawberry.ExceptionHandler[E, R]):
    """One leaf domain exception and the error type it becomes. Strawberry reads the handled
    exception and the error type from the `exception_type` and `error_type` attributes."""

    def __init__(self, exception_type: type[E], error_type: type[R], build: Callable[[E], R]):
        self.exception_type = exception_type
        self.error_type = error_type
        self.build = build

    def handle(self, exception: E, **_: Any) -> R:
        return self.build(exception)


ERROR_MAPPINGS: tuple[ErrorMapping[Any, Any], ...] = (
    ErrorMapping(
        domain.InvalidInput,
        ValidationError,
        lambda e: ValidationError(message=e.message, code=ErrorCode.INVALID_INPUT, field=e.field),
    ),
    ErrorMapping(
        domain.NotFound,
        NotFoundError,
        lambda e: NotFoundError(message=e.message, code=ErrorCode.NOT_FOUND),
    ),
    ErrorMapping(
        domain.Conflict,
        ConflictError,
        lambda e: ConflictError(message=e.message, code=ErrorCode.CONFLICT),
    ),
    ErrorMapping(
        domain.InvalidCredentials,
        InvalidCredentialsError,
        lambda e: InvalidCredentialsError(message=e.message, code=ErrorCode.INVALID_CREDENTIALS),
    ),
    ErrorMapping(
        domain.RateLimited,
        RateLimitedError,
        lambda e: RateLimitedError(
            message=e.message,
            code=ErrorCode.RATE_LIMITED,
            retry_after_seconds=e.retry_after_seconds,
        ),
    ),
    ErrorMapping(
        domain.ContentRejected,
        ContentRejectedError,
        lambda e: ContentRejectedError(
            message=e.message,
            code=ErrorCode.CONTENT_REJECTED,
            reasons=e.reasons,
            field=e.field,
        ),
    ),
    ErrorMapping(
        domain.NotEligible,
        NotEligibleError,
        lambda e: NotEligibleError(message=e.message, code=ErrorCode.NOT_ELIGIBLE, reason=e.reason),
    ),
    ErrorMapping(
        domain.InsufficientPoints,
        InsufficientPointsError,
        lambda e: InsufficientPointsError(
            message=e.message, code=ErrorCode.INSUFFICIENT_POINTS, balance=e.balance
        ),
    ),
)
ERROR_TYPES = tuple(mapping.error_type for mapping in ERROR_MAPPINGS)
_BY_EXCEPTION = {mapping.exception_type: mapping for mapping in ERROR_MAPPINGS}


def as_error(exception: domain.DomainError) -> Error:
    """A leaf domain exception as its error type, the one a handler would give (for results
    that carry several outcomes, such as a bulk decision). An exception without a mapping is
    raised again: it is a top-level error, never data."""
    mapping = _BY_EXCEPTION.get(type(exception))
    if mapping is None:
        raise exception
    error: Error = mapping.build(exception)
    return error
