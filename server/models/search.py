"""The search outbox: which indexed objects changed, written in the same transaction as the
change. A background task drains it into Meilisearch (see search.sync); the database stays the
source of truth, and an unreachable Meilisearch only delays the index, never a write."""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import SearchEntity


class SearchOutbox(Model):
    id = fields.BigIntField(primary_key=True)
    entity = fields.CharEnumField(SearchEntity, max_length=10)
    entity_id = fields.IntField()
    # Also bring up to date the posts of this group or author (its visibility or name changed).
    with_posts = fields.BooleanField(default=False, db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Drained rows are kept a while: a reindex re-sends what changed while it was rebuilding.
    drained_at = fields.DatetimeField(null=True)

    class Meta:
        table = "search_outbox"
        indexes = (("drained_at", "id"), ("created_at",))
