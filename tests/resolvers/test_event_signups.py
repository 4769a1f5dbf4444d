"""Signups, the waitlist, check-in and finishing as use cases, on SQLite and PostgreSQL: seats
confirmed while they fit and a line without gaps after, the figures promised under
concurrency (50 signups at once for 10 seats, 10 cancellations at once), typed refusals, who
checks attendees in, and what attending and organising earn, once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from resolvers.event_finish import check_in_attendee, finish_due_events
from resolvers.event_signups import CODE_ALPHABET, cancel_signup, sign_up
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
    ChangeKind,
    Event,
    EventSignup,
    EventState,
    GroupMembership,
    GroupRole,
    GroupVisibility,
    LedgerEntry,
    MatchKind,
    Notification,
    NotificationKind,
    PlatformRole,
    RuleAction,
    SearchEntity,
    SignupState,
)
from tests.helpers import make_group
from tests.resolvers.conftest import events, outbox
from tests.resolvers.signup_helpers import (
    assert_consistent,
    give_contribution,
    make_event,
    make_volunteer,
)


async def join(people, user, event, guests=0, note=""):
    return await sign_up(await people.context(user), event.id, guests, note)


async def crowd(people, n: int, prefix: str = "eva"):
    return [await people.make(f"{prefix}{i}") for i in range(n)]


# --- signing up and the line ------------------------------------------------------------------


async def test_signups_are_confirmed_while_seats_fit_then_wait_in_line(people):
    ann, mia, lin, kai = [await people.make(h) for h in ("ann", "mia", "lin", "kai")]
    event = await make_event(ann, capacity=4)

    first = await join(people, mia, event, guests=2, note="  With my two kids. ")
    second = await join(people, lin, event)
    third = await join(people, kai, event, guests=1)

    assert (first.signup.state, first.signup.position) == (SignupState.CONFIRMED, None)
    assert first.signup.note == "With my two kids."
    assert (second.signup.state, third.signup.state) == (
        SignupState.CONFIRMED,
        SignupState.WAITLISTED,
    )
    assert third.signup.position == 1
    assert (third.event.confirmed_seats, third.event.waitlisted_seats) == (4, 2)
    codes = {s.signup.check_in_code for s in (first, second, third)}
    assert len(codes) == 3
    assert all(len(c) == 8 and set(c) <= set(CODE_ALPHABET) for c in codes)
    await assert_consistent(event.id)
    assert len(await events(ChangeKind.EVENT_UPDATED, event_id=event.id)) == 3


async def test_fifty_signups_at_once_for_ten_seats_confirm_ten_and_line_up_forty(people):
    ann = await people.make("ann")
    event = await make_event(ann, capacity=10)
    contexts = [await people.context(user) for user in await crowd(people, 50)]

    done = await asyncio.gather(*(sign_up(ctx, event.id, 0, "") for ctx in contexts))

    states = [d.signup.state for d in done]
    assert states.count(SignupState.CONFIRMED) == 10
    assert states.count(SignupState.WAITLISTED) == 40
    assert sorted(d.signup.position for d in done if d.signup.position) == list(range(1, 41))
    fresh = await assert_consistent(event.id)
    assert (fresh.confirmed_seats, fresh.waitlisted_seats, fresh.waitlist_length) == (10, 40, 40)


async def test_ten_cancellations_at_once_promote_ten_and_renumber_the_line(people):
    ann = await people.make("ann")
    event = await make_event(ann, capacity=10)
    users = await crowd(people, 50)
    done = [await join(people, user, event) for user in users]
    confirmed = [d.signup for d in done if d.signup.state == SignupState.CONFIRMED]
    first_in_line = {d.signup.user_id for d in done if (d.signup.position or 99) <= 10}
    contexts = {s.id: await people.context(await s.user) for s in confirmed}

    await asyncio.gather(*(cancel_signup(contexts[s.id], s.id) for s in confirmed))

    fresh = await assert_consistent(event.id)
    assert (fresh.confirmed_seats, fresh.waitlist_length) == (10, 30)
    now_confirmed = await EventSignup.filter(event_id=event.id, state=SignupState.CONFIRMED)
    assert {s.user_id for s in now_confirmed} == first_in_line
    told = await Notification.filter(kind=NotificationKind.EVENT).values_list(
        "recipient_id", flat=True
    )
    assert sorted(told) == sorted(first_in_line)


async def test_a_head_of_line_that_does_not_fit_is_passed_over_by_one_that_fits(people):
    ann, mia, lin, kai, rui = [await people.make(h) for h in ("ann", "mia", "lin", "kai", "rui")]
    event = await make_event(ann, capacity=3)
    holder = await join(people, mia, event)  # 1 seat
    await join(people, lin, event, guests=1)  # 2 seats: full
    big = await join(people, kai, event, guests=2)  # 3 seats: waits first
    small = await join(people, rui, event)  # 1 seat: waits second
    assert (big.signup.position, small.signup.position) == (1, 2)

    await cancel_signup(await people.context(mia), holder.signup.id)

    big_row, small_row = (
        await EventSignup.get(id=big.signup.id),
        await EventSignup.get(id=small.signup.id),
    )
    assert (small_row.state, small_row.position) == (SignupState.CONFIRMED, None)
    assert (big_row.state, big_row.position) == (SignupState.WAITLISTED, 1)
    await assert_consistent(event.id)


async def test_a_waitlisted_signup_that_leaves_moves_those_behind_it_up(people):
    ann = await people.make("ann")
    event = await make_event(ann, capacity=1)
    done = [await join(people, user, event) for user in await crowd(people, 5)]
    second = done[2].signup
    assert second.position == 2

    left = await cancel_signup(await people.context(await second.user), second.id)

    assert (left.signup.state, left.signup.position) == (SignupState.CANCELLED, None)
    positions = [
        (await EventSignup.get(id=d.signup.id)).position for d in (done[1], done[3], done[4])
    ]
    assert positions == [1, 2, 3]
    await assert_consistent(event.id)


async def test_signing_up_again_after_cancelling_reuses_the_row_with_a_new_code(people):
    ann, mia = await people.make("ann"), await people.make("mia")
    event = await make_event(ann)
    first = await join(people, mia, event)
    await cancel_signup(await people.context(mia), first.signup.id)

    again = await join(people, mia, event, guests=1)

    assert again.signup.id == first.signup.id
    assert (again.signup.state, again.signup.guests) == (SignupState.CONFIRMED, 1)
    assert again.signup.cancelled_at is None
    assert await EventSignup.filter(event_id=event.id).count() == 1
    assert (await assert_consistent(event.id)).confirmed_seats == 2


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"opened": timedelta(hours=-2)}, NotEligibleReason.SIGNUP_NOT_OPEN),
        ({"closes_in": timedelta(hours=-1)}, NotEligibleReason.SIGNUP_CLOSED),
        ({"state": EventState.CANCELLED}, NotEligibleReason.SIGNUP_CLOSED),
        ({"state": EventState.FINISHED}, NotEligibleReason.SIGNUP_CLOSED),
        ({"min_contribution": 50}, NotEligibleReason.CONTRIBUTION_TOO_LOW),
    ],
)
async def test_sign_up_is_refused_with_a_typed_reason(people, fields, reason):
    ann, mia = await people.make("ann"), await people.make("mia")
    await give_contribution(people.resources, mia.id, 49)
    event = await make_event(ann, **fields)

    with pytest.raises(NotEligible) as refused:
        await join(people, mia, event)

    assert refused.value.reason == reason
    assert await EventSignup.filter(event_id=event.id).count() == 0


async def test_enough_contribution_signs_up_and_a_second_signup_is_refused(people):
    ann, mia = await people.make("ann"), await people.make("mia")
    await give_contribution(people.resources, mia.id, 50)
    event = await make_event(ann, capacity=1, min_contribution=50)
    await join(people, mia, event)

    with pytest.raises(NotEligible) as refused:
        await join(people, mia, event)

    assert refused.value.reason == NotEligibleReason.ALREADY_SIGNED_UP
    assert (await assert_consistent(event.id)).confirmed_seats == 1


@pytest.mark.parametrize(
    ("guests", "note", "field"), [(3, "", "guests"), (-1, "", "guests"), (0, "x" * 501, "note")]
)
async def test_bad_guests_or_note_change_nothing(people, guests, note, field):
    ann, mia = await people.make("ann"), await people.make("mia")
    event = await make_event(ann)
    with pytest.raises(InvalidInput) as refused:
        await join(people, mia, event, guests=guests, note=note)
    assert refused.value.field == field
    assert await EventSignup.filter(event_id=event.id).count() == 0


async def test_a_note_the_events_staff_read_is_screened(people):
    ann, mia = await people.make("ann"), await people.make("mia")
    mod = await people.make("rui", PlatformRole.MODERATOR)
    staff = await people.context(mod)
    await create_rule(staff, RuleInput("scam", MatchKind.WORD, RuleAction.BLOCK, "fraud"))
    await create_rule(staff, RuleInput("darn", MatchKind.WORD, RuleAction.REPLACE, "rude"))
    event = await make_event(ann)

    with pytest.raises(ContentRejected) as rejected:
        await join(people, mia, event, note="a scam, call me")
    assert rejected.value.field == "note"
    assert await EventSignup.filter(event_id=event.id).count() == 0

    await join(people, mia, event, note="the darn parking")
    signup = await EventSignup.get(event_id=event.id, user_id=mia.id)
    assert "darn" not in signup.note and "parking" in signup.note


@pytest.mark.parametrize(
    ("state", "until_days"), [(AccountState.SUSPENDED, 3), (AccountState.BANNED, None)]
)
async def test_sanctioned_accounts_cannot_sign_up(people, state, until_days):
    ann = await people.make("ann")
    mia = await people.make("mia", state=state, until_days=until_days)
    event = await make_event(ann)
    with pytest.raises(AccountSuspended):
        await join(people, mia, event)
    with pytest.raises(NotAuthenticated):
        await sign_up(await people.context(None), event.id, 0, "")


async def test_a_members_only_groups_event_is_missing_to_outsiders(people):
    ann, mia, lin = await people.make("ann"), await people.make("mia"), await people.make("lin")
    group = await make_group("riders", ann, mia, visibility=GroupVisibility.MEMBERS_ONLY)
    event = await make_event(ann, group=group)

    with pytest.raises(NotFound):
        await join(people, lin, event)
    assert (await join(people, mia, event)).signup.state == SignupState.CONFIRMED


async def test_only_the_holder_cancels_and_only_before_the_start(people):
    ann, mia, lin = await people.make("ann"), await people.make("mia"), await people.make("lin")
    event = await make_event(ann)
    mine = (await join(people, mia, event)).signup

    with pytest.raises(NotFound):
        await cancel_signup(await people.context(lin), mine.id)
    with pytest.raises(NotFound):
        await cancel_signup(await people.context(ann), mine.id)
    await cancel_signup(await people.context(mia), mine.id)
    with pytest.raises(Conflict):
        await cancel_signup(await people.context(mia), mine.id)

    again = (await join(people, mia, event)).signup
    await Event.filter(id=event.id).update(starts_at=datetime.now(UTC) - timedelta(minutes=5))
    with pytest.raises(Conflict, match="started"):
        await cancel_signup(await people.context(mia), again.id)
    assert (await EventSignup.get(id=again.id)).state == SignupState.CONFIRMED


# --- check-in ----------------------------------------------------------------------------------


async def started_event(people, **fields):
    """An event begun an hour ago, by `ann` who owns the group `riders`, with `mia`
    confirmed."""
    ann, mia = await people.make("ann"), await people.make("mia")
    group = await make_group("riders", ann, mia)
    event = await make_event(ann, group=group, **fields)
    signup = (await join(people, mia, event)).signup
    await Event.filter(id=event.id).update(
        starts_at=datetime.now(UTC) - timedelta(hours=1),
        ends_at=datetime.now(UTC) + timedelta(hours=2),
    )
    return ann, mia, group, event, signup


async def test_a_check_in_marks_attended_once_and_earns_once(people):
    ann, mia, _, event, signup = await started_event(people)
    ctx = await people.context(ann)

    first = await check_in_attendee(ctx, event.id, signup.check_in_code.lower())
    again = await check_in_attendee(await people.context(ann), event.id, signup.check_in_code)

    assert (first.already_checked_in, again.already_checked_in) == (False, True)
    assert first.signup.state == SignupState.ATTENDED
    assert first.signup.checked_in_by_id == ann.id and first.signup.checked_in_at is not None
    entries = await LedgerEntry.filter(user_id=mia.id, rule="EVENT_ATTENDED")
    assert sorted(str(e.ledger) for e in entries) == ["CONTRIBUTION", "POINTS"]
    assert {e.reference_id for e in entries} == {str(event.id)}
    assert (await assert_consistent(event.id)).confirmed_seats == 1


async def test_ten_scans_at_once_of_one_code_earn_once(people):
    ann, mia, _, event, signup = await started_event(people)
    contexts = [await people.context(ann) for _ in range(10)]
    done = await asyncio.gather(
        *(check_in_attendee(ctx, event.id, signup.check_in_code) for ctx in contexts)
    )
    assert sorted(d.already_checked_in for d in done) == [False] + [True] * 9
    assert await LedgerEntry.filter(user_id=mia.id, rule="EVENT_ATTENDED").count() == 2


async def test_who_checks_attendees_in(people):
    ann, mia, group, event, signup = await started_event(people)
    member = await people.make("lin")
    await make_group("others", member)  # owner of another group: no power here
    near, far = await people.make("kai"), await people.make("rui")
    await make_volunteer(near, "shanghai ")
    await make_volunteer(far, "Beijing")
    moderator = await people.make("zoe")
    await GroupMembership.create(group=group, user=moderator, role=GroupRole.MODERATOR)

    for refused in (member, far, mia):
        with pytest.raises(Forbidden):
            await check_in_attendee(await people.context(refused), event.id, "ABCDEFGH")
    with pytest.raises(NotAuthenticated):
        await check_in_attendee(await people.context(None), event.id, "ABCDEFGH")
    for allowed in (near, moderator):
        with pytest.raises(NotFound, match="code"):
            await check_in_attendee(await people.context(allowed), event.id, "ABCDEFGH")
    done = await check_in_attendee(await people.context(near), event.id, signup.check_in_code)
    assert done.signup.checked_in_by_id == near.id


async def test_check_in_of_a_hidden_event_reads_as_missing(people):
    ann, lin = await people.make("ann"), await people.make("lin")
    await make_volunteer(lin, "Shanghai")
    group = await make_group("riders", ann, visibility=GroupVisibility.MEMBERS_ONLY)
    event = await make_event(ann, group=group, starts_in=timedelta(hours=1))
    with pytest.raises(NotFound):
        await check_in_attendee(await people.context(lin), event.id, "ABCDEFGH")


async def test_check_in_refuses_waitlisted_codes_and_outside_its_window(people):
    ann, mia, _, event, signup = await started_event(people, capacity=1)
    lin = await people.make("lin")
    await Event.filter(id=event.id).update(starts_at=datetime.now(UTC) + timedelta(days=1))
    waiting = (await join(people, lin, event)).signup
    await Event.filter(id=event.id).update(starts_at=datetime.now(UTC) - timedelta(hours=1))
    ctx = await people.context(ann)

    with pytest.raises(Conflict, match="waitlisted"):
        await check_in_attendee(ctx, event.id, waiting.check_in_code)
    with pytest.raises(InvalidInput):
        await check_in_attendee(ctx, event.id, "  ")
    await Event.filter(id=event.id).update(starts_at=datetime.now(UTC) + timedelta(hours=25))
    with pytest.raises(Conflict, match="opens"):
        await check_in_attendee(await people.context(ann), event.id, signup.check_in_code)
    await Event.filter(id=event.id).update(
        starts_at=datetime.now(UTC) - timedelta(hours=10),
        ends_at=datetime.now(UTC) - timedelta(hours=7),
    )
    with pytest.raises(Conflict, match="closed"):
        await check_in_attendee(await people.context(ann), event.id, signup.check_in_code)
    assert await LedgerEntry.filter(rule="EVENT_ATTENDED").count() == 0


# --- finishing ---------------------------------------------------------------------------------


async def test_ended_events_finish_once_and_their_organiser_earns_if_anyone_came(people):
    ann, mia, _, attended, signup = await started_event(people)
    empty = await make_event(ann, starts_in=timedelta(hours=-4), hours=1)
    upcoming = await make_event(ann)
    await check_in_attendee(await people.context(ann), attended.id, signup.check_in_code)
    resources = people.resources
    later = datetime.now(UTC) + timedelta(hours=3)

    runs = await asyncio.gather(
        *(finish_due_events(resources.hub, resources.settings, now=later) for _ in range(3))
    )

    assert sorted(sum(runs, [])) == sorted([attended.id, empty.id])
    assert (await Event.get(id=upcoming.id)).state == EventState.SCHEDULED
    assert (await Event.get(id=attended.id)).state == EventState.FINISHED
    assert (await Event.get(id=attended.id)).finished_at is not None
    organised = await LedgerEntry.filter(user_id=ann.id, rule="EVENT_ORGANIZED")
    assert [e.reference_id for e in organised] == [str(attended.id)]
    assert len(await events(ChangeKind.EVENT_UPDATED, event_id=empty.id)) == 1
    assert len(await outbox(SearchEntity.EVENT, empty.id)) == 1


async def test_a_late_check_in_on_a_finished_event_still_credits_both_once(people):
    ann, mia, _, event, signup = await started_event(people)
    later = datetime.now(UTC) + timedelta(hours=3)
    await finish_due_events(people.resources.hub, people.resources.settings, now=later)
    assert await LedgerEntry.filter(rule="EVENT_ORGANIZED").count() == 0
    await Event.filter(id=event.id).update(ends_at=datetime.now(UTC) - timedelta(hours=1))

    await check_in_attendee(await people.context(ann), event.id, signup.check_in_code)

    assert await LedgerEntry.filter(user_id=ann.id, rule="EVENT_ORGANIZED").count() == 1
    assert await LedgerEntry.filter(user_id=mia.id, rule="EVENT_ATTENDED").count() == 2
