"""Group invitations and invite links: two more ways into a group, both through
`group_admission.admit` (the one door in, with its ban check and member limit), whatever the
group's join policy, because whoever invites vouches for the newcomer.

An invitation names one person: any member in good standing may invite to an OPEN group, only
the group's staff (and platform admins) to an APPROVAL or INVITE_ONLY one. One invitation is
open per person and group (`pending_key`); the invitee accepts or declines it, its inviter or
the group's staff revoke it, each answer claiming it with one conditional update on its state.

An invite link is a secret code the group's staff hand out, good for a number of uses or until
a moment. A use is counted by one conditional update (not revoked, not expired, uses below the
limit) in the transaction that admits the newcomer: concurrent joins never use a link more
often than it allows, and a refused admission (a full group, a ban) spends no use.

Links, and invitations other than one's own, are for the group's staff in good standing and
platform admins; a staff member under a sanction has none of these powers meanwhile.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from moderation import policies
from resolvers import group_admission
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.group_joins import MembershipState
from resolvers.lookups import require_group, require_user
from resolvers.notifications import notify_group
from resolvers.pagination import Listing, Page, id_key, keyset_page
from resolvers.screening import rate_limit
from server.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotEligible,
    NotEligibleReason,
    NotFound,
)
from server.models import (
    Group,
    GroupBan,
    GroupInvitation,
    GroupInvitationState,
    GroupInviteLink,
    GroupJoinRequest,
    GroupMembership,
    JoinPolicy,
    NotificationKind,
    PlatformRole,
    User,
)

# Both newest first: the invitee answers the latest; staff look at the links they just made.
OWN_INVITATIONS = Listing("groupInvitations", id_key())
LINKS = Listing("groupInviteLinks", id_key())
MAX_LINK_USES = 10_000
MAX_LINK_HOURS = 24 * 365
# token_urlsafe(18): 24 characters, 144 random bits; the column holds 40.
CODE_BYTES = 18
CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,40}")


# --- who may -----------------------------------------------------------------------------------


async def _membership(group_id: int, user_id: int) -> GroupMembership | None:
    return await GroupMembership.get_or_none(group_id=group_id, user_id=user_id)


def _holds_power(viewer: User, membership: GroupMembership | None) -> bool:
    """Whether the viewer has a group's staff powers by role, whatever their account's state."""
    if viewer.role == PlatformRole.ADMIN:
        return True
    return membership is not None and membership.role in policies.GROUP_STAFF_ROLES


def _refuse(viewer: User, membership: GroupMembership | None, message: str) -> Forbidden:
    """FORBIDDEN, with the sanction's reason for a staff member whose powers wait for it."""
    if _holds_power(viewer, membership):
        policies.refuse_if_sanctioned(viewer)
    return Forbidden(message)


async def _staff_of(viewer: User, group: Group) -> GroupMembership | None:
    """The viewer's membership, if they may admit people to the group now; FORBIDDEN if not."""
    membership = await _membership(group.id, viewer.id)
    if not policies.can_admit_to_group(viewer, membership):
        raise _refuse(viewer, membership, f"Only the staff of {group.name} can do this.")
    return membership


# --- inviting ----------------------------------------------------------------------------------


