"""Groups and memberships; create, join and leave."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import feeds as feed_cases
from resolvers import groups as cases
from resolvers import lookups
from resolvers.context import Context
from resolvers.group_admission import member_limit
from resolvers.visibility import may_list_members
from schema.enums import GroupKind, GroupRole, GroupVisibility, Industry, JoinPolicy
from schema.errors import (
    ConflictError,
    ContentRejectedError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.refs import PostRef, post_type
from schema.relay import Connection, Node, encode_id, page_size, to_connection
from schema.users import User
from server import models


@strawberry.type(description="A member of a group, with their role.")
class GroupMember:
    user_pk: strawberry.Private[int]
    role: GroupRole = strawberry.field(description="OWNER, ADMIN, MODERATOR or MEMBER.")
    joined_at: datetime = strawberry.field(description="When they joined.")

    @strawberry.field(description="The member.")
    async def user(self, info: Info[Context, None]) -> User:
        row = await info.context.loaders.user_by_id.load(self.user_pk)
        assert row is not None, "a membership's user is deleted with it"
        return User.from_row(row)


@strawberry.type(description="A certified industry group or a group owners built themselves.")
class Group(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.Group]
    slug: str = strawberry.field(description="The unique, URL-safe name.")
    name: str = strawberry.field(description="The display name.")
    description: str = strawberry.field(description="What the group is about.")
    kind: GroupKind = strawberry.field(description="Industry, interest, profession or region.")
    industry: Industry | None = strawberry.field(
        description="The industry of an industry group (set by an admin or by certification)."
    )
    certified: bool = strawberry.field(description="Certified by the brand.")
    visibility: GroupVisibility = strawberry.field(description="Who sees the group's posts.")
    join_policy: JoinPolicy = strawberry.field(description="How people join.")
    join_question: str = strawberry.field(
        description="Asked of whoever requests to join (APPROVAL groups); empty for none."
    )
    member_count: int = strawberry.field(description="How many members the group has.")
    created_at: datetime = strawberry.field(description="When the group was created.")

    @classmethod
    def from_row(cls, row: models.Group) -> Group:
        return cls(
            id=encode_id("Group", row.id),
            pk=row.id,
            row=row,
            slug=row.slug,
            name=row.name,
            description=row.description,
            kind=row.kind,
            industry=row.industry,
            certified=row.certified,
            visibility=row.visibility,
            join_policy=row.join_policy,
            join_question=row.join_question,
            member_count=row.member_count,
            created_at=row.created_at,
        )

    @strawberry.field(
        description="The most members the group may have (certified groups take more); "
        "joins beyond it are refused with NotEligibleError GROUP_FULL."
    )
    def member_limit(self, info: Info[Context, None]) -> int:
        return member_limit(info.context.settings, self.row)

    @strawberry.field(description="The viewer's role in the group; null if not a member.")
    async def viewer_role(self, info: Info[Context, None]) -> GroupRole | None:
        membership = await info.context.loaders.viewer_membership_by_group_id.load(self.pk)
        return membership.role if membership else None

    @strawberry.field(
        description="The members, earliest first; null to outsiders of a members-only group "
        "(its `memberCount` stays public)."
    )
    async def members(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[GroupMember] | None:
        if not await may_list_members(info.context, self.row):
            return None
        page = await cases.list_members(self.row, page_size(info.context.settings, first), after)
        return to_connection(
            page, lambda m: GroupMember(user_pk=m.user_id, role=m.role, joined_at=m.joined_at)
        )

    @strawberry.field(
        description="The group's posts, newest first; empty to outsiders of a members-only group."
    )
    async def posts(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[PostRef]:
        ctx = info.context
        page = await feed_cases.group_feed(ctx, self.row, page_size(ctx.settings, first), after)
        return await post_type().connection(info, page)


async def load_group(ctx: Context, group_id: int | None) -> Group | None:
    """The group with this id, through the request's loader; None for none."""
    if group_id is None:
        return None
    row = await ctx.loaders.group_by_id.load(group_id)
    return Group.from_row(row) if row else None


@strawberry.input(description="A new group.")
class CreateGroupInput:
    slug: str = strawberry.field(description="3 to 50 characters: lowercase letters, digits, '-'.")
    name: str = strawberry.field(description="The display name.")
    description: str = strawberry.field(default="", description="What the group is about.")
    kind: GroupKind = strawberry.field(
        default=models.GroupKind.INTEREST, description="INDUSTRY groups are for admins."
    )
    visibility: GroupVisibility = strawberry.field(
        default=models.GroupVisibility.PUBLIC, description="Who sees the group's posts."
    )
    industry: Industry | None = strawberry.field(
        default=None, description="For industry groups (admins)."
    )


