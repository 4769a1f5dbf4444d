"""Accounts for the threat model: made directly in the database, in any role and state, with
a token each, so that a test reads as the attack it describes."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from server.models import (
    AccountState,
    PlatformRole,
    User,
)
from server.security import issue_token
from server.settings import Settings
from tests.conftest import Api, started
from tests.helpers import make_account


class Accounts:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.users: dict[str, User] = {}

    async def make(
        self,
        handle: str,
        role: PlatformRole = PlatformRole.USER,
        state: AccountState = AccountState.ACTIVE,
        *,
        days_old: int = 0,
        until_days: int | None = None,
        ttl: int = 3600,
    ) -> str:
        """An account and a token for it."""
        user = await make_account(handle, role, state, days_old=days_old, until_days=until_days)
        self.users[handle] = user
        return self.token(handle, ttl)

    def token(self, handle: str, ttl: int = 3600) -> str:
        return issue_token(self.settings.secret_key, self.users[handle].id, ttl)

    def id(self, handle: str) -> int:
        return self.users[handle].id


@pytest.fixture
def accounts(settings: Settings) -> Accounts:
    return Accounts(settings)


@contextlib.asynccontextmanager
async def from_addresses(app: Any, *addresses: str) -> AsyncIterator[list[Api]]:
    """In-process clients of one app, each calling from its own network address (the key of
    per-address limits)."""
    async with started(app) as served, contextlib.AsyncExitStack() as stack:
        clients = []
        for address in addresses:
            transport = httpx.ASGITransport(app=served, client=(address, 4000))
            client = httpx.AsyncClient(transport=transport, base_url="http://test")
            clients.append(Api(await stack.enter_async_context(client)))
        yield clients


def code(body: dict[str, Any]) -> str | None:
    """The code of a response's first top-level error, if any."""
    errors = body.get("errors") or []
    return errors[0].get("extensions", {}).get("code") if errors else None
