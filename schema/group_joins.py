"""Joining and leaving groups, and the decisions of a group's staff on requests to join."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import group_joins as cases
from resolvers import groups as group_cases
from resolvers.context import Context
from resolvers.group_joins import MembershipState
from schema.errors import (
    ConflictError,
    ContentRejectedError,
    NotEligibleError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.groups import Group, GroupJoinRequest
from schema.relay import decode_pk


@strawberry.input(description="The group to join.")
class JoinGroupInput:
    slug: str = strawberry.field(description="The group's slug.")
    answer: str | None = strawberry.field(
        default=None,
        description="The answer to the group's join question, for groups whose staff approve "
        "their members (up to 1000 characters); ignored by the others.",
    )


@strawberry.type(
    description="The viewer is a member of the group, or their request to join waits for its staff."
)
class JoinGroupSuccess:
    group: Group = strawberry.field(description="The group.")
    membership_state: MembershipState = strawberry.field(
        description="MEMBER once in; PENDING while the request waits."
    )


JoinGroupResult = Annotated[
    JoinGroupSuccess
    | NotFoundError
    | NotEligibleError
    | ValidationError
    | ContentRejectedError
    | RateLimitedError,
    strawberry.union("JoinGroupResult"),
]


@strawberry.input(description="The group to leave.")
class LeaveGroupInput:
    slug: str = strawberry.field(description="The group's slug.")


@strawberry.type(
    description="The viewer is no longer a member of the group, nor waiting to become one."
)
class LeaveGroupSuccess:
    group: Group = strawberry.field(description="The group left.")


LeaveGroupResult = Annotated[
    LeaveGroupSuccess | NotFoundError | ConflictError, strawberry.union("LeaveGroupResult")
]


@strawberry.input(description="A decision on a pending request to join a group.")
class DecideJoinRequestInput:
    request_id: strawberry.ID = strawberry.field(description="The request.")
    approve: bool = strawberry.field(description="True admits the applicant; false rejects.")
    note: str = strawberry.field(
        default="", description="For the applicant (up to 500 characters)."
    )


@strawberry.type(description="The request was decided.")
class DecideJoinRequestSuccess:
    request: GroupJoinRequest = strawberry.field(description="The decided request.")
    group: Group = strawberry.field(description="The group, with its member count after it.")


DecideJoinRequestResult = Annotated[
    DecideJoinRequestSuccess | ValidationError | NotFoundError | ConflictError | NotEligibleError,
    strawberry.union("DecideJoinRequestResult"),
]


@strawberry.type
class GroupJoinMutations:
    @strawberry.mutation(
        description="Join a group as its join policy says: OPEN groups at once; APPROVAL "
        "groups by a request their staff decide; INVITE_ONLY groups with an invitation alone "
        "(an open invitation admits at once whatever the policy)."
    )
    async def join_group(self, info: Info[Context, None], input: JoinGroupInput) -> JoinGroupResult:
        joined = await group_cases.join_group(info.context, input.slug, input.answer)
        return JoinGroupSuccess(group=Group.from_row(joined.group), membership_state=joined.state)

    @strawberry.mutation(
        description="Leave a group, or take back a pending request to join it. The only "
        "owner hands ownership over first."
    )
    async def leave_group(
        self, info: Info[Context, None], input: LeaveGroupInput
    ) -> LeaveGroupResult:
        row = await group_cases.leave_group(info.context, input.slug)
        return LeaveGroupSuccess(group=Group.from_row(row))

    @strawberry.mutation(
        description="Approve (admitting the applicant, if the group has room) or reject a "
        "pending request to join, with a note for the applicant. The group's owners, admins "
        "and moderators, and platform admins."
    )
    async def decide_join_request(
        self, info: Info[Context, None], input: DecideJoinRequestInput
    ) -> DecideJoinRequestResult:
        pk = decode_pk(input.request_id, "GroupJoinRequest")
        decision = await cases.decide_join_request(info.context, pk, input.approve, input.note)
        return DecideJoinRequestSuccess(
            request=GroupJoinRequest.from_row(decision.request),
            group=Group.from_row(decision.group),
        )
