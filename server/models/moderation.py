"""Moderation: watched-word rules, reports, the review queue, the audit log and appeals.

A queue item collects everything about one target (a post, comment, user or group) while it
waits for a moderator: the reports, the screening hits that opened it, notes and a timeline. At
most one item per target is open at a time (`open_key` is set while it is open and unique).
"""

from typing import Any

from tortoise import fields
from tortoise.models import Model

from server.models.enums import (
    AppealState,
    AuditKind,
    MatchKind,
    ModerationAction,
    ModerationItemEventKind,
    ModerationItemState,
    ModerationTarget,
    ReportOutcome,
    ReportReason,
    RuleAction,
)
from server.models.users import User


class ModerationRule(Model):
    id = fields.IntField(primary_key=True)
    created_by_id: int | None
    pattern = fields.CharField(max_length=100)
    match = fields.CharEnumField(MatchKind, max_length=10)
    action = fields.CharEnumField(RuleAction, max_length=10)
    reason = fields.CharField(max_length=200, default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="rules_created", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "moderation_rules"
        unique_together = (("pattern", "match"),)


class RuleSetVersion(Model):
    """One row whose number grows with every rule change: processes compare it to reload
    their compiled rules, so changes apply everywhere without a restart."""

    id = fields.IntField(primary_key=True)
    version = fields.IntField(default=0)

    class Meta:
        table = "moderation_rule_versions"


class ModerationItem(Model):
    id = fields.IntField(primary_key=True)
    target_type = fields.CharEnumField(ModerationTarget, max_length=10)
    target_id = fields.IntField()
    # Who is affected, and the group it belongs to (group admins work their group's items).
    author_id = fields.IntField(null=True)
    group_id = fields.IntField(null=True, db_index=True)
    state = fields.CharEnumField(
        ModerationItemState, max_length=10, default=ModerationItemState.PENDING
    )
    score = fields.FloatField(default=0)
    reasons: list[str] = fields.JSONField(default=list)
    auto_hits: list[dict[str, Any]] = fields.JSONField(default=list)
    # Whether the target is hidden while the item waits (reports past the threshold, a hold).
    target_hidden = fields.BooleanField(default=False)
    # "POST:42" while the item is open; NULL once decided (NULLs never clash).
    open_key = fields.CharField(max_length=40, null=True, unique=True)
    claimed_by_id: int | None
    claimed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="items_claimed", null=True, on_delete=fields.SET_NULL
    )
    claimed_until = fields.DatetimeField(null=True)
    resolved_by_id: int | None
    resolved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="items_resolved", null=True, on_delete=fields.SET_NULL
    )
    resolved_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "moderation_items"
        indexes = (("state", "score"), ("target_type", "target_id"))


class Report(Model):
    id = fields.IntField(primary_key=True)
    reporter_id: int
    item_id: int
    reporter: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reports_made", on_delete=fields.CASCADE
    )
    item: fields.ForeignKeyRelation[ModerationItem] = fields.ForeignKeyField(
        "models.ModerationItem", related_name="reports", on_delete=fields.CASCADE
    )
    target_type = fields.CharEnumField(ModerationTarget, max_length=10)
    target_id = fields.IntField()
    reason = fields.CharEnumField(ReportReason, max_length=20)
    note = fields.TextField(default="")
    # The reporter's standing when they reported: what the report added to the item's score.
    weight = fields.FloatField(default=1)
    # What it added towards hiding the target before review: nothing from new accounts.
    hide_weight = fields.FloatField(default=0, db_default=0)
    outcome = fields.CharEnumField(ReportOutcome, max_length=10, default=ReportOutcome.OPEN)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reports"
        unique_together = (("reporter", "target_type", "target_id"),)


class ModerationItemEvent(Model):
    """One line of a queue item's timeline."""

    id = fields.IntField(primary_key=True)
    item_id: int
    actor_id: int | None
    item: fields.ForeignKeyRelation[ModerationItem] = fields.ForeignKeyField(
        "models.ModerationItem", related_name="events", on_delete=fields.CASCADE
    )
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="item_events", null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharEnumField(ModerationItemEventKind, max_length=20)
    text = fields.TextField(default="")
    detail: dict[str, Any] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "moderation_item_events"


class AuditEntry(Model):
    """Who did what to what, why and when. Append-only."""

    id = fields.IntField(primary_key=True)
    actor_id: int | None
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharEnumField(AuditKind, max_length=30)
    action = fields.CharEnumField(ModerationAction, max_length=20, null=True)
    target_type = fields.CharEnumField(ModerationTarget, max_length=10, null=True)
    target_id = fields.IntField(null=True)
    affected_user_id = fields.IntField(null=True, db_index=True)
    group_id = fields.IntField(null=True)
    item_id = fields.IntField(null=True, db_index=True)
    reason = fields.TextField(default="")
    detail: dict[str, Any] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "audit_log"


class Appeal(Model):
    """An affected user's one appeal against one decision (an audit entry)."""

    id = fields.IntField(primary_key=True)
    decision_id: int
    item_id: int
    appellant_id: int
    decided_by_id: int | None
    decision: fields.OneToOneRelation[AuditEntry] = fields.OneToOneField(
        "models.AuditEntry", related_name="appeal", on_delete=fields.CASCADE
    )
    item: fields.ForeignKeyRelation[ModerationItem] = fields.ForeignKeyField(
        "models.ModerationItem", related_name="appeals", on_delete=fields.CASCADE
    )
    appellant: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="appeals", on_delete=fields.CASCADE
    )
    text = fields.TextField()
    state = fields.CharEnumField(AppealState, max_length=10, default=AppealState.PENDING)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="appeals_decided", null=True, on_delete=fields.SET_NULL
    )
    decided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "appeals"
