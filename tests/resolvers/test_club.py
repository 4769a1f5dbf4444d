"""The club as use cases: admins granting founder and sponsor seats for their terms and revoking
them (audited, told to the holder), who is refused and how, who sees a seat, and the annual run
that seats a year's top contributors once, passing over sanctioned accounts, even when two
runs start together."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from resolvers.club import (
    grant_membership,
    revoke_membership,
    run_annual,
    run_club_annual,
    visible_membership,
)
from resolvers.ledger_reads import this_year
from server.errors import (
    AccountSuspended,
    Conflict,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
)
from server.models import (
    AccountState,
    AuditEntry,
    AuditKind,
    ClubAnnualRun,
    ClubKind,
    ClubMembership,
    ContributionYear,
    Notification,
    NotificationKind,
    PlatformRole,
    User,
)


async def admin(people, handle: str = "max") -> User:
    return await people.make(handle, PlatformRole.ADMIN)


async def badges(people, user: User, viewer: User | None = None) -> list[ClubKind]:
    """The seats `user`'s profile shows now (User.clubMemberships)."""
    ctx = await people.context(viewer)
    return [ClubKind(row.kind) for row in await ctx.loaders.club_by_user_id.load(user.id)]


async def club_notes(user: User) -> list[str]:
    rows = await Notification.filter(recipient_id=user.id, kind=NotificationKind.CLUB)
    return [row.text for row in rows]


# --- granting and revoking ------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "years"), [(ClubKind.FOUNDER, 10), (ClubKind.SPONSOR, 1)])
async def test_an_admin_grants_a_seat_for_its_term_audited_and_told(people, kind, years):
    max_, lin = await admin(people), await people.make("lin")
    before = datetime.now(UTC)

    granted = await grant_membership(await people.context(max_), "lin", kind, "Drove 1,000 km.")

    seat = granted.membership
    assert granted.user.id == lin.id
    assert (seat.kind, seat.user_id, seat.granted_by_id, seat.year) == (kind, lin.id, max_.id, None)
    assert before <= seat.starts_at <= datetime.now(UTC)
    assert seat.ends_at.year == seat.starts_at.year + years
    assert seat.ends_at.date().replace(year=seat.starts_at.year) == seat.starts_at.date()
    assert await badges(people, lin) == [kind]
    [entry] = await AuditEntry.filter(kind=AuditKind.CLUB_GRANTED)
    assert (entry.actor_id, entry.affected_user_id, entry.reason) == (
        max_.id,
        lin.id,
        "Drove 1,000 km.",
    )
    assert entry.detail["membershipId"] == seat.id and entry.detail["kind"] == kind
    [note] = await club_notes(lin)
    assert note.startswith(f"Welcome to the club as a {kind.lower()}: your seat runs until ")


async def test_one_seat_of_a_kind_at_a_time_and_top_contributors_are_not_granted(people):
    max_ = await admin(people)
    lin = await people.make("lin")
    ctx = await people.context(max_)
    await grant_membership(ctx, "lin", ClubKind.SPONSOR, "A sponsor.")

    with pytest.raises(Conflict):
        await grant_membership(ctx, "lin", ClubKind.SPONSOR, "Again.")
    with pytest.raises(InvalidInput) as refused:
        await grant_membership(ctx, "lin", ClubKind.TOP_CONTRIBUTOR, "By hand.")
    assert refused.value.field == "kind"
    with pytest.raises(InvalidInput) as refused:
        await grant_membership(ctx, "lin", ClubKind.FOUNDER, "  ")
    assert refused.value.field == "reason"
    with pytest.raises(NotFound):
        await grant_membership(ctx, "nobody_here", ClubKind.FOUNDER, "Who?")
    founder = await grant_membership(ctx, "lin", ClubKind.FOUNDER, "Another kind is fine.")
    assert sorted(await badges(people, lin)) == [ClubKind.FOUNDER, ClubKind.SPONSOR]

    # Once revoked, the kind may be granted again.
    await revoke_membership(ctx, founder.membership.id, "A mistake.")
    await grant_membership(ctx, "lin", ClubKind.FOUNDER, "Now for real.")
    assert await ClubMembership.filter(user_id=lin.id).count() == 3


