"""Live events: the counts and state of an event on screen, as they change.

The stream runs on `resolvers.live.stream_changes` (replay after the cursor, then live
messages). Each change is delivered as the event is when it is read, through the visibility
gate with the subscriber's viewer as read for it: a viewer who may no longer see the event
(a members-only group they left) gets nothing more.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from tortoise.expressions import Q

from resolvers.context import Context
from resolvers.event_access import visible_event
from resolvers.live import Delivery, stream_changes
from server import topics
from server.broadcast import Hub
from server.errors import NotFound
from server.models import ChangeEvent, ChangeKind, Event


async def _event_row(hub: Hub, event_id: int, change_id: int) -> Event | None:
    """The event as it is after this change, read once per process: a popular event's
    subscribers are all woken by one signup."""

    async def read() -> Event | None:
        return await Event.get_or_none(id=event_id)

    row: Event | None = await hub.shared.get(("event", event_id, change_id), read)
    return row


async def _prefetch_events(hub: Hub, batch: list[ChangeEvent]) -> None:
    for change in batch:
        if change.event_id is not None:
            await _event_row(hub, change.event_id, change.id)


async def event_updates(
    ctx: Context, event_id: int, after: str | None
) -> AsyncIterator[Delivery[Event]]:
    """The event each time its counts, state or details change. An event the viewer cannot
    see is NotFound, as a missing one is."""
    if await visible_event(ctx, event_id) is None:
        raise NotFound("No such event.")

    async def load(fresh: Context, change: ChangeEvent) -> Event | None:
        row = await _event_row(fresh.hub, event_id, change.id)
        if row is None:
            return None
        fresh.loaders.event_by_id.prime(event_id, row)
        return await visible_event(fresh, event_id)

    events = Q(kind=ChangeKind.EVENT_UPDATED, event_id=event_id)
    deliveries: AsyncIterator[Delivery[Event]] = stream_changes(
        ctx,
        (topics.event(event_id),),
        events,
        load,
        after,
        f"event:{event_id}",
        _prefetch_events,
    )
    async for delivery in deliveries:
        yield delivery
