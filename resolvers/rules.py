"""Watched-word rules as data that moderators edit. Every change bumps one version number in
the same transaction; each process compares it before screening and recompiles its rules when
it moved, so a change applies at once in every process without a restart."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from moderation import policies
from moderation.rules import validate_pattern
from resolvers import validation
from resolvers.audit import record
from resolvers.changes import writing
from resolvers.context import Context
from server.errors import Conflict, NotFound
from server.models import AuditKind, MatchKind, ModerationRule, RuleAction, RuleSetVersion

MAX_REASON = 200


@dataclass
class RuleInput:
    pattern: str
    match: MatchKind
    action: RuleAction
    reason: str = ""


def _clean(rule: RuleInput) -> RuleInput:
    reason = validation.text(rule.reason, "reason", minimum=0, maximum=MAX_REASON, label="A reason")
    # Refused, not cleaned: a pattern with invisible or control characters is a mistake.
    raw = validation.name(rule.pattern, "pattern", maximum=1_000, label="A pattern")
    pattern = validate_pattern(raw, rule.match)
    return RuleInput(pattern, rule.match, rule.action, reason)


async def _bump() -> None:
    """Move the rules' version on (inside the write that changed them)."""
    if not await RuleSetVersion.filter(id=1).update(version=F("version") + 1):
        await RuleSetVersion.create(id=1, version=1)


async def list_rules(ctx: Context) -> list[ModerationRule]:
    policies.require_staff(ctx.viewer)
    return await ModerationRule.all().order_by("action", "pattern")


async def create_rule(ctx: Context, rule: RuleInput) -> ModerationRule:
    viewer = policies.require_staff(ctx.viewer)
    clean = _clean(rule)
    row = ModerationRule(
        pattern=clean.pattern,
        match=clean.match,
        action=clean.action,
        reason=clean.reason,
        created_by_id=viewer.id,
    )
    return await _store(ctx, row, viewer.id, AuditKind.RULE_CREATED)


async def update_rule(ctx: Context, rule_id: int, rule: RuleInput) -> ModerationRule:
    viewer = policies.require_staff(ctx.viewer)
    clean = _clean(rule)
    row = await ModerationRule.get_or_none(id=rule_id)
    if row is None:
        raise NotFound("No such rule.")
    row.pattern, row.match, row.action, row.reason = (
        clean.pattern,
        clean.match,
        clean.action,
        clean.reason,
    )
    return await _store(ctx, row, viewer.id, AuditKind.RULE_UPDATED, EDITABLE)


# What editing a rule changes (who created it, and when, stay).
EDITABLE = ["pattern", "match", "action", "reason", "updated_at"]


async def _store(
    ctx: Context,
    row: ModerationRule,
    actor_id: int,
    kind: AuditKind,
    columns: list[str] | None = None,
) -> ModerationRule:
    """Save a rule (a new one whole, an edited one by its editable columns), move the version
    on and audit it, in one transaction."""
    try:
        async with writing(ctx.hub):
            await row.save(update_fields=columns)
            await _bump()
            await record(kind, actor_id, reason=row.reason, detail=_detail(row))
    except IntegrityError:
        raise Conflict(f"There is a rule for '{row.pattern}' already.") from None
    return row


async def delete_rule(ctx: Context, rule_id: int) -> int:
    viewer = policies.require_staff(ctx.viewer)
    row = await ModerationRule.get_or_none(id=rule_id)
    if row is None:
        raise NotFound("No such rule.")
    async with writing(ctx.hub):
        await row.delete()
        await _bump()
        await record(AuditKind.RULE_DELETED, viewer.id, reason=row.reason, detail=_detail(row))
    return rule_id


def _detail(row: ModerationRule) -> dict[str, object]:
    return {
        "rule": row.id,
        "pattern": row.pattern,
        "match": str(row.match),
        "action": str(row.action),
    }
