"""The change log live feeds replay from.

Every change a live feed shows writes one ChangeEvent row in the same transaction as the change.
Its id is the cursor clients resume from: a subscriber replays the rows after its cursor, then
goes on with live messages, so the database stays the one source of truth.
"""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import ChangeKind


class ChangeEvent(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(ChangeKind, max_length=30)
    # The ids an event is about, plain (not foreign keys): a deleted post keeps its tombstone.
    post_id = fields.IntField(null=True)
    comment_id = fields.IntField(null=True)
    group_id = fields.IntField(null=True)
    notification_id = fields.IntField(null=True)
    recipient_id = fields.IntField(null=True)
    moderation_item_id = fields.IntField(null=True)
    episode_id = fields.IntField(null=True)
    station_id = fields.IntField(null=True)
    event_id = fields.IntField(null=True)
    poll_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "change_events"
        indexes = (
            ("kind", "id"),
            ("post_id", "id"),
            ("recipient_id", "id"),
            ("episode_id", "id"),
            ("event_id", "id"),
            ("poll_id", "id"),
        )
