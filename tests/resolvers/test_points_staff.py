"""Points that staff move as use cases: admins' corrections (audited, told, never below zero,
never their own) and activity recorded for a back-office client (both ledgers, once per key,
nothing for sanctioned accounts or capped rules), and who is refused how."""

from __future__ import annotations

import asyncio

import pytest

from resolvers import ledger, points
from server.errors import (
    AccountSuspended,
    Conflict,
    Forbidden,
    InsufficientPoints,
    InvalidInput,
    NotAuthenticated,
    NotFound,
)
from server.models import (
    AccountState,
    AuditEntry,
    AuditKind,
    Ledger,
    LedgerEntry,
    LedgerEntryKind,
    Notification,
    NotificationKind,
    PlatformRole,
)
from tests.resolvers.test_points import chain, grant


async def adjust(people, admin, amount=50, key="fix-0001", handle="lin", reason="Lost voucher"):
    return await points.adjust_points(await people.context(admin), handle, amount, reason, key)


async def record(people, staff, rule="REFERRAL_PURCHASE", ref="ORDER:SO-1", key="purchase-1"):
    return await points.record_activity(await people.context(staff), "lin", rule, ref, key)


# --- corrections ---------------------------------------------------------------------------------


async def test_an_admin_corrects_points_once_per_key_audited_and_told(people):
    ann = await people.make("ann", PlatformRole.ADMIN)
    lin = await people.make("lin")

    added = await adjust(people, ann, 50)
    retry = await adjust(people, ann, 50)
    taken = await adjust(people, ann, -20, key="fix-0002", reason="Double credit")

    assert (added.balance, retry.balance, taken.balance) == (50, 50, 30)
    assert retry.entry.id == added.entry.id
    entry = added.entry
    assert (entry.kind, entry.amount, entry.actor_id) == (LedgerEntryKind.ADJUSTED, 50, ann.id)
    assert entry.reason == "Lost voucher"
    assert await chain(lin.id) == 30
    audits = await AuditEntry.filter(kind=AuditKind.POINTS_ADJUSTED).order_by("id")
    assert [(a.actor_id, a.affected_user_id, a.detail["amount"]) for a in audits] == [
        (ann.id, lin.id, 50),
        (ann.id, lin.id, -20),
    ]
    told = await Notification.filter(recipient_id=lin.id).order_by("id")
    assert [(n.kind, n.text, n.actor_id) for n in told] == [
        (NotificationKind.REWARD, "+50 points, a correction by staff: Lost voucher", None),
        (NotificationKind.REWARD, "-20 points, a correction by staff: Double credit", None),
    ]
    with pytest.raises(Conflict):
        await adjust(people, ann, 60)


async def test_a_correction_never_takes_a_balance_below_zero(people):
    ann = await people.make("ann", PlatformRole.ADMIN)
    lin = await people.make("lin")
    await grant(people, lin.id, 10)
    with pytest.raises(InsufficientPoints) as refused:
        await adjust(people, ann, -11)
    assert refused.value.balance == 10
    assert await chain(lin.id) == 10
    assert await AuditEntry.filter(kind=AuditKind.POINTS_ADJUSTED).count() == 0
    assert await Notification.all().count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -1_000_001}, "amount"),
        ({"reason": ""}, "reason"),
        ({"key": "k"}, "idempotencyKey"),
        ({"handle": "no such!"}, "handle"),
    ],
)
async def test_a_correction_with_bad_input_changes_nothing(people, changes, field):
    ann = await people.make("ann", PlatformRole.ADMIN)
    await people.make("lin")
    with pytest.raises(InvalidInput) as refused:
        await adjust(people, ann, **changes)
    assert refused.value.field == field
    assert await LedgerEntry.all().count() == 0


async def test_corrections_are_for_admins_in_good_standing_and_never_their_own(people):
    lin = await people.make("lin")
    mia = await people.make("mia", PlatformRole.MODERATOR)
    ivy = await people.make("ivy", PlatformRole.ADMIN, AccountState.SILENCED, until_days=3)
    ann = await people.make("ann", PlatformRole.ADMIN)
    with pytest.raises(NotAuthenticated):
        await adjust(people, None)
    for refused in (lin, mia):
        with pytest.raises(Forbidden):
            await adjust(people, refused)
    with pytest.raises(AccountSuspended) as silenced:
        await adjust(people, ivy)
    assert silenced.value.reason == "ACCOUNT_SILENCED"
    with pytest.raises(Forbidden):
        await adjust(people, ann, handle="ann")
    with pytest.raises(NotFound):
        await adjust(people, ann, handle="nobody_here")
    assert await LedgerEntry.all().count() == 0


# --- recorded activity ---------------------------------------------------------------------------


async def test_staff_record_activity_in_both_ledgers_once_per_key(people):
    mia = await people.make("mia", PlatformRole.MODERATOR)
    lin = await people.make("lin")

    first = await record(people, mia)
    retry = await record(people, mia)

    assert first.credited and retry.credited
    assert first.points is not None and first.contribution is not None
    assert (first.points.rule, first.points.amount, first.points.actor_id) == (
        "REFERRAL_PURCHASE",
        2_000,
        mia.id,
    )
    assert (first.points.reference_type, first.points.reference_id) == ("ORDER", "SO-1")
    assert first.contribution.amount == 100
    assert (retry.points.id, retry.contribution.id) == (first.points.id, first.contribution.id)
    assert await chain(lin.id) == 2_000 and await chain(lin.id, Ledger.CONTRIBUTION) == 100
    [told] = await Notification.filter(recipient_id=lin.id)
    assert (told.kind, told.text) == (
        NotificationKind.REWARD,
        "+2000 points and +100 contribution: a friend you invited bought a car.",
    )
    [audited] = await AuditEntry.filter(kind=AuditKind.ACTIVITY_RECORDED)
    assert (audited.actor_id, audited.affected_user_id) == (mia.id, lin.id)
    assert audited.detail["points"] == 2_000 and audited.detail["reference"] == "ORDER:SO-1"
    # The same key for another activity is a mistake the client must hear of.
    for rule, ref in (("REFERRAL_TEST_DRIVE", "ORDER:SO-1"), ("REFERRAL_PURCHASE", "ORDER:SO-2")):
        with pytest.raises(Conflict):
            await record(people, mia, rule, ref)


