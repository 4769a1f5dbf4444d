"""Joining groups by their join policy and deciding requests to join, as use cases: OPEN groups
admit at once, APPROVAL groups take one request per person and tell their staff, INVITE_ONLY
groups need an invitation (which admits at once whatever the policy); barred people get in by
no door; the group's staff in good standing and platform admins decide, once, and nobody else
learns a request exists; member limits hold under ten concurrent joins or approvals."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from resolvers.context import Context, Resources
from resolvers.group_joins import (
    MembershipState,
    decide_join_request,
    list_join_requests,
    membership_state,
    visible_join_request,
)
from resolvers.groups import GroupChanges, create_group, join_group, leave_group, update_group
from resolvers.rules import RuleInput, create_rule
from server.errors import (
    AccountSuspended,
    Conflict,
    ContentRejected,
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
    GroupJoinRequest,
    GroupKind,
    GroupMembership,
    GroupRequestState,
    GroupVisibility,
    JoinPolicy,
    MatchKind,
    Notification,
    NotificationKind,
    PlatformRole,
    RuleAction,
    User,
)
from tests.helpers import make_group

OPEN, APPROVAL, INVITE_ONLY = JoinPolicy.OPEN, JoinPolicy.APPROVAL, JoinPolicy.INVITE_ONLY
PENDING, MEMBER = MembershipState.PENDING, MembershipState.MEMBER
ANSWER = "I drive to the coast every weekend."


async def club(people, policy: JoinPolicy = APPROVAL, slug: str = "road-trips", **roles) -> Group:
    """A group of `policy` owned by `ann`, with the ADMIN `ada`, the MODERATOR `max` and the
    member `ben` (each made unless passed in)."""
    staff = {}
    for name in ("ann", "ada", "max", "ben"):
        staff[name] = roles.get(name) or await people.make(name)
    group = await make_group(
        slug, staff["ann"], staff["ben"], admins=(staff["ada"],), moderators=(staff["max"],)
    )
    await Group.filter(id=group.id).update(join_policy=policy, join_question="Why join us?")
    await group.refresh_from_db()
    return group


async def join(people, user: User | None, group: Group, answer: str | None = ANSWER):
    return await join_group(await people.context(user), group.slug, answer)


async def request_of(user: User) -> GroupJoinRequest:
    return await GroupJoinRequest.get(user_id=user.id)


async def is_member(user: User, group: Group) -> bool:
    return await GroupMembership.filter(group_id=group.id, user_id=user.id).exists()


async def texts(user: User, kind: NotificationKind) -> list[str]:
    rows = await Notification.filter(recipient_id=user.id, kind=kind).order_by("id")
    return [row.text for row in rows]


# --- joining ------------------------------------------------------------------------------------


async def test_an_open_group_admits_at_once_and_asking_again_changes_nothing(people):
    group = await club(people, OPEN)
    lin = await people.make("lin")
    for _ in range(2):
        joined = await join(people, lin, group)
        assert (joined.state, joined.group.member_count) == (MEMBER, 5)
    assert not await GroupJoinRequest.exists()
    told = await Notification.filter(kind=NotificationKind.GROUP_JOIN).values_list(
        "recipient_id", flat=True
    )
    ann, ada = await User.get(handle="ann"), await User.get(handle="ada")
    assert sorted(told) == sorted([ann.id, ada.id])  # owners and admins, as before


async def test_an_approval_group_takes_one_request_and_tells_its_staff(people):
    group = await club(people)
    lin = await people.make("lin")
    first = await join(people, lin, group)
    again = await join(people, lin, group, "a second answer")
    assert (first.state, again.state) == (PENDING, PENDING)
    assert again.group.member_count == 4 and not await is_member(lin, group)
    [request] = await GroupJoinRequest.all()
    assert (request.user_id, request.group_id, request.answer) == (lin.id, group.id, ANSWER)
    assert request.state == GroupRequestState.PENDING
    assert request.pending_key == f"{group.id}:{lin.id}"
    told = await Notification.filter(kind=NotificationKind.GROUP_JOIN_REQUEST).order_by("id")
    staff = await User.filter(handle__in=["ann", "ada", "max"]).values_list("id", flat=True)
    assert sorted(n.recipient_id for n in told) == sorted(staff)  # not the member ben
    assert {(n.actor_id, n.group_id) for n in told} == {(lin.id, group.id)}


async def test_an_invite_only_group_needs_an_invitation(people):
    group = await club(people, INVITE_ONLY)
    lin, kai = await people.make("lin"), await people.make("kai")
    with pytest.raises(NotEligible) as refused:
        await join(people, lin, group)
    assert refused.value.reason == NotEligibleReason.INVITATION_REQUIRED
    assert not await GroupJoinRequest.exists() and not await is_member(lin, group)
    ada = await User.get(handle="ada")
    invitation = await GroupInvitation.create(
        group=group, user=kai, inviter=ada, pending_key=f"{group.id}:{kai.id}"
    )
    joined = await join(people, kai, group)
    assert (joined.state, joined.group.member_count) == (MEMBER, 5)
    await invitation.refresh_from_db()
    assert (invitation.state, invitation.pending_key) == (GroupInvitationState.ACCEPTED, None)


async def test_an_open_invitation_admits_to_an_approval_group_at_once(people):
    group = await club(people)
    kai = await people.make("kai")
    ann = await User.get(handle="ann")
    await GroupInvitation.create(
        group=group, user=kai, inviter=ann, pending_key=f"{group.id}:{kai.id}"
    )
    assert (await join(people, kai, group)).state == MEMBER
    assert not await GroupJoinRequest.exists()


@pytest.mark.parametrize("policy", [OPEN, APPROVAL, INVITE_ONLY])
async def test_someone_barred_gets_in_by_no_door(people, policy):
    group = await club(people, policy)
    lin = await people.make("lin")
    await GroupBan.create(group=group, user=lin, reason="spam")
    with pytest.raises(NotEligible) as refused:
        await join(people, lin, group)
    assert refused.value.reason == NotEligibleReason.BANNED_FROM_GROUP
    assert not await GroupJoinRequest.exists() and not await is_member(lin, group)


async def test_a_full_group_refuses_joins_but_takes_requests_that_wait_for_a_place(people):
    opened = await club(people, OPEN, "open-road")
    ann, ada = await User.get(handle="ann"), await User.get(handle="ada")
    mx, ben = await User.get(handle="max"), await User.get(handle="ben")
    approving = await club(people, APPROVAL, "slow-road", ann=ann, ada=ada, max=mx, ben=ben)
    await Group.filter(id__in=[opened.id, approving.id]).update(member_count=500)
    lin = await people.make("lin")
    with pytest.raises(NotEligible) as refused:
        await join(people, lin, opened)
    assert refused.value.reason == NotEligibleReason.GROUP_FULL
    assert (await join(people, lin, approving)).state == PENDING
    request = await request_of(lin)
    with pytest.raises(NotEligible) as full:
        await decide_join_request(await people.context(ada), request.id, True)
    assert full.value.reason == NotEligibleReason.GROUP_FULL
    await request.refresh_from_db()
    assert (request.state, request.pending_key) == (
        GroupRequestState.PENDING,
        f"{approving.id}:{lin.id}",
    )
    assert request.decided_by_id is None and not await is_member(lin, approving)
    assert await texts(lin, NotificationKind.GROUP_JOIN_DECIDED) == []
    await Group.filter(id=approving.id).update(member_count=499)  # someone left
    decided = await decide_join_request(await people.context(ada), request.id, True)
    assert decided.request.state == GroupRequestState.APPROVED
    assert decided.group.member_count == 500


async def test_the_answer_is_checked_and_screened_like_any_text(people):
    group = await club(people)
    lin = await people.make("lin")
    with pytest.raises(InvalidInput) as refused:
        await join(people, lin, group, "x" * 1001)
    assert refused.value.field == "answer"
    mia = await people.make("mia", PlatformRole.MODERATOR)
    rule = RuleInput("bribe", MatchKind.WORD, RuleAction.BLOCK, "corruption")
    await create_rule(await people.context(mia), rule)
    with pytest.raises(ContentRejected) as rejected:
        await join(people, lin, group, "I offer a bribe.")
    assert rejected.value.field == "answer"
    assert not await GroupJoinRequest.exists()
    assert (await join(people, lin, group, None)).state == PENDING  # no answer is an answer
    assert (await request_of(lin)).answer == ""


@pytest.mark.parametrize(
    ("state", "until_days"), [(AccountState.SUSPENDED, 3), (AccountState.BANNED, None)]
)
async def test_suspended_and_banned_accounts_join_nothing(people, state, until_days):
    group = await club(people, OPEN)
    lin = await people.make("lin", state=state, until_days=until_days)
    with pytest.raises(AccountSuspended):
        await join(people, lin, group)
    with pytest.raises(NotAuthenticated):
        await join(people, None, group)
    assert (await Group.get(id=group.id)).member_count == 4


async def test_leaving_takes_back_a_pending_request_and_a_new_one_may_follow(people):
    group = await club(people)
    lin = await people.make("lin")
    await join(people, lin, group)
    left = await leave_group(await people.context(lin), group.slug)
    assert left.member_count == 4
    withdrawn = await request_of(lin)
    assert (withdrawn.state, withdrawn.pending_key) == (GroupRequestState.WITHDRAWN, None)
    assert withdrawn.decided_at is not None
    assert (await join(people, lin, group, "again")).state == PENDING
    states = await GroupJoinRequest.all().order_by("id").values_list("state", flat=True)
    assert states == [GroupRequestState.WITHDRAWN, GroupRequestState.PENDING]


async def test_leaving_frees_the_place_and_the_only_owner_stays(people):
    group = await club(people, OPEN)
    ann, ben = await User.get(handle="ann"), await User.get(handle="ben")
    with pytest.raises(Conflict):
        await leave_group(await people.context(ann), group.slug)
    assert (await leave_group(await people.context(ben), group.slug)).member_count == 3
    assert (await leave_group(await people.context(ben), group.slug)).member_count == 3


# --- deciding -----------------------------------------------------------------------------------


async def test_an_approval_admits_and_tells_the_applicant_with_the_note(people):
    group = await club(people)
    lin = await people.make("lin")
    await join(people, lin, group)
    mx = await User.get(handle="max")
    decided = await decide_join_request(
        await people.context(mx), (await request_of(lin)).id, True, "See you on Saturday."
    )
    request = decided.request
    assert (request.state, request.pending_key, request.decided_by_id) == (
        GroupRequestState.APPROVED,
        None,
        mx.id,
    )
    assert request.note == "See you on Saturday." and request.decided_at is not None
    assert decided.group.member_count == 5 and await is_member(lin, group)
    assert await texts(lin, NotificationKind.GROUP_JOIN_DECIDED) == [
        "Your request to join Road Trips was approved: welcome! See you on Saturday."
    ]
    [told] = await Notification.filter(recipient_id=lin.id)
    assert (told.group_id, told.actor_id) == (group.id, None)  # the group decided, not a person
    assert await membership_state(await people.context(lin), group.id) == MEMBER


async def test_a_rejection_keeps_the_applicant_out_and_says_why(people):
    group = await club(people)
    lin = await people.make("lin")
    await join(people, lin, group)
    ann = await User.get(handle="ann")
    decided = await decide_join_request(
        await people.context(ann), (await request_of(lin)).id, False, "Owners only, sorry."
    )
    assert (decided.request.state, decided.request.note) == (
        GroupRequestState.REJECTED,
        "Owners only, sorry.",
    )
    assert decided.group.member_count == 4 and not await is_member(lin, group)
    assert await texts(lin, NotificationKind.GROUP_JOIN_DECIDED) == [
        "Your request to join Road Trips was not approved. Owners only, sorry."
    ]
    assert await membership_state(await people.context(lin), group.id) is None
    assert (await join(people, lin, group)).state == PENDING  # they may ask again


@pytest.mark.parametrize("who", ["ann", "ada", "max", "chief"])
async def test_the_groups_staff_and_platform_admins_decide(people, who):
    group = await club(people)
    await people.make("chief", PlatformRole.ADMIN)
    lin = await people.make("lin")
    await join(people, lin, group)
    decider = await User.get(handle=who)
    decided = await decide_join_request(
        await people.context(decider), (await request_of(lin)).id, True
    )
    assert decided.request.state == GroupRequestState.APPROVED


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("anonymous", NotAuthenticated),
        ("applicant", NotFound),
        ("member", NotFound),
        ("stranger", NotFound),
        ("platform moderator", NotFound),
        ("owner elsewhere", NotFound),
        ("suspended member", NotFound),
        ("silenced moderator", AccountSuspended),
        ("suspended admin", AccountSuspended),
        ("banned platform admin", AccountSuspended),
    ],
)
async def test_nobody_else_decides_and_sanctioned_staff_have_no_powers(people, who, refusal):
    group = await club(people)
    lin = await people.make("lin")
    await join(people, lin, group)
    if who == "silenced moderator":
        await User.filter(handle="max").update(state=AccountState.SILENCED)
    if who == "suspended admin":
        await User.filter(handle="ada").update(state=AccountState.SUSPENDED)
    if who == "suspended member":
        await User.filter(handle="ben").update(state=AccountState.SUSPENDED)
    if who == "owner elsewhere":
        zoe = await people.make("zoe")
        await make_group("elsewhere", zoe)
    callers = {
        "anonymous": None,
        "applicant": "lin",
        "member": "ben",
        "stranger": None,
        "platform moderator": None,
        "owner elsewhere": "zoe",
        "suspended member": "ben",
        "silenced moderator": "max",
        "suspended admin": "ada",
        "banned platform admin": None,
    }
    caller = await User.get(handle=callers[who]) if callers[who] else None
    if who == "stranger":
        caller = await people.make("kai")
    if who == "platform moderator":
        caller = await people.make("mia", PlatformRole.MODERATOR)
    if who == "banned platform admin":
        caller = await people.make("chief", PlatformRole.ADMIN, AccountState.BANNED)
    request = await request_of(lin)
    with pytest.raises(refusal) as refused:
        await decide_join_request(await people.context(caller), request.id, True)
    if who == "silenced moderator":
        assert refused.value.silenced
    if who == "banned platform admin":
        assert refused.value.banned
    await request.refresh_from_db()
    assert request.state == GroupRequestState.PENDING and not await is_member(lin, group)
    with pytest.raises(NotAuthenticated if caller is None else NotFound):
        await decide_join_request(await people.context(caller), 999_999, True)


async def test_a_platform_admin_does_not_decide_their_own_request(people):
    group = await club(people)
    chief = await people.make("chief", PlatformRole.ADMIN)
    await join(people, chief, group)
    with pytest.raises(Forbidden):
        await decide_join_request(await people.context(chief), (await request_of(chief)).id, True)
    assert (await request_of(chief)).state == GroupRequestState.PENDING


async def test_a_decided_request_is_not_decided_again(people):
    group = await club(people)
    lin = await people.make("lin")
    await join(people, lin, group)
    request = await request_of(lin)
    ann, ada = await User.get(handle="ann"), await User.get(handle="ada")
    await decide_join_request(await people.context(ann), request.id, False, "no")
    with pytest.raises(Conflict):
        await decide_join_request(await people.context(ada), request.id, True)
    await leave_group(await people.context(lin), group.slug)  # nothing pending to take back
    assert (await GroupJoinRequest.get(id=request.id)).state == GroupRequestState.REJECTED


async def test_two_staff_deciding_at_once_decide_once(people):
    group = await club(people)
    lin = await people.make("lin")
    await join(people, lin, group)
    request = await request_of(lin)
    ann, ada = await User.get(handle="ann"), await User.get(handle="ada")
    outcomes = await asyncio.gather(
        decide_join_request(await people.context(ann), request.id, True, "yes"),
        decide_join_request(await people.context(ada), request.id, False, "no"),
        return_exceptions=True,
    )
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], Conflict), outcomes
    await request.refresh_from_db()
    approved = request.state == GroupRequestState.APPROVED
    assert await is_member(lin, group) == approved
    assert (await Group.get(id=group.id)).member_count == (5 if approved else 4)
    assert len(await texts(lin, NotificationKind.GROUP_JOIN_DECIDED)) == 1


async def test_the_note_is_checked(people):
    group = await club(people)
    lin = await people.make("lin")
    await join(people, lin, group)
    ann = await User.get(handle="ann")
    with pytest.raises(InvalidInput) as refused:
        await decide_join_request(
            await people.context(ann), (await request_of(lin)).id, False, "n" * 501
        )
    assert refused.value.field == "note"


# --- member limits under concurrency --------------------------------------------------------------


def limited(people, limit: int) -> Resources:
    """The resources of `people` with a member limit of `limit`."""
    settings = dataclasses.replace(people.resources.settings, group_member_limit=limit)
    return dataclasses.replace(people.resources, settings=settings)


async def test_ten_concurrent_joins_of_the_last_three_places_admit_exactly_three(people):
    group = await club(people, OPEN)  # 4 members
    resources = limited(people, 7)
    joiners = [await people.make(f"lin{n}") for n in range(10)]
    outcomes = await asyncio.gather(
        *(join_group(Context(resources, viewer=u), group.slug) for u in joiners),
        return_exceptions=True,
    )
    admitted = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(admitted) == 3 and all(o.state == MEMBER for o in admitted), outcomes
    assert len(refused) == 7
    assert all(
        isinstance(o, NotEligible) and o.reason == NotEligibleReason.GROUP_FULL for o in refused
    )
    assert (await Group.get(id=group.id)).member_count == 7
    assert await GroupMembership.filter(group_id=group.id).count() == 7


async def test_ten_concurrent_approvals_for_three_places_admit_exactly_three(people):
    group = await club(people)  # 4 members
    resources = limited(people, 7)
    applicants = [await people.make(f"lin{n}") for n in range(10)]
    for applicant in applicants:
        await join(people, applicant, group)
    requests = await GroupJoinRequest.all().order_by("id")
    deciders = [await User.get(handle=h) for h in ("ann", "ada", "max")]
    outcomes = await asyncio.gather(
        *(
            decide_join_request(Context(resources, viewer=deciders[i % 3]), r.id, True)
            for i, r in enumerate(requests)
        ),
        return_exceptions=True,
    )
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(refused) == 7, outcomes
    assert all(
        isinstance(o, NotEligible) and o.reason == NotEligibleReason.GROUP_FULL for o in refused
    )
    assert (await Group.get(id=group.id)).member_count == 7
    assert await GroupMembership.filter(group_id=group.id).count() == 7
    states = await GroupJoinRequest.all().values_list("state", flat=True)
    assert sorted(states) == ["APPROVED"] * 3 + ["PENDING"] * 7
    assert await Notification.filter(kind=NotificationKind.GROUP_JOIN_DECIDED).count() == 3


# --- reading ------------------------------------------------------------------------------------


async def test_requests_are_listed_oldest_first_for_those_who_decide_them(people):
    group = await club(people)
    applicants = [await people.make(h) for h in ("lin", "kai", "rui")]
    for applicant in applicants:
        await join(people, applicant, group)
    ann = await User.get(handle="ann")
    await decide_join_request(
        await people.context(ann), (await request_of(applicants[1])).id, False
    )
    chief = await people.make("chief", PlatformRole.ADMIN)
    for who in ("ann", "ada", "max", "chief"):
        ctx = await people.context(await User.get(handle=who))
        page = await list_join_requests(ctx, group, GroupRequestState.PENDING, 10, None)
        assert page is not None
        assert [r.user_id for _, r in page.edges] == [applicants[0].id, applicants[2].id]
    ctx = await people.context(chief)
    every = await list_join_requests(ctx, group, None, 2, None)
    assert every is not None and every.has_next_page
    assert [r.user_id for _, r in every.edges] == [a.id for a in applicants[:2]]
    rest = await list_join_requests(ctx, group, None, 2, every.end_cursor)
    assert rest is not None and [r.user_id for _, r in rest.edges] == [applicants[2].id]
    rejected = await list_join_requests(ctx, group, GroupRequestState.REJECTED, 10, None)
    assert rejected is not None and [r.user_id for _, r in rejected.edges] == [applicants[1].id]


async def test_nobody_else_lists_a_groups_requests(people):
    group = await club(people)
    lin = await people.make("lin")
    await join(people, lin, group)
    mia = await people.make("mia", PlatformRole.MODERATOR)
    zoe = await people.make("zoe")
    await make_group("elsewhere", zoe)
    await User.filter(handle="max").update(state=AccountState.SILENCED)
    request = await request_of(lin)
    for who in (None, lin, mia, zoe, await User.get(handle="ben"), await User.get(handle="max")):
        ctx = await people.context(who)
        assert await list_join_requests(ctx, group, None, 10, None) is None
        if who is not lin:  # the applicant sees their own request, not the list
            assert await visible_join_request(ctx, request.id) is None


async def test_a_request_is_seen_by_its_applicant_the_deciders_and_nobody_else(people):
    group = await club(people)
    lin, kai = await people.make("lin"), await people.make("kai")
    chief = await people.make("chief", PlatformRole.ADMIN)
    await join(people, lin, group)
    request = await request_of(lin)
    for who in (lin, chief, *(await User.filter(handle__in=["ann", "ada", "max"]))):
        seen = await visible_join_request(await people.context(who), request.id)
        assert seen is not None and seen.id == request.id
    for who in (None, kai, await User.get(handle="ben")):
        assert await visible_join_request(await people.context(who), request.id) is None
    assert await visible_join_request(await people.context(chief), 999_999) is None


async def test_the_viewers_membership_state(people):
    group = await club(people)
    lin, kai = await people.make("lin"), await people.make("kai")
    await join(people, lin, group)
    ben = await User.get(handle="ben")
    assert await membership_state(await people.context(ben), group.id) == MEMBER
    assert await membership_state(await people.context(lin), group.id) == PENDING
    assert await membership_state(await people.context(kai), group.id) is None
    assert await membership_state(await people.context(None), group.id) is None


# --- the policy, set and changed ----------------------------------------------------------------


async def test_a_group_is_created_with_a_join_policy_and_question(people):
    ann = await people.make("ann")
    group = await create_group(
        await people.context(ann),
        slug="night-drives",
        name="Night drives",
        description="",
        kind=GroupKind.INTEREST,
        visibility=GroupVisibility.PUBLIC,
        join_policy=APPROVAL,
        join_question="  Which car do you drive?  ",
    )
    assert (group.join_policy, group.join_question) == (APPROVAL, "Which car do you drive?")
    plain = await create_group(
        await people.context(ann),
        slug="day-drives",
        name="Day drives",
        description="",
        kind=GroupKind.INTEREST,
        visibility=GroupVisibility.PUBLIC,
    )
    assert (plain.join_policy, plain.join_question) == (OPEN, "")


async def test_changing_the_policy_leaves_pending_requests_pending(people):
    group = await club(people)
    lin = await people.make("lin")
    await join(people, lin, group)
    ada = await User.get(handle="ada")
    changed = await update_group(
        await people.context(ada),
        group.slug,
        GroupChanges(join_policy=OPEN, join_question="What do you drive?"),
    )
    assert (changed.join_policy, changed.join_question) == (OPEN, "What do you drive?")
    assert (await request_of(lin)).state == GroupRequestState.PENDING
    assert await membership_state(await people.context(lin), group.id) == PENDING
    decided = await decide_join_request(await people.context(ada), (await request_of(lin)).id, True)
    assert decided.request.state == GroupRequestState.APPROVED


@pytest.mark.parametrize("who", ["max", "ben"])
async def test_moderators_and_members_do_not_change_the_policy(people, who):
    group = await club(people)
    with pytest.raises(Forbidden):
        await update_group(
            await people.context(await User.get(handle=who)),
            group.slug,
            GroupChanges(join_policy=OPEN),
        )
    assert (await Group.get(id=group.id)).join_policy == APPROVAL


async def test_the_join_question_is_checked_and_screened(people):
    group = await club(people)
    ann = await User.get(handle="ann")
    with pytest.raises(InvalidInput) as refused:
        await update_group(
            await people.context(ann), group.slug, GroupChanges(join_question="?" * 301)
        )
    assert refused.value.field == "joinQuestion"
    mia = await people.make("mia", PlatformRole.MODERATOR)
    rule = RuleInput("bribe", MatchKind.WORD, RuleAction.BLOCK, "corruption")
    await create_rule(await people.context(mia), rule)
    with pytest.raises(ContentRejected) as rejected:
        await update_group(
            await people.context(ann), group.slug, GroupChanges(join_question="Any bribe?")
        )
    assert rejected.value.field == "joinQuestion"
    assert (await Group.get(id=group.id)).join_question == "Why join us?"
