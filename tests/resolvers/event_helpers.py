"""Events and signups written straight into the database for the tests of creating, changing,
cancelling and reading events: signups keep the event's seat counters as a signup would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F

from resolvers.events import EventFields
from server.models import Event, EventKind, EventSignup, Group, SignupState, User


def fields(**given: Any) -> EventFields:
    """An OFFLINE event in Shanghai a week from now, for three hours, with 10 seats."""
    starts_at = datetime.now(UTC) + timedelta(days=7)
    values: dict[str, Any] = {
        "title": "Spring meetup",
        "description": "Coffee and a drive along the river.",
        "kind": EventKind.OFFLINE,
        "city": "Shanghai",
        "venue": "Harbour hall",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=3),
        "capacity": 10,
    }
    return EventFields(**(values | given))


async def make_event(
    organizer: User,
    *,
    group: Group | None = None,
    starts_in: timedelta = timedelta(days=7),
    hours: int = 3,
    **given: Any,
) -> Event:
    """An event in the database, its signups open since yesterday until it starts."""
    now = datetime.now(UTC)
    starts_at = now + starts_in
    values: dict[str, Any] = {
        "title": "Spring meetup",
        "kind": EventKind.OFFLINE,
        "city": "Shanghai",
        "venue": "Harbour hall",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=hours),
        "capacity": 10,
        "signup_opens_at": now - timedelta(days=1),
        "signup_closes_at": starts_at,
    }
    return await Event.create(**(values | given), group=group, organizer=organizer)


async def seat(
    event: Event, user: User, state: SignupState = SignupState.CONFIRMED, guests: int = 0
) -> EventSignup:
    """A signup in `state`, counted on the event (WAITLISTED ones at the end of the line)."""
    taken = 1 + guests
    position = None
    if state == SignupState.WAITLISTED:
        fresh = await Event.get(id=event.id)
        position = fresh.waitlist_length + 1
        await Event.filter(id=event.id).update(
            waitlisted_seats=F("waitlisted_seats") + taken,
            waitlist_length=F("waitlist_length") + 1,
        )
    elif state in (SignupState.CONFIRMED, SignupState.ATTENDED):
        await Event.filter(id=event.id).update(confirmed_seats=F("confirmed_seats") + taken)
    count = await EventSignup.filter(event_id=event.id).count()
    return await EventSignup.create(
        event=event,
        user=user,
        state=state,
        guests=guests,
        position=position,
        check_in_code=f"CODE{count + 1:04d}",
    )
