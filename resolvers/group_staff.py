"""A group's staff: roles given and taken back, members removed and barred, bans lifted, and
ownership handed over.

Who outranks whom is `policies.GROUP_RANK` (MEMBER < MODERATOR < ADMIN < OWNER); a platform
admin in good standing acts with an owner's rank in any group. Staff act only on members ranked
strictly below them and grant only roles strictly below their own, so an admin never touches
another admin or the owner, and an OWNER is made only by a handover. While a sanction runs on
an account (silenced, suspended or banned) it has no powers in any group: it is refused with
the sanction's reason. Every change is one conditional update on the state it was decided on,
so a concurrent change is a conflict, never silently overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from moderation import policies
from resolvers import audit, validation
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.group_admission import pending_key, release_place
from resolvers.lookups import require_group, require_user
from resolvers.notifications import notify_group
from resolvers.pagination import Listing, Page, id_key, keyset_page
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    AuditKind,
    Group,
    GroupBan,
    GroupInvitation,
    GroupInvitationState,
    GroupJoinRequest,
    GroupMembership,
    GroupRequestState,
    GroupRole,
    NotificationKind,
    PersonaAccount,
    PlatformRole,
    User,
)

BANS = Listing("groupBans", id_key())
MAX_REASON = 500
RANK = policies.GROUP_RANK
OWNER_RANK = RANK[GroupRole.OWNER]
# How a role reads in what members are told.
TITLES = {
    GroupRole.OWNER: "the owner",
    GroupRole.ADMIN: "an admin",
    GroupRole.MODERATOR: "a moderator",
    GroupRole.MEMBER: "a member",
}


@dataclass(frozen=True)
class Actor:
    """Who acts on a group, and the rank they act with there."""

    user: User
    rank: int
    membership: GroupMembership | None


def held_rank(user: User, membership: GroupMembership | None) -> int:
    """The rank an account holds in a group by its roles, whatever its state: an owner's for a
    platform admin, its membership's role otherwise, -1 for an outsider."""
    rank = RANK[membership.role] if membership is not None else -1
    return OWNER_RANK if user.role == PlatformRole.ADMIN else rank


async def _actor(ctx: Context, group: Group, least: GroupRole, refusal: str) -> Actor:
    """The viewer, if they hold at least `least`'s rank in the group and are in good standing.
    Forbidden (`refusal`) below it; Forbidden with the sanction's reason for one who holds it
    while a sanction runs."""
    viewer = policies.require_viewer(ctx.viewer)
    membership = await GroupMembership.get_or_none(group_id=group.id, user_id=viewer.id)
    rank = held_rank(viewer, membership)
    if rank < RANK[least]:
        raise Forbidden(refusal)
    policies.refuse_if_sanctioned(viewer)
    return Actor(viewer, rank, membership)


async def _membership_of(group: Group, user: User) -> GroupMembership:
    membership = await GroupMembership.get_or_none(group_id=group.id, user_id=user.id)
    if membership is None:
        raise NotFound(f"@{user.handle} is not a member of {group.name}.")
    return membership


# --- roles --------------------------------------------------------------------------------------


@dataclass
class RoleChange:
    """A member's role as it is after `set_member_role`, and their group."""

    membership: GroupMembership
    group: Group


def role_text(group: Group, before: GroupRole, after: GroupRole) -> str:
    if after == GroupRole.MEMBER:
        return f"You are no longer {TITLES[before]} of {group.name}; you stay a member."
    return f"You are now {TITLES[after]} of {group.name}."


