"""The contribution leaderboard: a year's contributors ranked by what they earned that year.

The order is the year's total, highest first; a tie goes to whoever reached the total first
(the entry that made it, then the row), so two people never share a place and the order never
wobbles between two reads. Only totals above zero count, and banned accounts are left out.

Pages are keyset pages, so a new entry between two pages never repeats a row that has moved up
past the cursor. A page's first rank is one COUNT of the rows ahead of its first row (the rank
it holds now); the ranks after it follow on. The annual run of the club reads the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from resolvers.context import Context
from resolvers.ledger_reads import this_year
from resolvers.pagination import Key, Listing, Page, id_key, keyset_page
from server.errors import InvalidInput
from server.models import AccountState, ContributionYear, User

FIRST_YEAR = 2000
LAST_YEAR = 2100


# Totals and entry ids are 64-bit columns: their cursor values are checked as a big id is.
_bigint = id_key(big=True).parse
LEADERBOARD = Listing(
    "contributionLeaderboard",
    Key("total", descending=True, parse=_bigint),
    Key("reached_entry_id", descending=False, parse=_bigint),
    id_key(descending=False),
)


@dataclass(frozen=True)
class Ranked:
    """One place on the leaderboard: who holds it, with what total since when."""

    rank: int
    user: User
    total: int
    reached_at: datetime


def check_year(year: int, field: str = "year") -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(f"A year goes from {FIRST_YEAR} to {LAST_YEAR}.", field=field)
    return year


def standings(year: int) -> QuerySet[ContributionYear]:
    """The year's contributors with a total above zero, banned accounts left out (unordered:
    order them by LEADERBOARD's keys)."""
    return ContributionYear.filter(year=year, total__gt=0).exclude(user__state=AccountState.BANNED)


def ordering() -> list[str]:
    return [("-" if key.descending else "") + key.field for key in LEADERBOARD.keys]


def _ahead_of(row: ContributionYear) -> Q:
    """The rows that come before `row` in the leaderboard's order."""
    return (
        Q(total__gt=row.total)
        | Q(total=row.total, reached_entry_id__lt=row.reached_entry_id)
        | Q(total=row.total, reached_entry_id=row.reached_entry_id, id__lt=row.id)
    )


async def list_leaderboard(
    ctx: Context, year: int | None, first: int, after: str | None
) -> Page[Ranked]:
    """A page of the year's leaderboard (this year by default), in three statements: the rows,
    the count of those ahead of them (after the first page), and their accounts."""
    chosen = this_year(ctx) if year is None else check_year(year)
    page: Page[ContributionYear] = await keyset_page(
        standings(chosen), LEADERBOARD, first=first, after=after
    )
    if not page.edges:
        return Page(edges=[], has_next_page=False, has_previous_page=page.has_previous_page)
    rows = [row for _, row in page.edges]
    start = 1
    if after:
        start += await standings(chosen).filter(_ahead_of(rows[0])).count()
    users = await ctx.loaders.user_by_id.load_many([row.user_id for row in rows])
    edges = [
        (cursor, Ranked(rank=start + n, user=user, total=int(row.total), reached_at=row.reached_at))
        for n, ((cursor, row), user) in enumerate(zip(page.edges, users, strict=True))
        if user is not None  # an account removed since the rows were read
    ]
    return Page(
        edges=edges,
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
    )
