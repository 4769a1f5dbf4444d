"""The event log live feeds replay from, and users' notifications.

Every change a live feed shows writes one Event row in the same transaction as the change. Its id
is the cursor clients resume from: a subscriber replays the rows after its cursor, then goes on
with live messages, so the database stays the one source of truth.
"""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import EventKind, NotificationKind
from server.models.users import User


class Event(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(EventKind, max_length=30)
    # The ids an event is about, plain (not foreign keys): a deleted post keeps its tombstone.
    post_id = fields.IntField(null=True)
    comment_id = fields.IntField(null=True)
    group_id = fields.IntField(null=True)
    notification_id = fields.IntField(null=True)
    recipient_id = fields.IntField(null=True)
    queue_item_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "events"
        indexes = (("kind", "id"), ("post_id", "id"), ("recipient_id", "id"))


class Notification(Model):
    id = fields.IntField(primary_key=True)
    recipient_id: int
    actor_id: int | None
    recipient: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="notifications", on_delete=fields.CASCADE
    )
    # The latest actor; `actor_count` says how many acted (reactions are grouped per post).
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="notifications_caused", null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharEnumField(NotificationKind, max_length=20)
    actor_count = fields.IntField(default=1)
    post_id = fields.IntField(null=True)
    comment_id = fields.IntField(null=True)
    group_id = fields.IntField(null=True)
    read_at = fields.DatetimeField(null=True)
    # What a MODERATION notification says (what was decided, and why).
    text = fields.CharField(max_length=500, default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "notifications"
        indexes = (("recipient_id", "updated_at"), ("recipient_id", "read_at"))