async def invite_to_group(ctx: Context, slug: str, handle: str) -> GroupInvitation:
    """Invite someone to a group; they are told (GROUP_INVITATION) and join on accepting.

    A ban from the group is only the staff's to learn: a member inviting to an open group
    someone its staff barred gets an invitation like any other, which reaches nobody (no
    notification) and which accepting would refuse."""
    viewer = policies.require_writer(ctx.viewer)
    group = await require_group(slug)
    membership = await _membership(group.id, viewer.id)
    staff = policies.can_admit_to_group(viewer, membership)
    member_may = group.join_policy == JoinPolicy.OPEN and membership is not None
    if not staff:
        if member_may:
            # An invitation notifies someone with nobody reviewing it: not while silenced.
            policies.refuse_if_sanctioned(viewer)
        else:
            who = "members" if group.join_policy == JoinPolicy.OPEN else "staff"
            raise _refuse(viewer, membership, f"Only the {who} of {group.name} invite people.")
    invitee = await require_user(handle)
    if invitee.id == viewer.id:
        raise InvalidInput("You cannot invite yourself.", field="handle")
    if await GroupMembership.filter(group_id=group.id, user_id=invitee.id).exists():
        raise Conflict(f"@{invitee.handle} is already a member of {group.name}.")
    barred = await GroupBan.filter(group_id=group.id, user_id=invitee.id).exists()
    if barred and staff:
        raise NotEligible(
            f"The staff of {group.name} barred @{invitee.handle} from rejoining; lift the ban "
            "first.",
            NotEligibleReason.BANNED_FROM_GROUP,
        )
    key = group_admission.pending_key(group.id, invitee.id)
    already = Conflict(f"@{invitee.handle} has an open invitation to {group.name}.")
    if await GroupInvitation.filter(pending_key=key).exists():
        raise already
    # Each invitation notifies someone: counted like any other write (RATE_LIMITS `invite`).
    await rate_limit(ctx, viewer, "invite")
    try:
        async with writing(ctx.hub) as log:
            invitation = await GroupInvitation.create(
                group_id=group.id, user_id=invitee.id, inviter_id=viewer.id, pending_key=key
            )
            if not barred:
                await notify_group(
                    log,
                    invitee.id,
                    NotificationKind.GROUP_INVITATION,
                    f"@{viewer.handle} invited you to join {group.name}.",
                    group.id,
                    actor_id=viewer.id,
                )
    except IntegrityError:  # invited by someone else meanwhile
        raise already from None
    return invitation


async def _answerable(ctx: Context, invitation_id: int) -> GroupInvitation:
    """The viewer's own invitation; anyone else's reads as missing."""
    viewer = policies.require_viewer(ctx.viewer)
    invitation = await GroupInvitation.get_or_none(id=invitation_id, user_id=viewer.id)
    if invitation is None:
        raise NotFound("No such invitation.")
    return invitation


@dataclass
class Answer:
    """An answered invitation, its group as it is now, and where the invitee stands with it."""

    invitation: GroupInvitation
    group: Group
    membership_state: MembershipState | None


async def respond_to_invitation(ctx: Context, invitation_id: int, accept: bool) -> Answer:
    """Accept (joining the group whatever its policy, unless it is full or barred the invitee:
    NotEligible, and the invitation stays open) or decline a pending invitation of one's own.
    Declining is open to a suspended account too; accepting needs one that may write."""
    invitation = await _answerable(ctx, invitation_id)
    viewer = policies.require_writer(ctx.viewer) if accept else ctx.viewer
    assert viewer is not None
    if invitation.state != GroupInvitationState.PENDING:
        raise Conflict("This invitation was answered or revoked already.")
    group = await Group.get(id=invitation.group_id)
    state = GroupInvitationState.ACCEPTED if accept else GroupInvitationState.DECLINED
    async with writing(ctx.hub) as log:
        # The claim comes first: a second answer, or a revocation, finds nothing to claim. A
        # refused admission rolls the claim back with it.
        claimed = await GroupInvitation.filter(
            id=invitation.id, state=GroupInvitationState.PENDING
        ).update(state=state, pending_key=None, answered_at=datetime.now(UTC))
        if not claimed:
            raise Conflict("This invitation was answered or revoked already.")
        if accept:
            await group_admission.admit(
                log, ctx.settings, group, viewer.id, by=invitation.inviter_id
            )
    await invitation.refresh_from_db()
    await group.refresh_from_db()
    return Answer(invitation, group, await membership_state(group.id, viewer.id))


