"""Deciding queue items: one item, or many alike. A decision the viewer has no authority for is
a top-level FORBIDDEN, for one item or any item of many; what fails one item of many for
another reason (missing, decided already, claimed by someone else) is that item's outcome."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import moderation_decisions as cases
from resolvers.context import Context
from schema.enums import ModerationAction
from schema.errors import ConflictError, Error, NotFoundError, ValidationError, as_error
from schema.moderation_items import ModerationItem
from schema.relay import decode_pk, encode_id
from server import models
from server.errors import DomainError


@strawberry.input(description="A decision: one or more actions, why, and for how long.")
class ResolveQueueItemInput:
    item_id: strawberry.ID = strawberry.field(description="The item.")
    actions: list[ModerationAction] = strawberry.field(
        description="What to do (several allowed, e.g. REMOVE and SUSPEND)."
    )
    reason: str = strawberry.field(
        default="", description="Why; told to the affected user (needed to remove or sanction)."
    )
    days: int | None = strawberry.field(
        default=None, description="How long a SILENCE or SUSPEND lasts."
    )


@strawberry.type(description="The item was decided.")
class ResolveQueueItemSuccess:
    item: ModerationItem = strawberry.field(description="The item, decided.")


ResolveQueueItemResult = Annotated[
    ResolveQueueItemSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("ResolveQueueItemResult"),
]


@strawberry.input(description="The same decision for many items.")
class ResolveQueueItemsInput:
    item_ids: list[strawberry.ID] = strawberry.field(description="1 to 50 items.")
    actions: list[ModerationAction] = strawberry.field(description="What to do.")
    reason: str = strawberry.field(default="", description="Why.")
    days: int | None = strawberry.field(default=None, description="For SILENCE or SUSPEND.")


@strawberry.type(description="What became of one item of a bulk decision.")
class BulkOutcome:
    item_id: strawberry.ID = strawberry.field(description="The item.")
    item: ModerationItem | None = strawberry.field(description="The item, if it was decided.")
    error: Error | None = strawberry.field(description="Why it was not, otherwise.")


@strawberry.type(description="Each item was decided or failed on its own.")
class ResolveQueueItemsSuccess:
    outcomes: list[BulkOutcome] = strawberry.field(description="One per item, in order.")


ResolveQueueItemsResult = Annotated[
    ResolveQueueItemsSuccess | ValidationError, strawberry.union("ResolveQueueItemsResult")
]


def _decision(
    actions: list[models.ModerationAction], reason: str, days: int | None
) -> cases.Decision:
    return cases.Decision(actions=list(actions), reason=reason or "", days=days)


def _outcome(item_id: int, result: models.ModerationItem | DomainError) -> BulkOutcome:
    global_id = encode_id("ModerationItem", item_id)
    if isinstance(result, models.ModerationItem):
        return BulkOutcome(item_id=global_id, item=ModerationItem.from_row(result), error=None)
    return BulkOutcome(item_id=global_id, item=None, error=as_error(result))


@strawberry.type
class ModerationDecisionMutations:
    @strawberry.mutation(
        description="Decide an item with one or more actions. Each is audited and the "
        "affected user is told why."
    )
    async def resolve_queue_item(
        self, info: Info[Context, None], input: ResolveQueueItemInput
    ) -> ResolveQueueItemResult:
        row = await cases.resolve_item(
            info.context,
            decode_pk(input.item_id, "ModerationItem"),
            _decision(input.actions, input.reason, input.days),
        )
        return ResolveQueueItemSuccess(item=ModerationItem.from_row(row))

    @strawberry.mutation(
        description="Decide many items alike; each succeeds or fails alone, except that a "
        "decision the viewer may not take on any of them is refused as a whole (FORBIDDEN) "
        "before anything is decided."
    )
    async def resolve_queue_items(
        self, info: Info[Context, None], input: ResolveQueueItemsInput
    ) -> ResolveQueueItemsResult:
        ids = [decode_pk(i, "ModerationItem") for i in input.item_ids]
        outcomes = await cases.resolve_items(
            info.context, ids, _decision(input.actions, input.reason, input.days)
        )
        return ResolveQueueItemsSuccess(outcomes=[_outcome(pk, r) for pk, r in outcomes])
