"""What clients send to create, change and cancel an event."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import strawberry

from resolvers.events import EventChanges, EventFields
from schema.enums import EventKind


def _picked(given: object) -> dict[str, Any]:
    """What an input says of an event's fields (the input's other fields left out)."""
    return {field.name: getattr(given, field.name) for field in dataclasses.fields(EventFields)}


@strawberry.input(description="A new event.")
class CreateEventInput:
    title: str = strawberry.field(description="1 to 200 characters.")
    kind: EventKind = strawberry.field(description="ONLINE or OFFLINE.")
    starts_at: datetime = strawberry.field(description="When it starts, in the future.")
    ends_at: datetime = strawberry.field(description="When it ends, after it starts.")
    capacity: int = strawberry.field(description="Seats in all, guests included: 1 to 100000.")
    description: str = strawberry.field(default="", description="Up to 5000 characters.")
    city: str = strawberry.field(
        default="", description="Where it takes place (needed OFFLINE), or the city it is for."
    )
    venue: str = strawberry.field(default="", description="The place (needed OFFLINE).")
    cover_url: str | None = strawberry.field(default=None, description="An https image URL.")
    signup_opens_at: datetime | None = strawberry.field(
        default=None, description="When signups open; now by default."
    )
    signup_closes_at: datetime | None = strawberry.field(
        default=None,
        description="When signups close: after they open, by the end; the start by default.",
    )
    min_contribution: int = strawberry.field(
        default=0, description="The contribution a person needs to sign up (0: anyone)."
    )
    group_slug: str | None = strawberry.field(
        default=None, description="The group it belongs to; none for a platform event (staff)."
    )

    def fields(self) -> EventFields:
        return EventFields(**_picked(self))


@strawberry.input(description="Changes to a scheduled event; omitted fields stay.")
class UpdateEventInput:
    event_id: strawberry.ID = strawberry.field(description="The event.")
    title: str | None = strawberry.field(default=None, description="1 to 200 characters.")
    description: str | None = strawberry.field(default=None, description="Up to 5000 characters.")
    kind: EventKind | None = strawberry.field(default=None, description="ONLINE or OFFLINE.")
    city: str | None = strawberry.field(default=None, description="The city (needed OFFLINE).")
    venue: str | None = strawberry.field(default=None, description="The place (needed OFFLINE).")
    starts_at: datetime | None = strawberry.field(
        default=None, description="A new start, in the future."
    )
    ends_at: datetime | None = strawberry.field(default=None, description="A new end.")
    cover_url: str | None = strawberry.field(
        default=None, description="An https image URL; an empty string removes the cover."
    )
    capacity: int | None = strawberry.field(
        default=None,
        description="Seats in all, never below the seats confirmed; more seats go to the "
        "waitlist in order.",
    )
    signup_opens_at: datetime | None = strawberry.field(
        default=None, description="When signups open."
    )
    signup_closes_at: datetime | None = strawberry.field(
        default=None, description="When signups close."
    )
    min_contribution: int | None = strawberry.field(
        default=None, description="The contribution a person needs to sign up."
    )

    def changes(self) -> EventChanges:
        return EventChanges(**_picked(self))


@strawberry.input(description="The event to call off.")
class CancelEventInput:
    event_id: strawberry.ID = strawberry.field(description="A scheduled event.")
    reason: str = strawberry.field(description="Why, told to everyone signed up (1 to 500).")