async def membership_state(group_id: int, user_id: int) -> MembershipState | None:
    """MEMBER, PENDING (their request to join waits for the staff), or None."""
    if await GroupMembership.filter(group_id=group_id, user_id=user_id).exists():
        return MembershipState.MEMBER
    key = group_admission.pending_key(group_id, user_id)
    if await GroupJoinRequest.filter(pending_key=key).exists():
        return MembershipState.PENDING
    return None


async def revoke_invitation(ctx: Context, invitation_id: int) -> GroupInvitation:
    """Take back a pending invitation: its inviter, the group's staff, platform admins. The
    invitee declines instead; anyone else finds no such invitation."""
    viewer = policies.require_writer(ctx.viewer)
    invitation = await GroupInvitation.get_or_none(id=invitation_id)
    if invitation is None:
        raise NotFound("No such invitation.")
    membership = await _membership(invitation.group_id, viewer.id)
    if invitation.inviter_id != viewer.id and not policies.can_admit_to_group(viewer, membership):
        if invitation.user_id == viewer.id:
            raise Forbidden("Decline the invitation instead.")
        if not _holds_power(viewer, membership):
            raise NotFound("No such invitation.")
        raise _refuse(viewer, membership, "Only the group's staff revoke invitations.")
    async with writing(ctx.hub):
        claimed = await GroupInvitation.filter(
            id=invitation.id, state=GroupInvitationState.PENDING
        ).update(
            state=GroupInvitationState.REVOKED, pending_key=None, answered_at=datetime.now(UTC)
        )
    if not claimed:
        raise Conflict("This invitation was answered or revoked already.")
    await invitation.refresh_from_db()
    return invitation


async def list_own_invitations(
    ctx: Context, user_id: int, first: int, after: str | None
) -> Page[GroupInvitation] | None:
    """The viewer's open invitations, newest first; None on anyone else's profile."""
    if ctx.viewer is None or ctx.viewer.id != user_id:
        return None
    query = GroupInvitation.filter(user_id=user_id, state=GroupInvitationState.PENDING)
    return await keyset_page(query, OWN_INVITATIONS, first=first, after=after)


async def _admits_to(ctx: Context, group_id: int) -> bool:
    """Whether the viewer may admit people to the group now (its staff, platform admins)."""
    if ctx.viewer is None:
        return False
    membership = await ctx.loaders.viewer_membership_by_group_id.load(group_id)
    return policies.can_admit_to_group(ctx.viewer, membership)


async def visible_invitation(ctx: Context, invitation_id: int) -> GroupInvitation | None:
    """An invitation, for its invitee, its inviter, the group's staff and platform admins."""
    if ctx.viewer is None:
        return None
    invitation = await GroupInvitation.get_or_none(id=invitation_id)
    if invitation is None:
        return None
    if ctx.viewer.id in (invitation.user_id, invitation.inviter_id):
        return invitation
    return invitation if await _admits_to(ctx, invitation.group_id) else None


# --- invite links ------------------------------------------------------------------------------


def _bounded(value: int | None, field: str, maximum: int, label: str) -> int | None:
    if value is not None and not 1 <= value <= maximum:
        raise InvalidInput(f"{label} is 1 to {maximum:,}, or none.", field=field)
    return value


async def create_invite_link(
    ctx: Context, slug: str, max_uses: int | None, expires_in_hours: int | None
) -> GroupInviteLink:
    """A new secret code for the group: the group's staff and platform admins."""
    viewer = policies.require_writer(ctx.viewer)
    group = await require_group(slug)
    await _staff_of(viewer, group)
    uses = _bounded(max_uses, "maxUses", MAX_LINK_USES, "The number of uses")
    hours = _bounded(expires_in_hours, "expiresInHours", MAX_LINK_HOURS, "The hours it lasts")
    expires_at = datetime.now(UTC) + timedelta(hours=hours) if hours is not None else None
    async with writing(ctx.hub):
        return await GroupInviteLink.create(
            group_id=group.id,
            created_by_id=viewer.id,
            code=secrets.token_urlsafe(CODE_BYTES),
            max_uses=uses,
            expires_at=expires_at,
        )


