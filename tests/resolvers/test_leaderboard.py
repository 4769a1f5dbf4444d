"""The contribution leaderboard as a use case: ranked by the year's total with ties going to
whoever reached it first, pages that neither repeat nor lose anyone who stayed put while
people earn between them, ranks that count everyone ahead, banned accounts and empty totals
left out, this year by default, and the same statements for a page of 5 and of 20."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from resolvers import ledger
from resolvers.changes import writing
from resolvers.leaderboard import list_leaderboard
from resolvers.ledger_reads import this_year
from server.errors import InvalidInput
from server.models import AccountState, ContributionYear, Ledger, LedgerEntryKind, User


async def contribute(people, user: User, amount: int) -> None:
    """Move the user's contribution by `amount` this year, as an earning or a reversal does."""
    ctx = await people.context(None)
    async with writing(ctx.hub) as log:
        await ledger.lock_account(log, Ledger.CONTRIBUTION, user.id)
        await ledger.post_entry(
            ctx.settings,
            Ledger.CONTRIBUTION,
            user.id,
            amount,
            kind=LedgerEntryKind.ADJUSTED,
            reason="a test",
        )


async def board(people, viewer=None, *, year=None, first=20, after=None):
    page = await list_leaderboard(await people.context(viewer), year, first, after)
    return page, [(ranked.rank, ranked.user.handle, ranked.total) for _, ranked in page.edges]


async def test_the_board_ranks_by_total_and_a_tie_goes_to_who_reached_it_first(people):
    lin, kai, mia, ann, rui = [await people.make(h) for h in ("lin", "kai", "mia", "ann", "rui")]
    await contribute(people, mia, 30)
    await contribute(people, lin, 50)
    await contribute(people, ann, 30)
    await contribute(people, rui, 20)
    await contribute(people, kai, 50)
    await contribute(people, rui, 10)  # rui reaches 30 last, by two entries

    _, ranks = await board(people)

    assert ranks == [
        (1, "lin", 50),
        (2, "kai", 50),
        (3, "mia", 30),
        (4, "ann", 30),
        (5, "rui", 30),
    ]


async def test_a_page_after_a_cursor_counts_everyone_ahead_and_repeats_nobody(people):
    lin, kai, mia, ann, rui = [await people.make(h) for h in ("lin", "kai", "mia", "ann", "rui")]
    for user, amount in ((lin, 50), (kai, 40), (mia, 30), (ann, 20), (rui, 10)):
        await contribute(people, user, amount)
    first, ranks = await board(people, first=2)
    assert ranks == [(1, "lin", 50), (2, "kai", 40)]
    assert first.has_next_page

    # Between the pages: ann climbs past the cursor and a newcomer arrives ahead of it, and
    # another below it.
    zoe, leo = await people.make("zoe"), await people.make("leo")
    await contribute(people, ann, 100)
    await contribute(people, zoe, 45)
    await contribute(people, leo, 25)

    second, ranks = await board(people, first=2, after=first.end_cursor)
    third, rest = await board(people, first=2, after=second.end_cursor)

    # Those who moved up past the cursor are not repeated, yet counted in the ranks.
    assert ranks == [(5, "mia", 30), (6, "leo", 25)]
    assert rest == [(7, "rui", 10)]
    assert second.has_previous_page and not third.has_next_page
    _, fresh = await board(people)
    assert [handle for _, handle, _ in fresh] == ["ann", "lin", "zoe", "kai", "mia", "leo", "rui"]
    assert [rank for rank, _, _ in fresh] == list(range(1, 8))


async def test_a_page_is_stable_when_nothing_changed(people):
    users = [await people.make(f"mia{n}") for n in range(7)]
    for n, user in enumerate(users):
        await contribute(people, user, 10 * (n % 3 + 1))  # three ties of each total
    _, everyone = await board(people)
    pages, after = [], None
    while True:
        page, ranks = await board(people, first=3, after=after)
        pages += ranks
        if not page.has_next_page:
            break
        after = page.end_cursor
    assert pages == everyone
    assert [rank for rank, _, _ in pages] == list(range(1, 8))


async def test_banned_accounts_and_empty_totals_are_left_out(people):
    lin = await people.make("lin")
    kai = await people.make("kai", state=AccountState.BANNED)
    mia = await people.make("mia", state=AccountState.SUSPENDED, until_days=3)
    ann = await people.make("ann")
    for user in (lin, kai, mia, ann):
        await contribute(people, user, 20)
    await contribute(people, ann, -20)  # reversed to nothing

    _, ranks = await board(people)

    assert ranks == [(1, "lin", 20), (2, "mia", 20)]


async def test_the_year_defaults_to_this_one_and_must_be_plausible(people):
    lin, kai = await people.make("lin"), await people.make("kai")
    await contribute(people, lin, 10)
    year = this_year(await people.context(None))
    await ContributionYear.create(
        user_id=kai.id,
        year=year - 1,
        total=99,
        reached_at=datetime(year - 1, 6, 1, tzinfo=UTC),
        reached_entry_id=0,
    )

    assert (await board(people))[1] == [(1, "lin", 10)]
    assert (await board(people, year=year))[1] == [(1, "lin", 10)]
    assert (await board(people, year=year - 1))[1] == [(1, "kai", 99)]
    assert (await board(people, year=2001))[1] == []
    for wrong in (1999, 2101, -5):
        with pytest.raises(InvalidInput) as refused:
            await board(people, year=wrong)
        assert refused.value.field == "year"


async def test_a_later_page_is_read_in_the_same_statements_for_5_and_20_rows(
    people, sql_statements
):
    users = [await people.make(f"lin{n}") for n in range(26)]
    for n, user in enumerate(users):
        await contribute(people, user, 100 - n)
    first, _ = await board(people, first=1)
    counts = {}
    for size in (5, 20):
        ctx = await people.context(None)
        sql_statements.statements.clear()
        page = await list_leaderboard(ctx, None, size, first.end_cursor)
        assert [ranked.rank for _, ranked in page.edges] == list(range(2, size + 2))
        counts[size] = len(sql_statements.statements)
    assert counts[5] == counts[20] == 3  # the rows, the count ahead, their accounts
