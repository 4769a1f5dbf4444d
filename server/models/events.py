"""Events with limited seats, their signups and waitlists.

An event keeps its seat counts beside its signups (`confirmed_seats`, `waitlisted_seats`,
`waitlist_length`), changed only under the event's lock together with the signups they count,
so reading the counts costs one row and two signups never take one seat.
"""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import EventKind, EventState, SignupState
from server.models.groups import Group
from server.models.users import User


class Event(Model):
    id = fields.IntField(primary_key=True)
    group_id: int | None
    organizer_id: int
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    kind = fields.CharEnumField(EventKind, max_length=10)
    # The city it takes place in (OFFLINE), or the city it is for (ONLINE, optional).
    city = fields.CharField(max_length=50, default="")
    venue = fields.CharField(max_length=200, default="")
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    cover_url = fields.CharField(max_length=500, null=True)
    # Seats, guests included.
    capacity = fields.IntField()
    signup_opens_at = fields.DatetimeField()
    signup_closes_at = fields.DatetimeField()
    # The contribution a person needs to sign up (0: anyone).
    min_contribution = fields.BigIntField(default=0)
    # A group's event is visible by the group's rules; NULL: a platform event, public.
    group: fields.ForeignKeyNullableRelation[Group] = fields.ForeignKeyField(
        "models.Group", related_name="events", null=True, on_delete=fields.CASCADE
    )
    organizer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="events_organized", on_delete=fields.CASCADE
    )
    state = fields.CharEnumField(EventState, max_length=10, default=EventState.SCHEDULED)
    # Seats held by CONFIRMED and ATTENDED signups with their guests, and seats asked for by
    # WAITLISTED ones; `waitlist_length` is the number of WAITLISTED signups (the last
    # position).
    confirmed_seats = fields.IntField(default=0)
    waitlisted_seats = fields.IntField(default=0)
    waitlist_length = fields.IntField(default=0)
    cancel_reason = fields.CharField(max_length=500, default="")
    cancelled_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "community_events"
        indexes = (("state", "starts_at", "id"), ("group_id", "starts_at"), ("ends_at", "state"))


class EventSignup(Model):
    """One person's signup for one event (one row per person and event: signing up again after
    cancelling reuses it)."""

    id = fields.IntField(primary_key=True)
    event_id: int
    user_id: int
    checked_in_by_id: int | None
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="signups", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="event_signups", on_delete=fields.CASCADE
    )
    state = fields.CharEnumField(SignupState, max_length=10)
    # Seats beside the person's own (0 to 2).
    guests = fields.IntField(default=0)
    note = fields.CharField(max_length=500, default="")
    # 1 for the first in line, while WAITLISTED; NULL otherwise. Positions have no gaps.
    position = fields.IntField(null=True)
    # What the person shows at the door (unique within the event).
    check_in_code = fields.CharField(max_length=16)
    checked_in_at = fields.DatetimeField(null=True)
    checked_in_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="event_check_ins", null=True, on_delete=fields.SET_NULL
    )
    cancelled_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "event_signups"
        unique_together = (("event", "user"), ("event", "check_in_code"))
        indexes = (("event_id", "state", "position"), ("user_id", "id"), ("event_id", "id"))
