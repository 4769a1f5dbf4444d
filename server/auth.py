"""Who is asking: the viewer named by a request's `Authorization: Bearer` token."""

from __future__ import annotations

from server.models import User
from server.security import read_token
from server.settings import Settings


class InvalidToken(Exception):
    """A token was sent but is forged, expired, or names an account that no longer exists."""


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("Send the token as 'Authorization: Bearer <token>'.")
    return token.strip()


async def viewer_for_token(settings: Settings, token: str) -> User:
    """The user a token names; InvalidToken for a forged, expired or orphaned one."""
    user_id = read_token(settings.secret_key, token)
    user = await User.get_or_none(id=user_id) if user_id is not None else None
    if user is None:
        raise InvalidToken("The token is invalid or has expired; sign in again.")
    return user


async def viewer_for_request(settings: Settings, authorization: str | None) -> User | None:
    """The user an `Authorization: Bearer` header names; None without one."""
    token = bearer_token(authorization)
    return await viewer_for_token(settings, token) if token is not None else None
