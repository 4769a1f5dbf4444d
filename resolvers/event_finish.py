"""How an event ends: attendees checked in at the door, then the event finished.

Check-in runs from 24 hours before the event starts until 6 hours after it ends, by whoever
may check attendees in (resolvers.event_access.checks_in). A code marks its CONFIRMED signup
ATTENDED once (a guarded update); the attendee earns EVENT_ATTENDED in the same write, and a
second scan of the code answers that it was checked in already and earns nothing.

The scheduler finishes every SCHEDULED event whose end has passed, once (a guarded update: safe
in several processes); if anyone attended, its organiser earns EVENT_ORGANIZED. Check-in stays
open for the hours after the end, so someone checked in late on a finished event still earns,
and so does its organiser if they were the first (every earning is keyed, so once only).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from moderation import policies
from resolvers import earnings
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.event_access import checks_in, visible_event
from resolvers.event_signups import lock_event, normalise_code
from server.broadcast import Hub
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import ChangeKind, Event, EventSignup, EventState, SearchEntity, SignupState
from server.settings import Settings

log = logging.getLogger(__name__)

CHECK_IN_OPENS_BEFORE = timedelta(hours=24)
CHECK_IN_CLOSES_AFTER = timedelta(hours=6)
MAX_CODE = 16


@dataclass(frozen=True)
class CheckedIn:
    """The signup a code belongs to, and whether it had been checked in before this scan."""

    signup: EventSignup
    already_checked_in: bool


def _check_window(event: Event, now: datetime) -> None:
    if event.state == EventState.CANCELLED:
        raise Conflict("The event was cancelled: there is nobody to check in.")
    if now < event.starts_at - CHECK_IN_OPENS_BEFORE:
        raise Conflict("Check-in opens 24 hours before the event starts.")
    if now > event.ends_at + CHECK_IN_CLOSES_AFTER:
        raise Conflict("Check-in closed 6 hours after the event ended.")


async def check_in_attendee(ctx: Context, event_id: int, code: str) -> CheckedIn:
    """Mark the signup holding `code` ATTENDED, once, and credit its holder. Forbidden to
    those who can see the event but may not check in; the event reads as missing to the rest.
    A code no signup of the event holds is NotFound; a signup that is not confirmed (waitlisted,
    cancelled) is a Conflict."""
    viewer = policies.require_viewer(ctx.viewer)
    event = await visible_event(ctx, event_id)
    if event is None:
        raise NotFound("No such event.")
    if not await checks_in(ctx, event):
        raise Forbidden(
            "Only the event's organisers, its group's staff and volunteers of its city check "
            "attendees in."
        )
    wanted = normalise_code(code)
    if not wanted or len(wanted) > MAX_CODE:
        raise InvalidInput("Enter the code the attendee shows.", field="code")
    _check_window(event, datetime.now(UTC))
    async with writing(ctx.hub) as change_log:
        fresh = await lock_event(change_log, event_id)
        if fresh is None:
            raise NotFound("No such event.")
        now = datetime.now(UTC)
        _check_window(fresh, now)
        signup = await EventSignup.get_or_none(event_id=event_id, check_in_code=wanted)
        if signup is None:
            raise NotFound("No signup for this event holds that code.")
        if signup.state == SignupState.ATTENDED:
            return CheckedIn(signup=signup, already_checked_in=True)
        if signup.state != SignupState.CONFIRMED:
            raise Conflict(
                f"This signup is {str(signup.state).lower()}, not confirmed: it cannot check in."
            )
        marked = await EventSignup.filter(id=signup.id, state=SignupState.CONFIRMED).update(
            state=SignupState.ATTENDED, checked_in_at=now, checked_in_by_id=viewer.id
        )
        if marked:
            await earnings.event_attended(
                change_log,
                ctx.settings,
                user_id=signup.user_id,
                event_id=event_id,
                actor_id=viewer.id,
            )
            if fresh.state == EventState.FINISHED:
                await earnings.event_organized(
                    change_log, ctx.settings, organizer_id=fresh.organizer_id, event_id=event_id
                )
    await signup.refresh_from_db()
    return CheckedIn(signup=signup, already_checked_in=not marked)


async def finish_due_events(hub: Hub, settings: Settings, now: datetime | None = None) -> list[int]:
    """Finish the SCHEDULED events whose end has passed, each claimed by a guarded update so
    that two processes finish it once; the organiser of one that somebody attended earns
    EVENT_ORGANIZED. One event's failure never holds up the others. The ids finished."""
    moment = now or datetime.now(UTC)
    due = await Event.filter(state=EventState.SCHEDULED, ends_at__lte=moment).values_list(
        "id", flat=True
    )
    finished: list[int] = []
    for event_id in cast(list[int], due):
        try:
            async with writing(hub) as change_log:
                event = await lock_event(change_log, event_id)
                if event is None:
                    continue
                claimed = await Event.filter(
                    id=event.id, state=EventState.SCHEDULED, ends_at__lte=moment
                ).update(state=EventState.FINISHED, finished_at=moment)
                if not claimed:
                    continue
                await change_log.add(
                    ChangeKind.EVENT_UPDATED, event_id=event.id, group_id=event.group_id
                )
                await change_log.changed(SearchEntity.EVENT, event.id)  # its state is indexed
                if await EventSignup.filter(event_id=event.id, state=SignupState.ATTENDED).exists():
                    await earnings.event_organized(
                        change_log, settings, organizer_id=event.organizer_id, event_id=event.id
                    )
                finished.append(event.id)
        except Exception:
            log.exception("finishing event %s failed; retrying next round", event_id)
    return finished
