"""`python -m server ledger-check` and `club-annual`: a ledger written by the bookkeeping passes,
read a page at a time; every kind of corruption made with raw SQL is found and names the
account; and both commands run as processes on a database of their own, with their exit
status and what they print."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from resolvers import ledger
from resolvers.changes import writing
from resolvers.context import Context, Resources
from resolvers.ledger_check import check_ledgers
from server.models import (
    ContributionYear,
    Ledger,
    LedgerAccount,
    LedgerEntry,
    LedgerEntryKind,
    User,
)
from tests.conftest import database_of_its_own
from tests.helpers import make_account


async def bookkeeping(resources: Resources, user: User, posts: int = 3) -> None:
    """Earnings in both ledgers and a spend, written as the features write them."""
    ctx = Context(resources, viewer=None)
    for n in range(posts):
        async with writing(ctx.hub) as log:
            payout = ledger.Payout(log, ctx.settings, actor_id=None, cause="a featured work")
            reference = ledger.Reference.of("POST", n + 1)
            await payout.earn(user.id, Ledger.POINTS, "WORK_FEATURED", reference)
            await payout.earn(user.id, Ledger.CONTRIBUTION, "WORK_FEATURED", reference)
            await payout.finish()
    async with writing(ctx.hub) as log:
        await ledger.charge(
            log,
            ctx.settings,
            Ledger.POINTS,
            user.id,
            -30,
            kind=LedgerEntryKind.SPENT,
            key="perk-1",
            reason="a perk",
        )


async def corrupt(db, sql: str) -> None:
    await db.connection().execute_script(sql)


async def test_a_ledger_the_bookkeeping_wrote_has_no_differences(db, resources):
    for handle in ("lin", "kai"):
        await bookkeeping(resources, await make_account(handle))
    await make_account("mia")  # no account at all

    for page_size in (2, 5_000):  # many pages, and one
        report = await check_ledgers(page_size=page_size)
        assert report.differences == []
        assert (report.accounts, report.entries, report.years) == (4, 14, 2)
        assert report.summary() == "checked 4 accounts, 14 entries: no differences"


async def test_a_balance_that_does_not_match_its_entries_is_named(db, resources):
    lin = await make_account("lin")
    await bookkeeping(resources, lin)
    await corrupt(
        db,
        f"UPDATE ledger_accounts SET balance = balance + 5 WHERE user_id = {lin.id} "
        "AND ledger = 'POINTS'",
    )

    report = await check_ledgers(page_size=2)

    assert not report.ok
    assert report.differences == [
        f"the points account of @lin (user {lin.id}): balance 275, but its entries sum to 270"
    ]
    assert report.summary() == "checked 2 accounts, 7 entries: 1 difference"


async def test_an_entry_that_breaks_the_chain_is_named_with_the_one_after_it(db, resources):
    lin, kai = await make_account("lin"), await make_account("kai")
    await bookkeeping(resources, kai)
    await bookkeeping(resources, lin)
    second = (
        await LedgerEntry.filter(user_id=lin.id, ledger=Ledger.POINTS).order_by("id").offset(1)
    )[0]
    await corrupt(db, f"UPDATE ledger_entries SET balance_after = 150 WHERE id = {second.id}")

    report = await check_ledgers(page_size=3)

    who = f"the points account of @lin (user {lin.id})"
    assert report.differences == [
        f"{who}: entry {second.id} left 150, but 100 before it and +100 make 200",
        f"{who}: entry {second.id + 2} left 300, but 150 before it and +100 make 250",
    ]


async def test_negative_balances_missing_accounts_and_wrong_yearly_totals_are_named(db, resources):
    lin, kai, ann, rui = [await make_account(h) for h in ("lin", "kai", "ann", "rui")]
    for user in (lin, kai, ann, rui):
        await bookkeeping(resources, user, posts=1)
    [spend] = await LedgerEntry.filter(user_id=lin.id, kind=LedgerEntryKind.SPENT)
    year = spend.year
    await corrupt(
        db,
        f"UPDATE ledger_entries SET amount = -130, balance_after = -30 WHERE id = {spend.id}",
    )
    await corrupt(
        db,
        f"UPDATE ledger_accounts SET balance = -30 WHERE user_id = {lin.id} AND ledger = 'POINTS'",
    )
    await corrupt(db, f"DELETE FROM ledger_accounts WHERE user_id = {kai.id}")
    await corrupt(db, f"UPDATE contribution_years SET total = 31 WHERE user_id = {ann.id}")
    await ContributionYear.create(
        user_id=ann.id, year=year - 1, total=4, reached_at=datetime.now(UTC)
    )
    await corrupt(db, f"DELETE FROM contribution_years WHERE user_id = {rui.id}")

    report = await check_ledgers(page_size=2)

    assert sorted(report.differences) == sorted(
        [
            f"the points account of @lin (user {lin.id}): entry {spend.id} left -30",
            f"the points account of @kai (user {kai.id}): no account, but entries summing to 70",
            f"the contribution account of @kai (user {kai.id}): no account, but entries "
            "summing to 30",
            f"the contribution account of @ann (user {ann.id}): total 4 in {year - 1}, but "
            "its entries sum to 0",
            f"the contribution account of @ann (user {ann.id}): total 31 in {year}, but its "
            "entries sum to 30",
            f"the contribution account of @rui (user {rui.id}): no total in {year}, but entries "
            "summing to 30",
        ]
    )


# --- the commands as processes ------------------------------------------------------------------


async def command(workdir: Path, url: str, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "server", *args),
        cwd=workdir,
        env={**os.environ, "DATABASE_URL": url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_the_commands_run_as_processes_and_answer_with_their_exit_status(tmp_path):
    url = f"sqlite://{tmp_path / 'community.sqlite3'}"
    status, output = await command(tmp_path, url, "migrate")
    assert status == 0, output
    year = datetime.now(UTC).year - 2  # over in every time zone
    async with database_of_its_own(url):
        lin = await User.create(handle="lin", display_name="Lin")
        await LedgerAccount.create(user_id=lin.id, ledger=Ledger.CONTRIBUTION, balance=45)
        for amount, after in ((30, 30), (15, 45)):
            await LedgerEntry.create(
                user_id=lin.id,
                ledger=Ledger.CONTRIBUTION,
                kind=LedgerEntryKind.EARNED,
                amount=amount,
                balance_after=after,
                day=date(year, 5, 1),
                year=year,
            )
        await ContributionYear.create(
            user_id=lin.id, year=year, total=45, reached_at=datetime(year, 5, 1, tzinfo=UTC)
        )

    assert await command(tmp_path, url, "ledger-check") == (
        0,
        "checked 1 accounts, 2 entries: no differences\n",
    )
    assert await command(tmp_path, url, "club-annual", "--year", str(year)) == (
        0,
        f"club-annual {year}: 1 of 120 seats granted\n",
    )
    assert await command(tmp_path, url, "club-annual", "--year", str(year)) == (
        0,
        f"club-annual {year}: already run, 1 of 120 seats granted then\n",
    )
    status, output = await command(tmp_path, url, "club-annual", "--year", "2999")
    assert (status, output.strip()) == (1, "club-annual: A year goes from 2000 to 2100.")

    async with database_of_its_own(url) as connection:
        await connection.execute_script("UPDATE ledger_accounts SET balance = 50")
    status, output = await command(tmp_path, url, "ledger-check")
    assert status == 1
    assert output.splitlines() == [
        f"the contribution account of @lin (user {lin.id}): balance 50, but its entries sum to 45",
        "checked 1 accounts, 2 entries: 1 difference",
    ]
