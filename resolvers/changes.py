"""The one write path: rows, their change-log events and search-outbox rows in one
transaction, the events published after commit.

    async with writing(ctx.hub) as log:
        post = await Post.create(...)
        await log.add(ChangeKind.POST_ADDED, post_id=post.id, group_id=post.group_id)
        await log.changed(SearchEntity.POST, post.id)      # the search outbox, same transaction

If the block raises, the transaction rolls back and nothing is published. A failed publish is
logged and never fails the write: subscribers catch up from the ChangeEvent rows by cursor.
"""

from __future__ import annotations

import contextlib
import json
import zlib
from collections.abc import AsyncIterator
from typing import Any

from tortoise.transactions import in_transaction

from search.outbox import mark_changed
from server import topics
from server.broadcast import Hub
from server.models import ChangeEvent, ChangeKind, SearchEntity

# Any constant: PostgreSQL writers of events take this transaction-level advisory lock, so event
# ids commit in the order they were issued and a cursor never skips a later-committed row.
EVENT_ORDER_LOCK = 7_231_114


def channel_for(event: ChangeEvent) -> str:
    if event.kind == ChangeKind.POST_ADDED:
        return topics.posts()
    if event.kind == ChangeKind.NOTIFICATION_ADDED:
        assert event.recipient_id is not None
        return topics.user(event.recipient_id)
    if event.kind == ChangeKind.QUEUE_CHANGED:
        return topics.moderation()
    if event.kind == ChangeKind.WORK_FEATURED:
        return topics.featured()
    if event.kind == ChangeKind.FEEDBACK_ADOPTED:
        # The post's own channel: a client showing the post sees its adoption at once.
        assert event.post_id is not None
        return topics.post(event.post_id)
    if event.kind == ChangeKind.EPISODE_ADDED:
        return topics.radio()
    if event.kind in (ChangeKind.EPISODE_UPDATED, ChangeKind.EPISODE_REMOVED):
        assert event.episode_id is not None
        return topics.episode(event.episode_id)
    if event.kind == ChangeKind.EVENT_UPDATED:
        assert event.event_id is not None
        return topics.event(event.event_id)
    if event.kind == ChangeKind.POLL_UPDATED:
        assert event.poll_id is not None
        return topics.poll(event.poll_id)
    if event.kind == ChangeKind.COMMENT_ADDED and event.post_id is None:
        assert event.episode_id is not None  # a comment on a radio episode
        return topics.episode(event.episode_id)
    assert event.post_id is not None
    return topics.post(event.post_id)


def message_for(event: ChangeEvent) -> str:
    return json.dumps(
        {
            "id": event.id,
            "kind": str(event.kind),
            "post_id": event.post_id,
            "comment_id": event.comment_id,
            "group_id": event.group_id,
            "notification_id": event.notification_id,
            "recipient_id": event.recipient_id,
            "moderation_item_id": event.moderation_item_id,
            "episode_id": event.episode_id,
            "station_id": event.station_id,
            "event_id": event.event_id,
            "poll_id": event.poll_id,
        }
    )


def event_from_message(message: str) -> ChangeEvent:
    data = json.loads(message)
    return ChangeEvent(**{**data, "kind": ChangeKind(data["kind"])})


class ChangeLog:
    """One write's transaction: the change events it adds (published after commit) and the
    search outbox rows it marks."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection
        self._ordered = False
        self.events: list[ChangeEvent] = []

    @property
    def dialect(self) -> str:
        return str(self._connection.capabilities.dialect)

    async def lock(self, key: str) -> None:
        """Serialise the writes that name `key` until this one commits (PostgreSQL; SQLite
        serialises writers already): e.g. two first reports opening one queue item."""
        if self._connection.capabilities.dialect == "postgres":
            await self._connection.execute_query(
                "SELECT pg_advisory_xact_lock($1)", [zlib.crc32(key.encode())]
            )

    async def order_events(self) -> None:
        """Take the lock that orders change events now, before any key lock, when this write
        will add events after taking key locks: locks are always taken events first, then
        keys, so two writes never wait on each other in a circle (PostgreSQL)."""
        if not self._ordered and self._connection.capabilities.dialect == "postgres":
            await self._connection.execute_query(
                "SELECT pg_advisory_xact_lock($1)", [EVENT_ORDER_LOCK]
            )
        self._ordered = True

    async def add(self, kind: ChangeKind, **ids: Any) -> ChangeEvent:
        await self.order_events()
        event = await ChangeEvent.create(kind=kind, **ids)
        self.events.append(event)
        return event

    async def changed(
        self, entity: SearchEntity, entity_id: int, *, with_posts: bool = False
    ) -> None:
        """Tell search that an indexed object changed, in this write's transaction."""
        await mark_changed(entity, entity_id, with_posts=with_posts, connection=self._connection)


async def publish(hub: Hub, events: list[ChangeEvent]) -> None:
    for event in events:
        await hub.publish(channel_for(event), message_for(event))


@contextlib.asynccontextmanager
async def writing(hub: Hub) -> AsyncIterator[ChangeLog]:
    """The transaction of one write, its events published to `hub` once it commits."""
    async with transaction() as connection:
        log = ChangeLog(connection)
        yield log
    await publish(hub, log.events)


@contextlib.asynccontextmanager
async def transaction() -> AsyncIterator[Any]:
    """A bare transaction, for bulk loads that change no live feed and no index entry one by
    one (the demo seed, which reindexes afterwards). Every other write goes through
    `writing`."""
    async with in_transaction() as connection:
        yield connection
