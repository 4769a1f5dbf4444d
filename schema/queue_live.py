"""The moderators' live queue subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry import Info

from resolvers import queue as cases
from resolvers.context import Context
from resolvers.queue_live import queue_changes
from schema.moderation import ModerationItem


@strawberry.type(description="A queue item changed: opened, reported, claimed, noted, decided.")
class ModerationQueueEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    item: ModerationItem = strawberry.field(description="The item as it is now.")
    pending_count: int = strawberry.field(
        description="Items now waiting (pending or escalated) that the viewer works."
    )


@strawberry.type
class ModerationSubscription:
    @strawberry.subscription(
        description="Changes to the moderation queue, with the pending count. Moderators see "
        "every item, group admins their groups' items."
    )
    async def moderation_queue_changed(
        self, info: Info[Context, None], after: str | None = None
    ) -> AsyncGenerator[ModerationQueueEvent, None]:
        ctx = info.context
        async for delivery in queue_changes(ctx, after):
            yield ModerationQueueEvent(
                cursor=delivery.cursor,
                item=ModerationItem.from_row(delivery.payload),
                pending_count=await cases.pending_count(ctx),
            )
