"""Satisfaction ratings: rating an experience, and what staff read of them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import ratings as cases
from resolvers.context import Context
from resolvers.event_access import visible_event
from schema.enums import ExperienceSubject
from schema.errors import (
    ContentRejectedError,
    NotEligibleError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.events import Event
from schema.loading import now_or_later
from schema.relay import Connection, Node, decode_pk, encode_id, page_size, to_connection
from schema.users import User
from server import models


@strawberry.type(
    description="How someone found an experience, from 1 to 5: seen by its rater and by the "
    "staff who read ratings."
)
class SatisfactionRating(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.SatisfactionRating]
    subject: ExperienceSubject = strawberry.field(description="What was rated.")
    score: int = strawberry.field(description="1 (very unhappy) to 5 (delighted).")
    comment: str = strawberry.field(description="What the rater wrote; may be empty.")
    city: str = strawberry.field(description="Where it happened; may be empty.")
    created_at: datetime = strawberry.field(description="When it was rated.")

    @classmethod
    def from_row(cls, row: models.SatisfactionRating) -> SatisfactionRating:
        return cls(
            id=encode_id("SatisfactionRating", row.id),
            pk=row.id,
            row=row,
            subject=row.subject,
            score=row.score,
            comment=row.comment,
            city=row.city,
            created_at=row.created_at,
        )

    @strawberry.field(
        description="The event rated (EVENT ratings), if the viewer may see it; null otherwise."
    )
    async def event(self, info: Info[Context, None]) -> Event | None:
        if self.row.event_id is None:
            return None
        row = await visible_event(info.context, self.row.event_id)
        return Event.from_row(row) if row else None

    @strawberry.field(description="Who rated: for platform staff alone; null for anyone else.")
    def rater(self, info: Info[Context, None]) -> User | None:
        if not cases.may_see_rater(info.context):
            return None
        loader = info.context.loaders.user_by_id
        return now_or_later(
            loader, self.row.user_id, lambda row: User.from_row(row) if row else None
        )


@strawberry.type(description="How many ratings gave one score.")
class ScoreCount:
    score: int = strawberry.field(description="The score, 1 to 5.")
    count: int = strawberry.field(description="How many ratings gave it.")


@strawberry.type(
    description="How satisfied people were. Promoters gave 5, passives 4, detractors 1 to 3."
)
class SatisfactionSummary:
    count: int = strawberry.field(description="How many ratings it counts.")
    average: float | None = strawberry.field(description="The mean score; null without ratings.")
    distribution: list[ScoreCount] = strawberry.field(
        description="How many ratings gave each score, 1 to 5 (zeros included)."
    )
    promoter_share: float = strawberry.field(description="The share of 5s, 0 to 1.")
    detractor_share: float = strawberry.field(description="The share of 1s to 3s, 0 to 1.")
    net_score: float = strawberry.field(
        description="Promoters less detractors, per hundred ratings (−100 to 100; 0 without "
        "ratings)."
    )

    @classmethod
    def of(cls, summary: cases.Summary) -> SatisfactionSummary:
        return cls(
            count=summary.count,
            average=summary.average,
            distribution=[ScoreCount(score=s, count=n) for s, n in summary.distribution],
            promoter_share=summary.promoter_share,
            detractor_share=summary.detractor_share,
            net_score=summary.net_score,
        )


@strawberry.input(description="A rating of an experience.")
class RateExperienceInput:
    subject: ExperienceSubject = strawberry.field(
        description="What is rated: once per subject per rating period (30 days by default); "
        "EVENT once per event attended."
    )
    score: int = strawberry.field(description="1 (very unhappy) to 5 (delighted).")
    comment: str = strawberry.field(default="", description="Up to 2000 characters.")
    city: str = strawberry.field(
        default="",
        description="Where it happened (up to 50 characters); an event's city by default.",
    )
    event_id: strawberry.ID | None = strawberry.field(
        default=None, description="The event attended: required for EVENT, absent otherwise."
    )


@strawberry.type(description="The rating is recorded.")
class RateExperienceSuccess:
    rating: SatisfactionRating = strawberry.field(description="The new rating.")


RateExperienceResult = Annotated[
    RateExperienceSuccess
    | ValidationError
    | NotEligibleError
    | ContentRejectedError
    | NotFoundError
    | RateLimitedError,
    strawberry.union("RateExperienceResult"),
]


def _filter(
    subject: ExperienceSubject | None,
    city: str | None,
    since: datetime | None,
    until: datetime | None,
) -> cases.RatingFilter:
    return cases.RatingFilter(subject=subject, city=city, since=since, until=until)


FromArgument = Annotated[
    datetime | None, strawberry.argument(name="from", description="From this moment on.")
]
ToArgument = Annotated[
    datetime | None, strawberry.argument(name="to", description="Before this moment.")
]


@strawberry.type
class RatingQueries:
    @strawberry.field(
        description="How satisfied people were, counted over the ratings that match. Platform "
        "staff read every rating; the staff of a group only its events' ratings."
    )
    async def satisfaction_summary(
        self,
        info: Info[Context, None],
        subject: ExperienceSubject | None = None,
        city: str | None = None,
        since: FromArgument = None,
        until: ToArgument = None,
    ) -> SatisfactionSummary:
        summary = await cases.satisfaction_summary(
            info.context, _filter(subject, city, since, until)
        )
        return SatisfactionSummary.of(summary)

    @strawberry.field(
        description="The ratings that match, with their comments, newest first. Platform "
        "staff read every rating; the staff of a group only its events' ratings."
    )
    async def ratings(
        self,
        info: Info[Context, None],
        subject: ExperienceSubject | None = None,
        city: str | None = None,
        since: FromArgument = None,
        until: ToArgument = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[SatisfactionRating]:
        ctx = info.context
        page = await cases.list_ratings(
            ctx, _filter(subject, city, since, until), page_size(ctx.settings, first), after
        )
        return to_connection(page, SatisfactionRating.from_row)


@strawberry.type
class RatingMutations:
    @strawberry.mutation(
        description="Rate an experience from 1 to 5: a subject once per rating period, an "
        "attended event once. The first rating of a subject in a period earns points."
    )
    async def rate_experience(
        self, info: Info[Context, None], input: RateExperienceInput
    ) -> RateExperienceResult:
        event_id = decode_pk(input.event_id, "Event") if input.event_id is not None else None
        row = await cases.rate_experience(
            info.context, input.subject, input.score, input.comment, input.city, event_id
        )
        return RateExperienceSuccess(rating=SatisfactionRating.from_row(row))
