"""Password hashing (argon2) and signed access tokens (JWT, HS256)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_ALGORITHM = "HS256"
# Verifying against this keeps sign-in time the same whether or not the handle exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError, UnicodeEncodeError):
        # A password with a lone surrogate cannot be anyone's (registration refuses them).
        return False


def issue_token(secret: str, user_id: int, ttl_seconds: int) -> str:
    now = int(time.time())
    payload = {"sub": str(user_id), "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(payload, secret, algorithm=_ALGORITHM)


@dataclass(frozen=True)
class Credentials:
    """What a valid token says: whose it is and until when. The account itself is read afresh
    for every operation; only these two facts are kept for a connection's lifetime."""

    user_id: int
    expires_at: float  # seconds since the epoch

    def expired(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) >= self.expires_at

    def seconds_left(self, now: float | None = None) -> float:
        return self.expires_at - (time.time() if now is None else now)


def read_credentials(secret: str, token: str) -> Credentials | None:
    """The credentials of a valid token, or None for a bad, expired or forged token."""
    try:
        payload = jwt.decode(
            token, secret, algorithms=[_ALGORITHM], options={"require": ["sub", "exp"]}
        )
        user_id = int(payload["sub"])
        expires_at = float(payload["exp"])
    except (jwt.PyJWTError, ValueError, TypeError, OverflowError):
        return None
    if not 0 < user_id < 2**31:
        return None
    return Credentials(user_id, expires_at)


def read_token(secret: str, token: str) -> int | None:
    """The user id a valid token names, or None for a bad, expired or forged token."""
    credentials = read_credentials(secret, token)
    return credentials.user_id if credentials else None
