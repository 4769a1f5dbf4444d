"""Moderation mutations: reporting, claiming, noting and deciding queue items (one or many),
appeals, and the watched-word rules."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import appeals as appeal_cases
from resolvers import queue as cases
from resolvers import reports as report_cases
from resolvers import rules as rule_cases
from resolvers.context import Context
from resolvers.visibility import visible_comment, visible_post
from schema.errors import (
    ConflictError,
    Error,
    ErrorCode,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.moderation import (
    Appeal,
    MatchKind,
    ModerationAction,
    ModerationItem,
    ModerationRule,
    QueueItemEvent,
    Report,
    ReportReason,
    RuleAction,
)
from schema.relay import decode_id, decode_pk, encode_id
from server import errors as domain
from server import models

TARGET_TYPES = {
    "Post": models.ModerationTarget.POST,
    "Comment": models.ModerationTarget.COMMENT,
    "User": models.ModerationTarget.USER,
    "Group": models.ModerationTarget.GROUP,
}


@strawberry.input(description="What to report and why.")
class ReportContentInput:
    target_id: strawberry.ID = strawberry.field(description="A post, comment, user or group.")
    reason: ReportReason = strawberry.field(description="Why.")  # type: ignore[valid-type]
    note: str = strawberry.field(default="", description="Details (needed for OTHER).")


@strawberry.type(description="The report was received; moderators will look.")
class ReportContentSuccess:
    report: Report = strawberry.field(description="The report.")


ReportContentResult = Annotated[
    ReportContentSuccess | ValidationError | NotFoundError | ConflictError | RateLimitedError,
    strawberry.union("ReportContentResult"),
]


@strawberry.input(description="A queue item to release.")
class QueueItemInput:
    item_id: strawberry.ID = strawberry.field(description="The item.")


@strawberry.input(description="A queue item to claim.")
class ClaimQueueItemInput:
    item_id: strawberry.ID = strawberry.field(description="The item.")
    take_over: bool = strawberry.field(
        default=False,
        description="Platform staff only: take the item from whoever has claimed it "
        "(audited). Claiming one's own claim again extends it.",
    )


@strawberry.type(description="The item as it is now.")
class QueueItemSuccess:
    item: ModerationItem = strawberry.field(description="The item.")


QueueItemResult = Annotated[
    QueueItemSuccess | NotFoundError | ConflictError, strawberry.union("QueueItemResult")
]


@strawberry.input(description="A note for the other moderators.")
class AddQueueNoteInput:
    item_id: strawberry.ID = strawberry.field(description="The item.")
    text: str = strawberry.field(description="The note.")


@strawberry.type(description="The note was added.")
class AddQueueNoteSuccess:
    item: ModerationItem = strawberry.field(description="The item.")
    note: QueueItemEvent = strawberry.field(description="The note.")


AddQueueNoteResult = Annotated[
    AddQueueNoteSuccess | ValidationError | NotFoundError, strawberry.union("AddQueueNoteResult")
]


@strawberry.input(description="A decision: one or more actions, why, and for how long.")
class ResolveQueueItemInput:
    item_id: strawberry.ID = strawberry.field(description="The item.")
    actions: list[ModerationAction] = strawberry.field(  # type: ignore[valid-type]
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
    actions: list[ModerationAction] = strawberry.field(description="What to do.")  # type: ignore[valid-type]
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


@strawberry.input(description="An appeal against a decision that affected the viewer.")
class AppealDecisionInput:
    decision_id: strawberry.ID = strawberry.field(description="The decision (an audit entry).")
    text: str = strawberry.field(description="Why it should be reconsidered.")


@strawberry.input(description="A moderator's answer to an appeal.")
class DecideAppealInput:
    appeal_id: strawberry.ID = strawberry.field(description="The appeal.")
    overturn: bool = strawberry.field(description="True undoes the decision; false upholds it.")
    reason: str = strawberry.field(description="Why; told to the appellant.")


@strawberry.type(description="The appeal as it is now.")
class AppealSuccess:
    appeal: Appeal = strawberry.field(description="The appeal.")


AppealResult = Annotated[
    AppealSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("AppealResult"),
]


@strawberry.input(description="A watched word and what it does.")
class ModerationRuleInput:
    pattern: str = strawberry.field(description="A word or phrase, Chinese or English.")
    match: MatchKind = strawberry.field(description="WORD or SUBSTRING.")  # type: ignore[valid-type]
    action: RuleAction = strawberry.field(description="BLOCK, HOLD, FLAG or REPLACE.")  # type: ignore[valid-type]
    reason: str = strawberry.field(default="", description="Shown when a text is refused.")


@strawberry.input(description="A rule's new values.")
class UpdateModerationRuleInput(ModerationRuleInput):
    rule_id: strawberry.ID = strawberry.field(description="The rule.")


@strawberry.input(description="The rule to delete.")
class DeleteModerationRuleInput:
    rule_id: strawberry.ID = strawberry.field(description="The rule.")


@strawberry.type(description="The rule as it is now; it applies at once.")
class ModerationRuleSuccess:
    rule: ModerationRule = strawberry.field(description="The rule.")


@strawberry.type(description="The rule is gone.")
class DeleteModerationRuleSuccess:
    deleted_rule_id: strawberry.ID = strawberry.field(description="The deleted rule's id.")


ModerationRuleResult = Annotated[
    ModerationRuleSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("ModerationRuleResult"),
]
DeleteModerationRuleResult = Annotated[
    DeleteModerationRuleSuccess | NotFoundError, strawberry.union("DeleteModerationRuleResult")
]


def _decision(
    actions: list[models.ModerationAction], reason: str, days: int | None
) -> cases.Decision:
    return cases.Decision(actions=list(actions), reason=reason or "", days=days)


def _as_error(exc: Exception) -> Error:
    """One bulk item's failure as the error type a single decision would have given (an
    action the viewer may not take on that item reads as a conflict with its scope)."""
    message = getattr(exc, "message", str(exc))
    if isinstance(exc, domain.NotFound):
        return NotFoundError(message=message, code=ErrorCode.NOT_FOUND)
    if isinstance(exc, domain.InvalidInput):
        return ValidationError(message=message, code=ErrorCode.INVALID_INPUT, field=exc.field)
    return ConflictError(message=message, code=ErrorCode.CONFLICT)


async def _visible(info: Info[Context, None], type_name: str, pk: int) -> bool:
    ctx = info.context
    if type_name == "Post":
        return await visible_post(ctx, pk) is not None
    if type_name == "Comment":
        return await visible_comment(ctx, pk) is not None
    loader = ctx.loaders.user_by_id if type_name == "User" else ctx.loaders.group_by_id
    return await loader.load(pk) is not None


@strawberry.type
class ModerationMutations:
    @strawberry.mutation(
        description="Report a post, comment, user or group. One report per person per target."
    )
    async def report_content(
        self, info: Info[Context, None], input: ReportContentInput
    ) -> ReportContentResult:
        type_name, pk = decode_id(input.target_id, *TARGET_TYPES)
        visible = await _visible(info, type_name, pk)
        row = await report_cases.report_content(
            info.context, TARGET_TYPES[type_name], pk, input.reason, input.note, visible
        )
        return ReportContentSuccess(report=Report.from_row(row))

    @strawberry.mutation(description="Claim an item for a while; others see it claimed.")
    async def claim_queue_item(
        self, info: Info[Context, None], input: ClaimQueueItemInput
    ) -> QueueItemResult:
        row = await cases.claim_item(
            info.context, decode_pk(input.item_id, "ModerationItem"), take_over=input.take_over
        )
        return QueueItemSuccess(item=ModerationItem.from_row(row))

    @strawberry.mutation(description="Give back an item the viewer claimed.")
    async def release_queue_item(
        self, info: Info[Context, None], input: QueueItemInput
    ) -> QueueItemResult:
        row = await cases.release_item(info.context, decode_pk(input.item_id, "ModerationItem"))
        return QueueItemSuccess(item=ModerationItem.from_row(row))

    @strawberry.mutation(description="Add a note to an item for the other moderators.")
    async def add_queue_note(
        self, info: Info[Context, None], input: AddQueueNoteInput
    ) -> AddQueueNoteResult:
        item_id = decode_pk(input.item_id, "ModerationItem")
        note = await cases.add_note(info.context, item_id, input.text)
        item = await models.QueueItem.get(id=item_id)
        return AddQueueNoteSuccess(
            item=ModerationItem.from_row(item), note=QueueItemEvent.from_row(note)
        )

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

    @strawberry.mutation(description="Decide many items alike; each succeeds or fails alone.")
    async def resolve_queue_items(
        self, info: Info[Context, None], input: ResolveQueueItemsInput
    ) -> ResolveQueueItemsResult:
        ids = [decode_pk(i, "ModerationItem") for i in input.item_ids]
        outcomes = await cases.resolve_items(
            info.context, ids, _decision(input.actions, input.reason, input.days)
        )
        return ResolveQueueItemsSuccess(
            outcomes=[
                BulkOutcome(
                    item_id=encode_id("ModerationItem", item_id),
                    item=ModerationItem.from_row(r) if isinstance(r, models.QueueItem) else None,
                    error=None if isinstance(r, models.QueueItem) else _as_error(r),
                )
                for item_id, r in outcomes
            ]
        )

    @strawberry.mutation(
        description="Appeal a decision about you or what you wrote: once, within the appeal "
        "window (20 days by default). A different moderator decides."
    )
    async def appeal_decision(
        self, info: Info[Context, None], input: AppealDecisionInput
    ) -> AppealResult:
        row = await appeal_cases.appeal_decision(
            info.context, decode_pk(input.decision_id, "AuditEntry"), input.text
        )
        return AppealSuccess(appeal=Appeal.from_row(row))

    @strawberry.mutation(description="Uphold or overturn an appeal (not by who decided).")
    async def decide_appeal(
        self, info: Info[Context, None], input: DecideAppealInput
    ) -> AppealResult:
        row = await appeal_cases.decide_appeal(
            info.context, decode_pk(input.appeal_id, "Appeal"), input.overturn, input.reason
        )
        return AppealSuccess(appeal=Appeal.from_row(row))

    @strawberry.mutation(description="Add a watched word. Moderators only; applies at once.")
    async def create_moderation_rule(
        self, info: Info[Context, None], input: ModerationRuleInput
    ) -> ModerationRuleResult:
        rule = rule_cases.RuleInput(input.pattern, input.match, input.action, input.reason)
        return ModerationRuleSuccess(
            rule=ModerationRule.from_row(await rule_cases.create_rule(info.context, rule))
        )

    @strawberry.mutation(description="Change a watched word. Moderators only.")
    async def update_moderation_rule(
        self, info: Info[Context, None], input: UpdateModerationRuleInput
    ) -> ModerationRuleResult:
        rule = rule_cases.RuleInput(input.pattern, input.match, input.action, input.reason)
        row = await rule_cases.update_rule(
            info.context, decode_pk(input.rule_id, "ModerationRule"), rule
        )
        return ModerationRuleSuccess(rule=ModerationRule.from_row(row))

    @strawberry.mutation(description="Delete a watched word. Moderators only.")
    async def delete_moderation_rule(
        self, info: Info[Context, None], input: DeleteModerationRuleInput
    ) -> DeleteModerationRuleResult:
        rule_id = await rule_cases.delete_rule(
            info.context, decode_pk(input.rule_id, "ModerationRule")
        )
        return DeleteModerationRuleSuccess(deleted_rule_id=encode_id("ModerationRule", rule_id))
