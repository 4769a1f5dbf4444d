"""Points as people move them: the daily check-in, spending, admins' corrections and the
activity staff record for a back-office client (a referral, a charging-map edit).

Every request that moves points carries the client's idempotency key, kept with the entry it
wrote: the same key again gives that entry back and moves nothing, so a client retries a lost
answer safely. Keys are kept per kind of request (`spend:…`, `adjust:…`, `activity:…`), so a
client's key can never stand in for another kind's, nor for the key of an earning.

A reference names what a request is about in the client's own terms, `TYPE:id`
(`ORDER:SO-2026-0042`; without a `:` the type is EXTERNAL). The community's own kinds of object
are refused as types: moderation reverses what a post or comment earned by its reference, and
a client's entry must never be taken for one of those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from tortoise.exceptions import IntegrityError

from moderation import policies
from resolvers import audit, ledger, ledger_reads, ledger_rules, lookups, validation
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.ledger import Payout, Reference
from resolvers.notifications import notify_text
from server.errors import Conflict, Forbidden, InvalidInput
from server.models import (
    AuditKind,
    CheckIn,
    Ledger,
    LedgerEntry,
    LedgerEntryKind,
    NotificationKind,
)

MAX_SPEND = 1_000_000
MAX_ADJUSTMENT = 1_000_000
MAX_REASON = 200
MAX_REFERENCE = 100
KEY_RE = re.compile(r"[A-Za-z0-9._:-]{8,100}")
TYPE_RE = re.compile(r"[A-Z][A-Z0-9_]{0,19}")
# The kinds of object the community's own earnings name (and may one day name): a client's
# reference may not pass for one of them.
OWN_TYPES = frozenset(
    {"POST", "EPISODE", "COMMENT", "CREDIT", "KOC_ROLE", "REACTION", "USER", "GROUP"}
    | {"EVENT", "RATING", "CHECK_IN", "CLUB"}
)
STREAK = 7
# What a recorded activity tells its person (the rules' descriptions speak of "the person").
ACTIVITY_CAUSES = {
    "REFERRAL_TEST_DRIVE": "a friend you invited took a test drive",
    "REFERRAL_PURCHASE": "a friend you invited bought a car",
    "CHARGING_MAP_CONTRIBUTION": "your work on the charging map",
}


# --- input ---------------------------------------------------------------------------------------


def idempotency_key(value: str, field: str = "idempotencyKey") -> str:
    if not KEY_RE.fullmatch(value):
        raise InvalidInput(
            "An idempotency key has 8 to 100 characters: letters, digits, '.', '_', ':' or '-'.",
            field=field,
        )
    return value


def reference(value: str | None, field: str = "reference") -> Reference | None:
    """A client's `TYPE:id` (or a bare id, of type EXTERNAL); None for nothing."""
    if value is None or not value.strip():
        return None
    cleaned = value.strip()
    message = (
        f"A reference is TYPE:id or an id, up to {MAX_REFERENCE} characters without spaces "
        "(ORDER:SO-2026-0042); the type has up to 20 letters, digits or '_'."
    )
    if len(cleaned) > MAX_REFERENCE or not cleaned.isprintable() or not cleaned.isascii():
        raise InvalidInput(message, field=field)
    if any(ch.isspace() for ch in cleaned):
        raise InvalidInput(message, field=field)
    kind, colon, ident = cleaned.partition(":")
    if not colon:
        return Reference("EXTERNAL", cleaned)
    kind = kind.upper()
    if not TYPE_RE.fullmatch(kind) or not ident:
        raise InvalidInput(message, field=field)
    if kind in OWN_TYPES:
        raise InvalidInput(
            f"{kind} names the community's own objects; use a type of your own.", field=field
        )
    return Reference(kind, ident)


def _reason(value: str) -> str:
    return validation.text(value, "reason", maximum=MAX_REASON, label="A reason")


def _amount(value: int, low: int, high: int, message: str) -> int:
    if not low <= value <= high:
        raise InvalidInput(message, field="amount")
    return value


# --- the daily check-in --------------------------------------------------------------------------


@dataclass
class CheckedIn:
    """A day's check-in: its streak, what it earned, and whether it was made before."""

    day: date
    streak: int
    already: bool
    balance: int
    entries: list[LedgerEntry] = field(default_factory=list)


def _check_in_keys(day: date) -> list[str]:
    return [f"DAILY_CHECK_IN:{day.isoformat()}", f"CHECK_IN_STREAK_7:{day.isoformat()}"]


