"""The review queue: an item per target with its reports, screening hits, notes and timeline;
reading the queue, claiming, releasing and noting items, and the live queue. Deciding items is
schema.moderation_decisions."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime, timedelta
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import audit as audit_cases
from resolvers import moderation_items as cases
from resolvers.context import Context
from resolvers.lookups import require_group
from schema.appeals import Appeal
from schema.collections import Collection
from schema.comments import Comment
from schema.credits import Credit
from schema.enums import (
    ModerationAction,
    ModerationItemEventKind,
    ModerationItemState,
    ModerationTarget,
)
from schema.errors import ConflictError, NotFoundError, ValidationError
from schema.groups import Group, load_group
from schema.posts import Post
from schema.radio import RadioEpisode, RadioStation
from schema.relay import Connection, Node, decode_pk, encode_id, page_size, to_connection
from schema.reports import Report
from schema.users import User, load_user
from server import models

Target = Post | Comment | User | Group | RadioEpisode | RadioStation | Collection | Credit
ModerationTargetNode = Annotated[
    Target,
    strawberry.union("ModerationTargetNode", description="What a queue item is about."),
]


def target_node(row: cases.ItemTarget | None) -> Target | None:
    """A queue item's target row as its GraphQL type."""
    if isinstance(row, models.Post):
        return Post.from_row(row)
    if isinstance(row, models.Comment):
        return Comment.from_row(row)
    if isinstance(row, models.User):
        return User.from_row(row)
    if isinstance(row, models.RadioEpisode):
        return RadioEpisode.from_row(row)
    if isinstance(row, models.RadioStation):
        return RadioStation.from_row(row)
    if isinstance(row, models.Collection):
        return Collection.from_row(row)
    if isinstance(row, models.Credit):
        return Credit.from_row(row)
    return Group.from_row(row) if row is not None else None


@strawberry.type(description="A watched word that matched, and what it asked for.")
class ScreeningHit:
    rule_id: strawberry.ID = strawberry.field(description="The rule's id.")
    action: str = strawberry.field(description="The rule's action.")
    matched: str = strawberry.field(description="The text that matched.")
    reason: str = strawberry.field(description="The rule's reason.")


# Named as clients first knew it, before the model was renamed.
@strawberry.type(name="QueueItemEvent", description="A step of a queue item's history.")
class ModerationItemEvent:
    row: strawberry.Private[models.ModerationItemEvent]
    kind: ModerationItemEventKind = strawberry.field(description="What happened.")
    text: str = strawberry.field(description="A note, a reason, or what was decided.")
    created_at: datetime = strawberry.field(description="When.")

    @classmethod
    def from_row(cls, row: models.ModerationItemEvent) -> ModerationItemEvent:
        return cls(row=row, kind=row.kind, text=row.text, created_at=row.created_at)

    @strawberry.field(
        description="Who did it; null for automatic steps, and for reports to anyone but "
        "platform staff."
    )
    async def actor(self, info: Info[Context, None]) -> User | None:
        return await load_user(info.context, cases.visible_actor_id(info.context, self.row))

    @strawberry.field(description="The actions taken, for a decision.")
    def actions(self) -> list[ModerationAction]:
        return [ModerationAction(a) for a in self.row.detail.get("actions", [])]


