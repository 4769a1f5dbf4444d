"""Groups and memberships; create and change groups; requests to join, as their staff see them
(joining and leaving are in schema.group_joins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import feeds as feed_cases
from resolvers import group_joins as join_cases
from resolvers import groups as cases
from resolvers import lookups
from resolvers.context import Context
from resolvers.group_admission import member_limit
from resolvers.group_joins import MembershipState
from resolvers.visibility import may_list_members
from schema.enums import (
    GroupKind,
    GroupRequestState,
    GroupRole,
    GroupVisibility,
    Industry,
    JoinPolicy,
)
from schema.errors import (
    ConflictError,
    ContentRejectedError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.group_bans import GroupBan, group_bans
from schema.loading import now_or_later
from schema.refs import (
    CertificationApplicationRef,
    GroupInviteLinkRef,
    PostRef,
    certification_application_type,
    group_invite_link_type,
    post_type,
)
from schema.relay import Connection, Node, encode_id, page_size, to_connection
from schema.users import User
from server import models

strawberry.enum(
    MembershipState,
    description="Where the viewer stands with a group. MEMBER: a member; PENDING: their "
    "request to join waits for the group's staff.",
)


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

    @strawberry.field(
        description="The group's latest certification application: for its owners and admins "
        "and platform admins; null for anyone else, or when it never applied."
    )
    async def certification_application(
        self, info: Info[Context, None]
    ) -> CertificationApplicationRef | None:
        return await certification_application_type().for_group(info, self.row)

    @strawberry.field(
        description="The group's invite links, newest first: for its staff and platform "
        "admins; null for anyone else."
    )
    async def invite_links(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[GroupInviteLinkRef] | None:
        return await group_invite_link_type().for_group(info, self.row, first, after)

    @strawberry.field(description="The viewer's role in the group; null if not a member.")
    async def viewer_role(self, info: Info[Context, None]) -> GroupRole | None:
        membership = await info.context.loaders.viewer_membership_by_group_id.load(self.pk)
        return membership.role if membership else None

    @strawberry.field(
        description="Where the viewer stands with the group: MEMBER, PENDING while their "
        "request to join waits for its staff, or null (neither, or not signed in)."
    )
    async def viewer_membership_state(self, info: Info[Context, None]) -> MembershipState | None:
        return await join_cases.membership_state(info.context, self.pk)

    @strawberry.field(
        description="Requests to join the group, oldest first; pending ones by default, every "
        "state for `state: null`. For its owners, admins and moderators in good standing and "
        "platform admins; null for anyone else."
    )
    async def join_requests(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        state: GroupRequestState | None = GroupRequestState.PENDING,
    ) -> Connection[GroupJoinRequest] | None:
        ctx = info.context
        size = page_size(ctx.settings, first)
        page = await join_cases.list_join_requests(ctx, self.row, state, size, after)
        return None if page is None else to_connection(page, GroupJoinRequest.from_row)

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
        description="Who is barred from rejoining, newest first: for the group's owner, admins "
        "and moderators and platform admins; null for anyone else."
    )
    async def bans(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[GroupBan] | None:
        return await group_bans(info, self.row, first, after)

    @strawberry.field(
        description="The group's posts, newest first; empty to outsiders of a members-only group."
    )
    async def posts(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[PostRef]:
        ctx = info.context
        page = await feed_cases.group_feed(ctx, self.row, page_size(ctx.settings, first), after)
        return await post_type().connection(info, page)


@strawberry.type(
    description="A request to join a group that approves its members: seen by its applicant "
    "and by those who decide the group's requests alone."
)
class GroupJoinRequest(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.GroupJoinRequest]
    answer: str = strawberry.field(
        description="The applicant's answer to the group's join question; empty for none."
    )
    state: GroupRequestState = strawberry.field(
        description="PENDING, APPROVED, REJECTED or WITHDRAWN."
    )
    note: str = strawberry.field(
        description="What the group's staff wrote when deciding; empty until decided."
    )
    created_at: datetime = strawberry.field(description="When it was sent.")
    decided_at: datetime | None = strawberry.field(
        description="When it was decided or withdrawn; null while pending."
    )

    @classmethod
    def from_row(cls, row: models.GroupJoinRequest) -> GroupJoinRequest:
        return cls(
            id=encode_id("GroupJoinRequest", row.id),
            pk=row.id,
            row=row,
            answer=row.answer,
            state=row.state,
            note=row.note,
            created_at=row.created_at,
            decided_at=row.decided_at,
        )

    @strawberry.field(description="The group asked to join.")
    def group(self, info: Info[Context, None]) -> Group:
        return now_or_later(info.context.loaders.group_by_id, self.row.group_id, Group.from_row)

    @strawberry.field(description="Who asks to join.")
    def user(self, info: Info[Context, None]) -> User:
        return now_or_later(info.context.loaders.user_by_id, self.row.user_id, User.from_row)


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
    join_policy: JoinPolicy = strawberry.field(
        default=models.JoinPolicy.OPEN,
        description="How people join: OPEN (at once), APPROVAL (its staff decide requests) or "
        "INVITE_ONLY.",
    )
    join_question: str = strawberry.field(
        default="",
        description="Asked of whoever requests to join an APPROVAL group, up to 300 characters.",
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
    join_policy: JoinPolicy | None = strawberry.field(
        default=None,
        description="How people join from now on; requests already waiting stay pending.",
    )
    join_question: str | None = strawberry.field(
        default=None, description="A new join question, up to 300 characters (empty: none)."
    )


@strawberry.type(description="The group as it is after the change.")
class UpdateGroupSuccess:
    group: Group = strawberry.field(description="The changed group.")


UpdateGroupResult = Annotated[
    UpdateGroupSuccess | ValidationError | NotFoundError | RateLimitedError | ContentRejectedError,
    strawberry.union("UpdateGroupResult"),
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
            join_policy=input.join_policy,
            join_question=input.join_question,
        )
        return CreateGroupSuccess(group=Group.from_row(row))

    @strawberry.mutation(
        description="Rename a group, describe it, change who sees its posts, how people join "
        "it or its join question. Owners and admins of the group, or platform admins."
    )
    async def update_group(
        self, info: Info[Context, None], input: UpdateGroupInput
    ) -> UpdateGroupResult:
        changes = cases.GroupChanges(
            name=input.name,
            description=input.description,
            visibility=input.visibility,
            join_policy=input.join_policy,
            join_question=input.join_question,
        )
        row = await cases.update_group(info.context, input.slug, changes)
        return UpdateGroupSuccess(group=Group.from_row(row))
