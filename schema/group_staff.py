"""A group's staff: roles, removing and barring members, lifting bans, handing ownership over."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import group_staff as cases
from resolvers.context import Context
from schema.enums import GroupRole
from schema.errors import ConflictError, NotFoundError, ValidationError
from schema.groups import Group, GroupMember
from server import models

# --- roles --------------------------------------------------------------------------------------


@strawberry.input(description="A member's new role in a group.")
class SetGroupMemberRoleInput:
    slug: str = strawberry.field(description="The group's slug.")
    handle: str = strawberry.field(description="The member's handle.")
    role: GroupRole = strawberry.field(
        description="ADMIN, MODERATOR or MEMBER (OWNER is handed over with "
        "transferGroupOwnership); below the caller's own role."
    )


@strawberry.type(description="The member holds the role now (nothing changed if they held it).")
class SetGroupMemberRoleSuccess:
    member: GroupMember = strawberry.field(description="The member, with their role.")
    group: Group = strawberry.field(description="The group.")


SetGroupMemberRoleResult = Annotated[
    SetGroupMemberRoleSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("SetGroupMemberRoleResult"),
]


# --- removal and bans ---------------------------------------------------------------------------


@strawberry.input(description="A member to remove from a group, and whether to bar them.")
class RemoveGroupMemberInput:
    slug: str = strawberry.field(description="The group's slug.")
    handle: str = strawberry.field(description="Who to remove (not yourself: use leaveGroup).")
    reason: str = strawberry.field(
        description="Why, told to them (1 to 500 characters; who removed them is not)."
    )
    ban: bool = strawberry.field(
        default=False,
        description="Also bar them from rejoining by any way in, until the ban is lifted; on "
        "someone who is not a member, bar them alone.",
    )


@strawberry.type(description="They are no longer a member (and, with `ban`, barred).")
class RemoveGroupMemberSuccess:
    group: Group = strawberry.field(description="The group, with its count as it is now.")


RemoveGroupMemberResult = Annotated[
    RemoveGroupMemberSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("RemoveGroupMemberResult"),
]


@strawberry.input(description="Someone barred from a group, to let in again.")
class LiftGroupBanInput:
    slug: str = strawberry.field(description="The group's slug.")
    handle: str = strawberry.field(description="Who is barred.")


@strawberry.type(description="The ban is lifted: they may join again by the group's usual ways.")
class LiftGroupBanSuccess:
    group: Group = strawberry.field(description="The group.")


LiftGroupBanResult = Annotated[
    LiftGroupBanSuccess | ValidationError | NotFoundError, strawberry.union("LiftGroupBanResult")
]


# --- ownership ----------------------------------------------------------------------------------


@strawberry.input(description="The member to hand a group over to.")
class TransferGroupOwnershipInput:
    slug: str = strawberry.field(description="The group's slug.")
    handle: str = strawberry.field(
        description="A member in good standing (not sanctioned, not a persona account)."
    )


@strawberry.type(description="The member owns the group now; the owner before is an ADMIN.")
class TransferGroupOwnershipSuccess:
    group: Group = strawberry.field(description="The group.")


TransferGroupOwnershipResult = Annotated[
    TransferGroupOwnershipSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("TransferGroupOwnershipResult"),
]


def member_of(row: models.GroupMembership) -> GroupMember:
    return GroupMember(user_pk=row.user_id, role=row.role, joined_at=row.joined_at)


@strawberry.type
class GroupStaffMutations:
    @strawberry.mutation(
        description="Make a member an ADMIN, a MODERATOR or a plain MEMBER again. The group's "
        "owner and admins (admins only for members below admin), and platform admins."
    )
    async def set_group_member_role(
        self, info: Info[Context, None], input: SetGroupMemberRoleInput
    ) -> SetGroupMemberRoleResult:
        change = await cases.set_member_role(info.context, input.slug, input.handle, input.role)
        return SetGroupMemberRoleSuccess(
            member=member_of(change.membership), group=Group.from_row(change.group)
        )

    @strawberry.mutation(
        description="Remove a member, saying why, and with `ban` bar them from rejoining. The "
        "group's staff (moderators remove plain members only) and platform admins; never the "
        "owner. Their posts stay."
    )
    async def remove_group_member(
        self, info: Info[Context, None], input: RemoveGroupMemberInput
    ) -> RemoveGroupMemberResult:
        row = await cases.remove_member(
            info.context, input.slug, input.handle, input.reason, input.ban
        )
        return RemoveGroupMemberSuccess(group=Group.from_row(row))

    @strawberry.mutation(
        description="Let someone barred from a group join again. The group's owner and admins, "
        "and platform admins."
    )
    async def lift_group_ban(
        self, info: Info[Context, None], input: LiftGroupBanInput
    ) -> LiftGroupBanResult:
        row = await cases.lift_ban(info.context, input.slug, input.handle)
        return LiftGroupBanSuccess(group=Group.from_row(row))

    @strawberry.mutation(
        description="Hand a group over to another member; the owner becomes an ADMIN. The "
        "group's owner, or a platform admin."
    )
    async def transfer_group_ownership(
        self, info: Info[Context, None], input: TransferGroupOwnershipInput
    ) -> TransferGroupOwnershipResult:
        row = await cases.transfer_ownership(info.context, input.slug, input.handle)
        return TransferGroupOwnershipSuccess(group=Group.from_row(row))
