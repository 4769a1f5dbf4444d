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
    await log.order_events()
    payout = Payout(
        log, settings, actor_id=actor_id, cause=cause, post_id=post_id, episode_id=episode_id
    )
    for user_id, ledger in sorted(await _nets(reference)):
        await lock_account(log, ledger, user_id)
        slot = (await _nets(reference))[(user_id, ledger)]
        held = slot["earned"] - slot["reversed"] + slot["restored"]
        take = min(held, await balance(ledger, user_id))
        if ledger == Ledger.CONTRIBUTION:
            take = min(take, await year_total(user_id, calendar(settings)[1]))
        if take <= 0:
            continue
        entry = await post_entry(
            settings,
            ledger,
            user_id,
            -take,
            kind=LedgerEntryKind.REVERSED,
            rule=slot["rule"],
            reason=cause,
            reference=reference,
            actor_id=actor_id,
        )
        payout.entries[user_id].append(entry)
    await payout.finish()


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
    await log.order_events()
    payout = Payout(
        log, settings, actor_id=actor_id, cause=cause, post_id=post_id, episode_id=episode_id
    )
    for user_id, ledger in sorted(await _nets(reference)):
        await lock_account(log, ledger, user_id)
        slot = (await _nets(reference))[(user_id, ledger)]
        owed = slot["reversed"] - slot["restored"]
        if owed <= 0:
            continue
        entry = await post_entry(
            settings,
            ledger,
            user_id,
            owed,
            kind=LedgerEntryKind.RESTORED,
            rule=slot["rule"],
            reason=cause,
            reference=reference,
            actor_id=actor_id,
        )
        payout.entries[user_id].append(entry)
    await payout.finish()
