"""The Context every use case takes: who asks, the settings, and this request's loaders."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from resolvers.loaders import Loaders
from search.engine import SearchEngine
from server.broadcast import Hub
from server.models import GroupMembership, User
from server.security import issue_token
from server.settings import Settings

if TYPE_CHECKING:
    from resolvers.screening import ModerationServices


@dataclass
class Context:
    settings: Settings
    viewer: User | None = None
    request: Any = None
    hub: Hub | None = None
    # The search indexes; None when the server runs without search.
    search: SearchEngine | None = None
    # Screening rules, rate limits, duplicates; None: rules read afresh, no limits.
    moderation: ModerationServices | None = None
    # What a WebSocket client sent in connection_init (Strawberry fills it in).
    connection_params: Any = None
    loaders: Loaders = field(init=False)
    _member_group_ids: asyncio.Future[frozenset[int]] | None = field(
        default=None, init=False, repr=False
    )

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.viewer.id if self.viewer else None)

    async def member_group_ids(self) -> frozenset[int]:
        """The groups the viewer belongs to, read once per request. The read is shared while in
        flight, so fields resolving concurrently do not each start their own."""
        if self.viewer is None:
            return frozenset()
        if self._member_group_ids is None:
            self._member_group_ids = asyncio.ensure_future(self._read_member_group_ids())
        return await self._member_group_ids

    async def _read_member_group_ids(self) -> frozenset[int]:
        assert self.viewer is not None
        ids = await GroupMembership.filter(user_id=self.viewer.id).values_list(
            "group_id", flat=True
        )
        return frozenset(cast(list[int], ids))

    def sign_in(self, viewer: User) -> None:
        """Make `viewer` the one asking (a WebSocket connection that sent its token)."""
        self.viewer = viewer
        self.renew()

    def token_for(self, user: User) -> str:
        return issue_token(self.settings.secret_key, user.id, self.settings.token_ttl_seconds)

    def renew(self) -> None:
        """Empty this context's caches: a subscription does so before each event, so the event
        and the fields resolved for it read fresh rows, and a long-lived connection does not
        keep every row it ever loaded."""
        self.loaders = Loaders(self.viewer.id if self.viewer else None)
        self._member_group_ids = None
