"""The bookkeeping under both ledgers: guarded balances, idempotency keys, caps, shares,
reversals that never go below zero, and restorations that give back exactly what was taken."""

from __future__ import annotations

import asyncio

import pytest

from resolvers import ledger, ledger_rules, reversals
from resolvers.changes import writing
from server.errors import Conflict, InsufficientPoints
from server.models import (
    AccountState,
    ContributionYear,
    Ledger,
    LedgerEntry,
    LedgerEntryKind,
    Notification,
    NotificationKind,
)

POST = ledger.Reference.of("POST", 7)


async def earn(people, user_id, ledger_name, rule, reference=POST, **kw):
    ctx = await people.context(None)
    async with writing(ctx.hub) as log:
        payout = ledger.Payout(log, ctx.settings, actor_id=None, cause="a test")
        entry = await payout.earn(user_id, ledger_name, rule, reference, **kw)
        await payout.finish()
    return entry


async def spend(people, user_id, amount, key):
    ctx = await people.context(None)
    async with writing(ctx.hub) as log:
        return await ledger.charge(
            log,
            ctx.settings,
            Ledger.POINTS,
            user_id,
            -amount,
            kind=LedgerEntryKind.SPENT,
            key=key,
            reason="a perk",
        )


async def chain(user_id, ledger_name):
    entries = await LedgerEntry.filter(user_id=user_id, ledger=ledger_name).order_by("id")
    running = 0
    for entry in entries:
        running += entry.amount
        assert entry.balance_after == running >= 0
    assert await ledger.balance(ledger_name, user_id) == running
    return running


async def test_an_earning_is_made_once_per_rule_and_object_and_told(db, people):
    lin = await people.make("lin")
    first = await earn(people, lin.id, Ledger.POINTS, "WORK_FEATURED")
    again = await earn(people, lin.id, Ledger.POINTS, "WORK_FEATURED")
    assert first is not None and first.amount == 100 and again is None
    assert await chain(lin.id, Ledger.POINTS) == 100
    [note] = await Notification.filter(recipient_id=lin.id, kind=NotificationKind.REWARD)
    assert note.text == "+100 points: a test."


async def test_caps_limit_what_one_day_and_one_life_earn(db, people):
    lin = await people.make("lin")
    for n in range(12):
        await earn(
            people,
            lin.id,
            Ledger.CONTRIBUTION,
            "DAILY_INTERACTION",
            ledger.Reference.of("COMMENT", n),
        )
    assert await chain(lin.id, Ledger.CONTRIBUTION) == 10
    year = ledger.calendar((await people.context(None)).settings)[1]
    assert (await ContributionYear.get(user_id=lin.id, year=year)).total == 10
    await earn(people, lin.id, Ledger.POINTS, "PROFILE_COMPLETED", None, key="PROFILE_COMPLETED")
    await earn(people, lin.id, Ledger.POINTS, "PROFILE_COMPLETED", None, key="again")
    assert await chain(lin.id, Ledger.POINTS) == 50


async def test_a_suspended_or_banned_account_or_an_inactive_rule_earns_nothing(db, people):
    kai = await people.make("kai", state=AccountState.SUSPENDED, until_days=3)
    zoe = await people.make("zoe", state=AccountState.BANNED)
    assert await earn(people, kai.id, Ledger.POINTS, "WORK_FEATURED") is None
    assert await earn(people, zoe.id, Ledger.POINTS, "WORK_FEATURED") is None
    lin = await people.make("lin")
    admin = await people.make("ann", role=ledger_rules.policies.PlatformRole.ADMIN)
    await ledger_rules.update_rule(
        await people.context(admin),
        Ledger.POINTS,
        "WORK_FEATURED",
        ledger_rules.RuleChanges(active=False),
    )
    assert await earn(people, lin.id, Ledger.POINTS, "WORK_FEATURED") is None


async def test_shares_add_up_to_the_amount(db, people):
    a, b, c = [await people.make(h) for h in ("lin", "kai", "zoe")]
    ctx = await people.context(None)
    async with writing(ctx.hub) as log:
        payout = ledger.Payout(log, ctx.settings, actor_id=None, cause="featured")
        await payout.earn_shared(
            [a.id, b.id, c.id, a.id], Ledger.CONTRIBUTION, "WORK_FEATURED", POST
        )
    assert [await ledger.balance(Ledger.CONTRIBUTION, u.id) for u in (a, b, c)] == [15, 8, 7]


async def test_spends_are_guarded_keyed_and_concurrent(db, people):
    lin = await people.make("lin")
    await earn(people, lin.id, Ledger.POINTS, "WORK_FEATURED")  # 100

    async def one(n):
        try:
            await spend(people, lin.id, 1, f"spend-{n}")
            return True
        except InsufficientPoints:
            return False

    results = await asyncio.gather(*(one(n) for n in range(130)))
    assert results.count(True) == 100
    assert await chain(lin.id, Ledger.POINTS) == 0
    with pytest.raises(InsufficientPoints):
        await spend(people, lin.id, 1, "one-more")
    entry, created = await spend(people, lin.id, 1, "spend-0")
    assert not created and entry.amount == -1
    with pytest.raises(Conflict):
        await spend(people, lin.id, 2, "spend-0")


async def test_a_reversal_takes_what_is_there_and_a_restoration_gives_it_back(db, people):
    lin = await people.make("lin")
    await earn(people, lin.id, Ledger.POINTS, "WORK_FEATURED")
    await earn(people, lin.id, Ledger.CONTRIBUTION, "WORK_FEATURED")
    await spend(people, lin.id, 70, "perk-1")
    ctx = await people.context(None)
    for _ in range(2):  # removed twice: the second time there is nothing left to take
        async with writing(ctx.hub) as log:
            await reversals.reverse_earnings(
                log, ctx.settings, POST, actor_id=None, cause="removed"
            )
    assert await chain(lin.id, Ledger.POINTS) == 0
    assert await chain(lin.id, Ledger.CONTRIBUTION) == 0
    for _ in range(2):
        async with writing(ctx.hub) as log:
            await reversals.restore_earnings(
                log, ctx.settings, POST, actor_id=None, cause="restored"
            )
    assert await chain(lin.id, Ledger.POINTS) == 30
    assert await chain(lin.id, Ledger.CONTRIBUTION) == 30
