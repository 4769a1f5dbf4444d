"""Appeals: a user appeals a decision about them or what they wrote, once, and a different
moderator upholds or overturns it; the viewer's own decisions, which they may appeal."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import appeals as cases
from resolvers.context import Context
from schema.audit import AuditEntry
from schema.enums import AppealState
from schema.errors import ConflictError, NotFoundError, ValidationError
from schema.relay import Connection, Node, decode_pk, encode_id, page_size, to_connection
from server import models


@strawberry.type(description="An appeal of a decision by the user it affected.")
class Appeal(Node):
    row: strawberry.Private[models.Appeal]
    text: str = strawberry.field(description="What the user wrote.")
    state: AppealState = strawberry.field(description="PENDING, UPHELD or OVERTURNED.")
    created_at: datetime = strawberry.field(description="When it was made.")
    decided_at: datetime | None = strawberry.field(description="When it was decided.")

    @classmethod
    def from_row(cls, row: models.Appeal) -> Appeal:
        return cls(
            id=encode_id("Appeal", row.id),
            row=row,
            text=row.text,
            state=row.state,
            created_at=row.created_at,
            decided_at=row.decided_at,
        )

    @strawberry.field(description="The decision appealed.")
    async def decision(self, info: Info[Context, None]) -> AuditEntry | None:
        row = await info.context.loaders.audit_entry_by_id.load(self.row.decision_id)
        return AuditEntry.from_row(row) if row else None


@strawberry.input(description="An appeal against a decision that affected the viewer.")
class AppealDecisionInput:
    decision_id: strawberry.ID = strawberry.field(description="The decision (an audit entry).")
    text: str = strawberry.field(description="Why it should be reconsidered.")


@strawberry.type(description="The appeal is made; a different moderator will decide it.")
class AppealDecisionSuccess:
    appeal: Appeal = strawberry.field(description="The appeal.")


AppealDecisionResult = Annotated[
    AppealDecisionSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("AppealDecisionResult"),
]


@strawberry.input(description="A moderator's answer to an appeal.")
class DecideAppealInput:
    appeal_id: strawberry.ID = strawberry.field(description="The appeal.")
    overturn: bool = strawberry.field(description="True undoes the decision; false upholds it.")
    reason: str = strawberry.field(description="Why; told to the appellant.")


@strawberry.type(description="The appeal is decided: upheld or overturned.")
class DecideAppealSuccess:
    appeal: Appeal = strawberry.field(description="The appeal.")


DecideAppealResult = Annotated[
    DecideAppealSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("DecideAppealResult"),
]


@strawberry.type
class AppealQueries:
    @strawberry.field(
        description="Decisions about the viewer or what they wrote, newest first: each can be "
        "appealed once within the appeal window."
    )
    async def viewer_moderation_decisions(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[AuditEntry]:
        ctx = info.context
        page = await cases.list_own_decisions(ctx, page_size(ctx.settings, first), after)
        return to_connection(page, AuditEntry.from_row)


@strawberry.type
class AppealMutations:
    @strawberry.mutation(
        description="Appeal a decision about you or what you wrote: once, within the appeal "
        "window (20 days by default). A different moderator decides."
    )
    async def appeal_decision(
        self, info: Info[Context, None], input: AppealDecisionInput
    ) -> AppealDecisionResult:
        row = await cases.appeal_decision(
            info.context, decode_pk(input.decision_id, "AuditEntry"), input.text
        )
        return AppealDecisionSuccess(appeal=Appeal.from_row(row))

    @strawberry.mutation(description="Uphold or overturn an appeal (not by who decided).")
    async def decide_appeal(
        self, info: Info[Context, None], input: DecideAppealInput
    ) -> DecideAppealResult:
        row = await cases.decide_appeal(
            info.context, decode_pk(input.appeal_id, "Appeal"), input.overturn, input.reason
        )
        return DecideAppealSuccess(appeal=Appeal.from_row(row))
