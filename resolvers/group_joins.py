"""Joining a group by its join policy, and join requests: asking to join a group that approves
its members, and its staff deciding.

OPEN groups admit at once; APPROVAL groups take a request (with the answer to the group's
question), which waits until the group's staff approve it, admitting the applicant, or reject
it with a note; INVITE_ONLY groups take members by invitation alone. An open invitation admits
at once whatever the policy. Every admission goes through `group_admission.admit`, the one door
in, with its ban check and its member limit.

Two staff deciding at once decide once: the decision claims the request with one conditional
update on its state, in the transaction that admits, so an approval the group has no room for
rolls back with the claim and leaves the request pending. The applicant hears of the decision,
the group's staff of the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from tortoise.exceptions import IntegrityError

from moderation import policies
from resolvers import validation
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.group_admission import admit, pending_key, refuse_if_banned, staff_ids
from resolvers.notifications import notify, notify_group
from resolvers.pagination import Listing, Page, id_key, keyset_page
from resolvers.screening import screen
from server.errors import Conflict, Forbidden, NotEligible, NotEligibleReason, NotFound
from server.models import (
    Group,
    GroupInvitation,
    GroupJoinRequest,
    GroupMembership,
    GroupRequestState,
    JoinPolicy,
    NotificationKind,
    PlatformRole,
    User,
)

# Staff work the oldest requests first.
REQUESTS = Listing("groupJoinRequests", id_key(descending=False))
MAX_ANSWER = 1000
MAX_NOTE = 500


class MembershipState(StrEnum):
    """Where the viewer stands with a group: a member, or waiting for their request."""

    MEMBER = "MEMBER"
    PENDING = "PENDING"


def clean_answer(answer: str | None) -> str:
    return validation.text(answer, "answer", minimum=0, maximum=MAX_ANSWER, label="An answer")


# --- joining ------------------------------------------------------------------------------------


async def join(ctx: Context, viewer: User, group: Group, answer: str) -> MembershipState:
    """Let `viewer` into `group` as its join policy says (see the module docstring); MEMBER
    once in, PENDING while a request waits. Asking again while a request waits changes
    nothing. Barred from the group: NotEligible BANNED_FROM_GROUP, for requests too."""
    if await GroupMembership.filter(group_id=group.id, user_id=viewer.id).exists():
        return MembershipState.MEMBER
    await refuse_if_banned(group, viewer.id)
    invitation = await GroupInvitation.get_or_none(pending_key=pending_key(group.id, viewer.id))
    if invitation is not None or group.join_policy == JoinPolicy.OPEN:
        by = invitation.inviter_id if invitation is not None else None
        return await _admit(ctx, group, viewer.id, by)
    if group.join_policy == JoinPolicy.INVITE_ONLY:
        raise NotEligible(
            f"{group.name} takes members by invitation alone.",
            NotEligibleReason.INVITATION_REQUIRED,
        )
    return await _request(ctx, viewer, group, answer)


async def _admit(ctx: Context, group: Group, user_id: int, by: int | None) -> MembershipState:
    try:
        async with writing(ctx.hub) as log:
            await admit(log, ctx.settings, group, user_id, by=by)
    except IntegrityError:
        # The same person's concurrent join took the place first; this one rolled back.
        if not await GroupMembership.filter(group_id=group.id, user_id=user_id).exists():
            raise
    return MembershipState.MEMBER


async def _request(ctx: Context, viewer: User, group: Group, answer: str) -> MembershipState:
    key = pending_key(group.id, viewer.id)
    if await GroupJoinRequest.filter(pending_key=key).exists():
        return MembershipState.PENDING
    verdict = await screen(ctx, viewer, "join_request", {"answer": answer})
    staff = await staff_ids(group.id)
    try:
        async with writing(ctx.hub) as log:
            await GroupJoinRequest.create(
                group_id=group.id,
                user_id=viewer.id,
                answer=verdict.fields["answer"],
                pending_key=key,
            )
            for staff_id in staff:
                await notify(
                    log, staff_id, NotificationKind.GROUP_JOIN_REQUEST, viewer.id, group_id=group.id
                )
    except IntegrityError:
        pass  # their concurrent request was written first: one request waits, as asked
    return MembershipState.PENDING


async def withdraw_pending(group_id: int, user_id: int) -> bool:
    """Take back the person's pending request to join, inside the caller's transaction; False
    when none waits."""
    withdrawn = await GroupJoinRequest.filter(
        pending_key=pending_key(group_id, user_id), state=GroupRequestState.PENDING
    ).update(state=GroupRequestState.WITHDRAWN, pending_key=None, decided_at=datetime.now(UTC))
    return bool(withdrawn)


# --- deciding -----------------------------------------------------------------------------------


def _may_hold_the_power(viewer: User, membership: GroupMembership | None) -> bool:
    """Whether the viewer's roles (whatever their account's state) are those that decide the
    group's requests: the group's staff and platform admins. Anyone else is not to learn a
    request exists; these are refused with the sanction's reason while one runs."""
    if viewer.role == PlatformRole.ADMIN:
        return True
    return membership is not None and membership.role in policies.GROUP_STAFF_ROLES


