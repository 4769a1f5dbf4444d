"""Taking back what content earned when moderation removes it, and giving it back when the
removal is undone.

Entries are never edited: a REVERSED entry compensates the earnings of a post, an episode, a
comment or a credit (as far as the balance goes: never below zero), a RESTORED entry gives back
exactly what reversals took. Both read what the reference earned, was reversed and restored
under the account's lock, so removing or restoring twice doubles nothing.
"""

from __future__ import annotations

from typing import Any

from resolvers.changes import ChangeLog
from resolvers.ledger import (
    Payout,
    Reference,
    balance,
    calendar,
    lock_account,
    post_entry,
    year_total,
)
from server.models import Ledger, LedgerEntry, LedgerEntryKind
from server.settings import Settings


async def _nets(reference: Reference) -> dict[tuple[int, Ledger], dict[str, Any]]:
    """Per account, what `reference` earned under rules, what was reversed and restored."""
    rows = await LedgerEntry.filter(
        reference_type=reference.type, reference_id=reference.id
    ).values("user_id", "ledger", "kind", "amount", "rule")
    nets: dict[tuple[int, Ledger], dict[str, Any]] = {}
    for row in rows:
        slot = nets.setdefault(
            (row["user_id"], Ledger(row["ledger"])),
            {"earned": 0, "reversed": 0, "restored": 0, "rule": None},
        )
        kind = LedgerEntryKind(row["kind"])
        if kind == LedgerEntryKind.EARNED:
            slot["earned"] += row["amount"]
            slot["rule"] = slot["rule"] or row["rule"]
        elif kind == LedgerEntryKind.REVERSED:
            slot["reversed"] -= row["amount"]
        elif kind == LedgerEntryKind.RESTORED:
            slot["restored"] += row["amount"]
    return nets


async def reverse_earnings(
    log: ChangeLog,
    settings: Settings,
    reference: Reference,
    *,
    actor_id: int | None,
    cause: str,
    post_id: int | None = None,
    episode_id: int | None = None,
) -> None:
    """Compensate what `reference` earned, for each account that still holds it: a REVERSED
    entry of what it earned less what was reversed already, taken only as far as the balance
    (and, for contribution, this year's total) goes: never below zero. Told to each person."""
    payout = Payout(
        log, settings, actor_id=actor_id, cause=cause, post_id=post_id, episode_id=episode_id
    )
    await _settle(payout, reference, LedgerEntryKind.REVERSED)


async def restore_earnings(
    log: ChangeLog,
    settings: Settings,
    reference: Reference,
    *,
    actor_id: int | None,
    cause: str,
    post_id: int | None = None,
    episode_id: int | None = None,
) -> None:
    """Give back what reversals of `reference` took, when the removal is undone."""
    payout = Payout(
        log, settings, actor_id=actor_id, cause=cause, post_id=post_id, episode_id=episode_id
    )
    await _settle(payout, reference, LedgerEntryKind.RESTORED)


async def _owed(
    settings: Settings, ledger: Ledger, user_id: int, slot: dict[str, Any], kind: LedgerEntryKind
) -> int:
    """How much a REVERSED entry takes (what the account still holds of the reference's
    earnings, as far as its balance goes) or a RESTORED one gives back (what reversals took and
    nothing gave back yet)."""
    if kind == LedgerEntryKind.RESTORED:
        return int(slot["reversed"] - slot["restored"])
    held = slot["earned"] - slot["reversed"] + slot["restored"]
    take = min(held, await balance(ledger, user_id))
    if ledger == Ledger.CONTRIBUTION:
        take = min(take, await year_total(user_id, calendar(settings)[1]))
    return int(take)


async def _settle(payout: Payout, reference: Reference, kind: LedgerEntryKind) -> None:
    """One entry of `kind` per account that `reference` earned in, each worked out under the
    account's lock; then each person is told."""
    log, settings = payout.log, payout.settings
    await log.order_events()
    for user_id, ledger in sorted(await _nets(reference)):
        await lock_account(log, ledger, user_id)
        slot = (await _nets(reference))[(user_id, ledger)]
        owed = await _owed(settings, ledger, user_id, slot, kind)
        if owed <= 0:
            continue
        entry = await post_entry(
            settings,
            ledger,
            user_id,
            owed if kind == LedgerEntryKind.RESTORED else -owed,
            kind=kind,
            rule=slot["rule"],
            reason=payout.cause,
            reference=reference,
            actor_id=payout.actor_id,
        )
        payout.entries[user_id].append(entry)
    await payout.finish()
