"""Signing up for events, cancelling, the waitlist and checking attendees in."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import event_finish, event_signups
from resolvers.context import Context
from schema.errors import (
    ConflictError,
    ContentRejectedError,
    NotEligibleError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.events import Event, EventSignup
from schema.relay import decode_pk


@strawberry.input(description="An event to sign up for.")
class SignUpForEventInput:
    event_id: strawberry.ID = strawberry.field(description="The event, SCHEDULED and visible.")
    guests: int = strawberry.field(
        default=0, description="People coming along, 0 to 2; each takes a seat too."
    )
    note: str = strawberry.field(
        default="", description="A word for the organisers (up to 500 characters)."
    )


@strawberry.type(
    description="Signed up: CONFIRMED when the seats fit, else WAITLISTED with a position."
)
class SignUpForEventSuccess:
    signup: EventSignup = strawberry.field(description="The signup, with its check-in code.")
    event: Event = strawberry.field(description="The event, with its counts as they are now.")


SignUpForEventResult = Annotated[
    SignUpForEventSuccess
    | NotEligibleError
    | ValidationError
    | NotFoundError
    | ContentRejectedError
    | RateLimitedError,
    strawberry.union("SignUpForEventResult"),
]


@strawberry.input(description="A signup of the viewer's to give up.")
class CancelEventSignupInput:
    signup_id: strawberry.ID = strawberry.field(
        description="The signup, CONFIRMED or WAITLISTED, of an event not yet started."
    )


@strawberry.type(
    description="The signup is cancelled; freed seats went to the waitlisted signups that fit."
)
class CancelEventSignupSuccess:
    signup: EventSignup = strawberry.field(description="The signup, now CANCELLED.")
    event: Event = strawberry.field(description="The event, with its counts as they are now.")


CancelEventSignupResult = Annotated[
    CancelEventSignupSuccess | NotFoundError | ConflictError,
    strawberry.union("CancelEventSignupResult"),
]


@strawberry.input(description="A code shown at the door of an event.")
class CheckInAttendeeInput:
    event_id: strawberry.ID = strawberry.field(description="The event.")
    code: str = strawberry.field(
        description="The signup's check-in code (case, spaces and dashes do not matter)."
    )


@strawberry.type(description="The code's signup is checked in.")
class CheckInAttendeeSuccess:
    signup: EventSignup = strawberry.field(description="The signup, ATTENDED.")
    already_checked_in: bool = strawberry.field(
        description="It had been checked in before: this scan changed and earned nothing."
    )


CheckInAttendeeResult = Annotated[
    CheckInAttendeeSuccess | NotFoundError | ConflictError | ValidationError,
    strawberry.union("CheckInAttendeeResult"),
]


@strawberry.type
class EventSignupMutations:
    @strawberry.mutation(
        description="Sign up for an event, with up to 2 guests: CONFIRMED while seats last, "
        "else WAITLISTED. NotEligibleError before signups open or after they close, below "
        "the event's minimum contribution, or when signed up already. Suspended and banned "
        "accounts are refused."
    )
    async def sign_up_for_event(
        self, info: Info[Context, None], input: SignUpForEventInput
    ) -> SignUpForEventResult:
        pk = decode_pk(input.event_id, "Event")
        done = await event_signups.sign_up(info.context, pk, input.guests, input.note)
        return SignUpForEventSuccess(
            signup=EventSignup.from_row(done.signup), event=Event.from_row(done.event)
        )

    @strawberry.mutation(
        description="Give up one's own signup before the event starts: its seats go to the "
        "first waitlisted signups that fit, who are told."
    )
    async def cancel_event_signup(
        self, info: Info[Context, None], input: CancelEventSignupInput
    ) -> CancelEventSignupResult:
        pk = decode_pk(input.signup_id, "EventSignup")
        done = await event_signups.cancel_signup(info.context, pk)
        return CancelEventSignupSuccess(
            signup=EventSignup.from_row(done.signup), event=Event.from_row(done.event)
        )

    @strawberry.mutation(
        description="Check an attendee in by their code, from 24 hours before the event until 6 "
        "hours after it: marks the signup ATTENDED once and credits them. For the event's "
        "organisers, its group's staff and VOLUNTEER KOCs of its city."
    )
    async def check_in_attendee(
        self, info: Info[Context, None], input: CheckInAttendeeInput
    ) -> CheckInAttendeeResult:
        pk = decode_pk(input.event_id, "Event")
        done = await event_finish.check_in_attendee(info.context, pk, input.code)
        return CheckInAttendeeSuccess(
            signup=EventSignup.from_row(done.signup), already_checked_in=done.already_checked_in
        )