async def set_member_role(ctx: Context, slug: str, handle: str, role: GroupRole) -> RoleChange:
    """Make a member an ADMIN, a MODERATOR or a plain MEMBER again: the group's owner and
    admins (an admin only below admin), and platform admins. Told to the member, audited."""
    group = await require_group(slug)
    actor = await _actor(
        ctx, group, GroupRole.ADMIN, "Only the group's owner and admins change roles."
    )
    if role == GroupRole.OWNER:
        raise InvalidInput(
            "Ownership is not granted: the owner hands it over with transferGroupOwnership.",
            field="role",
        )
    target = await require_user(handle)
    membership = await _membership_of(group, target)
    if RANK[membership.role] >= actor.rank or RANK[role] >= actor.rank:
        raise Forbidden("You change the roles of members ranked below you, to roles below yours.")
    before = membership.role
    if before == role:
        return RoleChange(membership, group)
    async with writing(ctx.hub) as log:
        # On the role read above: a concurrent change of it makes this one a conflict.
        changed = await GroupMembership.filter(id=membership.id, role=before).update(role=role)
        if not changed:
            raise Conflict(f"@{target.handle}'s role changed meanwhile; reload and try again.")
        await notify_group(
            log, target.id, NotificationKind.GROUP_ROLE, role_text(group, before, role), group.id
        )
        await audit.record(
            AuditKind.GROUP_ROLE_CHANGED,
            actor.user.id,
            group_id=group.id,
            affected_user_id=target.id,
            detail={"from": str(before), "to": str(role)},
        )
    await membership.refresh_from_db()
    return RoleChange(membership, group)


# --- removal and bans ---------------------------------------------------------------------------


def removal_text(group: Group, removed: bool, barred: bool, why: str) -> str:
    if removed and barred:
        return f"You were removed from {group.name} and cannot rejoin it. Why: {why}"
    if removed:
        return f"You were removed from {group.name}. Why: {why}"
    return f"The staff of {group.name} barred you from joining it. Why: {why}"


async def remove_member(
    ctx: Context, slug: str, handle: str, reason: str, ban: bool = False
) -> Group:
    """Remove a member, saying why: the group's staff (moderators remove plain members only)
    and platform admins. With `ban`, also bar them from rejoining by any door (and settle their
    pending request and open invitations); a ban of someone who is no member bars them alone.
    The owner is never removed; their posts stay."""
    viewer = policies.require_viewer(ctx.viewer)
    group = await require_group(slug)
    target = await require_user(handle)
    if target.id == viewer.id:
        raise InvalidInput("To leave the group, use leaveGroup.", field="handle")
    actor = await _actor(ctx, group, GroupRole.MODERATOR, "Only the group's staff remove members.")
    why = validation.text(reason, "reason", minimum=1, maximum=MAX_REASON, label="A reason")
    membership = await GroupMembership.get_or_none(group_id=group.id, user_id=target.id)
    if membership is None and not ban:
        raise NotFound(f"@{target.handle} is not a member of {group.name}.")
    if membership is not None:
        if membership.role == GroupRole.OWNER:
            raise Conflict("The owner cannot be removed: ownership is handed over first.")
        if RANK[membership.role] >= actor.rank:
            raise Forbidden("You remove members ranked below you only.")
    barred_already = ban and await GroupBan.filter(group_id=group.id, user_id=target.id).exists()
    if membership is None and barred_already:
        return group
    barring = ban and not barred_already
    try:
        async with writing(ctx.hub) as log:
            if membership is not None:
                removed = await GroupMembership.filter(
                    id=membership.id, role=membership.role
                ).delete()
                if not removed:
                    raise Conflict(
                        f"@{target.handle}'s membership changed meanwhile; reload and try again."
                    )
                await release_place(group.id)
            if barring:
                await _bar(group, target, actor.user, why)
            await notify_group(
                log,
                target.id,
                NotificationKind.GROUP_REMOVED,
                removal_text(group, membership is not None, ban, why),
                group.id,
            )
            await audit.record(
                AuditKind.GROUP_MEMBER_REMOVED,
                actor.user.id,
                group_id=group.id,
                affected_user_id=target.id,
                reason=why,
                detail={
                    "role": str(membership.role) if membership is not None else None,
                    "removed": membership is not None,
                    "banned": ban,
                },
            )
    except IntegrityError:  # barred by someone else meanwhile
        raise Conflict(f"@{target.handle} was barred meanwhile; reload and try again.") from None
    await group.refresh_from_db()
    return group


