"""`python -m server ledger-check`: proof that both ledgers add up.

For every account of both ledgers: its entries, in the order they were written, chain (each
entry's balance_after is the one before it plus its amount, from 0), never leave a balance below
zero, and sum to the account's balance; and each person's contribution total of a year equals
their contribution entries of that year. An entry of a person who has no account is a
difference too, as is an account or a year's total with no entries behind it that is not zero.

Entries, accounts and yearly totals are read as three streams ordered by person, a page at a
time, and walked side by side, so a ledger of millions of entries is never held in memory. The
whole check reads one snapshot (PostgreSQL: a repeatable-read transaction; SQLite in WAL mode:
a read transaction), so writes that land meanwhile never show as differences.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from resolvers.changes import transaction
from resolvers.ledger import NAMES
from server.models import ContributionYear, Ledger, LedgerAccount, LedgerEntry, User

PAGE_SIZE = 5_000


@dataclass
class LedgerReport:
    """What the check read and the differences it found, one sentence each."""

    accounts: int = 0
    entries: int = 0
    years: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def summary(self) -> str:
        found = (
            "no differences"
            if self.ok
            else f"{len(self.differences)} difference{'s' if len(self.differences) > 1 else ''}"
        )
        return f"checked {self.accounts} accounts, {self.entries} entries: {found}"


def _after(keys: tuple[str, ...], values: tuple[Any, ...]) -> Q:
    """Rows after `values` in the ascending order of `keys`."""
    condition = Q(**{f"{keys[0]}__gt": values[0]})
    for i in range(1, len(keys)):
        equal = {key: value for key, value in zip(keys[:i], values[:i], strict=True)}
        condition |= Q(**equal, **{f"{keys[i]}__gt": values[i]})
    return condition


async def _stream(
    query: QuerySet[Any], keys: tuple[str, ...], fields: tuple[str, ...], page_size: int
) -> AsyncIterator[tuple[Any, ...]]:
    """The rows of `query` as tuples of `keys` then `fields`, in the order of `keys` (unique
    together), read a page at a time."""
    last: tuple[Any, ...] | None = None
    while True:
        page = query.filter(_after(keys, last)) if last is not None else query
        rows = await page.order_by(*keys).limit(page_size).values_list(*keys, *fields)
        for row in rows:
            yield tuple(row)
        if len(rows) < page_size:
            return
        last = tuple(rows[-1][: len(keys)])


class _Upcoming:
    """A stream ordered by person, taken person by person."""

    def __init__(self, rows: AsyncIterator[tuple[Any, ...]]) -> None:
        self._rows = rows
        self._head: tuple[Any, ...] | None = None
        self._done = False

    async def through(self, user_id: int | None) -> AsyncIterator[tuple[Any, ...]]:
        """The rows up to and including `user_id`'s (all that are left, for None)."""
        while True:
            if self._head is None and not self._done:
                try:
                    self._head = await anext(self._rows)
                except StopAsyncIteration:
                    self._done = True
            if self._head is None or (user_id is not None and self._head[0] > user_id):
                return
            row, self._head = self._head, None
            yield row


@dataclass
class _Running:
    """One person's entries in one ledger, as far as they have been read."""

    user_id: int
    balance_after: int = 0
    total: int = 0
    years: dict[int, int] = field(default_factory=lambda: defaultdict(int))


class _Check:
    def __init__(self, page_size: int) -> None:
        self.page_size = page_size
        self.report = LedgerReport()
        self._names: dict[int, str] = {}

    async def who(self, user_id: int) -> str:
        if user_id not in self._names:
            handles = await User.filter(id=user_id).values_list("handle", flat=True)
            self._names[user_id] = (
                f"@{handles[0]} (user {user_id})" if handles else f"user {user_id}"
            )
        return self._names[user_id]

    async def differ(self, ledger: Ledger, user_id: int, text: str) -> None:
        who = await self.who(user_id)
        self.report.differences.append(f"the {NAMES[ledger]} account of {who}: {text}")

    async def ledger(self, ledger: Ledger) -> None:
        size = self.page_size
        entries = _stream(
            LedgerEntry.filter(ledger=ledger),
            ("user_id", "id"),
            ("amount", "balance_after", "year"),
            size,
        )
        accounts = _Upcoming(
            _stream(LedgerAccount.filter(ledger=ledger), ("user_id",), ("balance",), size)
        )
        years = _Upcoming(
            _stream(ContributionYear.all(), ("user_id", "year"), ("total",), size)
            if ledger == Ledger.CONTRIBUTION
            else _nothing()
        )
        running: _Running | None = None
        async for user_id, entry_id, amount, balance_after, year in entries:
            if running is None or running.user_id != user_id:
                if running is not None:
                    await self.settle(ledger, accounts, years, running)
                running = _Running(user_id)
            self.report.entries += 1
            expected = running.balance_after + amount
            if balance_after != expected:
                await self.differ(
                    ledger,
                    user_id,
                    f"entry {entry_id} left {balance_after}, but {running.balance_after} before "
                    f"it and {amount:+d} make {expected}",
                )
            if balance_after < 0:
                await self.differ(ledger, user_id, f"entry {entry_id} left {balance_after}")
            running.balance_after = balance_after
            running.total += amount
            running.years[year] += amount
        if running is not None:
            await self.settle(ledger, accounts, years, running)
        await self.settle(ledger, accounts, years, None)

    async def settle(
        self, ledger: Ledger, accounts: _Upcoming, years: _Upcoming, running: _Running | None
    ) -> None:
        """Compare a person's entries with their account and yearly totals, and check the
        accounts and totals before theirs, which have no entries (all that are left, for
        None)."""
        user_id = running.user_id if running is not None else None
        found = False
        async for owner, balance in accounts.through(user_id):
            self.report.accounts += 1
            if running is not None and owner == user_id:
                found = True
                if balance != running.total:
                    await self.differ(
                        ledger, owner, f"balance {balance}, but its entries sum to {running.total}"
                    )
            elif balance != 0:
                await self.differ(ledger, owner, f"balance {balance}, but it has no entries")
        if running is not None and not found:
            await self.differ(
                ledger, running.user_id, f"no account, but entries summing to {running.total}"
            )
        sums = dict(running.years) if running is not None else {}
        async for owner, year, total in years.through(user_id):  # none in the points ledger
            self.report.years += 1
            earned = sums.pop(year, 0) if owner == user_id else 0
            if total != earned:
                await self.differ(
                    ledger, owner, f"total {total} in {year}, but its entries sum to {earned}"
                )
        if running is not None and ledger == Ledger.CONTRIBUTION:
            for year, earned in sums.items():
                if earned:  # a year of entries with no total
                    await self.differ(
                        ledger,
                        running.user_id,
                        f"no total in {year}, but entries summing to {earned}",
                    )


async def _nothing() -> AsyncIterator[tuple[Any, ...]]:
    return
    yield  # an async generator that yields nothing


async def check_ledgers(*, page_size: int = PAGE_SIZE) -> LedgerReport:
    """Check both ledgers in one snapshot of the database; the report of what was read and
    every difference found."""
    check = _Check(page_size)
    async with transaction() as connection:
        if connection.capabilities.dialect == "postgres":
            await connection.execute_script(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
            )
        for ledger in Ledger:
            await check.ledger(ledger)
    return check.report
