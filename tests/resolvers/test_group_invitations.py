"""Group invitations and invite links as use cases: who may invite to which kind of group and
who is refused, what the invitee is told, accepting (whatever the join policy, refused by a full
group or a ban without losing the invitation), declining, revoking; invite links made by staff,
used within their limits (ten joins racing for three uses admit exactly three), a refused
admission spending no use, and who may see invitations and links."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from resolvers.group_invitations import (
    create_invite_link,
    invite_to_group,
    join_by_invite,
    list_invite_links,
    list_own_invitations,
    respond_to_invitation,
    revoke_invitation,
    revoke_invite_link,
    visible_invitation,
    visible_link,
)
from resolvers.group_joins import MembershipState
from server.errors import (
    AccountSuspended,
    Conflict,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotEligible,
    NotEligibleReason,
    NotFound,
)
from server.models import (
    AccountState,
    Group,
    GroupBan,
    GroupInvitation,
    GroupInvitationState,
    GroupInviteLink,
    GroupJoinRequest,
    GroupMembership,
    GroupRole,
    JoinPolicy,
    Notification,
    NotificationKind,
    PlatformRole,
    User,
)
from tests.helpers import make_group


async def club(people, policy: JoinPolicy = JoinPolicy.INVITE_ONLY, slug: str = "night-drives"):
    """A group with an owner (kai), an admin (ann), a moderator (zoe) and a member (rui)."""
    kai, ann, zoe, rui = [await people.make(h) for h in ("kai", "ann", "zoe", "rui")]
    group = await make_group(slug, kai, rui, admins=(ann,))
    await GroupMembership.create(group=group, user=zoe, role=GroupRole.MODERATOR)
    await Group.filter(id=group.id).update(member_count=4, join_policy=policy)
    await group.refresh_from_db()
    return group, {"kai": kai, "ann": ann, "zoe": zoe, "rui": rui}


async def members_of(group: Group) -> set[int]:
    return set(await GroupMembership.filter(group_id=group.id).values_list("user_id", flat=True))


async def invitations_told(user: User) -> list[Notification]:
    return await Notification.filter(
        recipient_id=user.id, kind=NotificationKind.GROUP_INVITATION
    ).order_by("id")


# --- inviting ----------------------------------------------------------------------------------


async def test_a_member_invites_to_an_open_group_and_the_invitee_is_told(people):
    group, staff = await club(people, JoinPolicy.OPEN)
    lin = await people.make("lin")
    invitation = await invite_to_group(await people.context(staff["rui"]), "night-drives", "lin")
    assert (invitation.group_id, invitation.user_id) == (group.id, lin.id)
    assert (invitation.inviter_id, invitation.state) == (staff["rui"].id, "PENDING")
    [told] = await invitations_told(lin)
    assert (told.actor_id, told.group_id) == (staff["rui"].id, group.id)
    assert told.text == "@rui invited you to join Night Drives."


@pytest.mark.parametrize("policy", [JoinPolicy.APPROVAL, JoinPolicy.INVITE_ONLY])
@pytest.mark.parametrize("inviter", ["kai", "ann", "zoe", "platform admin"])
async def test_the_staff_and_platform_admins_invite_to_groups_that_choose_their_members(
    people, policy, inviter
):
    _, staff = await club(people, policy)
    await people.make("lin")
    if inviter == "platform admin":
        staff[inviter] = await people.make("chief", role=PlatformRole.ADMIN)
    invitation = await invite_to_group(await people.context(staff[inviter]), "night-drives", "lin")
    assert invitation.state == GroupInvitationState.PENDING


async def test_who_may_not_invite_to_an_invite_only_group(people):
    _, staff = await club(people)
    await people.make("lin")
    outsider = await people.make("mia")
    elsewhere_owner = await people.make("leo")
    await make_group("other-club", elsewhere_owner)
    moderator = await people.make("max", role=PlatformRole.MODERATOR)
    suspended = await people.make("sue", state=AccountState.SUSPENDED, until_days=3)
    banned = await people.make("bob", state=AccountState.BANNED)
    silenced_staff = await people.make("sam", state=AccountState.SILENCED, until_days=3)
    group = await Group.get(slug="night-drives")
    for account in (suspended, banned):
        await GroupMembership.create(group=group, user=account)
    await GroupMembership.create(group=group, user=silenced_staff, role=GroupRole.ADMIN)
    cases = [
        (None, NotAuthenticated, None),
        (staff["rui"], Forbidden, None),  # a plain member
        (outsider, Forbidden, None),
        (elsewhere_owner, Forbidden, None),  # another group's owner
        (moderator, Forbidden, None),  # platform moderators do not run groups
        (suspended, AccountSuspended, "ACCOUNT_SUSPENDED"),
        (banned, AccountSuspended, "ACCOUNT_BANNED"),
        (silenced_staff, AccountSuspended, "ACCOUNT_SILENCED"),
    ]
    for who, refusal, reason in cases:
        with pytest.raises(refusal) as refused:
            await invite_to_group(await people.context(who), "night-drives", "lin")
        if reason:
            assert refused.value.reason == reason
    assert not await GroupInvitation.exists()


async def test_a_silenced_member_of_an_open_group_invites_nobody(people):
    _, staff = await club(people, JoinPolicy.OPEN)
    await people.make("lin")
    await User.filter(id=staff["rui"].id).update(
        state=AccountState.SILENCED, suspended_until=datetime.now(UTC) + timedelta(days=2)
    )
    with pytest.raises(AccountSuspended):
        await invite_to_group(await people.context(staff["rui"]), "night-drives", "lin")


async def test_inviting_refuses_strangers_oneself_members_and_a_second_open_invitation(people):
    group, staff = await club(people)
    await people.make("lin")
    ctx = await people.context(staff["kai"])
    with pytest.raises(NotFound):
        await invite_to_group(ctx, "night-drives", "nobody")
    with pytest.raises(NotFound):
        await invite_to_group(ctx, "no-such-group", "lin")
    with pytest.raises(InvalidInput) as refused:
        await invite_to_group(ctx, "night-drives", "kai")
    assert refused.value.field == "handle"
    with pytest.raises(Conflict):
        await invite_to_group(ctx, "night-drives", "rui")
    await invite_to_group(ctx, "night-drives", "lin")
    with pytest.raises(Conflict):
        await invite_to_group(await people.context(staff["ann"]), "night-drives", "lin")
    assert await GroupInvitation.filter(group_id=group.id).count() == 1


async def test_only_staff_learn_that_the_invitee_is_barred(people):
    group, staff = await club(people, JoinPolicy.OPEN)
    lin = await people.make("lin")
    await GroupBan.create(group=group, user=lin, banned_by=staff["kai"])
    with pytest.raises(NotEligible) as refused:
        await invite_to_group(await people.context(staff["zoe"]), "night-drives", "lin")
    assert refused.value.reason == NotEligibleReason.BANNED_FROM_GROUP
    # A plain member's invitation is stored like any other, but reaches nobody.
    invitation = await invite_to_group(await people.context(staff["rui"]), "night-drives", "lin")
    assert invitation.state == GroupInvitationState.PENDING
    assert await invitations_told(lin) == []
    with pytest.raises(NotEligible) as refused:
        await respond_to_invitation(await people.context(lin), invitation.id, True)
    assert refused.value.reason == NotEligibleReason.BANNED_FROM_GROUP


# --- answering ---------------------------------------------------------------------------------


async def test_accepting_admits_to_an_invite_only_group_and_tells_its_runners(people):
    group, staff = await club(people)
    lin = await people.make("lin")
    invitation = await invite_to_group(await people.context(staff["zoe"]), "night-drives", "lin")
    answer = await respond_to_invitation(await people.context(lin), invitation.id, True)
    assert answer.invitation.state == GroupInvitationState.ACCEPTED
    assert answer.invitation.answered_at is not None
    assert answer.membership_state == MembershipState.MEMBER
    assert answer.group.member_count == 5
    assert lin.id in await members_of(group)
    joined = await Notification.filter(kind=NotificationKind.GROUP_JOIN, actor_id=lin.id)
    assert {n.recipient_id for n in joined} == {staff["kai"].id, staff["ann"].id}


async def test_declining_keeps_the_invitee_out_and_a_pending_request_stays(people):
    group, staff = await club(people, JoinPolicy.APPROVAL)
    lin = await people.make("lin")
    invitation = await invite_to_group(await people.context(staff["kai"]), "night-drives", "lin")
    answer = await respond_to_invitation(await people.context(lin), invitation.id, False)
    assert answer.invitation.state == GroupInvitationState.DECLINED
    assert answer.membership_state is None
    assert lin.id not in await members_of(group)
    # Invited again after declining, and a request of theirs waits meanwhile.
    again = await invite_to_group(await people.context(staff["kai"]), "night-drives", "lin")
    await GroupJoinRequest.create(group=group, user=lin, pending_key=f"{group.id}:{lin.id}")
    answer = await respond_to_invitation(await people.context(lin), again.id, False)
    assert answer.membership_state == MembershipState.PENDING


async def test_a_full_group_refuses_the_acceptance_and_the_invitation_stays_open(people):
    group, staff = await club(people)
    lin = await people.make("lin")
    invitation = await invite_to_group(await people.context(staff["kai"]), "night-drives", "lin")
    ctx = await people.context(lin)
    await Group.filter(id=group.id).update(member_count=ctx.settings.group_member_limit)
    with pytest.raises(NotEligible) as refused:
        await respond_to_invitation(ctx, invitation.id, True)
    assert refused.value.reason == NotEligibleReason.GROUP_FULL
    await invitation.refresh_from_db()
    assert (invitation.state, invitation.answered_at) == (GroupInvitationState.PENDING, None)
    assert lin.id not in await members_of(group)
    # Once a place is free, the same invitation admits.
    await Group.filter(id=group.id).update(member_count=4)
    answer = await respond_to_invitation(await people.context(lin), invitation.id, True)
    assert answer.membership_state == MembershipState.MEMBER


async def test_only_the_invitee_answers_once_and_a_suspended_invitee_only_declines(people):
    _, staff = await club(people)
    lin = await people.make("lin")
    invitation = await invite_to_group(await people.context(staff["kai"]), "night-drives", "lin")
    for someone in (staff["kai"], staff["rui"], await people.make("mia")):
        with pytest.raises(NotFound):
            await respond_to_invitation(await people.context(someone), invitation.id, True)
    with pytest.raises(NotAuthenticated):
        await respond_to_invitation(await people.context(None), invitation.id, True)
    await User.filter(id=lin.id).update(
        state=AccountState.SUSPENDED, suspended_until=datetime.now(UTC) + timedelta(days=3)
    )
    with pytest.raises(AccountSuspended):
        await respond_to_invitation(await people.context(lin), invitation.id, True)
    answer = await respond_to_invitation(await people.context(lin), invitation.id, False)
    assert answer.invitation.state == GroupInvitationState.DECLINED
    await User.filter(id=lin.id).update(state=AccountState.ACTIVE, suspended_until=None)
    for accept in (True, False):
        with pytest.raises(Conflict):
            await respond_to_invitation(await people.context(lin), invitation.id, accept)


async def test_two_answers_at_once_are_taken_once(people):
    group, staff = await club(people)
    lin = await people.make("lin")
    invitation = await invite_to_group(await people.context(staff["kai"]), "night-drives", "lin")
    contexts = [await people.context(lin) for _ in range(2)]
    outcomes = await asyncio.gather(
        respond_to_invitation(contexts[0], invitation.id, True),
        respond_to_invitation(contexts[1], invitation.id, False),
        return_exceptions=True,
    )
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1, outcomes
    await invitation.refresh_from_db()
    joined = lin.id in await members_of(group)
    assert invitation.state == (GroupInvitationState.ACCEPTED if joined else "DECLINED")


# --- revoking ----------------------------------------------------------------------------------


@pytest.mark.parametrize("revoker", ["inviter", "kai", "zoe", "platform admin"])
async def test_the_inviter_the_staff_and_admins_revoke_a_pending_invitation(people, revoker):
    _, staff = await club(people, JoinPolicy.OPEN)
    await people.make("lin")
    staff["inviter"] = staff["rui"]
    staff["platform admin"] = await people.make("chief", role=PlatformRole.ADMIN)
    invitation = await invite_to_group(await people.context(staff["rui"]), "night-drives", "lin")
    revoked = await revoke_invitation(await people.context(staff[revoker]), invitation.id)
    assert (revoked.state, revoked.pending_key) == (GroupInvitationState.REVOKED, None)
    with pytest.raises(Conflict):
        await revoke_invitation(await people.context(staff[revoker]), invitation.id)


async def test_the_invitee_declines_rather_than_revokes_and_others_find_nothing(people):
    _, staff = await club(people)
    lin = await people.make("lin")
    leo = await people.make("leo")
    await make_group("other-club", leo)
    invitation = await invite_to_group(await people.context(staff["ann"]), "night-drives", "lin")
    with pytest.raises(Forbidden):
        await revoke_invitation(await people.context(lin), invitation.id)
    for someone in (staff["rui"], leo, await people.make("mia", role=PlatformRole.MODERATOR)):
        with pytest.raises(NotFound):
            await revoke_invitation(await people.context(someone), invitation.id)
    with pytest.raises(NotAuthenticated):
        await revoke_invitation(await people.context(None), invitation.id)
    await invitation.refresh_from_db()
    assert invitation.state == GroupInvitationState.PENDING


# --- reading -----------------------------------------------------------------------------------


async def test_the_invitee_lists_their_open_invitations_newest_first(people):
    _, staff = await club(people, slug="club-a")
    lin = await people.make("lin")
    for slug in ("club-b", "club-c"):
        await make_group(slug, staff["kai"])
    ctx = await people.context(staff["kai"])
    invited = [await invite_to_group(ctx, s, "lin") for s in ("club-a", "club-b", "club-c")]
    await respond_to_invitation(await people.context(lin), invited[1].id, False)
    page = await list_own_invitations(await people.context(lin), lin.id, 10, None)
    assert page is not None
    assert [i.id for _, i in page.edges] == [invited[2].id, invited[0].id]
    assert await list_own_invitations(await people.context(staff["kai"]), lin.id, 10, None) is None
    assert await list_own_invitations(await people.context(None), lin.id, 10, None) is None


async def test_an_invitation_is_seen_by_its_invitee_inviter_the_staff_and_admins(people):
    _, staff = await club(people, JoinPolicy.OPEN)
    lin = await people.make("lin")
    invitation = await invite_to_group(await people.context(staff["rui"]), "night-drives", "lin")
    chief = await people.make("chief", role=PlatformRole.ADMIN)
    leo = await people.make("leo")
    await make_group("other-club", leo)
    mia = await people.make("mia")
    await GroupMembership.create(group_id=invitation.group_id, user=mia)
    for who in (lin, staff["rui"], staff["kai"], staff["zoe"], chief):
        assert await visible_invitation(await people.context(who), invitation.id) is not None
    for who in (None, mia, leo, await people.make("max", role=PlatformRole.MODERATOR)):
        assert await visible_invitation(await people.context(who), invitation.id) is None


# --- invite links ------------------------------------------------------------------------------


async def test_staff_make_unguessable_links_and_others_may_not(people):
    group, staff = await club(people)
    chief = await people.make("chief", role=PlatformRole.ADMIN)
    leo = await people.make("leo")
    await make_group("other-club", leo)
    codes = set()
    for who in ("kai", "ann", "zoe"):
        link = await create_invite_link(await people.context(staff[who]), "night-drives", 5, 24)
        assert (link.group_id, link.created_by_id, link.uses, link.max_uses) == (
            group.id,
            staff[who].id,
            0,
            5,
        )
        assert link.expires_at is not None
        assert timedelta(hours=23) < link.expires_at - datetime.now(UTC) <= timedelta(hours=24)
        codes.add(link.code)
    forever = await create_invite_link(await people.context(chief), "night-drives", None, None)
    assert (forever.max_uses, forever.expires_at) == (None, None)
    codes.add(forever.code)
    assert len(codes) == 4 and all(len(c) >= 24 for c in codes)
    for who, refusal in [(None, NotAuthenticated), (staff["rui"], Forbidden), (leo, Forbidden)]:
        with pytest.raises(refusal):
            await create_invite_link(await people.context(who), "night-drives", 5, None)


@pytest.mark.parametrize(
    ("max_uses", "hours", "field"),
    [(0, None, "maxUses"), (10_001, None, "maxUses"), (None, 0, "expiresInHours"),
     (None, 8_761, "expiresInHours"), (-1, 5, "maxUses")],
)  # fmt: skip
async def test_link_limits_are_checked(people, max_uses, hours, field):
    _, staff = await club(people)
    with pytest.raises(InvalidInput) as refused:
        await create_invite_link(
            await people.context(staff["kai"]), "night-drives", max_uses, hours
        )
    assert refused.value.field == field
    assert not await GroupInviteLink.exists()


async def test_a_link_admits_to_an_invite_only_group_and_counts_the_use(people):
    group, staff = await club(people)
    lin = await people.make("lin")
    link = await create_invite_link(await people.context(staff["kai"]), "night-drives", 2, None)
    joined = await join_by_invite(await people.context(lin), f"  {link.code} ")
    assert joined.member_count == 5
    assert lin.id in await members_of(group)
    await link.refresh_from_db()
    assert link.uses == 1
    # Joining again as a member succeeds without spending a use.
    await join_by_invite(await people.context(lin), link.code)
    await join_by_invite(await people.context(staff["rui"]), link.code)
    await link.refresh_from_db()
    assert link.uses == 1


async def test_a_link_settles_the_newcomers_open_invitation(people):
    _, staff = await club(people)
    lin = await people.make("lin")
    invitation = await invite_to_group(await people.context(staff["ann"]), "night-drives", "lin")
    link = await create_invite_link(await people.context(staff["kai"]), "night-drives", None, None)
    await join_by_invite(await people.context(lin), link.code)
    await invitation.refresh_from_db()
    assert (invitation.state, invitation.pending_key) == (GroupInvitationState.ACCEPTED, None)


async def test_revoked_expired_used_up_and_unknown_links_admit_nobody(people):
    group, staff = await club(people)
    ctx = await people.context(staff["kai"])
    revoked = await create_invite_link(ctx, "night-drives", None, None)
    await revoke_invite_link(ctx, revoked.id)
    expired = await create_invite_link(ctx, "night-drives", None, 1)
    await GroupInviteLink.filter(id=expired.id).update(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)
    )
    used_up = await create_invite_link(ctx, "night-drives", 1, None)
    await join_by_invite(await people.context(await people.make("mia")), used_up.code)
    lin = await people.make("lin")
    for link, reason in [
        (revoked, NotEligibleReason.INVITE_REVOKED),
        (expired, NotEligibleReason.INVITE_EXPIRED),
        (used_up, NotEligibleReason.INVITE_USED_UP),
    ]:
        with pytest.raises(NotEligible) as refused:
            await join_by_invite(await people.context(lin), link.code)
        assert refused.value.reason == reason
    for code in ("no-such-code", "", "x" * 41, "a b", "码"):
        with pytest.raises(NotFound):
            await join_by_invite(await people.context(lin), code)
    assert lin.id not in await members_of(group)


async def test_a_full_group_or_a_ban_refuses_the_link_without_spending_a_use(people):
    group, staff = await club(people)
    lin, mia = await people.make("lin"), await people.make("mia")
    link = await create_invite_link(await people.context(staff["kai"]), "night-drives", 5, None)
    await GroupBan.create(group=group, user=mia, banned_by=staff["kai"])
    with pytest.raises(NotEligible) as refused:
        await join_by_invite(await people.context(mia), link.code)
    assert refused.value.reason == NotEligibleReason.BANNED_FROM_GROUP
    ctx = await people.context(lin)
    await Group.filter(id=group.id).update(member_count=ctx.settings.group_member_limit)
    with pytest.raises(NotEligible) as refused:
        await join_by_invite(ctx, link.code)
    assert refused.value.reason == NotEligibleReason.GROUP_FULL
    await link.refresh_from_db()
    assert link.uses == 0
    assert not {lin.id, mia.id} & await members_of(group)


async def test_suspended_and_banned_accounts_cannot_use_a_link(people):
    _, staff = await club(people)
    link = await create_invite_link(await people.context(staff["kai"]), "night-drives", None, None)
    suspended = await people.make("sue", state=AccountState.SUSPENDED, until_days=3)
    banned = await people.make("bob", state=AccountState.BANNED)
    for who in (suspended, banned):
        with pytest.raises(AccountSuspended):
            await join_by_invite(await people.context(who), link.code)
    with pytest.raises(NotAuthenticated):
        await join_by_invite(await people.context(None), link.code)
    await link.refresh_from_db()
    assert link.uses == 0


async def test_ten_concurrent_joins_on_a_link_for_three_admit_exactly_three(people):
    group, staff = await club(people)
    link = await create_invite_link(await people.context(staff["kai"]), "night-drives", 3, None)
    newcomers = [await people.make(f"lin{n}") for n in range(10)]
    contexts = [await people.context(n) for n in newcomers]
    outcomes = await asyncio.gather(
        *(join_by_invite(c, link.code) for c in contexts), return_exceptions=True
    )
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(refused) == 7, outcomes
    assert all(
        isinstance(o, NotEligible) and o.reason == NotEligibleReason.INVITE_USED_UP for o in refused
    )
    await link.refresh_from_db()
    assert link.uses == 3
    assert len(await members_of(group) & {n.id for n in newcomers}) == 3
    assert (await Group.get(id=group.id)).member_count == 7


async def test_revoking_a_link_is_for_staff_and_idempotent(people):
    _, staff = await club(people)
    link = await create_invite_link(await people.context(staff["zoe"]), "night-drives", None, None)
    leo = await people.make("leo")
    await make_group("other-club", leo)
    for who in (staff["rui"], leo, await people.make("max", role=PlatformRole.MODERATOR)):
        with pytest.raises(NotFound):
            await revoke_invite_link(await people.context(who), link.id)
    first = await revoke_invite_link(await people.context(staff["ann"]), link.id)
    assert first.revoked_at is not None
    again = await revoke_invite_link(await people.context(staff["kai"]), link.id)
    assert again.revoked_at == first.revoked_at


async def test_links_are_listed_and_seen_by_staff_and_admins_alone(people):
    group, staff = await club(people)
    ctx = await people.context(staff["kai"])
    made = [await create_invite_link(ctx, "night-drives", None, None) for _ in range(3)]
    chief = await people.make("chief", role=PlatformRole.ADMIN)
    for who in (staff["kai"], staff["ann"], staff["zoe"], chief):
        page = await list_invite_links(await people.context(who), group, 10, None)
        assert page is not None
        assert [link.id for _, link in page.edges] == [m.id for m in reversed(made)]
        assert await visible_link(await people.context(who), made[0].id) is not None
    leo = await people.make("leo")
    await make_group("other-club", leo)
    silenced = await people.make("sam", state=AccountState.SILENCED, until_days=3)
    await GroupMembership.create(group=group, user=silenced, role=GroupRole.ADMIN)
    for who in (None, staff["rui"], leo, silenced):
        assert await list_invite_links(await people.context(who), group, 10, None) is None
        assert await visible_link(await people.context(who), made[0].id) is None
