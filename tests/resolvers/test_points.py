"""Points as use cases: the daily check-in and its streak, spends that are guarded and keyed,
admins' corrections, activity staff record for a back-office client, who is refused how, and
the figures the ledger promises under concurrency (200 spends against 100 points, 50 check-ins
at once, 20 retries of one key), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from resolvers import ledger, ledger_rules, points
from resolvers.changes import writing
from server.errors import (
    AccountSuspended,
    Conflict,
    InsufficientPoints,
    InvalidInput,
    NotAuthenticated,
)
from server.models import (
    AccountState,
    ChangeEvent,
    CheckIn,
    Ledger,
    LedgerEntry,
    LedgerEntryKind,
    Notification,
    PlatformRole,
)


async def grant(people, user_id: int, amount: int) -> None:
    """Points to spend, as an admin's correction would give them."""
    ctx = await people.context(None)
    async with writing(ctx.hub) as log:
        await ledger.charge(
            log,
            ctx.settings,
            Ledger.POINTS,
            user_id,
            amount,
            kind=LedgerEntryKind.ADJUSTED,
            key=f"seed:{user_id}:{amount}",
            reason="seed",
        )


async def chain(user_id: int, book: Ledger = Ledger.POINTS) -> int:
    """The balance, having checked that each entry's balance_after follows from the one
    before and that the account's balance is the last of them."""
    running = 0
    for entry in await LedgerEntry.filter(user_id=user_id, ledger=book).order_by("id"):
        running += entry.amount
        assert entry.balance_after == running >= 0
    assert await ledger.balance(book, user_id) == running
    return running


async def spend(people, user, amount=1, key="order-0001", reason="A charging voucher", ref=None):
    ctx = await people.context(user)
    return await points.spend_points(ctx, amount, reason, ref, key)


# --- references and keys -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ORDER:SO-2026-0042", ("ORDER", "SO-2026-0042")),
        ("order:SO-1:a", ("ORDER", "SO-1:a")),
        ("SO-2026-0042", ("EXTERNAL", "SO-2026-0042")),
    ],
)
def test_a_reference_splits_at_the_first_colon_or_is_external(text, expected):
    assert points.reference(text) == ledger.Reference(*expected)
    assert points.reference("  ") is None


@pytest.mark.parametrize(
    "text",
    ["POST:7", "comment:3", "ORDER:", ":12", "ORDER:SO 1", "A" * 21 + ":1", "X" * 101, "单:1"],
)
def test_a_reference_that_could_pass_for_ours_or_is_malformed_is_refused(text):
    with pytest.raises(InvalidInput) as refused:
        points.reference(text)
    assert refused.value.field == "reference"


@pytest.mark.parametrize("key", ["short", "k" * 101, "has space 1", "semi;colon1", "ключ-1234"])
def test_an_idempotency_key_is_8_to_100_plain_characters(key):
    with pytest.raises(InvalidInput):
        points.idempotency_key(key)
    assert points.idempotency_key("SO-2026.0042:try_1") == "SO-2026.0042:try_1"


# --- the daily check-in --------------------------------------------------------------------------


async def test_a_check_in_earns_once_a_day_and_a_second_one_writes_nothing(people):
    lin = await people.make("lin")

    first = await points.check_in(await people.context(lin))
    again = await points.check_in(await people.context(lin))

    assert (first.streak, first.already, first.balance) == (1, False, 5)
    assert [(e.rule, e.amount) for e in first.entries] == [("DAILY_CHECK_IN", 5)]
    assert (again.day, again.streak, again.already, again.balance) == (first.day, 1, True, 5)
    assert [e.id for e in again.entries] == [e.id for e in first.entries]
    assert first.day == ledger.calendar((await people.context(None)).settings)[0]
    assert await CheckIn.filter(user_id=lin.id).count() == 1
    assert await chain(lin.id) == 5
    # Self-caused: nobody is told, and no change event is written.
    assert await Notification.filter(recipient_id=lin.id).count() == 0
    assert await ChangeEvent.all().count() == 0


async def test_every_seventh_day_in_a_row_earns_the_streak_bonus_and_a_gap_starts_over(people):
    lin, kai = await people.make("lin"), await people.make("kai")
    today = ledger.calendar((await people.context(None)).settings)[0]
    for back in range(1, 7):  # lin checked in on the six days before today
        await CheckIn.create(user_id=lin.id, day=today - timedelta(days=back), streak=7 - back)
    await CheckIn.create(user_id=kai.id, day=today - timedelta(days=2), streak=6)

    seventh = await points.check_in(await people.context(lin))
    after_a_gap = await points.check_in(await people.context(kai))

    assert seventh.streak == 7
    assert [(e.rule, e.amount) for e in seventh.entries] == [
        ("DAILY_CHECK_IN", 5),
        ("CHECK_IN_STREAK_7", 20),
    ]
    assert seventh.balance == 25 and await chain(lin.id) == 25
    assert (after_a_gap.streak, after_a_gap.balance) == (1, 5)


async def test_a_check_in_under_an_inactive_rule_counts_the_day_but_earns_nothing(people):
    ann = await people.make("ann", PlatformRole.ADMIN)
    lin = await people.make("lin")
    await ledger_rules.update_rule(
        await people.context(ann),
        Ledger.POINTS,
        "DAILY_CHECK_IN",
        ledger_rules.RuleChanges(active=False),
    )
    done = await points.check_in(await people.context(lin))
    assert (done.streak, done.entries, done.balance) == (1, [], 0)


