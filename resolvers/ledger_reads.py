"""Reading the ledgers and the club: who may read an account's history, its entries page by
page, and a person's contribution and club seats.

A points balance and both ledgers' entries are their owner's and staff's alone; a person's
contribution (total and this year's) and their club seats in force are public, like a badge.
"""

from __future__ import annotations

from datetime import UTC, datetime

from moderation import policies
from resolvers.context import Context
from resolvers.ledger import calendar
from resolvers.pagination import Listing, Page, id_key, keyset_page
from server.models import ClubMembership, Ledger, LedgerEntry

ENTRIES = {
    Ledger.POINTS: Listing("pointsEntries", id_key(big=True)),
    Ledger.CONTRIBUTION: Listing("contributionEntries", id_key(big=True)),
}


def may_read_account(ctx: Context, user_id: int) -> bool:
    """The account's owner and platform staff in good standing."""
    viewer = ctx.viewer
    return viewer is not None and (viewer.id == user_id or policies.is_staff(viewer))


async def list_entries(
    ctx: Context, user_id: int, ledger: Ledger, first: int, after: str | None
) -> Page[LedgerEntry] | None:
    """The account's entries, newest first; None for anyone but its owner and staff."""
    if not may_read_account(ctx, user_id):
        return None
    query = LedgerEntry.filter(user_id=user_id, ledger=ledger)
    return await keyset_page(query, ENTRIES[ledger], first=first, after=after)


def this_year(ctx: Context) -> int:
    return calendar(ctx.settings)[1]


def in_force(membership: ClubMembership, now: datetime | None = None) -> bool:
    """Whether a seat counts now: begun, not ended, not revoked."""
    moment = now or datetime.now(UTC)
    return membership.revoked_at is None and membership.starts_at <= moment < membership.ends_at
