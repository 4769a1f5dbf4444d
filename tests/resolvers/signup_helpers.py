"""Events, contribution and volunteers written straight into the database, for the tests of
signups, the waitlist and check-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from resolvers import ledger
from resolvers.changes import writing
from resolvers.context import Resources
from server.models import (
    Event,
    EventKind,
    EventSignup,
    Group,
    KocApplication,
    KocApplicationState,
    KocRole,
    KocRoleKind,
    Ledger,
    LedgerEntryKind,
    SignupState,
    User,
)


async def make_event(
    organizer: User,
    *,
    capacity: int = 10,
    group: Group | None = None,
    city: str = "Shanghai",
    starts_in: timedelta = timedelta(days=7),
    hours: int = 3,
    opened: timedelta = timedelta(days=1),
    closes_in: timedelta = timedelta(days=6),
    **fields: Any,
) -> Event:
    """An OFFLINE event whose signups opened `opened` ago and close in `closes_in`."""
    now = datetime.now(UTC)
    starts_at = now + starts_in
    return await Event.create(
        title="Spring meetup",
        kind=EventKind.OFFLINE,
        city=city,
        venue="Harbour hall",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        capacity=capacity,
        signup_opens_at=now - opened,
        signup_closes_at=now + closes_in,
        group=group,
        organizer=organizer,
        **fields,
    )


async def give_contribution(resources: Resources, user_id: int, amount: int) -> None:
    async with writing(resources.hub) as log:
        await ledger.charge(
            log,
            resources.settings,
            Ledger.CONTRIBUTION,
            user_id,
            amount,
            kind=LedgerEntryKind.ADJUSTED,
            key=f"seed:{user_id}:{amount}",
            reason="seed",
        )


async def make_volunteer(user: User, city: str) -> KocRole:
    """An active VOLUNTEER role, from an approved application for `city`."""
    now = datetime.now(UTC)
    application = await KocApplication.create(
        user=user,
        kind=KocRoleKind.VOLUNTEER,
        statement="I help at meetups.",
        city=city,
        state=KocApplicationState.APPROVED,
        decided_at=now,
    )
    return await KocRole.create(
        user=user,
        kind=KocRoleKind.VOLUNTEER,
        active_key=f"{user.id}:VOLUNTEER",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=180),
        application=application,
    )


async def assert_consistent(event_id: int) -> Event:
    """The event's counters are the sums over its signups, and its line runs 1..n."""
    event = await Event.get(id=event_id)
    signups = await EventSignup.filter(event_id=event_id)
    held = [s for s in signups if s.state in (SignupState.CONFIRMED, SignupState.ATTENDED)]
    waiting = [s for s in signups if s.state == SignupState.WAITLISTED]
    assert event.confirmed_seats == sum(1 + s.guests for s in held) <= event.capacity
    assert event.waitlisted_seats == sum(1 + s.guests for s in waiting)
    assert event.waitlist_length == len(waiting)
    assert sorted(s.position for s in waiting) == list(range(1, len(waiting) + 1))
    assert all(s.position is None for s in signups if s.state != SignupState.WAITLISTED)
    free = event.capacity - event.confirmed_seats
    assert all(1 + s.guests > free for s in waiting), "a waitlisted signup fits"
    return event