async def test_a_rule_only_points_have_earns_no_contribution(people):
    mia = await people.make("mia", PlatformRole.MODERATOR)
    lin = await people.make("lin")
    done = await record(people, mia, "CHARGING_MAP_CONTRIBUTION", "MAP:station-9", "map-edit-9")
    assert done.credited and done.contribution is None
    assert done.points is not None and done.points.amount == 10
    assert await ledger.balance(Ledger.CONTRIBUTION, lin.id) == 0


async def test_a_capped_rule_or_a_sanctioned_account_earns_nothing_but_is_recorded(people):
    mia = await people.make("mia", PlatformRole.MODERATOR)
    lin = await people.make("lin")
    for n in range(5):  # the test-drive rule's points stop at 1,000 in all
        await record(people, mia, "REFERRAL_TEST_DRIVE", f"TEST_DRIVE:{n}", f"drive-000{n}")
    capped = await record(people, mia, "REFERRAL_TEST_DRIVE", "TEST_DRIVE:5", "drive-0005")
    assert (capped.credited, capped.points, capped.contribution) == (False, None, None)
    assert await chain(lin.id) == 1_000 and await chain(lin.id, Ledger.CONTRIBUTION) == 50

    for handle, state in (("kai", AccountState.SUSPENDED), ("zoe", AccountState.BANNED)):
        await people.make(handle, state=state, until_days=3)
        done = await points.record_activity(
            await people.context(mia), handle, "REFERRAL_PURCHASE", "ORDER:SO-9", "purchase-9"
        )
        assert (done.credited, done.points, done.contribution) == (False, None, None)
    assert await AuditEntry.filter(kind=AuditKind.ACTIVITY_RECORDED).count() == 8
    assert await Notification.filter(recipient_id__not=lin.id).count() == 0


async def test_twenty_retries_at_once_of_one_activity_earn_once(people):
    mia = await people.make("mia", PlatformRole.MODERATOR)
    lin = await people.make("lin")
    contexts = [await people.context(mia) for _ in range(20)]

    answers = await asyncio.gather(
        *(
            points.record_activity(ctx, "lin", "REFERRAL_PURCHASE", "ORDER:SO-1", "purchase-1")
            for ctx in contexts
        )
    )

    assert len({(a.points.id, a.contribution.id) for a in answers}) == 1
    assert await chain(lin.id) == 2_000 and await chain(lin.id, Ledger.CONTRIBUTION) == 100
    assert await Notification.filter(recipient_id=lin.id).count() == 1


@pytest.mark.parametrize(
    ("rule", "ref", "key", "field"),
    [
        ("WORK_FEATURED", "ORDER:1", "purchase-1", "rule"),
        ("DAILY_CHECK_IN", "ORDER:1", "purchase-1", "rule"),
        ("REFERRAL_PURCHASE", "", "purchase-1", "reference"),
        ("REFERRAL_PURCHASE", "KOC_ROLE:1", "purchase-1", "reference"),
        ("REFERRAL_PURCHASE", "ORDER:1", "p1", "idempotencyKey"),
    ],
)
async def test_recording_bad_input_changes_nothing(people, rule, ref, key, field):
    mia = await people.make("mia", PlatformRole.MODERATOR)
    await people.make("lin")
    with pytest.raises(InvalidInput) as refused:
        await record(people, mia, rule, ref, key)
    assert refused.value.field == field
    assert await LedgerEntry.all().count() == 0 and await AuditEntry.all().count() == 0


async def test_recording_is_for_staff_in_good_standing_and_never_their_own(people):
    await people.make("lin")
    kai = await people.make("kai")
    rui = await people.make("rui", PlatformRole.MODERATOR, AccountState.SILENCED, until_days=3)
    mia = await people.make("mia", PlatformRole.MODERATOR)
    with pytest.raises(NotAuthenticated):
        await record(people, None)
    with pytest.raises(Forbidden):
        await record(people, kai)
    with pytest.raises(AccountSuspended):
        await record(people, rui)
    with pytest.raises(Forbidden):
        await points.record_activity(
            await people.context(mia), "mia", "REFERRAL_PURCHASE", "ORDER:1", "purchase-1"
        )
    with pytest.raises(NotFound):
        await points.record_activity(
            await people.context(mia), "nobody_here", "REFERRAL_PURCHASE", "ORDER:1", "purchase-1"
        )
    assert await LedgerEntry.all().count() == 0


async def test_an_entry_is_read_by_its_owner_and_staff_alone(people):
    lin, kai = await people.make("lin"), await people.make("kai")
    mia = await people.make("mia", PlatformRole.MODERATOR)
    await grant(people, lin.id, 10)
    entry = await LedgerEntry.get(user_id=lin.id)
    for viewer, seen in ((lin, True), (mia, True), (kai, False), (None, False)):
        found = await points.visible_entry(await people.context(viewer), Ledger.POINTS, entry.id)
        assert (found is not None) == seen
    assert (
        await points.visible_entry(await people.context(lin), Ledger.CONTRIBUTION, entry.id) is None
    )
