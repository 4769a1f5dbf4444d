"""Writing with events: rows and their Event records in one transaction, published after commit.

    async with writing(ctx.hub) as log:
        post = await Post.create(...)
        await log.add(EventKind.POST_ADDED, post_id=post.id, group_id=post.group_id)
        await log.changed(SearchEntity.POST, post.id)      # the search outbox, same transaction

If the block raises, the transaction rolls back and nothing is published. A failed publish is
logged and never fails the write: subscribers catch up from the Event rows by cursor.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from tortoise.transactions import in_transaction

from search.outbox import mark_changed
from server import topics
from server.broadcast import Hub
from server.models import Event, EventKind, SearchEntity

# Any constant: PostgreSQL writers of events take this transaction-level advisory lock, so event
# ids commit in the order they were issued and a cursor never skips a later-committed row.
EVENT_ORDER_LOCK = 7_231_114


def channel_for(event: Event) -> str:
    if event.kind == EventKind.POST_ADDED:
        return topics.posts()
    if event.kind == EventKind.NOTIFICATION_ADDED:
        assert event.recipient_id is not None
        return topics.user(event.recipient_id)
    if event.kind == EventKind.QUEUE_CHANGED:
        return topics.moderation()
    assert event.post_id is not None
    return topics.post(event.post_id)


def message_for(event: Event) -> str:
    return json.dumps(
        {
            "id": event.id,
            "kind": str(event.kind),
            "post_id": event.post_id,
            "comment_id": event.comment_id,
            "group_id": event.group_id,
            "notification_id": event.notification_id,
            "recipient_id": event.recipient_id,
            "queue_item_id": event.queue_item_id,
        }
    )


def event_from_message(message: str) -> Event:
    data = json.loads(message)
    return Event(**{**data, "kind": EventKind(data["kind"])})


class EventLog:
    def __init__(self, connection: Any) -> None:
        self._connection = connection
        self.events: list[Event] = []

    @property
    def connection(self) -> Any:
        """The write's transaction (for statements the ORM does not express)."""
        return self._connection

    async def add(self, kind: EventKind, **ids: Any) -> Event:
        if not self.events and self._connection.capabilities.dialect == "postgres":
            await self._connection.execute_query(
                "SELECT pg_advisory_xact_lock($1)", [EVENT_ORDER_LOCK]
            )
        event = await Event.create(kind=kind, **ids)
        self.events.append(event)
        return event

    async def changed(
        self, entity: SearchEntity, entity_id: int, *, with_posts: bool = False
    ) -> None:
        """Tell search that an indexed object changed, in this write's transaction."""
        await mark_changed(entity, entity_id, with_posts=with_posts, connection=self._connection)


async def publish(hub: Hub | None, events: list[Event]) -> None:
    if hub is None:
        return
    for event in events:
        await hub.publish(channel_for(event), message_for(event))


@contextlib.asynccontextmanager
async def writing(hub: Hub | None) -> AsyncIterator[EventLog]:
    async with in_transaction() as connection:
        log = EventLog(connection)
        yield log
    await publish(hub, log.events)