async def test_fifty_check_ins_at_once_make_one_row_and_one_entry(people):
    lin = await people.make("lin")
    contexts = [await people.context(lin) for _ in range(50)]

    done = await asyncio.gather(*(points.check_in(ctx) for ctx in contexts))

    assert sorted(d.already for d in done) == [False] + [True] * 49
    assert {d.balance for d in done} == {5}
    assert await CheckIn.filter(user_id=lin.id).count() == 1
    assert await LedgerEntry.filter(user_id=lin.id, rule="DAILY_CHECK_IN").count() == 1
    assert await chain(lin.id) == 5


@pytest.mark.parametrize(
    ("state", "until_days", "reason"),
    [
        (AccountState.SUSPENDED, 3, "ACCOUNT_SUSPENDED"),
        (AccountState.BANNED, None, "ACCOUNT_BANNED"),
    ],
)
async def test_check_in_refuses_suspended_and_banned_accounts(people, state, until_days, reason):
    kai = await people.make("kai", state=state, until_days=until_days)
    with pytest.raises(AccountSuspended) as refused:
        await points.check_in(await people.context(kai))
    assert refused.value.reason == reason
    with pytest.raises(NotAuthenticated):
        await points.check_in(await people.context(None))
    assert await CheckIn.all().count() == 0 and await LedgerEntry.all().count() == 0


# --- spending ------------------------------------------------------------------------------------


async def test_a_spend_is_charged_once_per_key_and_a_key_cannot_change_its_amount(people):
    lin = await people.make("lin")
    await grant(people, lin.id, 100)

    first = await spend(people, lin, 30, ref="ORDER:SO-2026-0042")
    retry = await spend(people, lin, 30, ref="ORDER:SO-2026-0042")

    assert first.balance == retry.balance == 70
    assert retry.entry.id == first.entry.id
    entry = first.entry
    assert (entry.kind, entry.amount, entry.balance_after) == (LedgerEntryKind.SPENT, -30, 70)
    assert (entry.reference_type, entry.reference_id) == ("ORDER", "SO-2026-0042")
    assert (entry.reason, entry.actor_id) == ("A charging voucher", None)
    with pytest.raises(Conflict):
        await spend(people, lin, 31)
    assert await chain(lin.id) == 70
    # The hot path writes no change event (and so never takes the event lock).
    assert await ChangeEvent.all().count() == 0


async def test_a_spend_larger_than_the_balance_charges_nothing(people):
    lin = await people.make("lin")
    await grant(people, lin.id, 10)
    with pytest.raises(InsufficientPoints) as refused:
        await spend(people, lin, 11)
    assert refused.value.balance == 10
    with pytest.raises(InsufficientPoints) as never_had:
        await spend(people, await people.make("kai"), 1)
    assert never_had.value.balance == 0
    assert await chain(lin.id) == 10 and await LedgerEntry.filter(kind="SPENT").count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": 1_000_001}, "amount"),
        ({"reason": " "}, "reason"),
        ({"reason": "x" * 201}, "reason"),
        ({"key": "short"}, "idempotencyKey"),
        ({"ref": "POST:1"}, "reference"),
    ],
)
async def test_a_spend_with_bad_input_changes_nothing(people, changes, field):
    lin = await people.make("lin")
    await grant(people, lin.id, 100)
    with pytest.raises(InvalidInput) as refused:
        await spend(people, lin, **changes)
    assert refused.value.field == field
    assert await chain(lin.id) == 100


async def test_a_spend_refuses_anonymous_suspended_and_banned_accounts(people):
    kai = await people.make("kai", state=AccountState.SUSPENDED, until_days=3)
    zoe = await people.make("zoe", state=AccountState.BANNED)
    rui = await people.make("rui", state=AccountState.SILENCED, until_days=3)
    for user in (kai, zoe, rui):
        await grant(people, user.id, 10)
    with pytest.raises(NotAuthenticated):
        await spend(people, None)
    for user in (kai, zoe):
        with pytest.raises(AccountSuspended):
            await spend(people, user)
    assert (await spend(people, rui)).balance == 9  # silenced accounts still write
    assert await LedgerEntry.filter(kind="SPENT").count() == 1


async def test_two_hundred_spends_at_once_against_a_hundred_points_leave_exactly_zero(people):
    lin = await people.make("lin")
    await grant(people, lin.id, 100)
    contexts = [await people.context(lin) for _ in range(200)]

    async def one(n: int) -> str:
        try:
            await points.spend_points(contexts[n], 1, "A sticker", None, f"sticker-{n:04d}")
        except InsufficientPoints as refused:
            assert refused.balance == 0
            return "refused"
        return "spent"

    results = await asyncio.gather(*(one(n) for n in range(200)))

    assert results.count("spent") == 100 and results.count("refused") == 100
    assert await chain(lin.id) == 0
    assert await LedgerEntry.filter(user_id=lin.id, kind="SPENT").count() == 100


async def test_twenty_retries_at_once_of_one_key_charge_once_and_answer_alike(people):
    lin = await people.make("lin")
    await grant(people, lin.id, 100)
    contexts = [await people.context(lin) for _ in range(20)]

    answers = await asyncio.gather(
        *(points.spend_points(ctx, 25, "A wall box", "ORDER:WB-7", "wallbox-7") for ctx in contexts)
    )

    assert {(a.entry.id, a.entry.amount, a.balance) for a in answers} == {
        (answers[0].entry.id, -25, 75)
    }
    assert await LedgerEntry.filter(user_id=lin.id, kind="SPENT").count() == 1
    assert await chain(lin.id) == 75
