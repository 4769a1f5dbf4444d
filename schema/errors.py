"""Errors that are part of a mutation's result, and the handlers that produce them.

Every error type implements `Error`, so a client can always fall back to `... on Error`.
A handler applies only to mutations whose result union lists its error type; anything else
(not signed in, forbidden, unexpected) stays a top-level error.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

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


class ValidationHandler(strawberry.ExceptionHandler[domain.InvalidInput, ValidationError]):
    def handle(self, exception: domain.InvalidInput, **_: Any) -> ValidationError:
        return ValidationError(
            message=exception.message, code=ErrorCode.INVALID_INPUT, field=exception.field
        )


class NotFoundHandler(strawberry.ExceptionHandler[domain.NotFound, NotFoundError]):
    def handle(self, exception: domain.NotFound, **_: Any) -> NotFoundError:
        return NotFoundError(message=exception.message, code=ErrorCode.NOT_FOUND)


class ConflictHandler(strawberry.ExceptionHandler[domain.Conflict, ConflictError]):
    def handle(self, exception: domain.Conflict, **_: Any) -> ConflictError:
        return ConflictError(message=exception.message, code=ErrorCode.CONFLICT)


class InvalidCredentialsHandler(
    strawberry.ExceptionHandler[domain.InvalidCredentials, InvalidCredentialsError]
):
    def handle(self, exception: domain.InvalidCredentials, **_: Any) -> InvalidCredentialsError:
        return InvalidCredentialsError(
            message=exception.message, code=ErrorCode.INVALID_CREDENTIALS
        )


class RateLimitedHandler(strawberry.ExceptionHandler[domain.RateLimited, RateLimitedError]):
    def handle(self, exception: domain.RateLimited, **_: Any) -> RateLimitedError:
        return RateLimitedError(
            message=exception.message,
            code=ErrorCode.RATE_LIMITED,
            retry_after_seconds=exception.retry_after_seconds,
        )


class ContentRejectedHandler(
    strawberry.ExceptionHandler[domain.ContentRejected, ContentRejectedError]
):
    def handle(self, exception: domain.ContentRejected, **_: Any) -> ContentRejectedError:
        return ContentRejectedError(
            message=exception.message,
            code=ErrorCode.CONTENT_REJECTED,
            reasons=exception.reasons,
            field=exception.field,
        )


EXCEPTION_HANDLERS = (
    ValidationHandler(),
    NotFoundHandler(),
    ConflictHandler(),
    InvalidCredentialsHandler(),
    RateLimitedHandler(),
    ContentRejectedHandler(),
)
ERROR_TYPES = (
    ValidationError,
    NotFoundError,
    ConflictError,
    InvalidCredentialsError,
    RateLimitedError,
    ContentRejectedError,
)