async def test_two_grants_at_once_give_one_seat(people):
    max_, _ = await admin(people), await people.make("lin")
    contexts = [await people.context(max_) for _ in range(5)]

    results = await asyncio.gather(
        *(grant_membership(ctx, "lin", ClubKind.FOUNDER, "Race.") for ctx in contexts),
        return_exceptions=True,
    )

    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))
    assert await ClubMembership.all().count() == 1


async def sanctioned_admins(people) -> list[User]:
    return [
        await people.make("ivy", PlatformRole.ADMIN, AccountState.SUSPENDED, until_days=3),
        await people.make("zoe", PlatformRole.ADMIN, AccountState.SILENCED, until_days=3),
        await people.make("leo", PlatformRole.ADMIN, AccountState.BANNED),
    ]


async def test_granting_revoking_and_running_are_for_admins_in_good_standing(people):
    lin = await people.make("lin")
    mia = await people.make("mia", PlatformRole.MODERATOR)
    seat = await grant_membership(
        await people.context(await admin(people)), "lin", ClubKind.SPONSOR, "A sponsor."
    )
    year = this_year(await people.context(None)) - 1
    callers = [(None, NotAuthenticated), (lin, Forbidden), (mia, Forbidden)]
    callers += [(who, AccountSuspended) for who in await sanctioned_admins(people)]

    for who, refusal in callers:
        ctx = await people.context(who)
        with pytest.raises(refusal):
            await grant_membership(ctx, "lin", ClubKind.FOUNDER, "Sneaky.")
        with pytest.raises(refusal):
            await revoke_membership(ctx, seat.membership.id, "Sneaky.")
        with pytest.raises(refusal):
            await run_club_annual(ctx, year)

    assert await ClubMembership.all().count() == 1
    assert (await ClubMembership.get(id=seat.membership.id)).revoked_at is None
    assert not await ClubAnnualRun.exists()
    assert await AuditEntry.filter(kind=AuditKind.CLUB_GRANTED).count() == 1


async def test_a_revoked_seat_is_kept_audited_told_and_no_longer_shown(people):
    max_, lin = await admin(people), await people.make("lin")
    ctx = await people.context(max_)
    seat = (await grant_membership(ctx, "lin", ClubKind.SPONSOR, "A sponsor.")).membership

    revoked = await revoke_membership(ctx, seat.id, "The sponsorship ended.")

    assert revoked.id == seat.id and revoked.revoked_at is not None
    assert (revoked.revoked_by_id, revoked.revoke_reason) == (max_.id, "The sponsorship ended.")
    assert await badges(people, lin) == []
    [entry] = await AuditEntry.filter(kind=AuditKind.CLUB_REVOKED)
    assert (entry.actor_id, entry.affected_user_id, entry.detail["membershipId"]) == (
        max_.id,
        lin.id,
        seat.id,
    )
    assert (await club_notes(lin))[-1] == (
        "Your club seat as a sponsor was revoked. The sponsorship ended."
    )
    with pytest.raises(Conflict):
        await revoke_membership(ctx, seat.id, "Twice.")
    with pytest.raises(NotFound):
        await revoke_membership(ctx, seat.id + 100, "Nothing there.")


async def test_a_seat_whose_term_is_over_cannot_be_revoked(people):
    max_, lin = await admin(people), await people.make("lin")
    past = datetime.now(UTC) - timedelta(days=400)
    seat = await ClubMembership.create(
        user_id=lin.id,
        kind=ClubKind.SPONSOR,
        starts_at=past,
        ends_at=past + timedelta(days=365),
    )
    with pytest.raises(Conflict):
        await revoke_membership(await people.context(max_), seat.id, "Too late.")
    assert await AuditEntry.filter(kind=AuditKind.CLUB_REVOKED).count() == 0


