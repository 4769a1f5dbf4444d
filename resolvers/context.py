"""The Context every use case takes: who asks, the settings, and this operation's loaders.

One Context serves one operation. Over HTTP a request is one operation; over a WebSocket the
connection keeps a context of its own (its credentials, the socket), and every query, mutation
and subscription sent on it runs with a copy made for it (`for_operation`), whose viewer is read
afresh (see resolvers.sessions). A subscription renews its copy before every event. Nothing a
context caches (the viewer's row, memberships, persona rights, loaders) outlives the operation
or the event it was read for.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, cast

from moderation.services import ModerationServices
from resolvers.accounts import AccountReader
from resolvers.loaders import Loaders
from resolvers.plays import PlayCounter
from search.service import Search
from server.broadcast import Hub
from server.models import EmployeeBadge, PersonaOperator, User
from server.security import Credentials, issue_token
from server.settings import Settings


@dataclass(frozen=True)
class Resources:
    """What a server process opens once, in its lifespan, and every operation uses."""

    settings: Settings
    # Publishes change events after commit and fans them out to subscribers.
    hub: Hub
    # The search indexes, as far as Meilisearch is up (see search.service.Search).
    search: Search
    # Screening rules, rate limits, duplicate detection, throttles and query-cost budgets.
    moderation: ModerationServices
    # Batched reads of viewers for subscription events (one per process).
    accounts: AccountReader
    # Radio plays counted in memory, written in batches by the scheduler and at shutdown.
    plays: PlayCounter


@dataclass
class Context:
    resources: Resources
    viewer: User | None = None
    request: Any = None
    # What a WebSocket client sent in connection_init (Strawberry fills it in).
    connection_params: Any = None
    # Whose token signed this request or connection in, and until when; None: anonymous.
    credentials: Credentials | None = None
    # The caller's network address (limits for anonymous callers, sign-in throttles).
    client_address: str = "-"
    # Closes the caller's WebSocket with 4403; None over HTTP.
    end_session: Callable[[str], Awaitable[None]] | None = None
    # A WebSocket connection's own context: operations run on copies of it.
    is_connection: bool = False
    loaders: Loaders = field(init=False)
    _member_group_ids: asyncio.Future[frozenset[int]] | None = field(
        default=None, init=False, repr=False
    )
    _acts_for: asyncio.Future[frozenset[int]] | None = field(default=None, init=False, repr=False)
    _memo: dict[Hashable, asyncio.Future[Any]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.viewer.id if self.viewer else None)

    @property
    def settings(self) -> Settings:
        return self.resources.settings

    @property
    def hub(self) -> Hub:
        return self.resources.hub

    @property
    def search(self) -> Search:
        return self.resources.search

    @property
    def moderation(self) -> ModerationServices:
        return self.resources.moderation

    @property
    def accounts(self) -> AccountReader:
        return self.resources.accounts

    def for_operation(self, viewer: User | None) -> Context:
        """A fresh context for one operation of this connection, asked by `viewer`."""
        return dataclasses.replace(self, viewer=viewer, is_connection=False)

    async def member_group_ids(self) -> frozenset[int]:
        """The groups the viewer belongs to, read once per operation. The read is shared while
        in flight, so fields resolving concurrently do not each start their own."""
        if self.viewer is None:
            return frozenset()
        if self._member_group_ids is None:
            self._member_group_ids = asyncio.ensure_future(self._read_member_group_ids())
        return await self._member_group_ids

    async def _read_member_group_ids(self) -> frozenset[int]:
        assert self.viewer is not None
        return await self.accounts.member_group_ids(self.viewer.id)

    async def acts_for(self) -> frozenset[int]:
        """The author ids the viewer writes as now: themselves, and the persona accounts they
        operate while they hold an employee badge. Read once per operation."""
        if self.viewer is None:
            return frozenset()
        if self._acts_for is None:
            self._acts_for = asyncio.ensure_future(self._read_acts_for())
        return await self._acts_for

    async def _read_acts_for(self) -> frozenset[int]:
        assert self.viewer is not None
        own = frozenset({self.viewer.id})
        if not await EmployeeBadge.filter(user_id=self.viewer.id).exists():
            return own
        personas = await PersonaOperator.filter(operator_id=self.viewer.id).values_list(
            "persona__user_id", flat=True
        )
        return own | frozenset(cast(list[int], personas))

    async def once(self, key: Hashable, read: Callable[[], Awaitable[Any]]) -> Any:
        """`read()` once per operation for `key`, shared by the fields that ask for it."""
        if key not in self._memo:
            self._memo[key] = asyncio.ensure_future(read())
        return await self._memo[key]

    def token_for(self, user: User) -> str:
        return issue_token(self.settings.secret_key, user.id, self.settings.token_ttl_seconds)

    def renew(self, viewer: User | None) -> None:
        """Start over with `viewer` as read now and empty caches: a subscription does so before
        each event, so the event and the fields resolved for it read fresh rows, and a
        long-lived subscription does not keep every row it ever loaded."""
        self.viewer = viewer
        self.loaders = Loaders(viewer.id if viewer else None)
        self._member_group_ids = None
        self._acts_for = None
        self._memo = {}