def link_refusal(link: GroupInviteLink, now: datetime) -> NotEligible | None:
    """Why the link admits nobody now, or None while it does."""
    if link.revoked_at is not None:
        return NotEligible("This invite link was revoked.", NotEligibleReason.INVITE_REVOKED)
    if link.expires_at is not None and link.expires_at <= now:
        return NotEligible("This invite link has expired.", NotEligibleReason.INVITE_EXPIRED)
    if link.max_uses is not None and link.uses >= link.max_uses:
        return NotEligible("This invite link is used up.", NotEligibleReason.INVITE_USED_UP)
    return None


class _AlreadyIn(Exception):
    """Admitted meanwhile by another way in: the use taken for them is given back."""


async def join_by_invite(ctx: Context, code: str) -> Group:
    """Join the group of an invite link, whatever its join policy. A member already is one
    without spending a use; a revoked, expired or used-up link is NotEligible with its reason,
    and so are a full group and a ban from it (spending no use)."""
    viewer = policies.require_writer(ctx.viewer)
    clean = code.strip()
    link = await GroupInviteLink.get_or_none(code=clean) if CODE_RE.fullmatch(clean) else None
    if link is None:
        raise NotFound("No invite link with that code.")
    group = await Group.get(id=link.group_id)
    if await GroupMembership.filter(group_id=group.id, user_id=viewer.id).exists():
        return group
    now = datetime.now(UTC)
    refusal = link_refusal(link, now)
    if refusal is not None:
        raise refusal
    usable = (
        Q(id=link.id, revoked_at=None)
        & (Q(expires_at=None) | Q(expires_at__gt=now))
        & (Q(max_uses=None) | Q(uses__lt=F("max_uses")))
    )
    try:
        async with writing(ctx.hub) as log:
            # One statement takes the use: concurrent joins queue on the link's row, and each
            # sees the count the one before it left.
            if not await GroupInviteLink.filter(usable).update(uses=F("uses") + 1):
                await link.refresh_from_db()
                raise link_refusal(link, now) or Conflict("This invite link changed; try again.")
            if not await group_admission.admit(
                log, ctx.settings, group, viewer.id, by=link.created_by_id
            ):
                raise _AlreadyIn()
    except (_AlreadyIn, IntegrityError):  # joined meanwhile, through another door
        pass
    await group.refresh_from_db()
    return group


async def revoke_invite_link(ctx: Context, link_id: int) -> GroupInviteLink:
    """Stop a link admitting anyone: the group's staff and platform admins. Revoking a revoked
    link changes nothing and succeeds (the first revocation's time stays)."""
    viewer = policies.require_writer(ctx.viewer)
    link = await GroupInviteLink.get_or_none(id=link_id)
    if link is None:
        raise NotFound("No such invite link.")
    membership = await _membership(link.group_id, viewer.id)
    if not policies.can_admit_to_group(viewer, membership):
        if not _holds_power(viewer, membership):
            raise NotFound("No such invite link.")  # the link is a secret of the group's staff
        raise _refuse(viewer, membership, "Only the group's staff revoke its invite links.")
    async with writing(ctx.hub):
        await GroupInviteLink.filter(id=link.id, revoked_at=None).update(
            revoked_at=datetime.now(UTC)
        )
    await link.refresh_from_db()
    return link


async def list_invite_links(
    ctx: Context, group: Group, first: int, after: str | None
) -> Page[GroupInviteLink] | None:
    """A group's invite links, newest first, for its staff and platform admins; None for
    anyone else."""
    if not await _admits_to(ctx, group.id):
        return None
    query = GroupInviteLink.filter(group_id=group.id)
    return await keyset_page(query, LINKS, first=first, after=after)


async def visible_link(ctx: Context, link_id: int) -> GroupInviteLink | None:
    """An invite link, for its group's staff and platform admins."""
    link = await GroupInviteLink.get_or_none(id=link_id)
    if link is None or not await _admits_to(ctx, link.group_id):
        return None
    return link