async def test_a_seat_is_public_in_force_and_staff_see_it_before_and_after(people):
    max_, lin = await admin(people), await people.make("lin")
    ann, mia = await people.make("ann"), await people.make("mia", PlatformRole.MODERATOR)
    now = datetime.now(UTC)
    current = await ClubMembership.create(
        user_id=lin.id, kind=ClubKind.SPONSOR, starts_at=now, ends_at=now + timedelta(days=9)
    )
    upcoming = await ClubMembership.create(
        user_id=lin.id,
        kind=ClubKind.TOP_CONTRIBUTOR,
        year=now.year,
        starts_at=now + timedelta(days=9),
        ends_at=now + timedelta(days=99),
    )
    ended = await ClubMembership.create(
        user_id=lin.id,
        kind=ClubKind.FOUNDER,
        starts_at=now - timedelta(days=9),
        ends_at=now - timedelta(days=1),
    )
    revoked = await grant_membership(await people.context(max_), "lin", ClubKind.FOUNDER, "Yes.")
    await revoke_membership(await people.context(max_), revoked.membership.id, "No.")

    for viewer in (None, ann, lin):
        ctx = await people.context(viewer)
        assert await visible_membership(ctx, current.id) is not None
        for hidden in (upcoming.id, ended.id, revoked.membership.id, current.id + 100):
            assert await visible_membership(ctx, hidden) is None
    for staff in (mia, max_):
        ctx = await people.context(staff)
        for seat in (current.id, upcoming.id, ended.id, revoked.membership.id):
            assert (await visible_membership(ctx, seat)).id == seat


# --- the annual run ---------------------------------------------------------------------------------


async def standings(people, year: int, **totals: int) -> dict[str, User]:
    """Accounts with the year's contribution, in the order given when totals tie."""
    users = {}
    for n, (handle, total) in enumerate(totals.items()):
        users[handle] = await people.make(handle)
        await ContributionYear.create(
            user_id=users[handle].id,
            year=year,
            total=total,
            reached_at=datetime(year, 6, 1, tzinfo=UTC) + timedelta(minutes=n),
            reached_entry_id=n + 1,
        )
    return users


def small_club(people, seats: int = 3):
    return replace(people.resources.settings, club_top_contributors=seats)


async def test_the_annual_run_seats_the_top_contributors_for_the_next_year(people):
    year = this_year(await people.context(None)) - 1
    users = await standings(people, year, lin=90, kai=80, ann=80, mia=70, rui=60)
    max_ = await admin(people)
    settings = small_club(people)

    run = await run_annual(people.resources.hub, settings, year, max_.id)

    assert (run.year, run.seats, run.granted, run.already_run) == (year, 3, 3, False)
    seats = await ClubMembership.filter(kind=ClubKind.TOP_CONTRIBUTOR).order_by("id")
    assert [s.user_id for s in seats] == [users[h].id for h in ("lin", "kai", "ann")]
    zone = settings.timezone
    for seat in seats:
        assert seat.year == year and seat.granted_by_id == max_.id
        assert seat.starts_at == datetime(year + 1, 1, 1, tzinfo=zone)
        assert seat.ends_at == datetime(year + 2, 1, 1, tzinfo=zone)
    assert await badges(people, users["lin"]) == [ClubKind.TOP_CONTRIBUTOR]  # begun already
    assert await badges(people, users["mia"]) == []
    assert await AuditEntry.filter(kind=AuditKind.CLUB_GRANTED).count() == 3
    [entry] = await AuditEntry.filter(kind=AuditKind.CLUB_ANNUAL_RUN)
    assert entry.actor_id == max_.id
    assert entry.detail == {"year": year, "seats": 3, "granted": 3, "passedOver": []}
    assert await club_notes(users["kai"]) == [
        f"You were among the top contributors of {year} (#2): welcome to the club for {year + 1}."
    ]
    assert await club_notes(users["mia"]) == []