@dataclass
class Decision:
    """A decided request, and its group as it is afterwards."""

    request: GroupJoinRequest
    group: Group


def decision_text(group: Group, approved: bool, note: str) -> str:
    if approved:
        text = f"Your request to join {group.name} was approved: welcome!"
    else:
        text = f"Your request to join {group.name} was not approved."
    return f"{text} {note}" if note else text


async def decide_join_request(
    ctx: Context, request_id: int, approve: bool, note: str = ""
) -> Decision:
    """Approve (admitting the applicant, if the group has room) or reject a pending request,
    with a note for the applicant. The group's staff in good standing and platform admins;
    for anyone else the request reads as missing. A group at its limit makes an approval
    NotEligible (GROUP_FULL) and the request stays pending."""
    viewer = policies.require_viewer(ctx.viewer)
    request = await GroupJoinRequest.get_or_none(id=request_id)
    if request is None:
        raise NotFound("No such join request.")
    group = await Group.get(id=request.group_id)
    membership = await GroupMembership.get_or_none(group_id=group.id, user_id=viewer.id)
    if not _may_hold_the_power(viewer, membership):
        raise NotFound("No such join request.")
    policies.refuse_if_sanctioned(viewer)
    remark = validation.text(note, "note", minimum=0, maximum=MAX_NOTE, label="A note")
    if request.user_id == viewer.id:
        raise Forbidden("Another member of the group's staff decides your own request.")
    if request.state != GroupRequestState.PENDING:
        raise Conflict("This request was decided already.")
    state = GroupRequestState.APPROVED if approve else GroupRequestState.REJECTED
    try:
        async with writing(ctx.hub) as log:
            claimed = await GroupJoinRequest.filter(
                id=request.id, state=GroupRequestState.PENDING
            ).update(
                state=state,
                pending_key=None,
                decided_by_id=viewer.id,
                note=remark,
                decided_at=datetime.now(UTC),
            )
            if not claimed:
                raise Conflict("This request was decided already.")
            if approve:
                # GROUP_FULL (or a ban meanwhile) raises here and rolls the claim back with it.
                await admit(log, ctx.settings, group, request.user_id, by=viewer.id)
            await notify_group(
                log,
                request.user_id,
                NotificationKind.GROUP_JOIN_DECIDED,
                decision_text(group, approve, remark),
                group.id,
            )
    except IntegrityError:  # admitted meanwhile by another door
        raise Conflict("The applicant joined the group meanwhile.") from None
    await request.refresh_from_db()
    await group.refresh_from_db()
    return Decision(request=request, group=group)


# --- reading ------------------------------------------------------------------------------------


async def _admits(ctx: Context, group_id: int) -> bool:
    """Whether the viewer decides this group's requests now."""
    if ctx.viewer is None:
        return False
    membership = await ctx.loaders.viewer_membership_by_group_id.load(group_id)
    return policies.can_admit_to_group(ctx.viewer, membership)


async def list_join_requests(
    ctx: Context,
    group: Group,
    state: GroupRequestState | None,
    first: int,
    after: str | None,
) -> Page[GroupJoinRequest] | None:
    """The group's requests, oldest first, for those who decide them; None for anyone else."""
    if not await _admits(ctx, group.id):
        return None
    query = GroupJoinRequest.filter(group_id=group.id)
    if state is not None:
        query = query.filter(state=state)
    return await keyset_page(query, REQUESTS, first=first, after=after)


async def visible_join_request(ctx: Context, request_id: int) -> GroupJoinRequest | None:
    """A request, for its applicant and those who decide its group's requests; None for
    anyone else."""
    if ctx.viewer is None:
        return None
    request = await GroupJoinRequest.get_or_none(id=request_id)
    if request is None:
        return None
    if request.user_id == ctx.viewer.id or await _admits(ctx, request.group_id):
        return request
    return None


async def membership_state(ctx: Context, group_id: int) -> MembershipState | None:
    """Where the viewer stands with the group, through the request's loaders (a page of
    groups reads memberships in one statement, pending requests in one more)."""
    if ctx.viewer is None:
        return None
    if await ctx.loaders.viewer_membership_by_group_id.load(group_id) is not None:
        return MembershipState.MEMBER
    if await ctx.loaders.viewer_join_request_by_group_id.load(group_id) is not None:
        return MembershipState.PENDING
    return None
