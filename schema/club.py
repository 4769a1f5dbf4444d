"""The contribution leaderboard and the club: ranks by a year's contribution, admins granting
and revoking seats, and the yearly run that seats the top contributors."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import club as cases
from resolvers import leaderboard
from resolvers.context import Context
from schema.enums import ClubKind
from schema.errors import ConflictError, NotFoundError, ValidationError
from schema.ledger_types import ClubMembership
from schema.relay import Connection, decode_pk, page_size, to_connection
from schema.users import User


@strawberry.type(description="A place on the contribution leaderboard.")
class ContributionRank:
    rank: int = strawberry.field(
        description="The place, from 1: by the year's total, a tie going to whoever reached "
        "the total first."
    )
    user: User = strawberry.field(description="Who holds it.")
    total: int = strawberry.field(description="Their contribution in the year.")
    reached_at: datetime = strawberry.field(description="When they reached that total.")

    @classmethod
    def from_ranked(cls, ranked: leaderboard.Ranked) -> ContributionRank:
        return cls(
            rank=ranked.rank,
            user=User.from_row(ranked.user),
            total=ranked.total,
            reached_at=ranked.reached_at,
        )


@strawberry.input(description="A FOUNDER or SPONSOR seat to give someone, from now.")
class GrantClubMembershipInput:
    handle: str = strawberry.field(description="Who receives it.")
    kind: ClubKind = strawberry.field(
        description="FOUNDER (a 10-year term) or SPONSOR (1 year); top contributors take "
        "their seats by the yearly run."
    )
    reason: str = strawberry.field(description="Why, for the audit log (1 to 500 characters).")


@strawberry.type(description="The seat is granted; its holder was told.")
class GrantClubMembershipSuccess:
    membership: ClubMembership = strawberry.field(description="The new seat.")
    user: User = strawberry.field(description="Who holds it.")


GrantClubMembershipResult = Annotated[
    GrantClubMembershipSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("GrantClubMembershipResult"),
]


@strawberry.input(description="A seat to end before its term.")
class RevokeClubMembershipInput:
    membership_id: strawberry.ID = strawberry.field(description="The seat, begun or not.")
    reason: str = strawberry.field(description="Why, told to its holder (1 to 500 characters).")


@strawberry.type(description="The seat is revoked; its holder was told.")
class RevokeClubMembershipSuccess:
    membership: ClubMembership = strawberry.field(description="The seat, with when it was revoked.")


RevokeClubMembershipResult = Annotated[
    RevokeClubMembershipSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("RevokeClubMembershipResult"),
]


@strawberry.input(description="The contribution year whose top contributors to seat.")
class RunClubAnnualInput:
    year: int = strawberry.field(
        description="A year that has ended in the community's time zone; its top "
        "contributors hold seats for the year after it."
    )


@strawberry.type(description="The year's run: what it did, or what it did the first time.")
class RunClubAnnualSuccess:
    year: int = strawberry.field(description="The contribution year.")
    seats: int = strawberry.field(description="The seats the run had to fill.")
    granted: int = strawberry.field(
        description="The seats it filled (fewer when fewer people in good standing contributed)."
    )
    already_run: bool = strawberry.field(
        description="The year was run before: nothing changed, and these are that run's figures."
    )


RunClubAnnualResult = Annotated[
    RunClubAnnualSuccess | ValidationError, strawberry.union("RunClubAnnualResult")
]


@strawberry.type
class ClubQueries:
    @strawberry.field(
        description="A year's contributors ranked by their contribution that year (this year "
        "by default; 2000 to 2100), ties going to whoever reached the total first. Banned "
        "accounts are left out. Public."
    )
    async def contribution_leaderboard(
        self,
        info: Info[Context, None],
        year: int | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ContributionRank]:
        ctx = info.context
        size = page_size(ctx.settings, first)
        page = await leaderboard.list_leaderboard(ctx, year, size, after)
        return to_connection(page, ContributionRank.from_ranked)


@strawberry.type
class ClubMutations:
    @strawberry.mutation(
        description="Give someone a FOUNDER (10 years) or SPONSOR (1 year) seat from now, "
        "telling them. Admins only."
    )
    async def grant_club_membership(
        self, info: Info[Context, None], input: GrantClubMembershipInput
    ) -> GrantClubMembershipResult:
        granted = await cases.grant_membership(info.context, input.handle, input.kind, input.reason)
        return GrantClubMembershipSuccess(
            membership=ClubMembership.from_row(granted.membership),
            user=User.from_row(granted.user),
        )

    @strawberry.mutation(
        description="End a seat before its term, telling its holder why. Admins only."
    )
    async def revoke_club_membership(
        self, info: Info[Context, None], input: RevokeClubMembershipInput
    ) -> RevokeClubMembershipResult:
        pk = decode_pk(input.membership_id, "ClubMembership")
        row = await cases.revoke_membership(info.context, pk, input.reason)
        return RevokeClubMembershipSuccess(membership=ClubMembership.from_row(row))

    @strawberry.mutation(
        description="Seat an ended year's top contributors for the next year, once per year "
        "(`python -m server club-annual` does the same). Admins only."
    )
    async def run_club_annual(
        self, info: Info[Context, None], input: RunClubAnnualInput
    ) -> RunClubAnnualResult:
        run = await cases.run_club_annual(info.context, input.year)
        return RunClubAnnualSuccess(
            year=run.year, seats=run.seats, granted=run.granted, already_run=run.already_run
        )
