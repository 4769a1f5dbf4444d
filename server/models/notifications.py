"""Users' notifications: what happened that concerns them, and whether they have read it."""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import NotificationKind
from server.models.users import User


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
    episode_id = fields.IntField(null=True)
    credit_id = fields.IntField(null=True)
    read_at = fields.DatetimeField(null=True)
    # What a MODERATION notification says (what was decided, and why).
    text = fields.CharField(max_length=500, default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "notifications"
        indexes = (("recipient_id", "updated_at"), ("recipient_id", "read_at"))
