"""Events as use cases: who creates, changes and cancels them and who is refused, what each
write leaves behind (only the columns it means, audit, search, a live change event, the
notifications of a cancellation), and the seats a changed capacity leaves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resolvers.events import EventChanges, cancel_event, create_event, update_event
from resolvers.rules import RuleInput, create_rule
from server.errors import (
    AccountSuspended,
    Conflict,
    ContentRejected,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
)
from server.models import (
    AccountState,
    AuditEntry,
    AuditKind,
    ChangeKind,
    Event,
    EventKind,
    EventSignup,
    EventState,
    GroupVisibility,
    MatchKind,
    Notification,
    NotificationKind,
    PlatformRole,
    RuleAction,
    SearchEntity,
    SignupState,
    User,
)
from tests.helpers import make_group
from tests.resolvers.conftest import events, outbox
from tests.resolvers.event_helpers import fields, make_event, seat

# --- creating -------------------------------------------------------------------------------------


async def test_staff_create_a_platform_event_with_signups_open_until_it_starts(people):
    mod = await people.make("mia", PlatformRole.MODERATOR)
    before = datetime.now(UTC)
    event = await create_event(await people.context(mod), fields())
    row = await Event.get(id=event.id)
    assert (row.title, row.state, row.group_id, row.organizer_id) == (
        "Spring meetup",
        EventState.SCHEDULED,
        None,
        mod.id,
    )
    assert before <= row.signup_opens_at <= datetime.now(UTC)
    assert row.signup_closes_at == row.starts_at
    assert (row.confirmed_seats, row.waitlisted_seats, row.min_contribution) == (0, 0, 0)
    [entry] = await AuditEntry.filter(kind=AuditKind.EVENT_CREATED)
    assert (entry.actor_id, entry.detail["eventId"]) == (mod.id, event.id)
    assert len(await outbox(SearchEntity.EVENT, event.id)) == 1


async def test_group_owners_and_admins_create_events_of_their_group(people):
    lin, kai = await people.make("lin"), await people.make("kai")
    group = await make_group("night-drivers", lin, admins=(kai,))
    for user in (lin, kai):
        event = await create_event(await people.context(user), fields(), "night-drivers")
        assert (event.group_id, event.organizer_id) == (group.id, user.id)
    staff = await people.make("max", PlatformRole.ADMIN)
    event = await create_event(await people.context(staff), fields(), "night-drivers")
    assert event.group_id == group.id


@pytest.mark.parametrize(
    ("who", "slug", "refusal"),
    [
        ("anonymous", None, NotAuthenticated),
        ("member", None, Forbidden),
        ("member", "night-drivers", Forbidden),
        ("group moderator", "night-drivers", Forbidden),
        ("admin of another group", "night-drivers", Forbidden),
        ("suspended staff", None, AccountSuspended),
        ("banned staff", None, AccountSuspended),
        ("silenced staff", None, Forbidden),
        ("silenced group owner", "night-drivers", Forbidden),
    ],
)
async def test_create_event_refuses_who_may_not(people, who, slug, refusal):
    owner, mia, rui = await people.make("lin"), await people.make("mia"), await people.make("rui")
    await make_group("night-drivers", owner, mia, moderators=(rui,))
    kai = await people.make("kai")
    await make_group("day-drivers", await people.make("ann"), admins=(kai,))
    users = {
        "anonymous": None,
        "member": mia,
        "group moderator": rui,
        "admin of another group": kai,
        "suspended staff": await people.make(
            "max", PlatformRole.ADMIN, AccountState.SUSPENDED, until_days=3
        ),
        "banned staff": await people.make("eva", PlatformRole.MODERATOR, AccountState.BANNED),
        "silenced staff": await people.make(
            "leo", PlatformRole.ADMIN, AccountState.SILENCED, until_days=3
        ),
        "silenced group owner": owner,
    }
    if who == "silenced group owner":
        await User.filter(id=owner.id).update(
            state=AccountState.SILENCED, suspended_until=datetime.now(UTC) + timedelta(days=3)
        )
    with pytest.raises(refusal):
        await create_event(await people.context(users[who]), fields(), slug)
    assert await Event.all().count() == 0


async def test_an_unknown_group_is_not_found(people):
    staff = await people.make("max", PlatformRole.ADMIN)
    with pytest.raises(NotFound):
        await create_event(await people.context(staff), fields(), "no-such-group")


def _soon(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"city": ""}, "city"),
        ({"venue": " "}, "venue"),
        ({"starts_at": _soon(-1), "ends_at": _soon(2)}, "startsAt"),
        ({"starts_at": _soon(5), "ends_at": _soon(4)}, "endsAt"),
        ({"starts_at": datetime(2099, 1, 1), "ends_at": datetime(2099, 1, 2)}, "startsAt"),
        ({"signup_opens_at": _soon(30), "signup_closes_at": _soon(20)}, "signupClosesAt"),
        ({"signup_closes_at": _soon(24 * 30)}, "signupClosesAt"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 100_001}, "capacity"),
        ({"min_contribution": -1}, "minContribution"),
        ({"cover_url": "http://127.0.0.1/cover.png"}, "coverUrl"),
        ({"cover_url": "javascript:alert(1)"}, "coverUrl"),
    ],
)
async def test_create_event_refuses_invalid_fields(people, given, field):
    staff = await people.make("max", PlatformRole.ADMIN)
    with pytest.raises(InvalidInput) as refused:
        await create_event(await people.context(staff), fields(**given))
    assert refused.value.field == field


async def test_a_group_organisers_texts_are_screened_and_staffs_are_not(people):
    lin = await people.make("lin")
    group = await make_group("night-drivers", lin)
    mod = await people.make("mia", PlatformRole.MODERATOR)
    await create_rule(
        await people.context(mod), RuleInput("scam", MatchKind.WORD, RuleAction.BLOCK, "fraud")
    )
    await create_rule(
        await people.context(mod), RuleInput("darn", MatchKind.WORD, RuleAction.REPLACE, "rude")
    )
    ctx = await people.context(lin)
    with pytest.raises(ContentRejected) as rejected:
        await create_event(ctx, fields(description="A scam meetup"), "night-drivers")
    assert rejected.value.field == "description"
    event = await create_event(ctx, fields(title="The darn meetup"), "night-drivers")
    assert "darn" not in event.title
    with pytest.raises(ContentRejected):
        await update_event(ctx, event.id, EventChanges(venue="Scam hall"))
    with pytest.raises(ContentRejected):
        await cancel_event(ctx, event.id, "It was a scam")
    assert (await Event.get(id=event.id)).state == EventState.SCHEDULED
    staff = await create_event(await people.context(mod), fields(title="The darn meetup"))
    assert staff.title == "The darn meetup"
    assert group.id == event.group_id


async def test_an_online_event_needs_no_venue(people):
    staff = await people.make("max", PlatformRole.ADMIN)
    event = await create_event(
        await people.context(staff), fields(kind=EventKind.ONLINE, city="", venue="")
    )
    assert (event.kind, event.city, event.venue) == (EventKind.ONLINE, "", "")


# --- changing ---------------------------------------------------------------------------------------


async def test_update_changes_the_given_fields_alone(people):
    lin = await people.make("lin")
    await make_group("night-drivers", lin)
    event = await create_event(await people.context(lin), fields(), "night-drivers")
    # Another write changes the description after the organiser's read: it stands.
    await Event.filter(id=event.id).update(description="Changed meanwhile")
    changed = await update_event(
        await people.context(lin), event.id, EventChanges(title="Summer meetup", capacity=20)
    )
    assert (changed.title, changed.capacity, changed.description) == (
        "Summer meetup",
        20,
        "Changed meanwhile",
    )
    [change] = await events(ChangeKind.EVENT_UPDATED, event_id=event.id)
    assert change.group_id == event.group_id
    assert len(await outbox(SearchEntity.EVENT, event.id)) == 2
    [entry] = await AuditEntry.filter(kind=AuditKind.EVENT_UPDATED)
    assert entry.detail == {"eventId": event.id, "changed": ["capacity", "title"]}


async def test_an_update_that_changes_nothing_writes_nothing(people):
    staff = await people.make("max", PlatformRole.ADMIN)
    event = await make_event(staff)
    await update_event(await people.context(staff), event.id, EventChanges(title="Spring meetup"))
    assert await events(ChangeKind.EVENT_UPDATED) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (EventChanges(title=""), "title"),
        (EventChanges(starts_at=_soon(-2)), "startsAt"),
        (EventChanges(ends_at=_soon(1)), "endsAt"),
        (EventChanges(venue=""), "venue"),
        (EventChanges(signup_closes_at=_soon(24 * 30)), "signupClosesAt"),
    ],
)
async def test_update_refuses_what_would_make_the_event_invalid(people, changes, field):
    staff = await people.make("max", PlatformRole.ADMIN)
    event = await make_event(staff)
    with pytest.raises(InvalidInput) as refused:
        await update_event(await people.context(staff), event.id, changes)
    assert refused.value.field == field
    assert (await Event.get(id=event.id)).title == "Spring meetup"


@pytest.mark.parametrize(
    "who", ["anonymous", "member", "group moderator", "admin of another group", "suspended owner"]
)
async def test_update_and_cancel_refuse_who_does_not_run_the_event(people, who):
    lin, mia, rui = await people.make("lin"), await people.make("mia"), await people.make("rui")
    group = await make_group("night-drivers", lin, mia, moderators=(rui,))
    kai = await people.make("kai")
    await make_group("day-drivers", kai)
    event = await make_event(lin, group=group)
    if who == "suspended owner":
        await User.filter(id=lin.id).update(
            state=AccountState.SUSPENDED, suspended_until=datetime.now(UTC) + timedelta(days=3)
        )
    viewer = {
        "anonymous": None,
        "member": mia,
        "group moderator": rui,
        "admin of another group": kai,
        "suspended owner": lin,
    }[who]
    refusal = NotAuthenticated if viewer is None else Forbidden
    ctx = await people.context(viewer)
    with pytest.raises(refusal):
        await update_event(ctx, event.id, EventChanges(title="Mine now"))
    with pytest.raises(refusal):
        await cancel_event(await people.context(viewer), event.id, "Because")
    row = await Event.get(id=event.id)
    assert (row.title, row.state) == ("Spring meetup", EventState.SCHEDULED)


async def test_a_members_only_groups_event_is_missing_to_outsiders(people):
    lin, kai = await people.make("lin"), await people.make("kai")
    group = await make_group("inner-circle", lin, visibility=GroupVisibility.MEMBERS_ONLY)
    event = await make_event(lin, group=group)
    with pytest.raises(NotFound):
        await update_event(await people.context(kai), event.id, EventChanges(title="x"))
    with pytest.raises(NotFound):
        await cancel_event(await people.context(kai), event.id, "x")


async def test_capacity_never_drops_below_the_confirmed_seats(people):
    staff = await people.make("max", PlatformRole.ADMIN)
    event = await make_event(staff, capacity=5)
    await seat(event, await people.make("mia"), guests=2)
    await seat(event, await people.make("lin"))
    ctx = await people.context(staff)
    with pytest.raises(InvalidInput) as refused:
        await update_event(ctx, event.id, EventChanges(capacity=3))
    assert refused.value.field == "capacity"
    assert (await update_event(ctx, event.id, EventChanges(capacity=4))).capacity == 4


async def test_more_capacity_seats_the_waitlist_in_order(people):
    staff = await people.make("max", PlatformRole.ADMIN)
    event = await make_event(staff, capacity=2)
    await seat(event, await people.make("mia"), guests=1)
    ann = await seat(event, await people.make("ann"), SignupState.WAITLISTED, guests=2)
    kai = await seat(event, await people.make("kai"), SignupState.WAITLISTED)
    rui = await seat(event, await people.make("rui"), SignupState.WAITLISTED)
    # Two more seats: ann (3 seats) does not fit and keeps her place; kai and rui do.
    changed = await update_event(await people.context(staff), event.id, EventChanges(capacity=4))
    assert (changed.confirmed_seats, changed.waitlisted_seats, changed.waitlist_length) == (
        4,
        3,
        1,
    )
    states = {s.id: (s.state, s.position) for s in await EventSignup.filter(event_id=event.id)}
    assert states[ann.id] == (SignupState.WAITLISTED, 1)
    assert states[kai.id] == states[rui.id] == (SignupState.CONFIRMED, None)
    told = await Notification.filter(kind=NotificationKind.EVENT).values_list(
        "recipient_id", flat=True
    )
    assert sorted(told) == sorted([kai.user_id, rui.user_id])
    assert len(await events(ChangeKind.EVENT_UPDATED, event_id=event.id)) == 1


# --- cancelling -------------------------------------------------------------------------------------


async def test_cancelling_tells_everyone_confirmed_or_waiting_once(people):
    lin = await people.make("lin")
    group = await make_group("night-drivers", lin)
    event = await make_event(lin, group=group, capacity=1)
    mia, kai, ann = await people.make("mia"), await people.make("kai"), await people.make("ann")
    await seat(event, mia)
    await seat(event, kai, SignupState.WAITLISTED)
    await seat(event, ann, SignupState.CANCELLED)
    cancelled = await cancel_event(await people.context(lin), event.id, " Storm warning ")
    assert (cancelled.state, cancelled.cancel_reason) == (EventState.CANCELLED, "Storm warning")
    assert cancelled.cancelled_at is not None
    notes = await Notification.filter(kind=NotificationKind.EVENT).order_by("recipient_id")
    assert [(n.recipient_id, n.text) for n in notes] == [
        (mia.id, "“Spring meetup” is cancelled: Storm warning"),
        (kai.id, "“Spring meetup” is cancelled: Storm warning"),
    ]
    [change] = await events(ChangeKind.EVENT_UPDATED, event_id=event.id)
    assert change.group_id == group.id
    [entry] = await AuditEntry.filter(kind=AuditKind.EVENT_CANCELLED)
    assert (entry.actor_id, entry.reason, entry.group_id) == (lin.id, "Storm warning", group.id)
    assert len(await outbox(SearchEntity.EVENT, event.id)) == 1


async def test_moving_an_event_tells_who_holds_a_place_and_retitling_tells_nobody(people):
    lin = await people.make("lin")
    group = await make_group("night-drivers", lin)
    event = await make_event(lin, group=group, capacity=1)
    mia, kai, ann = await people.make("mia"), await people.make("kai"), await people.make("ann")
    await seat(event, mia)
    await seat(event, kai, SignupState.WAITLISTED)
    await seat(event, ann, SignupState.CANCELLED)
    ctx = await people.context(lin)

    await update_event(ctx, event.id, EventChanges(title="Night drive"))
    assert await Notification.filter(kind=NotificationKind.EVENT).count() == 0

    await update_event(ctx, event.id, EventChanges(venue="Old harbour"))
    notes = await Notification.filter(kind=NotificationKind.EVENT).order_by("recipient_id")
    assert [n.recipient_id for n in notes] == [mia.id, kai.id]
    assert all(n.text.startswith("“Night drive” has moved") for n in notes)
    assert all("Old harbour" in n.text for n in notes)


async def test_a_cancelled_or_finished_event_cannot_change(people):
    staff = await people.make("max", PlatformRole.ADMIN)
    ctx = await people.context(staff)
    event = await make_event(staff)
    await cancel_event(ctx, event.id, "Storm warning")
    with pytest.raises(Conflict):
        await cancel_event(ctx, event.id, "Again")
    with pytest.raises(Conflict):
        await update_event(ctx, event.id, EventChanges(title="Back on"))
    finished = await make_event(staff, state=EventState.FINISHED)
    with pytest.raises(Conflict):
        await update_event(ctx, finished.id, EventChanges(capacity=50))
    assert len(await Notification.all()) == 0


async def test_a_reason_is_needed_to_cancel(people):
    staff = await people.make("max", PlatformRole.ADMIN)
    event = await make_event(staff)
    with pytest.raises(InvalidInput) as refused:
        await cancel_event(await people.context(staff), event.id, "  ")
    assert refused.value.field == "reason"
