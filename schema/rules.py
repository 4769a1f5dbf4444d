"""Watched-word rules: what moderators watch for and what it does; listing and changing them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import rules as cases
from resolvers.context import Context
from schema.enums import MatchKind, RuleAction
from schema.errors import ConflictError, NotFoundError, ValidationError
from schema.relay import Node, decode_pk, encode_id
from server import models


@strawberry.type(description="A watched word or pattern and what it does.")
class ModerationRule(Node):
    pattern: str = strawberry.field(description="The word (lowercase; `*` is a wildcard).")
    match: MatchKind = strawberry.field(description="WORD or SUBSTRING.")
    action: RuleAction = strawberry.field(description="BLOCK, HOLD, FLAG or REPLACE.")
    reason: str = strawberry.field(description="Shown to the writer when a text is refused.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_row(cls, row: models.ModerationRule) -> ModerationRule:
        return cls(
            id=encode_id("ModerationRule", row.id),
            pattern=row.pattern,
            match=row.match,
            action=row.action,
            reason=row.reason,
            updated_at=row.updated_at,
        )


@strawberry.input(description="A watched word and what it does.")
class CreateModerationRuleInput:
    pattern: str = strawberry.field(description="A word or phrase, Chinese or English.")
    match: MatchKind = strawberry.field(description="WORD or SUBSTRING.")
    action: RuleAction = strawberry.field(description="BLOCK, HOLD, FLAG or REPLACE.")
    reason: str = strawberry.field(default="", description="Shown when a text is refused.")


@strawberry.type(description="The rule exists; it applies at once.")
class CreateModerationRuleSuccess:
    rule: ModerationRule = strawberry.field(description="The rule.")


CreateModerationRuleResult = Annotated[
    CreateModerationRuleSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("CreateModerationRuleResult"),
]


# The same fields as a new rule, and which rule they replace.
@strawberry.input(description="A rule's new values.")
class UpdateModerationRuleInput(CreateModerationRuleInput):
    rule_id: strawberry.ID = strawberry.field(description="The rule.")


@strawberry.type(description="The rule as it is now; it applies at once.")
class UpdateModerationRuleSuccess:
    rule: ModerationRule = strawberry.field(description="The rule.")


UpdateModerationRuleResult = Annotated[
    UpdateModerationRuleSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("UpdateModerationRuleResult"),
]


@strawberry.input(description="The rule to delete.")
class DeleteModerationRuleInput:
    rule_id: strawberry.ID = strawberry.field(description="The rule.")


@strawberry.type(description="The rule is gone.")
class DeleteModerationRuleSuccess:
    deleted_rule_id: strawberry.ID = strawberry.field(description="The deleted rule's id.")


DeleteModerationRuleResult = Annotated[
    DeleteModerationRuleSuccess | NotFoundError, strawberry.union("DeleteModerationRuleResult")
]


def _rule(input: CreateModerationRuleInput) -> cases.RuleInput:
    return cases.RuleInput(input.pattern, input.match, input.action, input.reason)


@strawberry.type
class RuleQueries:
    @strawberry.field(description="The watched-word rules. Moderators only.")
    async def moderation_rules(self, info: Info[Context, None]) -> list[ModerationRule]:
        return [ModerationRule.from_row(r) for r in await cases.list_rules(info.context)]


@strawberry.type
class RuleMutations:
    @strawberry.mutation(description="Add a watched word. Moderators only; applies at once.")
    async def create_moderation_rule(
        self, info: Info[Context, None], input: CreateModerationRuleInput
    ) -> CreateModerationRuleResult:
        row = await cases.create_rule(info.context, _rule(input))
        return CreateModerationRuleSuccess(rule=ModerationRule.from_row(row))

    @strawberry.mutation(description="Change a watched word. Moderators only.")
    async def update_moderation_rule(
        self, info: Info[Context, None], input: UpdateModerationRuleInput
    ) -> UpdateModerationRuleResult:
        row = await cases.update_rule(
            info.context, decode_pk(input.rule_id, "ModerationRule"), _rule(input)
        )
        return UpdateModerationRuleSuccess(rule=ModerationRule.from_row(row))

    @strawberry.mutation(description="Delete a watched word. Moderators only.")
    async def delete_moderation_rule(
        self, info: Info[Context, None], input: DeleteModerationRuleInput
    ) -> DeleteModerationRuleResult:
        rule_id = await cases.delete_rule(info.context, decode_pk(input.rule_id, "ModerationRule"))
        return DeleteModerationRuleSuccess(deleted_rule_id=encode_id("ModerationRule", rule_id))
