"""The two ledgers and the club as GraphQL types: entries, balances, rules and club seats.

These types name no user (the fields that lead to people live with the user and the
leaderboard), so `schema.users` can show them without an import cycle.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import Info

from resolvers import ledger_reads
from resolvers import ledger_rules as rules
from resolvers.context import Context
from schema.enums import ClubKind, LedgerEntryKind
from schema.relay import Connection, Node, encode_id, page_size, to_connection
from server import models

# The kinds of object an entry may name, as their GraphQL types (the others are a back-office
# client's own references, shown as they were sent).
NODE_TYPES = {
    "POST": "Post",
    "EPISODE": "RadioEpisode",
    "COMMENT": "Comment",
    "CREDIT": "Credit",
    "KOC_ROLE": "KocRole",
    "EVENT": "Event",
    "RATING": "SatisfactionRating",
}


def reference_of(row: models.LedgerEntry) -> str | None:
    if row.reference_type is None or row.reference_id is None:
        return None
    node_type = NODE_TYPES.get(row.reference_type)
    if node_type and row.reference_id.isdigit():
        return encode_id(node_type, int(row.reference_id))
    return f"{row.reference_type}:{row.reference_id}"


@strawberry.interface(description="One movement of a balance, never edited or deleted.")
class LedgerEntry(Node):
    kind: LedgerEntryKind = strawberry.field(description="Why the balance moved.")
    amount: int = strawberry.field(description="How much: positive in, negative out.")
    balance_after: int = strawberry.field(description="The balance this entry left.")
    rule: str | None = strawberry.field(
        description="The earning rule behind it (EARNED, and what a reversal takes back)."
    )
    reason: str = strawberry.field(description="Why, in a sentence.")
    reference: str | None = strawberry.field(
        description="What caused it, if anything did: the global id of a post, episode, "
        "comment, credit or KOC role, or `TYPE:id` as a back-office client recorded it "
        "(`ORDER:SO-2026-0042`)."
    )
    created_at: datetime = strawberry.field(description="When it was written.")


def _values(row: models.LedgerEntry, type_name: str) -> dict[str, object]:
    return {
        "id": encode_id(type_name, row.id),
        "kind": row.kind,
        "amount": int(row.amount),
        "balance_after": int(row.balance_after),
        "rule": row.rule,
        "reason": row.reason,
        "reference": reference_of(row),
        "created_at": row.created_at,
    }


@strawberry.type(description="One movement of a points balance.")
class PointsEntry(LedgerEntry):
    @classmethod
    def from_row(cls, row: models.LedgerEntry) -> PointsEntry:
        return cls(**_values(row, "PointsEntry"))  # type: ignore[arg-type]


@strawberry.type(description="One movement of a contribution total.")
class ContributionEntry(LedgerEntry):
    @classmethod
    def from_row(cls, row: models.LedgerEntry) -> ContributionEntry:
        return cls(**_values(row, "ContributionEntry"))  # type: ignore[arg-type]


@strawberry.type(description="A points account: its balance and history (its owner's and staff's).")
class PointsAccount:
    balance: int = strawberry.field(description="Points left to spend.")
    user_pk: strawberry.Private[int]

    @strawberry.field(description="Its entries, newest first.")
    async def entries(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[PointsEntry]:
        ctx = info.context
        page = await ledger_reads.list_entries(
            ctx, self.user_pk, models.Ledger.POINTS, page_size(ctx.settings, first), after
        )
        assert page is not None  # the account is shown to those who may read it only
        return to_connection(page, PointsEntry.from_row)


@strawberry.type(description="A person's contribution: public, never spent.")
class Contribution:
    total: int = strawberry.field(description="All contribution ever earned (less reversals).")
    this_year: int = strawberry.field(
        description="Contribution earned this calendar year (the community's time zone): what "
        "the leaderboard ranks."
    )


@strawberry.interface(description="An earning rule: what one occurrence earns, within caps.")
class EarningRule:
    key: str = strawberry.field(description="What it rewards, e.g. DAILY_CHECK_IN.")
    description: str = strawberry.field(description="What it rewards, in a sentence.")
    amount: int = strawberry.field(description="What one occurrence earns.")
    daily_cap: int | None = strawberry.field(
        description="The most one person earns under it per calendar day; null: no cap."
    )
    lifetime_cap: int | None = strawberry.field(
        description="The most one person earns under it ever; null: no cap."
    )
    active: bool = strawberry.field(description="An inactive rule earns nothing.")


def _rule_values(row: models.LedgerRule) -> dict[str, object]:
    return {
        "key": row.key,
        "description": rules.description(models.Ledger(row.ledger), row.key),
        "amount": row.amount,
        "daily_cap": row.daily_cap,
        "lifetime_cap": row.lifetime_cap,
        "active": row.active,
    }


@strawberry.type(description="An earning rule of points.")
class PointsRule(EarningRule):
    @classmethod
    def from_row(cls, row: models.LedgerRule) -> PointsRule:
        return cls(**_rule_values(row))  # type: ignore[arg-type]


@strawberry.type(description="An earning rule of contribution.")
class ContributionRule(EarningRule):
    @classmethod
    def from_row(cls, row: models.LedgerRule) -> ContributionRule:
        return cls(**_rule_values(row))  # type: ignore[arg-type]


@strawberry.type(description="A seat in the club for a term.")
class ClubMembership(Node):
    kind: ClubKind = strawberry.field(description="Founder, sponsor or top contributor.")
    starts_at: datetime = strawberry.field(description="When the term begins.")
    ends_at: datetime = strawberry.field(description="When the term ends.")
    year: int | None = strawberry.field(
        description="TOP_CONTRIBUTOR: the contribution year that earned the seat."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When an admin revoked it, if one did (a seat in force has not been)."
    )

    @classmethod
    def from_row(cls, row: models.ClubMembership) -> ClubMembership:
        return cls(
            id=encode_id("ClubMembership", row.id),
            kind=row.kind,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            year=row.year,
            revoked_at=row.revoked_at,
        )
