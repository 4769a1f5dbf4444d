"""The live moderation queue: every change to an item the viewer works (opened, reported,
claimed, noted, decided), resumable by cursor like every other stream."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tortoise.expressions import Q

from moderation import policies
from resolvers.audit import admin_group_ids
from resolvers.context import Context
from resolvers.live import Delivery, follow
from server import topics
from server.errors import Forbidden
from server.models import Event, EventKind, QueueItem


async def queue_changes(ctx: Context, after: str | None) -> AsyncIterator[Delivery[QueueItem]]:
    viewer = policies.require_viewer(ctx.viewer)
    groups = frozenset() if policies.is_staff(viewer) else await admin_group_ids(ctx)
    if not policies.is_staff(viewer) and not groups:
        raise Forbidden("Only moderators and group admins follow the queue.")
    events = Q(kind=EventKind.QUEUE_CHANGED)
    stream = "moderation"
    if groups:
        events &= Q(group_id__in=sorted(groups))
        stream = "moderation:" + ",".join(map(str, sorted(groups)))

    async def load(fresh: Context, event: Event) -> QueueItem | None:
        item = await QueueItem.get_or_none(id=event.queue_item_id)
        if item is None or not policies.can_moderate_group(viewer, item.group_id, groups):
            return None
        return item

    async for delivery in follow(ctx, (topics.moderation(),), events, load, after, stream):
        yield delivery