@strawberry.type(description="Everything about one target waiting for (or given) a decision.")
class ModerationItem(Node):
    row: strawberry.Private[models.ModerationItem]
    target_type: ModerationTarget = strawberry.field(description="What kind of thing it is.")
    state: ModerationItemState = strawberry.field(description="Where the item stands.")
    score: float = strawberry.field(
        description="Grows with each report, weighted by the reporter's standing."
    )
    reasons: list[str] = strawberry.field(
        description="Report reasons and automatic ones (SCREENING, NEW_ACCOUNT, SILENCED, "
        "DUPLICATE, APPEAL)."
    )
    target_hidden: bool = strawberry.field(
        description="The target is hidden or held until a moderator decides."
    )
    claimed_until: datetime | None = strawberry.field(description="When the claim runs out.")
    created_at: datetime = strawberry.field(description="When the item was opened.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    resolved_at: datetime | None = strawberry.field(description="When it was decided.")

    @classmethod
    def from_row(cls, row: models.ModerationItem) -> ModerationItem:
        return cls(
            id=encode_id("ModerationItem", row.id),
            row=row,
            target_type=row.target_type,
            state=row.state,
            score=row.score,
            reasons=list(row.reasons),
            target_hidden=row.target_hidden,
            claimed_until=row.claimed_until,
            created_at=row.created_at,
            updated_at=row.updated_at,
            resolved_at=row.resolved_at,
        )

    @strawberry.field(
        description="The post, comment, user, group, radio episode or station, collection or "
        "credit, whatever its state; null if deleted since (a removed credit is deleted)."
    )
    async def target(self, info: Info[Context, None]) -> ModerationTargetNode | None:
        return target_node(await cases.item_target(info.context, self.row))

    @strawberry.field(
        description="Who answers for it: who wrote it, the account itself, who made the group, "
        "station or collection, or for a credit the work's author, who gave it."
    )
    async def author(self, info: Info[Context, None]) -> User | None:
        return await load_user(info.context, self.row.author_id)

    @strawberry.field(description="The group it belongs to, if any.")
    async def group(self, info: Info[Context, None]) -> Group | None:
        return await load_group(info.context, self.row.group_id)

    @strawberry.field(description="The reports, oldest first.")
    async def reports(self, info: Info[Context, None]) -> list[Report]:
        rows = await info.context.loaders.reports_by_item_id.load(self.row.id)
        return [Report.from_row(r) for r in rows]

    @strawberry.field(description="Watched words that matched when it was written.")
    def auto_hits(self) -> list[ScreeningHit]:
        return [
            ScreeningHit(
                rule_id=encode_id("ModerationRule", int(h.get("rule", 0))),
                action=str(h.get("action", "")),
                matched=str(h.get("matched", "")),
                reason=str(h.get("reason", "")),
            )
            for h in self.row.auto_hits
        ]

    @strawberry.field(description="Moderators' notes, oldest first.")
    async def notes(self, info: Info[Context, None]) -> list[ModerationItemEvent]:
        rows = await info.context.loaders.item_events_by_item_id.load(self.row.id)
        return [
            ModerationItemEvent.from_row(r) for r in rows if r.kind == ModerationItemEventKind.NOTE
        ]

    @strawberry.field(description="Everything that happened to the item, oldest first.")
    async def timeline(self, info: Info[Context, None]) -> list[ModerationItemEvent]:
        rows = await info.context.loaders.item_events_by_item_id.load(self.row.id)
        return [ModerationItemEvent.from_row(r) for r in rows]

    @strawberry.field(description="Who has claimed it (while the claim lasts).")
    async def claimed_by(self, info: Info[Context, None]) -> User | None:
        return await load_user(info.context, cases.claim_holder_id(self.row))

    @strawberry.field(description="Who decided it.")
    async def resolved_by(self, info: Info[Context, None]) -> User | None:
        return await load_user(info.context, self.row.resolved_by_id)

    @strawberry.field(description="The appeal waiting on this item, if any.")
    async def pending_appeal(self, info: Info[Context, None]) -> Appeal | None:
        row = await info.context.loaders.pending_appeal_by_item_id.load(self.row.id)
        return Appeal.from_row(row) if row else None


# --- claims and notes ------------------------------------------------------------------------


@strawberry.input(description="A queue item to claim.")
class ClaimQueueItemInput:
    item_id: strawberry.ID = strawberry.field(description="The item.")
    take_over: bool = strawberry.field(
        default=False,
        description="Platform staff only: take the item from whoever has claimed it "
        "(audited). Claiming one's own claim again extends it.",
    )


@strawberry.type(description="The item is the viewer's for a while.")
class ClaimQueueItemSuccess:
    item: ModerationItem = strawberry.field(description="The item as it is now.")


ClaimQueueItemResult = Annotated[
    ClaimQueueItemSuccess | NotFoundError | ConflictError,
    strawberry.union("ClaimQueueItemResult"),
]


@strawberry.input(description="A queue item to release.")
class ReleaseQueueItemInput:
    item_id: strawberry.ID = strawberry.field(description="The item.")


@strawberry.type(description="The item is free for others to claim.")
class ReleaseQueueItemSuccess:
    item: ModerationItem = strawberry.field(description="The item as it is now.")


ReleaseQueueItemResult = Annotated[
    ReleaseQueueItemSuccess | NotFoundError | ConflictError,
    strawberry.union("ReleaseQueueItemResult"),
]


@strawberry.input(description="A note for the other moderators.")
class AddQueueNoteInput:
    item_id: strawberry.ID = strawberry.field(description="The item.")
    text: str = strawberry.field(description="The note.")


@strawberry.type(description="The note was added.")
class AddQueueNoteSuccess:
    item: ModerationItem = strawberry.field(description="The item.")
    note: ModerationItemEvent = strawberry.field(description="The note.")


AddQueueNoteResult = Annotated[
    AddQueueNoteSuccess | ValidationError | NotFoundError, strawberry.union("AddQueueNoteResult")
]


@strawberry.type(description="A queue item changed: opened, reported, claimed, noted, decided.")
class ModerationQueueEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    item: ModerationItem = strawberry.field(description="The item as it is now.")
    pending_count: int = strawberry.field(
        description="Items now waiting (pending or escalated) that the viewer works."
    )


@strawberry.type
class ModerationItemQueries:
    @strawberry.field(
        description="The review queue: highest score first, then oldest. Moderators see every "
        "item; group admins their groups' items."
    )
    async def moderation_queue(
        self,
        info: Info[Context, None],
        state: ModerationItemState = ModerationItemState.PENDING,
        reason: str | None = None,
        target_type: ModerationTarget | None = None,
        group_slug: str | None = None,
        older_than_hours: int | None = None,
        claimed_by_me: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ModerationItem]:
        group = await require_group(group_slug, "groupSlug") if group_slug else None
        filters = cases.QueueFilter(
            state=state,
            reason=reason,
            target_type=target_type,
            group_id=group.id if group else None,
            older_than=timedelta(hours=older_than_hours) if older_than_hours else None,
            claimed_by_me=claimed_by_me,
        )
        ctx = info.context
        page = await cases.list_queue(ctx, filters, page_size(ctx.settings, first), after)
        return to_connection(page, ModerationItem.from_row)

    @strawberry.field(description="Items waiting (pending or escalated) that the viewer works.")
    async def moderation_pending_count(self, info: Info[Context, None]) -> int:
        return await cases.pending_count(info.context)

    @strawberry.field(description="One queue item, or null if missing or not the viewer's.")
    async def moderation_item(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> ModerationItem | None:
        await audit_cases.moderation_scope(info.context)
        row = await cases.visible_item(info.context, decode_pk(id, "ModerationItem"))
        return ModerationItem.from_row(row) if row else None


@strawberry.type
class ModerationItemMutations:
    @strawberry.mutation(description="Claim an item for a while; others see it claimed.")
    async def claim_queue_item(
        self, info: Info[Context, None], input: ClaimQueueItemInput
    ) -> ClaimQueueItemResult:
        row = await cases.claim_item(
            info.context, decode_pk(input.item_id, "ModerationItem"), take_over=input.take_over
        )
        return ClaimQueueItemSuccess(item=ModerationItem.from_row(row))

    @strawberry.mutation(description="Give back an item the viewer claimed.")
    async def release_queue_item(
        self, info: Info[Context, None], input: ReleaseQueueItemInput
    ) -> ReleaseQueueItemResult:
        row = await cases.release_item(info.context, decode_pk(input.item_id, "ModerationItem"))
        return ReleaseQueueItemSuccess(item=ModerationItem.from_row(row))

    @strawberry.mutation(description="Add a note to an item for the other moderators.")
    async def add_queue_note(
        self, info: Info[Context, None], input: AddQueueNoteInput
    ) -> AddQueueNoteResult:
        item, note = await cases.add_item_note(
            info.context, decode_pk(input.item_id, "ModerationItem"), input.text
        )
        return AddQueueNoteSuccess(
            item=ModerationItem.from_row(item), note=ModerationItemEvent.from_row(note)
        )


@strawberry.type
class ModerationItemSubscription:
    @strawberry.subscription(
        description="Changes to the moderation queue, with the pending count. Moderators see "
        "every item, group admins their groups' items."
    )
    async def moderation_queue_changed(
        self, info: Info[Context, None], after: str | None = None
    ) -> AsyncGenerator[ModerationQueueEvent, None]:
        ctx = info.context
        async for delivery in cases.queue_changes(ctx, after):
            yield ModerationQueueEvent(
                cursor=delivery.cursor,
                item=ModerationItem.from_row(delivery.payload),
                pending_count=await cases.pending_count(ctx),
            )