@strawberry.type(description="The group was created, with the viewer as its owner.")
class CreateGroupSuccess:
    group: Group = strawberry.field(description="The new group.")


CreateGroupResult = Annotated[
    CreateGroupSuccess | ValidationError | ConflictError | RateLimitedError | ContentRejectedError,
    strawberry.union("CreateGroupResult"),
]


@strawberry.input(description="Changes to a group; fields left out stay as they are.")
class UpdateGroupInput:
    slug: str = strawberry.field(description="The group to change.")
    name: str | None = strawberry.field(default=None, description="A new display name.")
    description: str | None = strawberry.field(default=None, description="A new description.")
    visibility: GroupVisibility | None = strawberry.field(
        default=None, description="Who sees the group's posts from now on."
    )


@strawberry.type(description="The group as it is after the change.")
class UpdateGroupSuccess:
    group: Group = strawberry.field(description="The changed group.")


UpdateGroupResult = Annotated[
    UpdateGroupSuccess | ValidationError | NotFoundError | RateLimitedError | ContentRejectedError,
    strawberry.union("UpdateGroupResult"),
]


@strawberry.input(description="The group to join.")
class JoinGroupInput:
    slug: str = strawberry.field(description="The group's slug.")


@strawberry.type(description="The viewer is a member of the group.")
class JoinGroupSuccess:
    group: Group = strawberry.field(description="The group joined.")


JoinGroupResult = Annotated[JoinGroupSuccess | NotFoundError, strawberry.union("JoinGroupResult")]


@strawberry.input(description="The group to leave.")
class LeaveGroupInput:
    slug: str = strawberry.field(description="The group's slug.")


@strawberry.type(description="The viewer is no longer a member of the group.")
class LeaveGroupSuccess:
    group: Group = strawberry.field(description="The group left.")


LeaveGroupResult = Annotated[
    LeaveGroupSuccess | NotFoundError | ConflictError, strawberry.union("LeaveGroupResult")
]


@strawberry.type
class GroupQueries:
    @strawberry.field(description="A group by slug, or null.")
    async def group(self, slug: str) -> Group | None:
        row = await lookups.group_by_slug(slug)
        return Group.from_row(row) if row else None

    @strawberry.field(description="Groups, largest first; filter by kind or certification.")
    async def groups(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        kind: GroupKind | None = None,
        certified: bool | None = None,
    ) -> Connection[Group]:
        page = await cases.list_groups(
            first=page_size(info.context.settings, first),
            after=after,
            kind=kind,
            certified=certified,
        )
        return to_connection(page, Group.from_row)


@strawberry.type
class GroupMutations:
    @strawberry.mutation(description="Create a group; the viewer becomes its owner.")
    async def create_group(
        self, info: Info[Context, None], input: CreateGroupInput
    ) -> CreateGroupResult:
        row = await cases.create_group(
            info.context,
            slug=input.slug,
            name=input.name,
            description=input.description,
            kind=input.kind,
            visibility=input.visibility,
            industry=input.industry,
        )
        return CreateGroupSuccess(group=Group.from_row(row))

    @strawberry.mutation(
        description="Rename a group, describe it, or change who sees its posts. Owners and "
        "admins of the group, or platform admins."
    )
    async def update_group(
        self, info: Info[Context, None], input: UpdateGroupInput
    ) -> UpdateGroupResult:
        changes = cases.GroupChanges(
            name=input.name, description=input.description, visibility=input.visibility
        )
        row = await cases.update_group(info.context, input.slug, changes)
        return UpdateGroupSuccess(group=Group.from_row(row))

    @strawberry.mutation(description="Join a group.")
    async def join_group(self, info: Info[Context, None], input: JoinGroupInput) -> JoinGroupResult:
        return JoinGroupSuccess(
            group=Group.from_row(await cases.join_group(info.context, input.slug))
        )

    @strawberry.mutation(description="Leave a group.")
    async def leave_group(
        self, info: Info[Context, None], input: LeaveGroupInput
    ) -> LeaveGroupResult:
        return LeaveGroupSuccess(
            group=Group.from_row(await cases.leave_group(info.context, input.slug))
        )
