"""Certified industry groups: a group's owners apply, platform admins review the applications
and revoke certifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import group_certification as cases
from resolvers.context import Context
from schema.enums import GroupRequestState, Industry
from schema.errors import (
    ConflictError,
    ContentRejectedError,
    NotEligibleError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.groups import Group
from schema.relay import Connection, Node, decode_pk, encode_id, page_size, to_connection
from schema.users import User
from server import models


def _user(row: models.User | None) -> User | None:
    return User.from_row(row) if row else None


@strawberry.type(
    description="A group's application to be certified as an industry group: seen by the "
    "group's owners and admins and by platform admins alone."
)
class GroupCertificationApplication(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.GroupCertificationApplication]
    industry: Industry = strawberry.field(description="The industry the group brings together.")
    evidence: str = strawberry.field(
        description="Why the group is that industry's: who its members are, what it does."
    )
    state: GroupRequestState = strawberry.field(
        description="PENDING, APPROVED, REJECTED or WITHDRAWN."
    )
    note: str = strawberry.field(description="What the reviewing admin wrote; empty until then.")
    created_at: datetime = strawberry.field(description="When it was sent.")
    decided_at: datetime | None = strawberry.field(
        description="When it was decided or withdrawn; null while pending."
    )

    @classmethod
    def from_row(cls, row: models.GroupCertificationApplication) -> GroupCertificationApplication:
        return cls(
            id=encode_id("GroupCertificationApplication", row.id),
            pk=row.id,
            row=row,
            industry=row.industry,
            evidence=row.evidence,
            state=row.state,
            note=row.note,
            created_at=row.created_at,
            decided_at=row.decided_at,
        )

    @classmethod
    async def for_group(
        cls, info: Info[Context, None], group: models.Group
    ) -> GroupCertificationApplication | None:
        """`Group.certificationApplication`: the group's latest, for who may see it."""
        row = await cases.latest_application(info.context, group.id)
        return cls.from_row(row) if row else None

    @strawberry.field(description="The group that applied.")
    async def group(self, info: Info[Context, None]) -> Group:
        row = await info.context.loaders.group_by_id.load(self.row.group_id)
        assert row is not None, "an application is deleted with its group"
        return Group.from_row(row)

    @strawberry.field(description="The owner who applied; null once their account is gone.")
    async def applicant(self, info: Info[Context, None]) -> User | None:
        if self.row.applicant_id is None:
            return None
        return _user(await info.context.loaders.user_by_id.load(self.row.applicant_id))

    @strawberry.field(
        description="The admin who decided: for platform admins; null for anyone else, and "
        "while pending."
    )
    async def reviewer(self, info: Info[Context, None]) -> User | None:
        reviewer_id = cases.reviewer_for(info.context.viewer, self.row)
        if reviewer_id is None:
            return None
        return _user(await info.context.loaders.user_by_id.load(reviewer_id))


# --- applying -----------------------------------------------------------------------------------


@strawberry.input(description="A group's application to be certified as an industry group.")
class ApplyForGroupCertificationInput:
    slug: str = strawberry.field(description="The group's slug; you own it.")
    industry: Industry = strawberry.field(description="The industry it brings together.")
    evidence: str = strawberry.field(
        description="Why it is that industry's group, in 20 to 2000 characters."
    )


@strawberry.type(description="The application waits for a platform admin's review.")
class ApplyForGroupCertificationSuccess:
    application: GroupCertificationApplication = strawberry.field(
        description="The new application, PENDING."
    )


ApplyForGroupCertificationResult = Annotated[
    ApplyForGroupCertificationSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | NotEligibleError
    | ContentRejectedError
    | RateLimitedError,
    strawberry.union("ApplyForGroupCertificationResult"),
]


@strawberry.input(description="The application to take back.")
class WithdrawGroupCertificationApplicationInput:
    application_id: strawberry.ID = strawberry.field(
        description="A pending application of a group you own."
    )


@strawberry.type(description="The application is withdrawn; the group may apply again.")
class WithdrawGroupCertificationApplicationSuccess:
    application: GroupCertificationApplication = strawberry.field(
        description="The application, WITHDRAWN."
    )


