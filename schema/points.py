"""The points API: the daily check-in, spending, admins' corrections, activity recorded for a
back-office client, and the earning rules of both ledgers.

Balances and histories are read through `viewer { points }` and `User.points`
(schema.user_ledger). A back-office client signs in as a staff service account and records
activity with `recordActivity`; like a spend, each request carries an idempotency key, so a
retry never counts twice.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import ledger_rules, points
from resolvers.context import Context
from schema.errors import (
    ConflictError,
    InsufficientPointsError,
    NotFoundError,
    ValidationError,
)
from schema.ledger_types import ContributionEntry, ContributionRule, PointsEntry, PointsRule
from server import models

KEY_DESCRIPTION = (
    "The client's key for this request, 8 to 100 characters of letters, digits, '.', '_', ':' "
    "and '-': sent again (a retry), it gives the first answer back and changes nothing."
)
REFERENCE_DESCRIPTION = (
    "What it is about in the client's terms, `TYPE:id` (`ORDER:SO-2026-0042`) or a bare id, up "
    "to 100 characters; the community's own types (POST, COMMENT…) are refused."
)

# --- checkIn -------------------------------------------------------------------------------------


@strawberry.input(description="A check-in; every field may be left out.")
class CheckInInput:
    client_time: datetime | None = strawberry.field(
        default=None,
        description="The client's clock, shown back in the answer. Never trusted: the day is "
        "the community's calendar day by the server's clock.",
    )


@strawberry.type(description="The viewer checked in today (now or earlier).")
class CheckInSuccess:
    day: date = strawberry.field(
        description="The community's calendar day checked in for (its time zone, not the client's)."
    )
    streak: int = strawberry.field(description="Days in a row checked in, today included.")
    already_checked_in: bool = strawberry.field(
        description="True if the viewer had checked in today already: nothing more was earned."
    )
    entries: list[PointsEntry] = strawberry.field(
        description="What today's check-in earned (the first call's, on a repeat): "
        "DAILY_CHECK_IN, and CHECK_IN_STREAK_7 on every seventh day in a row."
    )
    balance: int = strawberry.field(description="The points balance now.")
    client_time: datetime | None = strawberry.field(description="The input's clientTime, as sent.")


CheckInResult = Annotated[CheckInSuccess, strawberry.union("CheckInResult")]

CHECK_IN_NOW = CheckInInput()

# --- spendPoints ---------------------------------------------------------------------------------


@strawberry.input(description="Points to spend on something, once per idempotency key.")
class SpendPointsInput:
    amount: int = strawberry.field(description="How many points, 1 to 1,000,000.")
    reason: str = strawberry.field(description="What for, 1 to 200 characters (the viewer's own).")
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)
    reference: str | None = strawberry.field(default=None, description=REFERENCE_DESCRIPTION)


@strawberry.type(description="The points are spent (or were, by the first call with this key).")
class SpendPointsSuccess:
    entry: PointsEntry = strawberry.field(description="The spend's entry.")
    balance: int = strawberry.field(description="The points balance now.")


SpendPointsResult = Annotated[
    SpendPointsSuccess | InsufficientPointsError | ConflictError | ValidationError,
    strawberry.union("SpendPointsResult"),
]

# --- adjustPoints --------------------------------------------------------------------------------


@strawberry.input(description="An admin's correction of someone's points.")
class AdjustPointsInput:
    handle: str = strawberry.field(description="Whose points.")
    amount: int = strawberry.field(
        description="Points to add (positive) or take (negative), up to 1,000,000 either way; "
        "never below a balance of zero."
    )
    reason: str = strawberry.field(description="Why, 1 to 200 characters: the person is told it.")
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)


@strawberry.type(description="The points are corrected (or were, by the first call with this key).")
class AdjustPointsSuccess:
    entry: PointsEntry = strawberry.field(description="The correction's entry.")
    balance: int = strawberry.field(description="The person's points balance now.")


AdjustPointsResult = Annotated[
    AdjustPointsSuccess | InsufficientPointsError | NotFoundError | ConflictError | ValidationError,
    strawberry.union("AdjustPointsResult"),
]

# --- recordActivity ------------------------------------------------------------------------------


@strawberry.input(description="Something a person did outside the community, to reward.")
class RecordActivityInput:
    handle: str = strawberry.field(description="Who did it.")
    rule: str = strawberry.field(
        description="The rule it earns under: REFERRAL_TEST_DRIVE, REFERRAL_PURCHASE or "
        "CHARGING_MAP_CONTRIBUTION."
    )
    reference: str = strawberry.field(description=REFERENCE_DESCRIPTION)
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)


@strawberry.type(description="The activity is recorded (or was, by the first call with this key).")
class RecordActivitySuccess:
    credited: bool = strawberry.field(
        description="Whether it earned anything: nothing for a suspended or banned account, "
        "nor under a rule that is inactive or has reached its cap."
    )
    points: PointsEntry | None = strawberry.field(description="What it earned in points.")
    contribution: ContributionEntry | None = strawberry.field(
        description="What it earned in contribution, where contribution has the same rule."
    )


RecordActivityResult = Annotated[
    RecordActivitySuccess | NotFoundError | ConflictError | ValidationError,
    strawberry.union("RecordActivityResult"),
]

# --- the rules -----------------------------------------------------------------------------------


def _changes(
    amount: int | None, daily_cap: int | None, lifetime_cap: int | None, active: bool | None
) -> ledger_rules.RuleChanges:
    return ledger_rules.RuleChanges(
        amount=amount, daily_cap=daily_cap, lifetime_cap=lifetime_cap, active=active
    )


AMOUNT = "What one occurrence earns, 1 to 100,000; left out: unchanged."
DAILY_CAP = "The most one person earns per calendar day; 0: no cap; left out: unchanged."
LIFETIME_CAP = "The most one person earns ever; 0: no cap; left out: unchanged."
ACTIVE = "False: it earns nothing until made active again; left out: unchanged."


@strawberry.input(description="An admin's change to a points rule.")
class UpdatePointsRuleInput:
    key: str = strawberry.field(description="The rule, e.g. DAILY_CHECK_IN.")
    amount: int | None = strawberry.field(default=None, description=AMOUNT)
    daily_cap: int | None = strawberry.field(default=None, description=DAILY_CAP)
    lifetime_cap: int | None = strawberry.field(default=None, description=LIFETIME_CAP)
    active: bool | None = strawberry.field(default=None, description=ACTIVE)


@strawberry.type(description="The points rule is changed (audited).")
class UpdatePointsRuleSuccess:
    rule: PointsRule = strawberry.field(description="The rule as it is now.")


UpdatePointsRuleResult = Annotated[
    UpdatePointsRuleSuccess | ValidationError, strawberry.union("UpdatePointsRuleResult")
]


@strawberry.input(description="An admin's change to a contribution rule.")
class UpdateContributionRuleInput:
    key: str = strawberry.field(description="The rule, e.g. WORK_FEATURED.")
    amount: int | None = strawberry.field(default=None, description=AMOUNT)
    daily_cap: int | None = strawberry.field(default=None, description=DAILY_CAP)
    lifetime_cap: int | None = strawberry.field(default=None, description=LIFETIME_CAP)
    active: bool | None = strawberry.field(default=None, description=ACTIVE)


@strawberry.type(description="The contribution rule is changed (audited).")
class UpdateContributionRuleSuccess:
    rule: ContributionRule = strawberry.field(description="The rule as it is now.")


UpdateContributionRuleResult = Annotated[
    UpdateContributionRuleSuccess | ValidationError,
    strawberry.union("UpdateContributionRuleResult"),
]


@strawberry.type
class PointsQueries:
    @strawberry.field(description="The rules that earn points, as admins set them. Public.")
    async def points_rules(self) -> list[PointsRule]:
        rows = await ledger_rules.ensure_rules(models.Ledger.POINTS)
        return [PointsRule.from_row(row) for row in rows]

    @strawberry.field(description="The rules that earn contribution, as admins set them. Public.")
    async def contribution_rules(self) -> list[ContributionRule]:
        rows = await ledger_rules.ensure_rules(models.Ledger.CONTRIBUTION)
        return [ContributionRule.from_row(row) for row in rows]


@strawberry.type
class PointsMutations:
    @strawberry.mutation(
        description="Check in for today, the community's calendar day (`input` may be left "
        "out): once a day it earns DAILY_CHECK_IN, and every seventh day in a row "
        "CHECK_IN_STREAK_7 too. Again the same day: the same answer, nothing more earned."
    )
    async def check_in(
        self, info: Info[Context, None], input: CheckInInput = CHECK_IN_NOW
    ) -> CheckInResult:
        done = await points.check_in(info.context)
        return CheckInSuccess(
            day=done.day,
            streak=done.streak,
            already_checked_in=done.already,
            entries=[PointsEntry.from_row(row) for row in done.entries],
            balance=done.balance,
            client_time=input.client_time,
        )

    @strawberry.mutation(
        description="Spend the viewer's points, once per idempotency key: the same key again "
        "gives the same entry back and charges nothing; with another amount it is a "
        "ConflictError. Never below zero (InsufficientPointsError)."
    )
    async def spend_points(
        self, info: Info[Context, None], input: SpendPointsInput
    ) -> SpendPointsResult:
        charged = await points.spend_points(
            info.context, input.amount, input.reason, input.reference, input.idempotency_key
        )
        return SpendPointsSuccess(
            entry=PointsEntry.from_row(charged.entry), balance=charged.balance
        )

    @strawberry.mutation(
        description="Admins: correct someone's points, up or down (never below zero), once "
        "per idempotency key. Audited; the person is told, with the reason. Not one's own."
    )
    async def adjust_points(
        self, info: Info[Context, None], input: AdjustPointsInput
    ) -> AdjustPointsResult:
        charged = await points.adjust_points(
            info.context, input.handle, input.amount, input.reason, input.idempotency_key
        )
        return AdjustPointsSuccess(
            entry=PointsEntry.from_row(charged.entry), balance=charged.balance
        )

    @strawberry.mutation(
        description="Staff (and back-office clients signed in as a staff service account): "
        "record what someone did outside the community, earning the rule's points and "
        "contribution once per idempotency key. The person is told; audited. Not one's own."
    )
    async def record_activity(
        self, info: Info[Context, None], input: RecordActivityInput
    ) -> RecordActivityResult:
        recorded = await points.record_activity(
            info.context, input.handle, input.rule, input.reference, input.idempotency_key
        )
        return RecordActivitySuccess(
            credited=recorded.credited,
            points=PointsEntry.from_row(recorded.points) if recorded.points else None,
            contribution=(
                ContributionEntry.from_row(recorded.contribution) if recorded.contribution else None
            ),
        )

    @strawberry.mutation(
        description="Admins: change a points rule's amount, caps or whether it is active. Audited."
    )
    async def update_points_rule(
        self, info: Info[Context, None], input: UpdatePointsRuleInput
    ) -> UpdatePointsRuleResult:
        changes = _changes(input.amount, input.daily_cap, input.lifetime_cap, input.active)
        row = await ledger_rules.update_rule(info.context, models.Ledger.POINTS, input.key, changes)
        return UpdatePointsRuleSuccess(rule=PointsRule.from_row(row))

    @strawberry.mutation(
        description="Admins: change a contribution rule's amount, caps or whether it is "
        "active. Audited."
    )
    async def update_contribution_rule(
        self, info: Info[Context, None], input: UpdateContributionRuleInput
    ) -> UpdateContributionRuleResult:
        changes = _changes(input.amount, input.daily_cap, input.lifetime_cap, input.active)
        row = await ledger_rules.update_rule(
            info.context, models.Ledger.CONTRIBUTION, input.key, changes
        )
        return UpdateContributionRuleSuccess(rule=ContributionRule.from_row(row))
