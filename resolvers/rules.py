"""Watched-word rules as data that moderators edit. Every change bumps one version number in
the same transaction; each process compares it before screening and recompiles its rules when
it moved, so a change applies at once in every process without a restart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from moderation import policies
from moderation.rules import Rule, RuleSet, validate_pattern
from resolvers import validation
from resolvers.audit import record
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


async def _bump(connection: Any) -> None:
    updated = (
        await RuleSetVersion.filter(id=1).using_db(connection).update(version=F("version") + 1)
    )
    if not updated:
        await RuleSetVersion.create(id=1, version=1, using_db=connection)


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
    return await _store(row, viewer.id, AuditKind.RULE_CREATED)


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
    return await _store(row, viewer.id, AuditKind.RULE_UPDATED, EDITABLE)


# What editing a rule changes (who created it, and when, stay).
EDITABLE = ["pattern", "match", "action", "reason", "updated_at"]


async def _store(
    row: ModerationRule, actor_id: int, kind: AuditKind, columns: list[str] | None = None
) -> ModerationRule:
    """Save a rule (a new one whole, an edited one by its editable columns), move the version
    on and audit it, in one transaction."""
    try:
        async with in_transaction() as connection:
            await row.save(using_db=connection, update_fields=columns)
            await _bump(connection)
            await record(kind, actor_id, reason=row.reason, detail=_detail(row))
    except IntegrityError:
        raise Conflict(f"There is a rule for '{row.pattern}' already.") from None
    return row


async def delete_rule(ctx: Context, rule_id: int) -> int:
    viewer = policies.require_staff(ctx.viewer)
    row = await ModerationRule.get_or_none(id=rule_id)
    if row is None:
        raise NotFound("No such rule.")
    async with in_transaction() as connection:
        await row.delete(using_db=connection)
        await _bump(connection)
        await record(AuditKind.RULE_DELETED, viewer.id, reason=row.reason, detail=_detail(row))
    return rule_id


def _detail(row: ModerationRule) -> dict[str, object]:
    return {
        "rule": row.id,
        "pattern": row.pattern,
        "match": str(row.match),
        "action": str(row.action),
    }


class RuleCache:
    """A process's compiled rules, recompiled when the version in the database moves."""

    def __init__(self) -> None:
        self._version = -1
        self._rules = RuleSet([])

    async def current(self) -> RuleSet:
        row = await RuleSetVersion.get_or_none(id=1)
        version = row.version if row else 0
        if version != self._version:
            rows = await ModerationRule.all()
            self._rules = RuleSet(
                [Rule(r.id, r.pattern, r.match, r.action, r.reason) for r in rows]
            )
            self._version = version
        return self._rules