WithdrawGroupCertificationApplicationResult = Annotated[
    WithdrawGroupCertificationApplicationSuccess | NotFoundError | ConflictError,
    strawberry.union("WithdrawGroupCertificationApplicationResult"),
]


# --- admins: reviewing, revoking ----------------------------------------------------------------


@strawberry.input(description="A decision on a pending certification application.")
class ReviewGroupCertificationInput:
    application_id: strawberry.ID = strawberry.field(description="The application.")
    approve: bool = strawberry.field(description="True certifies the group; false rejects.")
    note: str = strawberry.field(
        default="", description="For the group's owners (up to 500 characters)."
    )


@strawberry.type(description="The application was decided.")
class ReviewGroupCertificationSuccess:
    application: GroupCertificationApplication = strawberry.field(
        description="The decided application."
    )
    group: Group = strawberry.field(
        description="The group as the decision left it: certified, of the application's "
        "industry, on approval."
    )


ReviewGroupCertificationResult = Annotated[
    ReviewGroupCertificationSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("ReviewGroupCertificationResult"),
]


@strawberry.input(description="A certified group to take the certification from.")
class RevokeGroupCertificationInput:
    slug: str = strawberry.field(description="The group's slug.")
    reason: str = strawberry.field(
        description="Why, told to the group's owners (1 to 500 characters)."
    )


@strawberry.type(description="The group is no longer certified; its kind and industry stay.")
class RevokeGroupCertificationSuccess:
    group: Group = strawberry.field(description="The group, not certified.")


RevokeGroupCertificationResult = Annotated[
    RevokeGroupCertificationSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("RevokeGroupCertificationResult"),
]


@strawberry.type
class GroupCertificationQueries:
    @strawberry.field(
        description="Groups' certification applications, oldest first (pending ones by "
        "default; null for every state). Platform admins only."
    )
    async def group_certification_applications(
        self,
        info: Info[Context, None],
        state: GroupRequestState | None = GroupRequestState.PENDING,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[GroupCertificationApplication]:
        ctx = info.context
        page = await cases.list_applications(ctx, state, page_size(ctx.settings, first), after)
        return to_connection(page, GroupCertificationApplication.from_row)


@strawberry.type
class GroupCertificationMutations:
    @strawberry.mutation(
        description="Apply for a group you own to be certified as an industry group; a "
        "platform admin reviews it."
    )
    async def apply_for_group_certification(
        self, info: Info[Context, None], input: ApplyForGroupCertificationInput
    ) -> ApplyForGroupCertificationResult:
        row = await cases.apply_for_certification(
            info.context, input.slug, input.industry, input.evidence
        )
        return ApplyForGroupCertificationSuccess(
            application=GroupCertificationApplication.from_row(row)
        )

    @strawberry.mutation(description="Take back a pending application of a group you own.")
    async def withdraw_group_certification_application(
        self, info: Info[Context, None], input: WithdrawGroupCertificationApplicationInput
    ) -> WithdrawGroupCertificationApplicationResult:
        pk = decode_pk(input.application_id, "GroupCertificationApplication")
        row = await cases.withdraw_application(info.context, pk)
        return WithdrawGroupCertificationApplicationSuccess(
            application=GroupCertificationApplication.from_row(row)
        )

    @strawberry.mutation(
        description="Approve (certifying the group) or reject a certification application. "
        "Platform admins, for groups they do not own."
    )
    async def review_group_certification(
        self, info: Info[Context, None], input: ReviewGroupCertificationInput
    ) -> ReviewGroupCertificationResult:
        pk = decode_pk(input.application_id, "GroupCertificationApplication")
        review = await cases.review_application(info.context, pk, input.approve, input.note)
        return ReviewGroupCertificationSuccess(
            application=GroupCertificationApplication.from_row(review.application),
            group=Group.from_row(review.group),
        )

    @strawberry.mutation(
        description="Take a group's certification away, saying why. Platform admins only."
    )
    async def revoke_group_certification(
        self, info: Info[Context, None], input: RevokeGroupCertificationInput
    ) -> RevokeGroupCertificationResult:
        row = await cases.revoke_certification(info.context, input.slug, input.reason)
        return RevokeGroupCertificationSuccess(group=Group.from_row(row))
