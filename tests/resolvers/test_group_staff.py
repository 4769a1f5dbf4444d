"""A group's staff as use cases: roles given and taken back by rank, members removed and
barred (and no way back in while barred), bans lifted and listed, ownership handed over in one
step, and who is refused each: outsiders, plain members, moderators above their rank, the
staff of another group, sanctioned staff and platform admins in and out of good standing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from resolvers.changes import writing
from resolvers.group_admission import admit, pending_key
from resolvers.group_staff import (
    lift_ban,
    list_bans,
    remove_member,
    set_member_role,
    transfer_ownership,
)
from resolvers.groups import leave_group
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
    AuditEntry,
    AuditKind,
    Group,
    GroupBan,
    GroupInvitation,
    GroupInvitationState,
    GroupJoinRequest,
    GroupMembership,
    GroupRequestState,
    GroupRole,
    Notification,
    NotificationKind,
    PersonaAccount,
    PersonaDomain,
    PlatformRole,
    Post,
    PostState,
    User,
)
from tests.helpers import make_group, make_post


class Club:
    """The group `club`: `own` owns it, `adm` is its ADMIN, `moe` its MODERATOR, `mia` and
    `lin` plain members; `ann` owns `other`, where `kai` is a member; `zoe` belongs nowhere;
    `boss` is a platform admin and `rui` a platform moderator."""

    def __init__(self, people, users: dict[str, User], club: Group, other: Group) -> None:
        self.people = people
        self.users = users
        self.group = club
        self.other = other

    async def ctx(self, handle: str | None):
        return await self.people.context(self.users[handle] if handle else None)

    async def role(self, handle: str, group: Group | None = None) -> GroupRole | None:
        row = await GroupMembership.get_or_none(
            group_id=(group or self.group).id, user_id=self.users[handle].id
        )
        return row.role if row else None

    async def sanction(self, handle: str, state: AccountState, days: int | None = 3) -> None:
        until = datetime.now(UTC) + timedelta(days=days) if days else None
        await User.filter(id=self.users[handle].id).update(state=state, suspended_until=until)


@pytest.fixture
async def club(people) -> Club:
    users = {}
    for handle in ("own", "adm", "moe", "mia", "lin", "ann", "kai", "zoe"):
        users[handle] = await people.make(handle)
    users["boss"] = await people.make("boss", role=PlatformRole.ADMIN)
    users["rui"] = await people.make("rui", role=PlatformRole.MODERATOR)
    group = await make_group(
        "club",
        users["own"],
        users["mia"],
        users["lin"],
        admins=(users["adm"],),
        moderators=(users["moe"],),
    )
    other = await make_group("other", users["ann"], users["kai"])
    return Club(people, users, group, other)


async def texts(user: User, kind: NotificationKind) -> list[str]:
    rows = await Notification.filter(recipient_id=user.id, kind=kind).order_by("id")
    return [row.text for row in rows]


# --- roles ------------------------------------------------------------------------------------


async def test_the_owner_makes_a_member_an_admin_who_is_told_and_it_is_audited(club):
    change = await set_member_role(await club.ctx("own"), "club", "mia", GroupRole.ADMIN)
    assert change.membership.role == GroupRole.ADMIN
    assert await club.role("mia") == GroupRole.ADMIN
    assert await texts(club.users["mia"], NotificationKind.GROUP_ROLE) == [
        "You are now an admin of Club."
    ]
    [note] = await Notification.filter(kind=NotificationKind.GROUP_ROLE)
    assert (note.group_id, note.actor_id) == (club.group.id, None)
    [entry] = await AuditEntry.filter(kind=AuditKind.GROUP_ROLE_CHANGED)
    assert (entry.actor_id, entry.affected_user_id, entry.group_id) == (
        club.users["own"].id,
        club.users["mia"].id,
        club.group.id,
    )
    assert entry.detail == {"from": "MEMBER", "to": "ADMIN"}


async def test_an_admin_makes_members_moderators_and_back(club):
    ctx = await club.ctx("adm")
    await set_member_role(ctx, "club", "mia", GroupRole.MODERATOR)
    assert await club.role("mia") == GroupRole.MODERATOR
    await set_member_role(await club.ctx("adm"), "club", "mia", GroupRole.MEMBER)
    assert await club.role("mia") == GroupRole.MEMBER
    await set_member_role(await club.ctx("adm"), "club", "moe", GroupRole.MEMBER)
    assert await club.role("moe") == GroupRole.MEMBER
    assert await texts(club.users["mia"], NotificationKind.GROUP_ROLE) == [
        "You are now a moderator of Club.",
        "You are no longer a moderator of Club; you stay a member.",
    ]


async def test_a_platform_admin_acts_with_an_owners_rank_in_any_group(club):
    await set_member_role(await club.ctx("boss"), "club", "adm", GroupRole.MEMBER)
    assert await club.role("adm") == GroupRole.MEMBER
    await set_member_role(await club.ctx("boss"), "other", "kai", GroupRole.ADMIN)
    assert await club.role("kai", club.other) == GroupRole.ADMIN
    with pytest.raises(Forbidden):  # but the owner is nobody's to change
        await set_member_role(await club.ctx("boss"), "club", "own", GroupRole.ADMIN)


async def test_setting_the_role_a_member_holds_changes_nothing(club):
    change = await set_member_role(await club.ctx("own"), "club", "adm", GroupRole.ADMIN)
    assert change.membership.role == GroupRole.ADMIN
    assert not await AuditEntry.filter(kind=AuditKind.GROUP_ROLE_CHANGED).exists()
    assert not await Notification.filter(kind=NotificationKind.GROUP_ROLE).exists()


@pytest.mark.parametrize(
    ("caller", "handle", "role", "error"),
    [
        (None, "mia", GroupRole.MODERATOR, NotAuthenticated),
        ("lin", "mia", GroupRole.MODERATOR, Forbidden),  # a plain member
        ("moe", "mia", GroupRole.MODERATOR, Forbidden),  # a group moderator
        ("adm", "mia", GroupRole.ADMIN, Forbidden),  # an admin grants below admin only
        ("adm", "own", GroupRole.MEMBER, Forbidden),  # nor touches the owner
        ("own", "own", GroupRole.ADMIN, Forbidden),  # the owner hands over instead
        ("ann", "mia", GroupRole.MODERATOR, Forbidden),  # the owner of another group
        ("rui", "mia", GroupRole.MODERATOR, Forbidden),  # a platform moderator
        ("zoe", "mia", GroupRole.MODERATOR, Forbidden),  # an outsider
        ("own", "mia", GroupRole.OWNER, InvalidInput),
        ("own", "zoe", GroupRole.MODERATOR, NotFound),  # not a member
        ("own", "kai", GroupRole.MODERATOR, NotFound),  # a member of another group
        ("own", "nobody_here", GroupRole.MODERATOR, NotFound),
    ],
)
async def test_set_member_role_refuses(club, caller, handle, role, error):
    with pytest.raises(error) as refused:
        await set_member_role(await club.ctx(caller), "club", handle, role)
    if error is InvalidInput:
        assert refused.value.field == "role"
        assert "transferGroupOwnership" in refused.value.message
    assert not await AuditEntry.exists()


async def test_an_admin_cannot_change_another_admin(club):
    await set_member_role(await club.ctx("own"), "club", "mia", GroupRole.ADMIN)
    with pytest.raises(Forbidden):
        await set_member_role(await club.ctx("adm"), "club", "mia", GroupRole.MEMBER)
    assert await club.role("mia") == GroupRole.ADMIN


@pytest.mark.parametrize(
    ("state", "days", "reason"),
    [
        (AccountState.SILENCED, 3, "ACCOUNT_SILENCED"),
        (AccountState.SUSPENDED, 3, "ACCOUNT_SUSPENDED"),
        (AccountState.BANNED, None, "ACCOUNT_BANNED"),
    ],
)
@pytest.mark.parametrize("caller", ["own", "adm", "boss"])
async def test_sanctioned_staff_change_no_roles(club, caller, state, days, reason):
    await club.sanction(caller, state, days)
    with pytest.raises(AccountSuspended) as refused:
        await set_member_role(await club.ctx(caller), "club", "mia", GroupRole.MODERATOR)
    assert refused.value.reason == reason
    assert await club.role("mia") == GroupRole.MEMBER


async def test_concurrent_role_changes_each_start_from_the_role_the_one_before_left(club):
    wanted = [GroupRole.ADMIN, GroupRole.MODERATOR, GroupRole.MEMBER] * 3
    callers = [await club.ctx("own") for _ in wanted]
    results = await asyncio.gather(
        *(
            set_member_role(ctx, "club", "mia", role)
            for ctx, role in zip(callers, wanted, strict=True)
        ),
        return_exceptions=True,
    )
    assert all(not isinstance(r, Exception) or isinstance(r, Conflict) for r in results), results
    entries = await AuditEntry.filter(kind=AuditKind.GROUP_ROLE_CHANGED).order_by("id")
    # No change was made from a role the member no longer held.
    before = "MEMBER"
    for entry in entries:
        assert entry.detail["from"] == before
        before = entry.detail["to"]
    assert str(await club.role("mia")) == before


# --- removal and bans -------------------------------------------------------------------------


async def test_a_moderator_removes_a_member_who_is_told_why_and_keeps_their_posts(club):
    post = await make_post(club.users["mia"], "my post in the club", group=club.group)
    group = await remove_member(await club.ctx("moe"), "club", "mia", " spamming links ")
    assert group.member_count == 4
    assert await club.role("mia") is None
    assert await texts(club.users["mia"], NotificationKind.GROUP_REMOVED) == [
        "You were removed from Club. Why: spamming links"
    ]
    [note] = await Notification.filter(kind=NotificationKind.GROUP_REMOVED)
    assert (note.actor_id, note.group_id) == (None, club.group.id)  # the remover is not named
    [entry] = await AuditEntry.filter(kind=AuditKind.GROUP_MEMBER_REMOVED)
    assert (entry.actor_id, entry.affected_user_id, entry.group_id, entry.reason) == (
        club.users["moe"].id,
        club.users["mia"].id,
        club.group.id,
        "spamming links",
    )
    assert entry.detail == {"role": "MEMBER", "removed": True, "banned": False}
    await post.refresh_from_db()
    assert (post.state, post.group_id) == (PostState.PUBLISHED, club.group.id)
    assert not await GroupBan.exists()
    # Not barred: they may come back.
    async with writing(club.people.resources.hub) as log:
        assert await admit(log, club.people.resources.settings, group, club.users["mia"].id)


async def test_a_ban_bars_every_way_back_in(club):
    settings, hub = club.people.resources.settings, club.people.resources.hub
    mia = club.users["mia"]
    key = pending_key(club.group.id, mia.id)
    # Stale ways in, as if left over: a pending request and an open invitation.
    await GroupJoinRequest.create(group=club.group, user=mia, pending_key=key)
    invitation = await GroupInvitation.create(
        group=club.group, user=mia, inviter=club.users["own"], pending_key=key
    )
    await remove_member(await club.ctx("adm"), "club", "mia", "harassment", ban=True)
    [ban] = await GroupBan.all()
    assert (ban.user_id, ban.banned_by_id, ban.reason) == (
        mia.id,
        club.users["adm"].id,
        "harassment",
    )
    [request] = await GroupJoinRequest.all()
    assert (request.state, request.pending_key) == (GroupRequestState.REJECTED, None)
    await invitation.refresh_from_db()
    assert (invitation.state, invitation.pending_key) == (GroupInvitationState.REVOKED, None)
    assert await texts(mia, NotificationKind.GROUP_REMOVED) == [
        "You were removed from Club and cannot rejoin it. Why: harassment"
    ]
    [entry] = await AuditEntry.filter(kind=AuditKind.GROUP_MEMBER_REMOVED)
    assert entry.detail == {"role": "MEMBER", "removed": True, "banned": True}
    group = await Group.get(id=club.group.id)
    with pytest.raises(NotEligible) as refused:
        async with writing(hub) as log:
            await admit(log, settings, group, mia.id, by=club.users["own"].id)
    assert refused.value.reason == NotEligibleReason.BANNED_FROM_GROUP
    assert await club.role("mia") is None
    assert (await Group.get(id=club.group.id)).member_count == 4


async def test_a_ban_on_someone_who_left_bars_them_without_removing_anyone(club):
    await leave_group(await club.ctx("mia"), "club")
    group = await remove_member(await club.ctx("moe"), "club", "mia", "trolling", ban=True)
    assert group.member_count == 4
    assert await GroupBan.filter(user_id=club.users["mia"].id).exists()
    assert await texts(club.users["mia"], NotificationKind.GROUP_REMOVED) == [
        "The staff of Club barred you from joining it. Why: trolling"
    ]
    [entry] = await AuditEntry.filter(kind=AuditKind.GROUP_MEMBER_REMOVED)
    assert entry.detail == {"role": None, "removed": False, "banned": True}
    # Barring them again changes nothing.
    await remove_member(await club.ctx("own"), "club", "mia", "again", ban=True)
    assert await GroupBan.all().count() == 1
    assert await AuditEntry.filter(kind=AuditKind.GROUP_MEMBER_REMOVED).count() == 1


@pytest.mark.parametrize(
    ("caller", "handle", "error"),
    [
        (None, "mia", NotAuthenticated),
        ("lin", "mia", Forbidden),  # a plain member
        ("zoe", "mia", Forbidden),  # an outsider
        ("ann", "mia", Forbidden),  # the owner of another group
        ("rui", "mia", Forbidden),  # a platform moderator
        ("moe", "moe", InvalidInput),  # themselves: leaveGroup is the way out
        ("own", "own", InvalidInput),
        ("moe", "adm", Forbidden),  # a moderator removes plain members only
        ("moe", "own", Conflict),  # the owner is never removed
        ("adm", "own", Conflict),
        ("boss", "own", Conflict),
        ("own", "zoe", NotFound),  # not a member, and no ban asked for
        ("own", "kai", NotFound),
    ],
)
async def test_remove_member_refuses(club, caller, handle, error):
    with pytest.raises(error):
        await remove_member(await club.ctx(caller), "club", handle, "a reason")
    assert await GroupMembership.filter(group_id=club.group.id).count() == 5
    assert not await AuditEntry.exists()


async def test_moderators_and_admins_remove_only_below_them(club):
    await set_member_role(await club.ctx("own"), "club", "mia", GroupRole.MODERATOR)
    await set_member_role(await club.ctx("own"), "club", "lin", GroupRole.ADMIN)
    with pytest.raises(Forbidden):
        await remove_member(await club.ctx("moe"), "club", "mia", "a peer")
    with pytest.raises(Forbidden):
        await remove_member(await club.ctx("adm"), "club", "lin", "a peer")
    await remove_member(await club.ctx("adm"), "club", "mia", "an admin above a moderator")
    await remove_member(await club.ctx("own"), "club", "lin", "the owner above an admin")
    await remove_member(await club.ctx("boss"), "club", "adm", "a platform admin")
    assert [await club.role(h) for h in ("mia", "lin", "adm")] == [None, None, None]


async def test_remove_member_needs_a_reason(club):
    with pytest.raises(InvalidInput) as refused:
        await remove_member(await club.ctx("own"), "club", "mia", "   ")
    assert refused.value.field == "reason"
    with pytest.raises(InvalidInput):
        await remove_member(await club.ctx("own"), "club", "mia", "x" * 501)
    assert await club.role("mia") == GroupRole.MEMBER


@pytest.mark.parametrize(
    ("state", "days", "reason"),
    [
        (AccountState.SILENCED, 3, "ACCOUNT_SILENCED"),
        (AccountState.SUSPENDED, 3, "ACCOUNT_SUSPENDED"),
        (AccountState.BANNED, None, "ACCOUNT_BANNED"),
    ],
)
async def test_a_sanctioned_moderator_removes_nobody(club, state, days, reason):
    await club.sanction("moe", state, days)
    with pytest.raises(AccountSuspended) as refused:
        await remove_member(await club.ctx("moe"), "club", "mia", "spam", ban=True)
    assert refused.value.reason == reason
    assert await club.role("mia") == GroupRole.MEMBER
    assert not await GroupBan.exists()


async def test_a_silence_that_ended_gives_the_moderator_their_powers_back(club):
    await club.sanction("moe", AccountState.SILENCED, days=-1)
    await remove_member(await club.ctx("moe"), "club", "mia", "spam")
    assert await club.role("mia") is None


async def test_lift_ban_lets_them_in_again_and_is_for_owners_and_admins(club):
    await remove_member(await club.ctx("moe"), "club", "mia", "spam", ban=True)
    for caller, error in [(None, NotAuthenticated), ("moe", Forbidden), ("lin", Forbidden)]:
        with pytest.raises(error):
            await lift_ban(await club.ctx(caller), "club", "mia")
    with pytest.raises(Forbidden):
        await lift_ban(await club.ctx("ann"), "club", "mia")
    await club.sanction("adm", AccountState.SILENCED)
    with pytest.raises(AccountSuspended):
        await lift_ban(await club.ctx("adm"), "club", "mia")
    assert await GroupBan.exists()
    await lift_ban(await club.ctx("own"), "club", "mia")
    assert not await GroupBan.exists()
    with pytest.raises(NotFound):
        await lift_ban(await club.ctx("boss"), "club", "mia")
    group = await Group.get(id=club.group.id)
    async with writing(club.people.resources.hub) as log:
        assert await admit(log, club.people.resources.settings, group, club.users["mia"].id)


async def test_a_platform_admin_lifts_a_ban(club):
    await remove_member(await club.ctx("own"), "club", "lin", "spam", ban=True)
    await lift_ban(await club.ctx("boss"), "club", "lin")
    assert not await GroupBan.exists()


async def test_bans_are_listed_newest_first_for_the_groups_staff_alone(club):
    await remove_member(await club.ctx("moe"), "club", "mia", "first", ban=True)
    await remove_member(await club.ctx("moe"), "club", "zoe", "second", ban=True)
    for caller in ("own", "adm", "moe", "boss"):
        page = await list_bans(await club.ctx(caller), club.group, 10, None)
        assert page is not None
        assert [ban.reason for _, ban in page.edges] == ["second", "first"], caller
    for caller in (None, "lin", "zoe", "ann", "rui", "mia"):
        assert await list_bans(await club.ctx(caller), club.group, 10, None) is None, caller
    await club.sanction("moe", AccountState.SILENCED)
    assert await list_bans(await club.ctx("moe"), club.group, 10, None) is None
    page = await list_bans(await club.ctx("own"), club.group, 1, None)
    assert page is not None and page.has_next_page
    rest = await list_bans(await club.ctx("own"), club.group, 1, page.end_cursor)
    assert rest is not None and [ban.reason for _, ban in rest.edges] == ["first"]


# --- ownership --------------------------------------------------------------------------------


async def test_the_owner_hands_the_group_over_and_becomes_an_admin(club):
    await transfer_ownership(await club.ctx("own"), "club", "mia")
    assert await club.role("mia") == GroupRole.OWNER
    assert await club.role("own") == GroupRole.ADMIN
    assert await GroupMembership.filter(group_id=club.group.id, role=GroupRole.OWNER).count() == 1
    assert await texts(club.users["mia"], NotificationKind.GROUP_ROLE) == [
        "You are now the owner of Club."
    ]
    assert await texts(club.users["own"], NotificationKind.GROUP_ROLE) == []
    [entry] = await AuditEntry.filter(kind=AuditKind.GROUP_OWNERSHIP_TRANSFERRED)
    assert (entry.actor_id, entry.affected_user_id, entry.group_id) == (
        club.users["own"].id,
        club.users["mia"].id,
        club.group.id,
    )
    assert entry.detail == {"from": [club.users["own"].id], "to": club.users["mia"].id}
    # The new owner runs it; the old one is an admin now, below them.
    await set_member_role(await club.ctx("mia"), "club", "own", GroupRole.MEMBER)
    with pytest.raises(Forbidden):
        await transfer_ownership(await club.ctx("own"), "club", "lin")


async def test_leaving_still_needs_an_owner_left_after_a_handover(club):
    with pytest.raises(Conflict):
        await leave_group(await club.ctx("own"), "club")
    await transfer_ownership(await club.ctx("own"), "club", "mia")
    with pytest.raises(Conflict):
        await leave_group(await club.ctx("mia"), "club")
    group = await leave_group(await club.ctx("own"), "club")
    assert group.member_count == 4
    assert await club.role("mia") == GroupRole.OWNER


async def test_a_platform_admin_hands_a_group_over_and_the_owner_is_told(club):
    await transfer_ownership(await club.ctx("boss"), "club", "adm")
    assert await club.role("adm") == GroupRole.OWNER
    assert await club.role("own") == GroupRole.ADMIN
    assert await texts(club.users["own"], NotificationKind.GROUP_ROLE) == [
        "Club was handed over to @adm; you are now an admin."
    ]
    # To the owner it already has: nothing to do.
    await transfer_ownership(await club.ctx("boss"), "club", "adm")
    assert await AuditEntry.filter(kind=AuditKind.GROUP_OWNERSHIP_TRANSFERRED).count() == 1


@pytest.mark.parametrize(
    ("caller", "handle", "error"),
    [
        (None, "mia", NotAuthenticated),
        ("adm", "mia", Forbidden),
        ("moe", "mia", Forbidden),
        ("lin", "mia", Forbidden),
        ("ann", "mia", Forbidden),  # the owner of another group
        ("rui", "mia", Forbidden),
        ("own", "own", InvalidInput),
        ("own", "zoe", NotFound),
        ("own", "kai", NotFound),
        ("boss", "zoe", NotFound),
    ],
)
async def test_transfer_ownership_refuses(club, caller, handle, error):
    with pytest.raises(error):
        await transfer_ownership(await club.ctx(caller), "club", handle)
    assert await club.role("own") == GroupRole.OWNER
    assert not await AuditEntry.exists()


@pytest.mark.parametrize(
    ("state", "days"),
    [(AccountState.SILENCED, 3), (AccountState.SUSPENDED, 3), (AccountState.BANNED, None)],
)
async def test_ownership_goes_to_members_in_good_standing_only(club, state, days):
    await club.sanction("mia", state, days)
    with pytest.raises(Conflict):
        await transfer_ownership(await club.ctx("own"), "club", "mia")
    assert await club.role("mia") == GroupRole.MEMBER


async def test_a_persona_account_cannot_own_a_group(club):
    await PersonaAccount.create(user=club.users["lin"], domain=PersonaDomain.CHARGING)
    with pytest.raises(Conflict):
        await transfer_ownership(await club.ctx("own"), "club", "lin")
    assert await club.role("lin") == GroupRole.MEMBER


@pytest.mark.parametrize(
    ("state", "days", "reason"),
    [
        (AccountState.SILENCED, 3, "ACCOUNT_SILENCED"),
        (AccountState.SUSPENDED, 3, "ACCOUNT_SUSPENDED"),
        (AccountState.BANNED, None, "ACCOUNT_BANNED"),
    ],
)
async def test_a_sanctioned_owner_hands_nothing_over(club, state, days, reason):
    await club.sanction("own", state, days)
    with pytest.raises(AccountSuspended) as refused:
        await transfer_ownership(await club.ctx("own"), "club", "mia")
    assert refused.value.reason == reason
    # A platform admin can hand the group to someone who will run it.
    await transfer_ownership(await club.ctx("boss"), "club", "adm")
    assert await club.role("adm") == GroupRole.OWNER


async def test_two_handovers_at_once_leave_one_owner(club):
    heirs = ("mia", "lin", "adm", "moe")
    callers = [await club.ctx("own") for _ in heirs]
    results = await asyncio.gather(
        *(transfer_ownership(ctx, "club", heir) for ctx, heir in zip(callers, heirs, strict=True)),
        return_exceptions=True,
    )
    winners = [r for r in results if isinstance(r, Group)]
    assert len(winners) == 1, results
    assert all(isinstance(r, Conflict | Forbidden) for r in results if not isinstance(r, Group))
    owners = await GroupMembership.filter(group_id=club.group.id, role=GroupRole.OWNER)
    assert len(owners) == 1
    assert await club.role("own") == GroupRole.ADMIN
    assert await AuditEntry.filter(kind=AuditKind.GROUP_OWNERSHIP_TRANSFERRED).count() == 1


async def test_a_removed_members_posts_stay_in_the_group(club):
    await make_post(club.users["lin"], "still here", group=club.group)
    await remove_member(await club.ctx("own"), "club", "lin", "left the brand", ban=True)
    assert await Post.filter(group_id=club.group.id, author_id=club.users["lin"].id).count() == 1
