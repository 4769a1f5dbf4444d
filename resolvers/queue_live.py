"""The live moderation queue: every change to an item the viewer works (opened, reported,
claimed, noted, decided), resumable by cursor like every other stream."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tortoise.expressions import Q

from moderation import policies
from resolvers.audit import admin_group_ids, item_scope
from resolvers.context import Context
from resolvers.live import Delivery, follow
from server import topics
from server.errors import Forbidden
from server.models import Event, EventKind, QueueItem


async def queue_changes(ctx: Context, after: str | None) -> AsyncIterator[Delivery[QueueItem]]:
    """Every change to an item the viewer works. The viewer's authority is read again for each
    event: a moderator demoted, or a group admin who lost the role or was sanctioned, sees the
    stream end with FORBIDDEN; items about themselves never come."""
    viewer = policies.require_viewer(ctx.viewer)
    await item_scope(ctx)  # refuses anyone who moderates nothing
    groups = frozenset() if policies.is_staff(viewer) else await admin_group_ids(ctx)
    events = Q(kind=EventKind.QUEUE_CHANGED)
    stream = "moderation"
    if groups:
        events &= Q(group_id__in=sorted(groups))
        stream = "moderation:" + ",".join(map(str, sorted(groups)))

    async def load(fresh: Context, event: Event) -> QueueItem | None:
        try:
            scope = await item_scope(fresh)
        except Forbidden:
            raise Forbidden(
                "You no longer moderate anything: the queue stream has ended."
            ) from None
        return await QueueItem.filter(scope, id=event.queue_item_id).first()

    async for delivery in follow(ctx, (topics.moderation(),), events, load, after, stream):
        yield delivery
