"""Who asks, read afresh: for every operation, and for every event a subscription delivers.

A WebSocket connection is signed in once, at `connection_init`; the account behind it can be
banned, demoted, or leave a group while the socket stays open, and its token can run out. So a
connection keeps only its credentials (whose token, valid until when) and every operation and
every subscription event reads the account again. A connection whose token has expired, or whose
account is gone, banned or suspended, is closed with 4403, ending its subscriptions.

Subscribers woken by one event all read their viewers at once: `resolvers.accounts.AccountReader`
batches those reads across subscribers into one statement per kind.
"""

from __future__ import annotations

from moderation import policies
from resolvers.context import Context
from server.errors import SessionEnded
from server.models import AccountState, User


def session_problem(user: User | None) -> SessionEnded | None:
    """Why a signed-in WebSocket connection may not go on with this account, if it may not."""
    if user is None:
        return SessionEnded("ACCOUNT_GONE", "The account no longer exists; sign in again.")
    if user.state == AccountState.BANNED:
        return SessionEnded("ACCOUNT_BANNED", "Your account is banned.")
    if policies.is_suspended(user):
        return SessionEnded("ACCOUNT_SUSPENDED", "Your account is suspended.")
    return None


async def read_viewer(ctx: Context) -> User | None:
    """The account `ctx`'s credentials name, as it is now; None for anonymous callers.
    Raises SessionEnded, after closing the socket, when a connection may not go on."""
    credentials = ctx.credentials
    if credentials is None:
        return None
    if credentials.expired():
        problem: SessionEnded | None = SessionEnded(
            "TOKEN_EXPIRED", "The token has expired; sign in again."
        )
        user = None
    else:
        reader = ctx.accounts
        user = await (reader.user(credentials.user_id) if reader else _read(credentials.user_id))
        problem = session_problem(user) if ctx.end_session is not None else None
        if user is None and problem is None:
            problem = session_problem(None)
    if problem is not None:
        if ctx.end_session is not None:
            await ctx.end_session(problem.reason)
        raise problem
    return user


async def _read(user_id: int) -> User | None:
    return await User.get_or_none(id=user_id)


async def open_operation(connection: Context) -> Context:
    """The context one operation of a WebSocket connection runs with."""
    return connection.for_operation(await read_viewer(connection))


async def refresh(ctx: Context) -> None:
    """Before a subscription event: read the viewer again and drop every cached row."""
    ctx.renew(await read_viewer(ctx) if ctx.credentials is not None else None)
