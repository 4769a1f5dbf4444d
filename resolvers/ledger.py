"""The two ledgers' bookkeeping: every movement of a balance is one entry, written in the
transaction of what caused it, with the balance it left.

Money-like rules, on SQLite and PostgreSQL alike:

- **Nothing negative.** A balance changes only by a guarded update (`balance + n >= 0`), so a
  spend or a reversal larger than the balance changes nothing.
- **Nothing twice.** An entry may carry an idempotency key, unique per account: a retry finds
  the first entry instead of writing a second. Earnings caused by an object (a featured post)
  are keyed by the rule and the object, so a work earns under a rule once.
- **One writer per account.** Every write to an account first takes the account's lock
  (a transaction-level advisory lock on PostgreSQL; SQLite runs one writer at a time), so caps,
  keys and balances are read and changed by one transaction at a time. An account's lock is the
  last lock a transaction takes: a write that will also add change events (notifications) takes
  the event-ordering lock before it (`ChangeLog.order_events`).
- **Never edited.** Entries are only ever added. Earnings of content that moderation removes are
  compensated by REVERSED entries, given back by RESTORED ones if the removal is undone
  (resolvers.reversals).

A suspended or banned account earns nothing (a silenced one still does).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tortoise.expressions import F
from tortoise.functions import Sum

from moderation import policies
from resolvers import ledger_rules
from resolvers.changes import ChangeLog
from resolvers.notifications import notify_text
from server.errors import Conflict, InsufficientPoints
from server.models import (
    ContributionYear,
    Ledger,
    LedgerAccount,
    LedgerEntry,
    LedgerEntryKind,
    NotificationKind,
    User,
)
from server.settings import Settings

NAMES = {Ledger.POINTS: "points", Ledger.CONTRIBUTION: "contribution"}


@dataclass(frozen=True)
class Reference:
    """What caused an entry: a kind of object and its id (ours, or a back-office client's)."""

    type: str
    id: str

    @classmethod
    def of(cls, type: str, id: int | str) -> Reference:
        return cls(type, str(id))

    @classmethod
    def from_entry(cls, entry: LedgerEntry) -> Reference | None:
        if entry.reference_type is None or entry.reference_id is None:
            return None
        return cls(entry.reference_type, entry.reference_id)

    def __str__(self) -> str:
        return f"{self.type}:{self.id}"


def calendar(settings: Settings, moment: datetime | None = None) -> tuple[date, int]:
    """The community's calendar day and year of `moment` (now by default)."""
    local = (moment or datetime.now(UTC)).astimezone(settings.timezone)
    return local.date(), local.year


async def lock_account(log: ChangeLog, ledger: Ledger, user_id: int) -> None:
    """Make this transaction the account's only writer until it commits."""
    await log.lock(f"ledger:{ledger}:{user_id}")


async def account(ledger: Ledger, user_id: int) -> LedgerAccount:
    """The account, created empty the first time (call it holding the account's lock)."""
    row = await LedgerAccount.get_or_none(user_id=user_id, ledger=ledger)
    if row is None:
        await LedgerAccount.bulk_create(
            [LedgerAccount(user_id=user_id, ledger=ledger, balance=0)], ignore_conflicts=True
        )
        row = await LedgerAccount.get(user_id=user_id, ledger=ledger)
    return row


async def balance(ledger: Ledger, user_id: int) -> int:
    """The balance, in one read (0 for an account never written)."""
    rows = await LedgerAccount.filter(user_id=user_id, ledger=ledger).values_list(
        "balance", flat=True
    )
    return int(rows[0]) if rows else 0  # type: ignore[call-overload]


async def entry_by_key(ledger: Ledger, user_id: int, key: str) -> LedgerEntry | None:
    return await LedgerEntry.get_or_none(user_id=user_id, ledger=ledger, idempotency_key=key)


async def post_entry(
    settings: Settings,
    ledger: Ledger,
    user_id: int,
    amount: int,
    *,
    kind: LedgerEntryKind,
    rule: str | None = None,
    reason: str = "",
    reference: Reference | None = None,
    key: str | None = None,
    actor_id: int | None = None,
) -> LedgerEntry:
    """Move the balance by `amount` and write its entry. The caller holds the account's lock
    and has looked for `key` already. InsufficientPoints if the balance would go below zero."""
    after = await _moved(ledger, user_id, amount)
    if after is None:  # no account yet, or too small a balance
        row = await account(ledger, user_id)
        after = await _moved(ledger, user_id, amount)
        if after is None:
            raise InsufficientPoints(int(row.balance))
    day, year = calendar(settings)
    entry = await LedgerEntry.create(
        user_id=user_id,
        ledger=ledger,
        kind=kind,
        amount=amount,
        balance_after=after,
        rule=rule,
        reason=reason[:300],
        reference_type=reference.type if reference else None,
        reference_id=reference.id if reference else None,
        idempotency_key=key,
        actor_id=actor_id,
        day=day,
        year=year,
    )
    if ledger == Ledger.CONTRIBUTION:
        await _count_in_year(entry)
    return entry


# The guarded update, returning the balance it left: one statement (the hot path of spends).
MOVE = (
    "UPDATE ledger_accounts SET balance = balance + {0}, updated_at = {1} "
    "WHERE user_id = {2} AND ledger = {3} AND balance + {0} >= 0 RETURNING balance"
)
MOVE_SQL = {
    "postgres": MOVE.format("$1", "$2", "$3", "$4"),
    "sqlite": MOVE.format("?1", "?2", "?3", "?4"),
}


async def _moved(ledger: Ledger, user_id: int, amount: int) -> int | None:
    """Move the balance by `amount` unless that takes it below zero: the balance it left, or
    None when nothing moved (no account, or too small a balance)."""
    db = LedgerAccount._meta.db
    sql = MOVE_SQL[db.capabilities.dialect]
    rows = await db.execute_query_dict(sql, [amount, datetime.now(UTC), user_id, str(ledger)])
    return int(rows[0]["balance"]) if rows else None


async def _count_in_year(entry: LedgerEntry) -> None:
    """Add a contribution entry to its year's total (what the leaderboard ranks)."""
    values = {"reached_at": entry.created_at, "reached_entry_id": entry.id}
    updated = await ContributionYear.filter(user_id=entry.user_id, year=entry.year).update(
        total=F("total") + entry.amount, **values
    )
    if not updated:
        await ContributionYear.create(
            user_id=entry.user_id, year=entry.year, total=entry.amount, **values
        )


async def year_total(user_id: int, year: int) -> int:
    rows = await ContributionYear.filter(user_id=user_id, year=year).values_list("total", flat=True)
    return int(rows[0]) if rows else 0  # type: ignore[call-overload]


async def _sum(query: Any) -> int:
    rows = await query.annotate(total=Sum("amount")).values_list("total", flat=True)
    return int(rows[0] or 0) if rows else 0


async def _earned(ledger: Ledger, user_id: int, rule: str, day: date | None = None) -> int:
    query = LedgerEntry.filter(
        user_id=user_id, ledger=ledger, rule=rule, kind=LedgerEntryKind.EARNED
    )
    return await _sum(query.filter(day=day) if day else query)


def earning_key(rule: str, reference: Reference | None) -> str | None:
    """The key of an earning caused by an object: one per rule and object."""
    return f"{rule}:{reference}" if reference else None


class Payout:
    """The earnings of one write: entries under rules, then one notification per person who
    did not cause them, saying what they received and why.

        payout = Payout(log, settings, actor_id=staff.id, cause="your work was featured")
        await payout.earn(author_id, Ledger.POINTS, "WORK_FEATURED", Reference.of("POST", 7))
        await payout.finish()
    """

    def __init__(
        self,
        log: ChangeLog,
        settings: Settings,
        *,
        actor_id: int | None,
        cause: str,
        notify: bool = True,
        post_id: int | None = None,
        episode_id: int | None = None,
    ) -> None:
        self.log = log
        self.settings = settings
        self.actor_id = actor_id
        self.cause = cause
        self.notify = notify
        self.post_id = post_id
        self.episode_id = episode_id
        self.entries: dict[int, list[LedgerEntry]] = defaultdict(list)
        self._eligible: dict[int, bool] = {}

    async def _may_earn(self, user_id: int) -> bool:
        if user_id not in self._eligible:
            user = await User.get_or_none(id=user_id)
            self._eligible[user_id] = user is not None and not policies.is_suspended(user)
        return self._eligible[user_id]

    async def earn(
        self,
        user_id: int,
        ledger: Ledger,
        rule_key: str,
        reference: Reference | None = None,
        *,
        amount: int | None = None,
        key: str | None = None,
        reason: str = "",
    ) -> LedgerEntry | None:
        """Earn under a rule, once per key (by default the rule and the reference): up to the
        rule's amount (or `amount`, a share of it), within its caps. None if nothing was
        earned: an inactive rule, a capped one, a suspended or banned account, or an earning
        already made (a retry)."""
        rule = await ledger_rules.rule(ledger, rule_key)
        if rule is None or not rule.active or not await self._may_earn(user_id):
            return None
        key = key or earning_key(rule_key, reference)
        if self.notify:
            await self.log.order_events()
        await lock_account(self.log, ledger, user_id)
        if key and await entry_by_key(ledger, user_id, key):
            return None
        want = rule.amount if amount is None else amount
        day, _ = calendar(self.settings)
        if rule.daily_cap is not None:
            want = min(want, rule.daily_cap - await _earned(ledger, user_id, rule_key, day))
        if rule.lifetime_cap is not None:
            want = min(want, rule.lifetime_cap - await _earned(ledger, user_id, rule_key))
        if want <= 0:
            return None
        entry = await post_entry(
            self.settings,
            ledger,
            user_id,
            want,
            kind=LedgerEntryKind.EARNED,
            rule=rule_key,
            reason=reason or self.cause,
            reference=reference,
            key=key,
            actor_id=self.actor_id,
        )
        self.entries[user_id].append(entry)
        return entry

    async def earn_shared(
        self,
        user_ids: Iterable[int],
        ledger: Ledger,
        rule_key: str,
        reference: Reference,
    ) -> list[LedgerEntry]:
        """Share one occurrence's amount among people, a share each (the first ones take the
        units left over, so the shares add up to the amount exactly). A person named twice
        takes two shares."""
        rule = await ledger_rules.rule(ledger, rule_key)
        if rule is None or not rule.active:
            return []
        people = list(user_ids)
        shares: dict[int, int] = defaultdict(int)
        base, extra = divmod(rule.amount, len(people)) if people else (0, 0)
        for position, user_id in enumerate(people):
            shares[user_id] += base + (1 if position < extra else 0)
        earned = []
        for user_id in sorted(shares):  # accounts locked in one order
            entry = await self.earn(user_id, ledger, rule_key, reference, amount=shares[user_id])
            if entry:
                earned.append(entry)
        return earned

    async def finish(self) -> None:
        """Tell each person what they received, once, unless they caused it themselves."""
        if not self.notify:
            return
        for user_id, entries in self.entries.items():
            if user_id == self.actor_id:
                continue
            await notify_text(
                self.log,
                user_id,
                NotificationKind.REWARD,
                f"{describe(entries)}: {self.cause}.",
                post_id=self.post_id,
                episode_id=self.episode_id,
            )


def describe(entries: Iterable[LedgerEntry]) -> str:
    """ "+100 points and +15 contribution", summed per ledger."""
    totals: dict[Ledger, int] = defaultdict(int)
    for entry in entries:
        totals[Ledger(entry.ledger)] += int(entry.amount)
    parts = [f"{totals[ledger]:+d} {NAMES[ledger]}" for ledger in Ledger if ledger in totals]
    return " and ".join(parts).capitalize() if parts else "Nothing"


async def charge(
    log: ChangeLog,
    settings: Settings,
    ledger: Ledger,
    user_id: int,
    amount: int,
    *,
    kind: LedgerEntryKind,
    key: str,
    reason: str,
    reference: Reference | None = None,
    actor_id: int | None = None,
) -> tuple[LedgerEntry, bool]:
    """A keyed movement that is not an earning (a spend, a correction): the entry and whether
    it is new. The same key again gives the first entry back and moves nothing; with another
    amount it is a Conflict."""
    await lock_account(log, ledger, user_id)
    existing = await entry_by_key(ledger, user_id, key)
    if existing is not None:
        if existing.amount != amount or existing.kind != kind:
            raise Conflict(
                "This idempotency key was used for another amount; use a new key for a new request."
            )
        return existing, False
    entry = await post_entry(
        settings,
        ledger,
        user_id,
        amount,
        kind=kind,
        reason=reason,
        reference=reference,
        key=key,
        actor_id=actor_id,
    )
    return entry, True
