"""Satisfaction ratings: how people found buying, delivery, service, charging, events and the
app."""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import ExperienceSubject
from server.models.events import Event
from server.models.users import User


class SatisfactionRating(Model):
    id = fields.IntField(primary_key=True)
    user_id: int
    event_id: int | None
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="ratings", on_delete=fields.CASCADE
    )
    subject = fields.CharEnumField(ExperienceSubject, max_length=10)
    # 1 (very unhappy) to 5 (delighted).
    score = fields.SmallIntField()
    comment = fields.TextField(default="")
    city = fields.CharField(max_length=50, default="")
    # EVENT: the event rated (one rating per person and event) and its group, copied so that
    # group staff read their groups' ratings without a join.
    event: fields.ForeignKeyNullableRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="ratings", null=True, on_delete=fields.CASCADE
    )
    group_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "satisfaction_ratings"
        unique_together = (("user", "event"),)
        indexes = (
            ("user_id", "subject", "created_at"),
            ("subject", "created_at"),
            ("group_id", "created_at"),
            ("user_id", "id"),
        )
