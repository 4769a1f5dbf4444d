"""Events: the event and signup types, listing events, creating, changing and cancelling them,
and `eventUpdated`, an event's counts and state live. Signing up, the waitlist and check-in
are in schema.event_signups."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import event_reads
from resolvers import events as cases
from resolvers.context import Context
from resolvers.event_access import visible_event
from resolvers.live_events import event_updates
from schema.enums import EventKind, EventState, SignupState
from schema.errors import (
    ConflictError,
    ContentRejectedError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.event_inputs import CancelEventInput, CreateEventInput, UpdateEventInput
from schema.groups import Group
from schema.loading import now_or_later
from schema.relay import Connection, Node, decode_pk, encode_id, page_size, to_connection
from schema.users import User
from server import models


@strawberry.type(description="The seats of an event, guests included.")
class SignupCounts:
    confirmed: int = strawberry.field(description="Seats held by confirmed and attended signups.")
    waitlisted: int = strawberry.field(description="Seats asked for by waitlisted signups.")
    capacity: int = strawberry.field(description="Seats in all.")


@strawberry.type(description="Someone's signup for an event: theirs and the event's staff's.")
class EventSignup(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.EventSignup]
    state: SignupState = strawberry.field(
        description="CONFIRMED, WAITLISTED, CANCELLED or ATTENDED."
    )
    position: int | None = strawberry.field(
        description="The place on the waitlist (1: next in line) while WAITLISTED; null otherwise."
    )
    guests: int = strawberry.field(description="Seats taken beside the person's own (0 to 2).")
    checked_in_at: datetime | None = strawberry.field(description="When they were checked in.")
    created_at: datetime = strawberry.field(description="When they signed up.")

    @classmethod
    def from_row(cls, row: models.EventSignup) -> EventSignup:
        return cls(
            id=encode_id("EventSignup", row.id),
            pk=row.id,
            row=row,
            state=row.state,
            position=row.position,
            guests=row.guests,
            checked_in_at=row.checked_in_at,
            created_at=row.created_at,
        )

    @strawberry.field(
        description="What the holder shows at the door: the holder's and the event's staff's; "
        "null for anyone else."
    )
    async def check_in_code(self, info: Info[Context, None]) -> str | None:
        if await event_reads.may_see_signup_details(info.context, self.row):
            return self.row.check_in_code
        return None

    @strawberry.field(
        description="What the person told the organisers: for the holder and the event's staff; "
        "null for anyone else (a volunteer at the door sees the state, not the note)."
    )
    async def note(self, info: Info[Context, None]) -> str | None:
        if await event_reads.may_see_signup_details(info.context, self.row):
            return self.row.note
        return None

    @strawberry.field(description="Who signed up: for the holder and the event's staff; else null.")
    async def user(self, info: Info[Context, None]) -> User | None:
        if not await event_reads.may_see_signup_details(info.context, self.row):
            return None
        row = await info.context.loaders.user_by_id.load(self.row.user_id)
        return User.from_row(row) if row else None

    @strawberry.field(description="The event; null if the viewer may no longer see it.")
    async def event(self, info: Info[Context, None]) -> Event | None:
        row = await visible_event(info.context, self.row.event_id)
        return Event.from_row(row) if row else None


@strawberry.type(description="An event, online or at a venue, with limited seats and signups.")
class Event(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.Event]
    title: str = strawberry.field(description="Its title.")
    description: str = strawberry.field(description="What it is about.")
    kind: EventKind = strawberry.field(description="ONLINE or OFFLINE.")
    city: str = strawberry.field(description="Where it takes place, or the city it is for.")
    venue: str = strawberry.field(description="The place (an offline event's); may be empty.")
    starts_at: datetime = strawberry.field(description="When it starts.")
    ends_at: datetime = strawberry.field(description="When it ends.")
    cover_url: str | None = strawberry.field(description="A cover image URL.")
    capacity: int = strawberry.field(description="Seats in all, guests included.")
    signup_opens_at: datetime = strawberry.field(description="When signups open.")
    signup_closes_at: datetime = strawberry.field(description="When signups close.")
    min_contribution: int = strawberry.field(
        description="The contribution a person needs to sign up (0: anyone)."
    )
    state: EventState = strawberry.field(description="SCHEDULED, CANCELLED or FINISHED.")
    cancel_reason: str = strawberry.field(description="Why it was cancelled; empty otherwise.")
    cancelled_at: datetime | None = strawberry.field(description="When it was cancelled.")

    @classmethod
    def from_row(cls, row: models.Event) -> Event:
        return cls(
            id=encode_id("Event", row.id),
            pk=row.id,
            row=row,
            title=row.title,
            description=row.description,
            kind=row.kind,
            city=row.city,
            venue=row.venue,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            cover_url=row.cover_url,
            capacity=row.capacity,
            signup_opens_at=row.signup_opens_at,
            signup_closes_at=row.signup_closes_at,
            min_contribution=row.min_contribution,
            state=row.state,
            cancel_reason=row.cancel_reason,
            cancelled_at=row.cancelled_at,
        )

    @strawberry.field(description="The seats confirmed and waitlisted, and the capacity.")
    def signup_counts(self) -> SignupCounts:
        return SignupCounts(
            confirmed=self.row.confirmed_seats,
            waitlisted=self.row.waitlisted_seats,
            capacity=self.row.capacity,
        )

    @strawberry.field(description="The group it belongs to; null for a platform event.")
    def group(self, info: Info[Context, None]) -> Group | None:
        if self.row.group_id is None:
            return None
        loader = info.context.loaders.group_by_id
        return now_or_later(loader, self.row.group_id, lambda g: Group.from_row(g) if g else None)

    @strawberry.field(description="Who created it.")
    def organizer(self, info: Info[Context, None]) -> User:
        return now_or_later(info.context.loaders.user_by_id, self.row.organizer_id, User.from_row)

    @strawberry.field(description="The viewer's signup, in any state; null if they have none.")
    def viewer_signup(self, info: Info[Context, None]) -> EventSignup | None:
        loader = info.context.loaders.viewer_signup_by_event_id
        return now_or_later(
            loader, self.pk, lambda s: EventSignup.from_row(s) if s is not None else None
        )

    @strawberry.field(
        description="Who holds a seat (confirmed or attended), in the order they signed up: for "
        "the event's organisers, its group's staff and platform staff; null for anyone else."
    )
    async def attendees(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[EventSignup] | None:
        ctx = info.context
        page = await event_reads.list_attendees(
            ctx, self.row, page_size(ctx.settings, first), after
        )
        return to_connection(page, EventSignup.from_row) if page is not None else None


@strawberry.type(description="The event was created.")
class CreateEventSuccess:
    event: Event = strawberry.field(description="The new event, SCHEDULED.")


CreateEventResult = Annotated[
    CreateEventSuccess | ValidationError | NotFoundError | ContentRejectedError | RateLimitedError,
    strawberry.union("CreateEventResult"),
]


@strawberry.type(description="The event was changed.")
class UpdateEventSuccess:
    event: Event = strawberry.field(description="The event as it is now.")


UpdateEventResult = Annotated[
    UpdateEventSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | ContentRejectedError
    | RateLimitedError,
    strawberry.union("UpdateEventResult"),
]


@strawberry.type(description="The event was called off; everyone signed up was told.")
class CancelEventSuccess:
    event: Event = strawberry.field(description="The event, CANCELLED.")


CancelEventResult = Annotated[
    CancelEventSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | ContentRejectedError
    | RateLimitedError,
    strawberry.union("CancelEventResult"),
]


@strawberry.type(description="An event's counts, state or details changed.")
class EventUpdatedEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    event: Event = strawberry.field(description="The event as it is now.")


@strawberry.type
class EventQueries:
    @strawberry.field(
        description="Events the viewer may see, not cancelled, soonest first: those that have "
        "not ended by `from` (now by default) and start by `to`; in a city, or of a group."
    )
    async def events(
        self,
        info: Info[Context, None],
        city: Annotated[
            str | None, strawberry.argument(description="Events in this city (any case).")
        ] = None,
        since: Annotated[
            datetime | None,
            strawberry.argument(name="from", description="Not ended by this moment (now)."),
        ] = None,
        to: Annotated[
            datetime | None, strawberry.argument(description="Starting by this moment.")
        ] = None,
        group_slug: Annotated[
            str | None, strawberry.argument(description="The events of this group.")
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Event]:
        ctx = info.context
        page = await event_reads.list_events(
            ctx,
            city=city,
            since=since,
            until=to,
            group_slug=group_slug,
            first=page_size(ctx.settings, first),
            after=after,
        )
        return to_connection(page, Event.from_row)


@strawberry.type
class EventMutations:
    @strawberry.mutation(
        description="Create an event: platform staff any, a group's owners and admins their "
        "group's (groupSlug)."
    )
    async def create_event(
        self, info: Info[Context, None], input: CreateEventInput
    ) -> CreateEventResult:
        row = await cases.create_event(info.context, input.fields(), input.group_slug)
        return CreateEventSuccess(event=Event.from_row(row))

    @strawberry.mutation(
        description="Change a scheduled event: the given fields alone. Its organisers only."
    )
    async def update_event(
        self, info: Info[Context, None], input: UpdateEventInput
    ) -> UpdateEventResult:
        pk = decode_pk(input.event_id, "Event")
        row = await cases.update_event(info.context, pk, input.changes())
        return UpdateEventSuccess(event=Event.from_row(row))

    @strawberry.mutation(
        description="Call a scheduled event off, saying why; everyone signed up is told. Its "
        "organisers only."
    )
    async def cancel_event(
        self, info: Info[Context, None], input: CancelEventInput
    ) -> CancelEventResult:
        pk = decode_pk(input.event_id, "Event")
        row = await cases.cancel_event(info.context, pk, input.reason)
        return CancelEventSuccess(event=Event.from_row(row))


@strawberry.type
class EventSubscription:
    @strawberry.subscription(
        description="An event's signup counts, state and details each time they change."
    )
    async def event_updated(
        self, info: Info[Context, None], event_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[EventUpdatedEvent, None]:
        pk = decode_pk(event_id, "Event")
        async for delivery in event_updates(info.context, pk, after):
            yield EventUpdatedEvent(cursor=delivery.cursor, event=Event.from_row(delivery.payload))
