"""Signing up for an event, cancelling a signup, and the waitlist.

A signup takes `1 + guests` seats. It is CONFIRMED when those seats fit in what is left of the
capacity, else WAITLISTED at the end of the line. Seats freed by a cancellation go to the
waitlisted signups that fit, in the order of the line: a head of line asking for more seats
than are free is passed over by one behind it that fits, and keeps its place.

Every change to signups and to the event's seat counters happens under the event's lock
(`event:<id>`), with the event re-read under it: on PostgreSQL fifty signups at once for ten
seats line up behind each other and take exactly ten (SQLite serialises writers already). The
counters are written with one update of just those columns, never by saving a stale row.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import F

from moderation import policies
from resolvers import ledger, validation
from resolvers.changes import ChangeLog, writing
from resolvers.context import Context
from resolvers.event_access import visible_event
from resolvers.notifications import notify_text
from resolvers.screening import screen
from server.errors import Conflict, InvalidInput, NotEligible, NotEligibleReason, NotFound
from server.models import (
    ChangeKind,
    Event,
    EventSignup,
    EventState,
    Ledger,
    NotificationKind,
    SignupState,
)

MAX_GUESTS = 2
MAX_NOTE = 500
# Check-in codes: no 0/O, 1/I/L, so a code read aloud or off a phone is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
# A signup someone holds: a second one for the same event is refused.
HELD = (SignupState.CONFIRMED, SignupState.WAITLISTED, SignupState.ATTENDED)


@dataclass(frozen=True)
class SignupChange:
    """A signup as a write left it, and its event with the counters as they are now."""

    signup: EventSignup
    event: Event


def seats(signup: EventSignup) -> int:
    return 1 + signup.guests


def free_seats(event: Event) -> int:
    return event.capacity - event.confirmed_seats


def new_check_in_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """A code as typed at the door: case, spaces and dashes do not matter."""
    return "".join(code.split()).replace("-", "").upper()


async def lock_event(log: ChangeLog, event_id: int) -> Event | None:
    """Take the event's lock (after the event-order lock: the write will add events) and read
    the event afresh under it."""
    await log.order_events()
    await log.lock(f"event:{event_id}")
    return await Event.get_or_none(id=event_id)


async def _unique_code(event_id: int) -> str:
    """A code no other signup of the event holds (called under the event's lock)."""
    while True:
        code = new_check_in_code()
        if not await EventSignup.filter(event_id=event_id, check_in_code=code).exists():
            return code


async def _write_counts(event: Event) -> None:
    await Event.filter(id=event.id).update(
        confirmed_seats=event.confirmed_seats,
        waitlisted_seats=event.waitlisted_seats,
        waitlist_length=event.waitlist_length,
    )


async def _close_gaps(event_id: int, left: list[int]) -> None:
    """Move the waitlisted signups behind the positions in `left` (that have just left the
    line) up, so positions run 1..n again: one update per stretch between them, lowest first
    (a stretch moved up never lands in a stretch still to move)."""
    ordered = sorted(left)
    for index, position in enumerate(ordered):
        stretch = EventSignup.filter(
            event_id=event_id, state=SignupState.WAITLISTED, position__gt=position
        )
        if index + 1 < len(ordered):
            stretch = stretch.filter(position__lt=ordered[index + 1])
        await stretch.update(position=F("position") - (index + 1))


async def promote_waitlisted(log: ChangeLog, event: Event) -> list[EventSignup]:
    """Confirm, in the order of the line, every waitlisted signup that fits in the seats left,
    renumber the line without gaps, write the event's counters (as they stand on `event`,
    which the caller re-read under the event's lock and may have changed: a freed seat, a
    larger capacity) and tell the promoted. Call it holding the event's lock, taken after
    `log.order_events()`. The caller adds the EVENT_UPDATED change event."""
    free = free_seats(event)
    promoted: list[EventSignup] = []
    if free > 0 and event.waitlist_length > 0:
        line = await EventSignup.filter(event_id=event.id, state=SignupState.WAITLISTED).order_by(
            "position"
        )
        for signup in line:
            if seats(signup) <= free:
                promoted.append(signup)
                free -= seats(signup)
                if free == 0:
                    break
    if promoted:
        left = [signup.position for signup in promoted if signup.position is not None]
        await EventSignup.filter(
            id__in=[signup.id for signup in promoted], state=SignupState.WAITLISTED
        ).update(state=SignupState.CONFIRMED, position=None)
        await _close_gaps(event.id, left)
        taken = sum(seats(signup) for signup in promoted)
        event.confirmed_seats += taken
        event.waitlisted_seats -= taken
        event.waitlist_length -= len(promoted)
    await _write_counts(event)
    for signup in promoted:
        signup.state, signup.position = SignupState.CONFIRMED, None
        await notify_text(
            log,
            signup.user_id,
            NotificationKind.EVENT,
            f"A seat freed up: your place at “{event.title}” is confirmed.",
        )
    return promoted


def _check_open(event: Event, now: datetime) -> None:
    if event.state != EventState.SCHEDULED:
        raise NotEligible(
            f"The event was {str(event.state).lower()}: it takes no signups.",
            NotEligibleReason.SIGNUP_CLOSED,
        )
    if now < event.signup_opens_at:
        raise NotEligible(
            f"Signups open at {event.signup_opens_at.isoformat()}.",
            NotEligibleReason.SIGNUP_NOT_OPEN,
        )
    if now >= event.signup_closes_at:
        raise NotEligible("Signups for this event have closed.", NotEligibleReason.SIGNUP_CLOSED)


async def sign_up(ctx: Context, event_id: int, guests: int, note: str) -> SignupChange:
    """Sign the viewer up for an event they can see, with 0 to 2 guests: CONFIRMED when the
    seats fit, else WAITLISTED at the end of the line. NotEligible before signups open, after
    they close (or the event was cancelled or has finished), below the event's minimum
    contribution, or while the viewer holds a signup for it already."""
    viewer = policies.require_writer(ctx.viewer)
    if not 0 <= guests <= MAX_GUESTS:
        raise InvalidInput(f"Bring 0 to {MAX_GUESTS} guests.", field="guests")
    cleaned = validation.text(note, "note", minimum=0, maximum=MAX_NOTE, label="A note")
    seen = await visible_event(ctx, event_id)
    if seen is None:
        raise NotFound("No such event.")
    _check_open(seen, datetime.now(UTC))
    if cleaned:  # the event's staff read it beside the attendee's name
        cleaned = (await screen(ctx, viewer, "event_signup", {"note": cleaned})).fields["note"]
    contribution = await ledger.balance(Ledger.CONTRIBUTION, viewer.id)
    if contribution < seen.min_contribution:
        raise NotEligible(
            f"This event asks for a contribution of {seen.min_contribution}; yours is "
            f"{contribution}.",
            NotEligibleReason.CONTRIBUTION_TOO_LOW,
        )
    async with writing(ctx.hub) as log:
        event = await lock_event(log, event_id)
        if event is None:
            raise NotFound("No such event.")
        now = datetime.now(UTC)
        _check_open(event, now)
        earlier = await EventSignup.get_or_none(event_id=event_id, user_id=viewer.id)
        if earlier is not None and earlier.state in HELD:
            raise NotEligible(
                "You are signed up for this event already.", NotEligibleReason.ALREADY_SIGNED_UP
            )
        wanted = 1 + guests
        values: dict[str, Any] = {
            "guests": guests,
            "note": cleaned,
            "check_in_code": await _unique_code(event_id),
            "checked_in_at": None,
            "checked_in_by_id": None,
            "cancelled_at": None,
        }
        if wanted <= free_seats(event):
            values |= {"state": SignupState.CONFIRMED, "position": None}
            event.confirmed_seats += wanted
        else:
            event.waitlist_length += 1
            event.waitlisted_seats += wanted
            values |= {"state": SignupState.WAITLISTED, "position": event.waitlist_length}
        if earlier is None:
            signup = await EventSignup.create(event_id=event_id, user_id=viewer.id, **values)
        else:
            await EventSignup.filter(id=earlier.id, state=SignupState.CANCELLED).update(**values)
            signup = await EventSignup.get(id=earlier.id)
        await _write_counts(event)
        await log.add(ChangeKind.EVENT_UPDATED, event_id=event.id, group_id=event.group_id)
    return SignupChange(signup=signup, event=event)


async def cancel_signup(ctx: Context, signup_id: int) -> SignupChange:
    """The viewer gives up their CONFIRMED or WAITLISTED signup before the event starts. A
    confirmed signup's seats go to the waitlisted signups that fit (told so); a waitlisted one
    leaves the line and those behind it move up. Someone else's signup reads as missing.
    Sanctioned accounts may cancel too: giving a seat back harms nobody."""
    viewer = policies.require_viewer(ctx.viewer)
    found = await EventSignup.get_or_none(id=signup_id)
    if found is None or found.user_id != viewer.id:
        raise NotFound("No such signup.")
    async with writing(ctx.hub) as log:
        event = await lock_event(log, found.event_id)
        signup = await EventSignup.get_or_none(id=signup_id)
        if event is None or signup is None:
            raise NotFound("No such signup.")
        now = datetime.now(UTC)
        if signup.state not in (SignupState.CONFIRMED, SignupState.WAITLISTED):
            raise Conflict(
                f"This signup is {str(signup.state).lower()}: there is nothing to cancel."
            )
        if event.state != EventState.SCHEDULED:
            raise Conflict(f"The event was {str(event.state).lower()}.")
        if now >= event.starts_at:
            raise Conflict("The event has started: signups can no longer be cancelled.")
        was, position = signup.state, signup.position
        await EventSignup.filter(id=signup.id, state=was).update(
            state=SignupState.CANCELLED, position=None, cancelled_at=now
        )
        if was == SignupState.CONFIRMED:
            event.confirmed_seats -= seats(signup)
            await promote_waitlisted(log, event)
        else:
            event.waitlisted_seats -= seats(signup)
            event.waitlist_length -= 1
            if position is not None:
                await _close_gaps(event.id, [position])
            await _write_counts(event)
        await log.add(ChangeKind.EVENT_UPDATED, event_id=event.id, group_id=event.group_id)
    await signup.refresh_from_db()
    return SignupChange(signup=signup, event=event)
