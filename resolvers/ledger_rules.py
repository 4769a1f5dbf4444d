"""The earning rules of both ledgers: data admins change, each written with its built-in values
the first time it is needed.

A rule names what it rewards (its key, fixed: the features that earn call it by name), how much
one occurrence earns, and how much one person may earn under it per community calendar day and
over all time (a cap is in units of the ledger, not in occurrences; an occurrence that would pass
a cap earns what is left under it). An inactive rule earns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from moderation import policies
from resolvers import audit
from resolvers.changes import writing
from resolvers.context import Context
from server.errors import InvalidInput, NotFound
from server.models import AuditKind, Ledger, LedgerRule

MAX_AMOUNT = 100_000
MAX_CAP = 10_000_000


@dataclass(frozen=True)
class Builtin:
    description: str
    amount: int
    daily_cap: int | None = None
    lifetime_cap: int | None = None


POINTS_RULES: dict[str, Builtin] = {
    "PROFILE_COMPLETED": Builtin(
        "Once, when the profile has an avatar, a bio and a region.", 50, lifetime_cap=50
    ),
    "DAILY_CHECK_IN": Builtin("The daily check-in (`checkIn`), once a calendar day.", 5, 5),
    "CHECK_IN_STREAK_7": Builtin("A bonus on every seventh check-in day in a row.", 20, 20),
    "WORK_FEATURED": Builtin("A work of the person's was featured by staff.", 100),
    "FEEDBACK_ADOPTED": Builtin("Staff adopted the person's product feedback.", 100),
    "EVENT_ATTENDED": Builtin("The person attended an event they signed up for.", 20, 60),
    "RATING_SUBMITTED": Builtin("The person rated an experience.", 10, 30),
    "REFERRAL_TEST_DRIVE": Builtin("A friend the person invited took a test drive.", 200, 1_000),
    "REFERRAL_PURCHASE": Builtin("A friend the person invited bought a car.", 2_000),
    "CHARGING_MAP_CONTRIBUTION": Builtin(
        "The person added to or corrected the charging map.", 10, 50
    ),
}

CONTRIBUTION_RULES: dict[str, Builtin] = {
    "WORK_FEATURED": Builtin(
        "A work was featured: shared among its author and accepted co-creators, a share per "
        "credit.",
        30,
    ),
    "CO_CREATION_CREDIT": Builtin("The person accepted a credit on someone's work.", 5, 20),
    "EVENT_ORGANIZED": Builtin("The person organised an event that took place.", 20),
    "EVENT_ATTENDED": Builtin("The person attended an event they signed up for.", 5, 15),
    "FEEDBACK_ADOPTED": Builtin("Staff adopted the person's product feedback.", 20),
    "KOC_TERM_COMPLETED": Builtin("The person served a full term in a KOC role.", 50),
    "REFERRAL_TEST_DRIVE": Builtin("A friend the person invited took a test drive.", 10, 50),
    "REFERRAL_PURCHASE": Builtin("A friend the person invited bought a car.", 100),
    "DAILY_INTERACTION": Builtin(
        "Comments and reactions the person gave, one unit each, capped per day.", 1, 10
    ),
}

BUILTIN: dict[Ledger, dict[str, Builtin]] = {
    Ledger.POINTS: POINTS_RULES,
    Ledger.CONTRIBUTION: CONTRIBUTION_RULES,
}

# What back-office clients and staff record with `recordActivity`: outside the community.
RECORDABLE = ("REFERRAL_TEST_DRIVE", "REFERRAL_PURCHASE", "CHARGING_MAP_CONTRIBUTION")


def description(ledger: Ledger, key: str) -> str:
    return BUILTIN[ledger][key].description


async def ensure_rules(ledger: Ledger) -> list[LedgerRule]:
    """Every rule of the ledger, in built-in order, written with its built-in values where it
    has no row yet (what admins changed stays). A row another process writes at the same moment
    is skipped by the database, never raised, so this may run inside a transaction."""
    builtin = BUILTIN[ledger]
    rows = await LedgerRule.filter(ledger=ledger)
    missing = set(builtin) - {row.key for row in rows}
    if missing:
        await LedgerRule.bulk_create(
            [
                LedgerRule(
                    ledger=ledger,
                    key=key,
                    amount=rule.amount,
                    daily_cap=rule.daily_cap,
                    lifetime_cap=rule.lifetime_cap,
                )
                for key, rule in builtin.items()
                if key in missing
            ],
            ignore_conflicts=True,
        )
        rows = await LedgerRule.filter(ledger=ledger)
    order = {key: position for position, key in enumerate(builtin)}
    return sorted((row for row in rows if row.key in order), key=lambda row: order[row.key])


async def rule(ledger: Ledger, key: str) -> LedgerRule | None:
    """The rule `key` of the ledger as admins set it; None if the ledger has no such rule."""
    if key not in BUILTIN[ledger]:
        return None
    row = await LedgerRule.get_or_none(ledger=ledger, key=key)
    if row is None:
        await ensure_rules(ledger)
        row = await LedgerRule.get(ledger=ledger, key=key)
    return row


def require_key(ledger: Ledger, key: str, field: str = "key") -> str:
    if key not in BUILTIN[ledger]:
        known = ", ".join(BUILTIN[ledger])
        raise InvalidInput(f"No such {ledger.lower()} rule; the rules are {known}.", field=field)
    return key


@dataclass
class RuleChanges:
    """An admin's changes to a rule. None leaves a field as it is; a cap of 0 removes it."""

    amount: int | None = None
    daily_cap: int | None = None
    lifetime_cap: int | None = None
    active: bool | None = None


def _clean(changes: RuleChanges) -> dict[str, object]:
    values: dict[str, object] = {}
    if changes.amount is not None:
        if not 1 <= changes.amount <= MAX_AMOUNT:
            raise InvalidInput(f"An amount goes from 1 to {MAX_AMOUNT}.", field="amount")
        values["amount"] = changes.amount
    for name, field, value in (
        ("daily_cap", "dailyCap", changes.daily_cap),
        ("lifetime_cap", "lifetimeCap", changes.lifetime_cap),
    ):
        if value is not None:
            if not 0 <= value <= MAX_CAP:
                raise InvalidInput(f"A cap goes from 0 (none) to {MAX_CAP}.", field=field)
            values[name] = value or None
    if changes.active is not None:
        values["active"] = changes.active
    return values


async def update_rule(ctx: Context, ledger: Ledger, key: str, changes: RuleChanges) -> LedgerRule:
    """Change an earning rule. Admins only; audited with what changed from what."""
    admin = policies.require_admin(ctx.viewer)
    require_key(ledger, key)
    values = _clean(changes)
    row = await rule(ledger, key)
    if row is None:  # pragma: no cover - require_key refused it
        raise NotFound("No such rule.")
    changed = {name: value for name, value in values.items() if getattr(row, name) != value}
    if not changed:
        return row
    async with writing(ctx.hub):
        before = {name: getattr(row, name) for name in changed}
        await LedgerRule.filter(id=row.id).update(**changed)
        await audit.record(
            AuditKind.LEDGER_RULE_UPDATED,
            admin.id,
            detail={"ledger": str(ledger), "key": key, "from": before, "to": changed},
        )
    await row.refresh_from_db()
    return row
