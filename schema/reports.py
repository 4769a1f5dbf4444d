"""Reports: one user's report of something (a post, comment, user, group, radio episode or
station, collection or credit), and making one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import reports as cases
from resolvers.context import Context
from schema.enums import ModerationTarget, ReportOutcome, ReportReason
from schema.errors import ConflictError, NotFoundError, RateLimitedError, ValidationError
from schema.relay import decode_id, encode_id
from schema.users import User
from server import models

TARGET_TYPES = {
    "Post": ModerationTarget.POST,
    "Comment": ModerationTarget.COMMENT,
    "User": ModerationTarget.USER,
    "Group": ModerationTarget.GROUP,
    "RadioEpisode": ModerationTarget.EPISODE,
    "RadioStation": ModerationTarget.STATION,
    "Collection": ModerationTarget.COLLECTION,
    "Credit": ModerationTarget.CREDIT,
}


@strawberry.type(description="One user's report of something.")
class Report:
    row: strawberry.Private[models.Report]
    id: strawberry.ID = strawberry.field(description="The report's id.")
    reason: ReportReason = strawberry.field(description="Why it was reported.")
    note: str = strawberry.field(description="What the reporter wrote.")
    weight: float = strawberry.field(
        description="What the report added to the item's score (the reporter's standing)."
    )
    outcome: ReportOutcome = strawberry.field(description="Whether moderators agreed.")
    created_at: datetime = strawberry.field(description="When it was made.")

    @classmethod
    def from_row(cls, row: models.Report) -> Report:
        return cls(
            row=row,
            id=encode_id("Report", row.id),
            reason=row.reason,
            note=row.note,
            weight=row.weight,
            outcome=row.outcome,
            created_at=row.created_at,
        )

    @strawberry.field(
        description="Who reported it: shown to platform moderators and admins only (group "
        "admins, and the reported author, never learn it)."
    )
    async def reporter(self, info: Info[Context, None]) -> User | None:
        reporter_id = cases.visible_reporter_id(info.context, self.row)
        if reporter_id is None:
            return None
        row = await info.context.loaders.user_by_id.load(reporter_id)
        return User.from_row(row) if row else None


@strawberry.input(description="What to report and why.")
class ReportContentInput:
    target_id: strawberry.ID = strawberry.field(
        description="A post, comment, user, group, radio episode or station, collection or credit."
    )
    reason: ReportReason = strawberry.field(description="Why.")
    note: str = strawberry.field(default="", description="Details (needed for OTHER).")


@strawberry.type(description="The report was received; moderators will look.")
class ReportContentSuccess:
    report: Report = strawberry.field(description="The report.")


ReportContentResult = Annotated[
    ReportContentSuccess | ValidationError | NotFoundError | ConflictError | RateLimitedError,
    strawberry.union("ReportContentResult"),
]


@strawberry.type
class ReportMutations:
    @strawberry.mutation(
        description="Report a post, comment, user, group, radio episode or station, collection "
        "or credit the viewer can see. One report per person per target."
    )
    async def report_content(
        self, info: Info[Context, None], input: ReportContentInput
    ) -> ReportContentResult:
        type_name, pk = decode_id(input.target_id, *TARGET_TYPES)
        row = await cases.report_target(
            info.context, TARGET_TYPES[type_name], pk, input.reason, input.note
        )
        return ReportContentSuccess(report=Report.from_row(row))
