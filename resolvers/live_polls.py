"""Live polls: a poll on screen, sent again each time a vote or its close changes it.

The stream runs on `resolvers.live.stream_changes`: replay after the cursor, then live
messages, each event loaded afresh with the subscriber's viewer as read for it. The poll is
sent only while the subscriber may see it; its `results` apply the visibility rule for that
subscriber at that moment (a non-voter of an AFTER_VOTE poll gets null until it closes).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from tortoise.expressions import Q

from resolvers.context import Context
from resolvers.live import Delivery, stream_changes
from resolvers.polls import require_poll, visible_poll
from server import topics
from server.models import ChangeEvent, ChangeKind, Poll


async def poll_updates(
    ctx: Context, poll_id: int, after: str | None
) -> AsyncIterator[Delivery[Poll]]:
    """The poll each time it changes; NotFound at once for a poll the viewer cannot see."""
    await require_poll(ctx, poll_id)

    async def load(fresh: Context, event: ChangeEvent) -> Poll | None:
        return await visible_poll(fresh, poll_id)

    events = Q(kind=ChangeKind.POLL_UPDATED, poll_id=poll_id)
    channels = (topics.poll(poll_id),)
    async for delivery in stream_changes(ctx, channels, events, load, after, f"poll:{poll_id}"):
        yield delivery
