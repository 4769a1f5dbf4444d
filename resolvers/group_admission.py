"""The one door into a group. Every way in (an open join, an approved request, an accepted
invitation, an invite link) admits through `admit`, which keeps bans, the member limit and the
group's count together: the count is raised by one conditional update, so that concurrent joins
of the last free place let exactly one in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from tortoise.expressions import F

from moderation import policies
from resolvers.changes import ChangeLog
from resolvers.notifications import notify
from server.errors import NotEligible, NotEligibleReason
from server.models import (
    Group,
    GroupBan,
    GroupInvitation,
    GroupInvitationState,
    GroupJoinRequest,
    GroupMembership,
    GroupRequestState,
    GroupRole,
    NotificationKind,
)
from server.settings import Settings


def member_limit(settings: Settings, group: Group) -> int:
    """The most members the group may have: certified industry groups take more."""
    if group.certified:
        return settings.certified_group_member_limit
    return settings.group_member_limit


def pending_key(group_id: int, user_id: int) -> str:
    """The key that keeps one pending join request, or one open invitation, per person and
    group."""
    return f"{group_id}:{user_id}"


async def refuse_if_banned(group: Group, user_id: int) -> None:
    if await GroupBan.filter(group_id=group.id, user_id=user_id).exists():
        raise NotEligible(
            f"The staff of {group.name} removed you and barred you from rejoining.",
            NotEligibleReason.BANNED_FROM_GROUP,
        )


async def staff_ids(group_id: int) -> list[int]:
    """The group's owners, admins and moderators: who is told of requests to join."""
    rows = await GroupMembership.filter(
        group_id=group_id, role__in=policies.GROUP_STAFF_ROLES
    ).values_list("user_id", flat=True)
    return cast(list[int], rows)


async def admit(
    log: ChangeLog, settings: Settings, group: Group, user_id: int, *, by: int | None = None
) -> bool:
    """Make `user_id` a member, inside the caller's transaction; False when they are one
    already. A ban from the group, or a group at its limit, is NotEligible and admits nobody.
    A pending request of theirs is settled (approved) and an open invitation accepted. The
    group's owners and admins are told; `by` is who let them in (they are not told of it)."""
    if await GroupMembership.filter(group_id=group.id, user_id=user_id).exists():
        return False
    await refuse_if_banned(group, user_id)
    # One statement takes the place: concurrent admissions queue on the group's row, and each
    # sees the count the one before it left.
    placed = await Group.filter(id=group.id, member_count__lt=member_limit(settings, group)).update(
        member_count=F("member_count") + 1
    )
    if not placed:
        raise NotEligible(
            f"{group.name} has as many members as it may have.", NotEligibleReason.GROUP_FULL
        )
    # A concurrent admission of the same person fails here on (group, user) and rolls back.
    await GroupMembership.create(group_id=group.id, user_id=user_id, role=GroupRole.MEMBER)
    key, now = pending_key(group.id, user_id), datetime.now(UTC)
    await GroupJoinRequest.filter(pending_key=key).update(
        state=GroupRequestState.APPROVED, pending_key=None, decided_by_id=by, decided_at=now
    )
    await GroupInvitation.filter(pending_key=key).update(
        state=GroupInvitationState.ACCEPTED, pending_key=None, answered_at=now
    )
    managers = await GroupMembership.filter(
        group_id=group.id, role__in=[GroupRole.OWNER, GroupRole.ADMIN]
    ).values_list("user_id", flat=True)
    for manager_id in cast(list[int], managers):
        if manager_id != by:
            await notify(log, manager_id, NotificationKind.GROUP_JOIN, user_id, group_id=group.id)
    return True


async def release_place(group_id: int) -> None:
    """A member left or was removed: their place is free again."""
    await Group.filter(id=group_id).update(member_count=F("member_count") - 1)
