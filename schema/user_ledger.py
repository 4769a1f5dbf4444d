"""What a user's profile shows of the two ledgers and the club: `User` takes these fields.

Contribution and club seats in force are public; the points account and both ledgers' entries
are null for anyone but the user and platform staff.
"""

from __future__ import annotations

import strawberry
from strawberry import Info

from resolvers import ledger_reads
from resolvers.context import Context
from schema.ledger_types import ClubMembership, Contribution, ContributionEntry, PointsAccount
from schema.loading import now_or_later
from schema.relay import Connection, page_size, to_connection
from server import models


@strawberry.type
class UserLedgerFields:
    pk: strawberry.Private[int]

    @strawberry.field(
        description="The points balance and its history: the user's own and staff's; null "
        "for anyone else."
    )
    def points(self, info: Info[Context, None]) -> PointsAccount | None:
        if not ledger_reads.may_read_account(info.context, self.pk):
            return None
        loader = info.context.loaders.points_by_user_id
        return now_or_later(
            loader, self.pk, lambda balance: PointsAccount(balance=balance, user_pk=self.pk)
        )

    @strawberry.field(description="The user's contribution: the total and this year's.")
    def contribution(self, info: Info[Context, None]) -> Contribution:
        loader = info.context.loaders.contribution_by_user_id
        key = (self.pk, ledger_reads.this_year(info.context))
        return now_or_later(
            loader, key, lambda pair: Contribution(total=pair[0], this_year=pair[1])
        )

    @strawberry.field(
        description="The contribution ledger's entries, newest first: the user's own and "
        "staff's; null for anyone else."
    )
    async def contribution_entries(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[ContributionEntry] | None:
        ctx = info.context
        page = await ledger_reads.list_entries(
            ctx, self.pk, models.Ledger.CONTRIBUTION, page_size(ctx.settings, first), after
        )
        return to_connection(page, ContributionEntry.from_row) if page is not None else None

    @strawberry.field(description="The user's club seats in force now, shown as badges.")
    def club_memberships(self, info: Info[Context, None]) -> list[ClubMembership]:
        loader = info.context.loaders.club_by_user_id
        return now_or_later(
            loader, self.pk, lambda rows: [ClubMembership.from_row(r) for r in rows]
        )
