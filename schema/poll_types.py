"""The GraphQL types of community votes: a poll, its options, results and votes."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import Info

from resolvers import poll_votes
from resolvers.context import Context
from resolvers.polls import poll_state
from schema.enums import PollState, PollWeighting, ResultsVisibility
from schema.groups import Group
from schema.loading import now_or_later
from schema.relay import Connection, Node, encode_id, page_size, to_connection
from schema.users import User
from server import models


def option_ids(ids: list[int]) -> list[strawberry.ID]:
    return [encode_id("PollOption", i) for i in ids]


@strawberry.type(description="One choice of a poll.")
class PollOption:
    id: strawberry.ID = strawberry.field(description="Its id, as `castVote` takes it.")
    label: str = strawberry.field(description="What it says.")

    @classmethod
    def from_row(cls, row: models.PollOption) -> PollOption:
        return cls(id=encode_id("PollOption", row.id), label=row.label)


@strawberry.type(description="How one option of a poll stands.")
class PollResult:
    option: PollOption = strawberry.field(description="The option.")
    votes: int = strawberry.field(description="How many voters chose it.")
    weight: float = strawberry.field(
        description="The summed weight of those votes (one vote weighs 1 in an EQUAL poll)."
    )
    share: float = strawberry.field(
        description="Its weight divided by the poll's total weight, 0 to 1 (0 with no votes). "
        "In a poll that takes several options per vote the shares add up to more than 1."
    )

    @classmethod
    def from_result(cls, result: poll_votes.OptionResult) -> PollResult:
        return cls(
            option=PollOption.from_row(result.option),
            votes=result.votes,
            weight=result.weight / poll_votes.ONE_VOTE,
            share=result.share,
        )


@strawberry.type(description="A vote as its voter sees it: final once cast.")
class PollVote:
    option_ids: list[strawberry.ID] = strawberry.field(description="The options chosen.")
    weight: float = strawberry.field(description="What the vote weighs, fixed when cast.")
    cast_at: datetime = strawberry.field(description="When it was cast.")

    @classmethod
    def from_row(cls, row: models.PollVote) -> PollVote:
        return cls(
            option_ids=option_ids(row.option_ids),
            weight=row.weight / poll_votes.ONE_VOTE,
            cast_at=row.created_at,
        )


@strawberry.type(description="Who cast a vote and how: for platform admins alone.")
class PollVoter:
    row: strawberry.Private[models.PollVote]
    option_ids: list[strawberry.ID] = strawberry.field(description="The options chosen.")
    weight: float = strawberry.field(description="What the vote weighs, fixed when cast.")
    contribution: int = strawberry.field(
        description="The voter's contribution when they voted, which set the weight."
    )
    cast_at: datetime = strawberry.field(description="When it was cast.")

    @classmethod
    def from_row(cls, row: models.PollVote) -> PollVoter:
        return cls(
            row=row,
            option_ids=option_ids(row.option_ids),
            weight=row.weight / poll_votes.ONE_VOTE,
            contribution=row.contribution,
            cast_at=row.created_at,
        )

    @strawberry.field(description="Who voted.")
    def voter(self, info: Info[Context, None]) -> User:
        return now_or_later(info.context.loaders.user_by_id, self.row.user_id, User.from_row)


@strawberry.type(
    description="A community vote, of the platform or of a group (visible by the group's "
    "rules). One vote per person, final; results show by `resultsVisibility`."
)
class Poll(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.Poll]
    question: str = strawberry.field(description="What is asked.")
    description: str = strawberry.field(description="More about it; may be empty.")
    multiple: bool = strawberry.field(description="Whether a vote may choose several options.")
    closes_at: datetime = strawberry.field(description="When it stops taking votes.")
    closed_at: datetime | None = strawberry.field(
        description="When it closed: early by its staff, or at `closesAt`; null while open."
    )
    weighting: PollWeighting = strawberry.field(description="How votes weigh.")
    results_visibility: ResultsVisibility = strawberry.field(
        description="Who reads the results, and when."
    )
    created_at: datetime = strawberry.field(description="When it was created.")

    @classmethod
    def from_row(cls, row: models.Poll) -> Poll:
        return cls(
            id=encode_id("Poll", row.id),
            pk=row.id,
            row=row,
            question=row.question,
            description=row.description,
            multiple=row.multiple,
            closes_at=row.closes_at,
            closed_at=row.closed_at,
            weighting=row.weighting,
            results_visibility=row.results_visibility,
            created_at=row.created_at,
        )

    @strawberry.field(description="OPEN until it closes early or `closesAt` passes; CLOSED then.")
    def state(self) -> PollState:
        return poll_state(self.row)

    @strawberry.field(description="The options, in order.")
    def options(self, info: Info[Context, None]) -> list[PollOption]:
        return now_or_later(
            info.context.loaders.options_by_poll_id,
            self.pk,
            lambda rows: [PollOption.from_row(row) for row in rows],
        )

    @strawberry.field(description="The group the poll belongs to; null for a platform poll.")
    def group(self, info: Info[Context, None]) -> Group | None:
        if self.row.group_id is None:
            return None
        return now_or_later(info.context.loaders.group_by_id, self.row.group_id, Group.from_row)

    @strawberry.field(description="Who created it.")
    def created_by(self, info: Info[Context, None]) -> User:
        return now_or_later(info.context.loaders.user_by_id, self.row.created_by_id, User.from_row)

    @strawberry.field(
        description="Each option's votes, weight and share, in order; null while "
        "`resultsVisibility` keeps them from the viewer (the poll's staff read them always)."
    )
    async def results(self, info: Info[Context, None]) -> list[PollResult] | None:
        rows = await poll_votes.poll_results(info.context, self.row)
        return None if rows is None else [PollResult.from_result(row) for row in rows]

    @strawberry.field(description="The viewer's vote; null if they have not voted.")
    def viewer_vote(self, info: Info[Context, None]) -> PollVote | None:
        return now_or_later(
            info.context.loaders.viewer_vote_by_poll_id,
            self.pk,
            lambda row: PollVote.from_row(row) if row else None,
        )

    @strawberry.field(
        description="Who voted how, in the order they voted: platform admins only (null for "
        "everyone else, the poll's creator included: voters stay anonymous)."
    )
    async def votes(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[PollVoter] | None:
        ctx = info.context
        page = await poll_votes.list_votes(ctx, self.row, page_size(ctx.settings, first), after)
        return None if page is None else to_connection(page, PollVoter.from_row)