async def _made(user_id: int, day: date) -> CheckedIn | None:
    row = await CheckIn.get_or_none(user_id=user_id, day=day)
    if row is None:
        return None
    entries = await LedgerEntry.filter(
        user_id=user_id, ledger=Ledger.POINTS, idempotency_key__in=_check_in_keys(day)
    ).order_by("id")
    balance = await ledger.balance(Ledger.POINTS, user_id)
    return CheckedIn(day, row.streak, True, balance, entries)


async def check_in(ctx: Context) -> CheckedIn:
    """Check in for today (the community's calendar day), once: DAILY_CHECK_IN, and on every
    seventh day in a row CHECK_IN_STREAK_7 as well. A second check-in the same day writes
    nothing and says so, with what the first one earned."""
    user = policies.require_writer(ctx.viewer)
    await ledger_rules.ensure_rules(Ledger.POINTS)  # before the account's lock: it may insert
    try:
        async with writing(ctx.hub) as log:
            # Calls of one person wait here for each other: the first writes the day's row,
            # the others find it.
            await ledger.lock_account(log, Ledger.POINTS, user.id)
            day, _ = ledger.calendar(ctx.settings)
            made = await _made(user.id, day)
            if made is not None:
                return made
            yesterday = await CheckIn.get_or_none(user_id=user.id, day=day - timedelta(days=1))
            streak = yesterday.streak + 1 if yesterday else 1
            await CheckIn.create(user_id=user.id, day=day, streak=streak)
            payout = Payout(
                log, ctx.settings, actor_id=None, cause="your daily check-in", notify=False
            )
            daily_key, streak_key = _check_in_keys(day)
            earned = [await payout.earn(user.id, Ledger.POINTS, "DAILY_CHECK_IN", key=daily_key)]
            if streak % STREAK == 0:
                earned.append(
                    await payout.earn(
                        user.id,
                        Ledger.POINTS,
                        "CHECK_IN_STREAK_7",
                        key=streak_key,
                        reason=f"{streak} check-in days in a row",
                    )
                )
            balance = await ledger.balance(Ledger.POINTS, user.id)
            return CheckedIn(day, streak, False, balance, [e for e in earned if e is not None])
    except IntegrityError:  # the day's row, written by a call the lock did not hold back
        made = await _made(user.id, ledger.calendar(ctx.settings)[0])
        if made is None:
            raise
        return made


# --- spending and corrections --------------------------------------------------------------------


@dataclass
class Charged:
    """An entry a spend or a correction wrote (or wrote before, for a retry), and the balance
    now."""

    entry: LedgerEntry
    balance: int


async def spend_points(
    ctx: Context, amount: int, reason: str, reference_text: str | None, key: str
) -> Charged:
    """Spend the viewer's points on something (a perk, an order): once per idempotency key.
    InsufficientPoints if the balance is smaller; Conflict for a key used with another
    amount. Takes only the account's lock, never the event lock: spends are the hot path."""
    user = policies.require_writer(ctx.viewer)
    _amount(amount, 1, MAX_SPEND, f"Spend from 1 to {MAX_SPEND} points.")
    why = _reason(reason)
    about = reference(reference_text)
    key = idempotency_key(key)
    async with writing(ctx.hub) as log:
        entry, created = await ledger.charge(
            log,
            ctx.settings,
            Ledger.POINTS,
            user.id,
            -amount,
            kind=LedgerEntryKind.SPENT,
            key=f"spend:{key}",
            reason=why,
            reference=about,
        )
        balance = (
            int(entry.balance_after) if created else await ledger.balance(Ledger.POINTS, user.id)
        )
    return Charged(entry, balance)


