"""Who is asking: the credentials and account named by a request's `Authorization: Bearer`
token, or by a WebSocket's `connection_init` token."""

from __future__ import annotations

from server.models import User
from server.security import Credentials, read_credentials
from server.settings import Settings


class InvalidToken(Exception):
    """A token was sent but is forged, expired, or names an account that no longer exists."""


EXPIRED = "The token is invalid or has expired; sign in again."


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("Send the token as 'Authorization: Bearer <token>'.")
    return token.strip()


def credentials_for_token(settings: Settings, token: str) -> Credentials:
    """What a token says; InvalidToken for a forged or expired one."""
    credentials = read_credentials(settings.secret_key, token)
    if credentials is None:
        raise InvalidToken(EXPIRED)
    return credentials


async def viewer_for_token(settings: Settings, token: str) -> tuple[Credentials, User]:
    """The credentials and account of a token; InvalidToken for a forged, expired or orphaned
    one."""
    credentials = credentials_for_token(settings, token)
    user = await User.get_or_none(id=credentials.user_id)
    if user is None:
        raise InvalidToken(EXPIRED)
    return credentials, user


async def viewer_for_request(
    settings: Settings, authorization: str | None
) -> tuple[Credentials, User] | None:
    """The credentials and account an `Authorization: Bearer` header names; None without one."""
    token = bearer_token(authorization)
    return await viewer_for_token(settings, token) if token is not None else None