async def _bar(group: Group, target: User, by: User, why: str) -> None:
    """The ban row, and no open way in left: their pending request is rejected and their open
    invitation revoked (invite links are refused by `admit` itself)."""
    await GroupBan.create(group_id=group.id, user_id=target.id, banned_by_id=by.id, reason=why)
    key, now = pending_key(group.id, target.id), datetime.now(UTC)
    await GroupJoinRequest.filter(pending_key=key).update(
        state=GroupRequestState.REJECTED, pending_key=None, decided_by_id=by.id, decided_at=now
    )
    await GroupInvitation.filter(pending_key=key).update(
        state=GroupInvitationState.REVOKED, pending_key=None, answered_at=now
    )


async def lift_ban(ctx: Context, slug: str, handle: str) -> Group:
    """Let someone barred from the group join again (by its usual doors): the group's owner
    and admins, and platform admins. NotFound when they are not barred."""
    group = await require_group(slug)
    await _actor(ctx, group, GroupRole.ADMIN, "Only the group's owner and admins lift bans.")
    target = await require_user(handle)
    async with writing(ctx.hub):
        lifted = await GroupBan.filter(group_id=group.id, user_id=target.id).delete()
    if not lifted:
        raise NotFound(f"@{target.handle} is not barred from {group.name}.")
    return group


async def list_bans(
    ctx: Context, group: Group, first: int, after: str | None
) -> Page[GroupBan] | None:
    """Who is barred from the group, newest first: for its staff in good standing and platform
    admins; None for anyone else."""
    viewer = ctx.viewer
    if viewer is None:
        return None
    membership = await ctx.loaders.viewer_membership_by_group_id.load(group.id)
    if not (policies.is_admin(viewer) or policies.staffs_group(viewer, membership)):
        return None
    query = GroupBan.filter(group_id=group.id)
    return await keyset_page(query, BANS, first=first, after=after)


# --- ownership ----------------------------------------------------------------------------------


async def transfer_ownership(ctx: Context, slug: str, handle: str) -> Group:
    """Hand the group to another member in good standing (not sanctioned, not a persona
    account): its owner, or a platform admin. The owner before becomes an ADMIN; both changes
    are conditional on the roles read, in one transaction."""
    viewer = policies.require_viewer(ctx.viewer)
    group = await require_group(slug)
    membership = await GroupMembership.get_or_none(group_id=group.id, user_id=viewer.id)
    owns = membership is not None and membership.role == GroupRole.OWNER
    if not owns and viewer.role != PlatformRole.ADMIN:
        raise Forbidden("Only the group's owner hands ownership over.")
    policies.refuse_if_sanctioned(viewer)
    target = await require_user(handle)
    if owns and target.id == viewer.id:
        raise InvalidInput("You own the group already.", field="handle")
    heir = await _membership_of(group, target)
    if heir.role == GroupRole.OWNER:
        return group
    if policies.is_sanctioned(target):
        raise Conflict(f"@{target.handle} is under a sanction and cannot take the group over now.")
    if await PersonaAccount.filter(user_id=target.id).exists():
        raise Conflict("A persona account cannot own a group.")
    if owns:
        assert membership is not None
        owners = [membership]
    else:
        owners = await GroupMembership.filter(group_id=group.id, role=GroupRole.OWNER)
    async with writing(ctx.hub) as log:
        for owner in owners:
            demoted = await GroupMembership.filter(id=owner.id, role=GroupRole.OWNER).update(
                role=GroupRole.ADMIN
            )
            if not demoted:
                raise Conflict("The group's ownership changed meanwhile; reload and try again.")
        promoted = await GroupMembership.filter(id=heir.id, role=heir.role).update(
            role=GroupRole.OWNER
        )
        if not promoted:
            raise Conflict(f"@{target.handle}'s role changed meanwhile; reload and try again.")
        await notify_group(
            log,
            target.id,
            NotificationKind.GROUP_ROLE,
            f"You are now the owner of {group.name}.",
            group.id,
        )
        for owner in owners:
            if owner.user_id != viewer.id:
                await notify_group(
                    log,
                    owner.user_id,
                    NotificationKind.GROUP_ROLE,
                    f"{group.name} was handed over to @{target.handle}; you are now an admin.",
                    group.id,
                )
        await audit.record(
            AuditKind.GROUP_OWNERSHIP_TRANSFERRED,
            viewer.id,
            group_id=group.id,
            affected_user_id=target.id,
            detail={"from": [owner.user_id for owner in owners], "to": target.id},
        )
    return group