async def adjust_points(ctx: Context, handle: str, amount: int, reason: str, key: str) -> Charged:
    """An admin's correction of someone's points, up or down but never below zero: audited,
    and told to the person with the reason. Never of the admin's own points (nor a persona's
    they write for): another admin corrects those. Once per idempotency key."""
    admin = policies.require_admin(ctx.viewer)
    if amount == 0:
        raise InvalidInput("A correction moves at least one point.", field="amount")
    _amount(
        amount,
        -MAX_ADJUSTMENT,
        MAX_ADJUSTMENT,
        f"A correction goes from -{MAX_ADJUSTMENT} to {MAX_ADJUSTMENT} points.",
    )
    why = _reason(reason)
    key = idempotency_key(key)
    user = await lookups.require_user(handle)
    if user.id in await ctx.acts_for():
        raise Forbidden("Another admin corrects your own points.")
    async with writing(ctx.hub) as log:
        await log.order_events()  # it notifies: events first, then the account
        entry, created = await ledger.charge(
            log,
            ctx.settings,
            Ledger.POINTS,
            user.id,
            amount,
            kind=LedgerEntryKind.ADJUSTED,
            key=f"adjust:{key}",
            reason=why,
            actor_id=admin.id,
        )
        balance = await ledger.balance(Ledger.POINTS, user.id)
        if created:
            await notify_text(
                log,
                user.id,
                NotificationKind.REWARD,
                f"{ledger.describe([entry])}, a correction by staff: {why}",
            )
            await audit.record(
                AuditKind.POINTS_ADJUSTED,
                admin.id,
                affected_user_id=user.id,
                reason=why,
                detail={"amount": amount, "entryId": entry.id, "balanceAfter": balance},
            )
    return Charged(entry, balance)


# --- activity recorded by staff ------------------------------------------------------------------


@dataclass
class Recorded:
    """What a recorded activity earned in each ledger (None: nothing there)."""

    points: LedgerEntry | None
    contribution: LedgerEntry | None

    @property
    def credited(self) -> bool:
        return self.points is not None or self.contribution is not None


async def _recorded_before(user_id: int, key: str, rule: str, about: Reference) -> Recorded | None:
    rows = await LedgerEntry.filter(user_id=user_id, idempotency_key=key)
    if not rows:
        return None
    for row in rows:
        if row.rule != rule or Reference.from_entry(row) != about:
            raise Conflict(
                "This idempotency key was used for another activity; use a new key for a new "
                "activity."
            )
    by_ledger = {Ledger(row.ledger): row for row in rows}
    return Recorded(by_ledger.get(Ledger.POINTS), by_ledger.get(Ledger.CONTRIBUTION))


async def record_activity(
    ctx: Context, handle: str, rule: str, reference_text: str, key: str
) -> Recorded:
    """Record what someone did outside the community (a referral, a charging-map edit), for a
    back-office client signed in as a staff account: the rule's points, and its contribution
    where contribution has a rule of that name, once per idempotency key. A suspended or
    banned person, or a capped or inactive rule, earns nothing (and it is still recorded in
    the audit log). Never for the staff member's own account."""
    staff = policies.require_staff(ctx.viewer)
    if rule not in ledger_rules.RECORDABLE:
        known = ", ".join(ledger_rules.RECORDABLE)
        raise InvalidInput(f"Staff record these rules only: {known}.", field="rule")
    about = reference(reference_text)
    if about is None:
        raise InvalidInput("Name what the activity is about (ORDER:SO-1).", field="reference")
    key = f"activity:{idempotency_key(key)}"
    user = await lookups.require_user(handle)
    if user.id in await ctx.acts_for():
        raise Forbidden("Another member of staff records your own activity.")
    for book in Ledger:  # written before the accounts' locks: it may insert
        await ledger_rules.ensure_rules(book)
    async with writing(ctx.hub) as log:
        await log.order_events()
        for book in (Ledger.POINTS, Ledger.CONTRIBUTION):
            await ledger.lock_account(log, book, user.id)
        before = await _recorded_before(user.id, key, rule, about)
        if before is not None:
            return before
        payout = Payout(log, ctx.settings, actor_id=staff.id, cause=ACTIVITY_CAUSES[rule])
        recorded = Recorded(
            points=await payout.earn(user.id, Ledger.POINTS, rule, about, key=key),
            contribution=await payout.earn(user.id, Ledger.CONTRIBUTION, rule, about, key=key),
        )
        await payout.finish()
        await audit.record(
            AuditKind.ACTIVITY_RECORDED,
            staff.id,
            affected_user_id=user.id,
            detail={
                "rule": rule,
                "reference": str(about),
                "key": key,
                "points": recorded.points.amount if recorded.points else 0,
                "contribution": recorded.contribution.amount if recorded.contribution else 0,
            },
        )
    return recorded


# --- reading -------------------------------------------------------------------------------------


async def visible_entry(ctx: Context, book: Ledger, entry_id: int) -> LedgerEntry | None:
    """An entry of `book` by id, for its account's owner and staff; None for anyone else."""
    row = await LedgerEntry.get_or_none(id=entry_id, ledger=book)
    if row is None or not ledger_reads.may_read_account(ctx, row.user_id):
        return None
    return row
