"""Events: creating, changing and cancelling them.

Platform staff create any event, a platform event or one of any group; a group's owners and
admins in good standing create events of their group. Whoever runs an event
(resolvers.event_access.runs_event) changes and cancels it while it is SCHEDULED.

Changes that touch the seats (capacity, state) are made under the event's lock, the lock every
signup takes (`event:<id>`), with the row read again under it: a capacity can never drop below
the seats confirmed meanwhile, and a raised one gives its new seats to the waitlist at once.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from moderation import policies
from resolvers import audit, validation
from resolvers.changes import ChangeLog, writing
from resolvers.context import Context
from resolvers.event_access import runs_event, visible_event
from resolvers.event_signups import promote_waitlisted
from resolvers.lookups import require_group
from resolvers.notifications import notify_text
from resolvers.screening import screen
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    AuditKind,
    ChangeKind,
    Event,
    EventKind,
    EventSignup,
    EventState,
    GroupMembership,
    GroupRole,
    NotificationKind,
    SearchEntity,
    SignupState,
    User,
)

MAX_TITLE = 200
MAX_DESCRIPTION = 5_000
MAX_CITY = 50
MAX_VENUE = 200
MAX_URL = 500
MAX_CAPACITY = 100_000
MAX_CONTRIBUTION = 2**31 - 1  # what a GraphQL Int carries
MAX_REASON = 500
# The changes that move an event in time or place: its signups are told.
MOVES = frozenset({"starts_at", "ends_at", "kind", "city", "venue"})
# The group roles that run a group's events.
RUNNERS = (GroupRole.OWNER, GroupRole.ADMIN)
# The texts of an event that others read, screened: their columns and their names in the API.
TEXTS = {"title": "title", "description": "description", "city": "city", "venue": "venue"}


@dataclass
class EventFields:
    """What a client sends to create an event, or (`EventChanges`) to change one: None leaves
    a field as it is, or takes its default."""

    title: str | None = None
    description: str | None = None
    kind: EventKind | None = None
    city: str | None = None
    venue: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    cover_url: str | None = None
    capacity: int | None = None
    signup_opens_at: datetime | None = None
    signup_closes_at: datetime | None = None
    min_contribution: int | None = None


EventChanges = EventFields


def _moment(value: datetime, field: str) -> datetime:
    if value.tzinfo is None:
        raise InvalidInput("Give the time with its time zone.", field=field)
    return value


def _clean(ctx: Context, given: EventFields) -> dict[str, Any]:
    """The given fields checked one by one, as columns."""
    clean: dict[str, Any] = {}
    if given.title is not None:
        clean["title"] = validation.name(given.title, "title", maximum=MAX_TITLE, label="A title")
    if given.description is not None:
        clean["description"] = validation.text(
            given.description,
            "description",
            minimum=0,
            maximum=MAX_DESCRIPTION,
            label="A description",
        )
    if given.kind is not None:
        clean["kind"] = given.kind
    if given.city is not None:
        clean["city"] = validation.name(
            given.city, "city", minimum=0, maximum=MAX_CITY, label="The city"
        )
    if given.venue is not None:
        clean["venue"] = validation.name(
            given.venue, "venue", minimum=0, maximum=MAX_VENUE, label="The venue"
        )
    if given.cover_url is not None:
        clean["cover_url"] = validation.url(
            given.cover_url, "coverUrl", maximum=MAX_URL, allow_http=ctx.settings.development
        )
    for name, field in (
        ("starts_at", "startsAt"),
        ("ends_at", "endsAt"),
        ("signup_opens_at", "signupOpensAt"),
        ("signup_closes_at", "signupClosesAt"),
    ):
        value = getattr(given, name)
        if value is not None:
            clean[name] = _moment(value, field)
    if given.capacity is not None:
        if not 1 <= given.capacity <= MAX_CAPACITY:
            raise InvalidInput(
                f"The capacity is 1 to {MAX_CAPACITY} seats, guests included.", field="capacity"
            )
        clean["capacity"] = given.capacity
    if given.min_contribution is not None:
        if not 0 <= given.min_contribution <= MAX_CONTRIBUTION:
            raise InvalidInput(
                "The minimum contribution cannot be negative.", field="minContribution"
            )
        clean["min_contribution"] = given.min_contribution
    return clean


def _check_whole(event: dict[str, Any]) -> None:
    """The rules between fields, on the event as it would be."""
    if event["kind"] == EventKind.OFFLINE:
        for column in ("city", "venue"):
            if not event[column]:
                raise InvalidInput(f"An offline event needs its {column}.", field=column)
    if event["starts_at"] >= event["ends_at"]:
        raise InvalidInput("An event ends after it starts.", field="endsAt")
    if event["signup_opens_at"] >= event["signup_closes_at"]:
        raise InvalidInput("Signups close after they open.", field="signupClosesAt")
    if event["signup_closes_at"] > event["ends_at"]:
        raise InvalidInput("Signups close by the end of the event.", field="signupClosesAt")


async def _screened(ctx: Context, author: User, columns: dict[str, Any]) -> dict[str, Any]:
    """The texts others read, masked where a rule says (BLOCK refuses). Staff write as the
    platform: their texts are not screened."""
    texts = {name: str(columns[column]) for column, name in TEXTS.items() if column in columns}
    if not texts or policies.is_staff(author):
        return columns
    verdict = await screen(ctx, author, "event", texts)
    return columns | {
        column: verdict.fields[name] for column, name in TEXTS.items() if name in texts
    }


async def _may_create(ctx: Context, viewer: User, group_slug: str | None) -> int | None:
    """The group the event is for (None: a platform event); Forbidden for who may not."""
    if group_slug is None or not group_slug.strip():
        if not policies.is_staff(viewer):
            policies.refuse_sanctioned_holder(viewer)
            raise Forbidden("Only platform staff create platform events.")
        return None
    group = await require_group(group_slug, "groupSlug")
    if policies.is_staff(viewer):
        return group.id
    membership = await GroupMembership.get_or_none(group_id=group.id, user_id=viewer.id)
    if not policies.runs_group(viewer, membership):
        policies.refuse_sanctioned_holder(viewer, membership, RUNNERS)
        raise Forbidden("Only the group's owners and admins create its events.")
    return group.id


async def create_event(ctx: Context, given: EventFields, group_slug: str | None = None) -> Event:
    """A new SCHEDULED event, starting in the future. Signups open now and close when it
    starts unless told otherwise."""
    viewer = policies.require_writer(ctx.viewer)
    group_id = await _may_create(ctx, viewer, group_slug)
    if given.title is None or given.kind is None:
        raise InvalidInput("An event needs a title and a kind.", field="title")
    if given.starts_at is None or given.ends_at is None or given.capacity is None:
        raise InvalidInput("An event needs its start, end and capacity.", field="startsAt")
    columns = _clean(ctx, given)
    now = datetime.now(UTC)
    whole: dict[str, Any] = {
        "description": "",
        "city": "",
        "venue": "",
        "cover_url": None,
        "signup_opens_at": now,
        "signup_closes_at": columns["starts_at"],
        "min_contribution": 0,
    } | columns
    if whole["starts_at"] <= now:
        raise InvalidInput("An event starts in the future.", field="startsAt")
    _check_whole(whole)
    whole = await _screened(ctx, viewer, whole)
    async with writing(ctx.hub) as log:
        event = await Event.create(**whole, group_id=group_id, organizer_id=viewer.id)
        await log.changed(SearchEntity.EVENT, event.id)
        await audit.record(
            AuditKind.EVENT_CREATED,
            viewer.id,
            group_id=group_id,
            detail={"eventId": event.id, "title": event.title},
        )
    return event


async def _event_run_by_viewer(ctx: Context, event_id: int) -> tuple[User, Event]:
    viewer = policies.require_writer(ctx.viewer)
    event = await visible_event(ctx, event_id)
    if event is None:
        raise NotFound("No such event.")
    if not await runs_event(ctx, event):
        membership = None
        if event.group_id is not None:
            membership = await ctx.loaders.viewer_membership_by_group_id.load(event.group_id)
        policies.refuse_sanctioned_holder(viewer, membership, RUNNERS)
        raise Forbidden("Only platform staff and the group's owners and admins run its events.")
    return viewer, event


async def _locked(log: ChangeLog, event_id: int) -> Event:
    """The event read again under its lock (the lock of its seats and signups), SCHEDULED."""
    await log.order_events()
    await log.lock(f"event:{event_id}")
    event = await Event.get(id=event_id)
    if event.state != EventState.SCHEDULED:
        raise Conflict(f"The event is {event.state.lower()}; it cannot change any more.")
    return event


async def _tell_holders(log: ChangeLog, event_id: int, text: str) -> int:
    """Tell everyone holding a seat or a place in line; how many were told."""
    holders = await EventSignup.filter(
        event_id=event_id, state__in=[SignupState.CONFIRMED, SignupState.WAITLISTED]
    ).values_list("user_id", flat=True)
    for user_id in holders:
        await notify_text(
            log,
            int(user_id),  # type: ignore[call-overload]
            NotificationKind.EVENT,
            text,
        )
    return len(holders)


def _moved_text(ctx: Context, event: Event) -> str:
    starts = event.starts_at.astimezone(ctx.settings.timezone)
    if event.kind == EventKind.ONLINE:
        where = "online"
    else:
        where = ", ".join(part for part in (event.venue, event.city) if part)
    return f"“{event.title}” has moved: it now starts {starts:%Y-%m-%d %H:%M}, {where}."


def _columns_changed(event: Event, columns: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in columns.items() if getattr(event, key) != value}


async def update_event(ctx: Context, event_id: int, changes: EventChanges) -> Event:
    """Change the given fields of a SCHEDULED event (only those columns are written). A new
    start must lie in the future; a capacity never goes below the seats confirmed, and a raised
    one seats the waitlist in order."""
    viewer, event = await _event_run_by_viewer(ctx, event_id)
    columns = _clean(ctx, changes)
    if "starts_at" in columns and columns["starts_at"] <= datetime.now(UTC):
        raise InvalidInput("An event starts in the future.", field="startsAt")
    columns = await _screened(ctx, viewer, _columns_changed(event, columns))
    async with writing(ctx.hub) as log:
        fresh = await _locked(log, event.id)
        changed = _columns_changed(fresh, columns)
        if not changed:
            return fresh
        _check_whole({f.name: getattr(fresh, f.name) for f in fields(EventFields)} | changed)
        capacity = changed.get("capacity")
        if capacity is not None and capacity < fresh.confirmed_seats:
            raise InvalidInput(
                f"{fresh.confirmed_seats} seats are confirmed; the capacity cannot go below.",
                field="capacity",
            )
        await Event.filter(id=fresh.id).update(**changed, updated_at=datetime.now(UTC))
        if capacity is not None and capacity > fresh.capacity:
            await promote_waitlisted(log, await Event.get(id=fresh.id))
        if MOVES & changed.keys():
            moved = await Event.get(id=fresh.id)
            await _tell_holders(log, moved.id, _moved_text(ctx, moved))
        await log.add(ChangeKind.EVENT_UPDATED, event_id=fresh.id, group_id=fresh.group_id)
        await log.changed(SearchEntity.EVENT, fresh.id)
        await audit.record(
            AuditKind.EVENT_UPDATED,
            viewer.id,
            group_id=fresh.group_id,
            detail={"eventId": fresh.id, "changed": sorted(changed)},
        )
    return await Event.get(id=event.id)


async def cancel_event(ctx: Context, event_id: int, reason: str) -> Event:
    """Call a SCHEDULED event off, saying why: everyone confirmed or on the waitlist hears."""
    viewer, event = await _event_run_by_viewer(ctx, event_id)
    why = validation.text(reason, "reason", maximum=MAX_REASON, label="A reason")
    if not policies.is_staff(viewer):  # told to everyone signed up: screened like any text
        why = (await screen(ctx, viewer, "event", {"reason": why})).fields["reason"]
    async with writing(ctx.hub) as log:
        fresh = await _locked(log, event.id)
        now = datetime.now(UTC)
        await Event.filter(id=fresh.id).update(
            state=EventState.CANCELLED, cancelled_at=now, cancel_reason=why, updated_at=now
        )
        told = await _tell_holders(log, fresh.id, f"“{fresh.title}” is cancelled: {why}")
        await log.add(ChangeKind.EVENT_UPDATED, event_id=fresh.id, group_id=fresh.group_id)
        await log.changed(SearchEntity.EVENT, fresh.id)
        await audit.record(
            AuditKind.EVENT_CANCELLED,
            viewer.id,
            group_id=fresh.group_id,
            reason=why,
            detail={"eventId": fresh.id, "notified": told},
        )
    return await Event.get(id=event.id)