async def test_sanctioned_accounts_are_passed_over_and_the_next_in_line_takes_the_seat(people):
    year = this_year(await people.context(None)) - 1
    users = await standings(people, year, lin=90, kai=80, ann=70, mia=60, rui=50, zoe=40)
    await User.filter(id=users["kai"].id).update(
        state=AccountState.SUSPENDED, suspended_until=datetime.now(UTC) + timedelta(days=3)
    )
    await User.filter(id=users["ann"].id).update(state=AccountState.BANNED)
    await User.filter(id=users["mia"].id).update(
        state=AccountState.SILENCED, suspended_until=datetime.now(UTC) + timedelta(days=3)
    )

    run = await run_annual(people.resources.hub, small_club(people), year, None)

    assert run.granted == 3
    seated = await ClubMembership.filter(kind=ClubKind.TOP_CONTRIBUTOR).values_list(
        "user_id", flat=True
    )
    assert sorted(seated) == sorted(users[h].id for h in ("lin", "mia", "rui"))
    [entry] = await AuditEntry.filter(kind=AuditKind.CLUB_ANNUAL_RUN)
    assert entry.actor_id is None
    # A banned account is not on the leaderboard at all; a suspended one is passed over.
    assert entry.detail["passedOver"] == [users["kai"].id]


async def test_fewer_contributors_than_seats_fill_what_they_can(people):
    year = this_year(await people.context(None)) - 1
    await standings(people, year, lin=10, kai=0)

    run = await run_annual(people.resources.hub, small_club(people), year, None)

    assert (run.seats, run.granted) == (3, 1)


async def test_running_a_year_again_changes_nothing_and_answers_the_first_figures(people):
    year = this_year(await people.context(None)) - 1
    users = await standings(people, year, lin=90, kai=80, ann=70, mia=60)
    first = await run_annual(people.resources.hub, small_club(people), year, None)
    await ContributionYear.filter(user_id=users["mia"].id).update(total=500)

    again = await run_annual(people.resources.hub, small_club(people, seats=4), year, None)

    assert (again.seats, again.granted, again.already_run) == (3, 3, True)
    assert not first.already_run
    assert await ClubMembership.all().count() == 3
    assert await Notification.filter(kind=NotificationKind.CLUB).count() == 3
    assert await AuditEntry.filter(kind=AuditKind.CLUB_ANNUAL_RUN).count() == 1


async def test_runs_started_together_make_one_run(people):
    year = this_year(await people.context(None)) - 1
    await standings(people, year, lin=90, kai=80, ann=70, mia=60)
    settings = small_club(people)

    runs = await asyncio.gather(
        *(run_annual(people.resources.hub, settings, year, None) for _ in range(4))
    )

    assert sorted(run.already_run for run in runs) == [False, True, True, True]
    assert {(run.seats, run.granted) for run in runs} == {(3, 3)}
    assert await ClubAnnualRun.all().count() == 1
    assert await ClubMembership.all().count() == 3
    assert await AuditEntry.filter(kind=AuditKind.CLUB_GRANTED).count() == 3


async def test_a_year_is_run_once_it_is_over_and_its_seats_show_when_their_term_begins(people):
    year = this_year(await people.context(None))
    users = await standings(people, year, lin=90)
    settings = small_club(people)
    hub = people.resources.hub

    for wrong in (year, year + 1, 1999, 2101):
        with pytest.raises(InvalidInput) as refused:
            await run_annual(hub, settings, wrong, None)
        assert refused.value.field == "year"
    new_year = datetime(year + 1, 1, 1, tzinfo=settings.timezone)
    with pytest.raises(InvalidInput):  # a second before the year ends
        await run_annual(hub, settings, year, None, now=new_year - timedelta(seconds=1))

    run = await run_annual(hub, settings, year, None, now=new_year)

    assert run.granted == 1
    assert await badges(people, users["lin"]) == []  # the term begins next year
    await ClubMembership.filter(user_id=users["lin"].id).update(
        starts_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    assert await badges(people, users["lin"]) == [ClubKind.TOP_CONTRIBUTOR]
