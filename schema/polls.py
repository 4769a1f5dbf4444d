"""Community votes: polls, casting a vote, and results by the poll's weighting."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import live_polls, poll_votes
from resolvers import polls as cases
from resolvers.context import Context
from schema.enums import PollWeighting, ResultsVisibility
from schema.errors import (
    ConflictError,
    ContentRejectedError,
    NotEligibleError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.poll_types import Poll, PollVote
from schema.relay import Connection, decode_pk, page_size, parse_id, to_connection


@strawberry.input(description="A new poll, of the platform or of a group.")
class CreatePollInput:
    question: str = strawberry.field(description="What is asked, 1 to 300 characters.")
    options: list[str] = strawberry.field(
        description="2 to 20 options, each 1 to 200 characters, all different (ignoring case)."
    )
    closes_at: datetime = strawberry.field(
        description="When it stops taking votes: in the future, within 366 days."
    )
    description: str = strawberry.field(default="", description="Up to 2000 characters.")
    multiple: bool = strawberry.field(
        default=False, description="Whether a vote may choose several options."
    )
    weighting: PollWeighting = strawberry.field(
        default=PollWeighting.EQUAL, description="How votes weigh."
    )
    results_visibility: ResultsVisibility = strawberry.field(
        default=ResultsVisibility.ALWAYS, description="Who reads the results, and when."
    )
    group_slug: str | None = strawberry.field(
        default=None,
        description="The group whose poll it is (its owners, admins and moderators create "
        "them); null for a platform poll (moderators and admins).",
    )


@strawberry.type(description="The poll is open for votes.")
class CreatePollSuccess:
    poll: Poll = strawberry.field(description="The new poll.")


CreatePollResult = Annotated[
    CreatePollSuccess | ValidationError | NotFoundError | ContentRejectedError | RateLimitedError,
    strawberry.union("CreatePollResult"),
]


@strawberry.input(description="An open poll to close now.")
class ClosePollInput:
    poll_id: strawberry.ID = strawberry.field(description="The poll.")


@strawberry.type(description="The poll is closed; its results are final.")
class ClosePollSuccess:
    poll: Poll = strawberry.field(description="The poll, CLOSED.")


ClosePollResult = Annotated[
    ClosePollSuccess | NotFoundError | ConflictError, strawberry.union("ClosePollResult")
]


@strawberry.input(description="A vote: final once cast.")
class CastVoteInput:
    poll_id: strawberry.ID = strawberry.field(description="The poll.")
    option_ids: list[strawberry.ID] = strawberry.field(
        description="The options chosen: exactly one, or several when the poll is `multiple`."
    )


@strawberry.type(description="The vote is cast and counted.")
class CastVoteSuccess:
    poll: Poll = strawberry.field(description="The poll with the vote counted.")
    vote: PollVote = strawberry.field(description="The vote, with its weight.")


CastVoteResult = Annotated[
    CastVoteSuccess | ValidationError | NotFoundError | NotEligibleError,
    strawberry.union("CastVoteResult"),
]


@strawberry.type(description="A poll on screen changed: a vote was counted, or it closed.")
class PollUpdatedEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    poll: Poll = strawberry.field(
        description="The poll as it is now; its `results` as the subscriber may read them."
    )


@strawberry.type
class PollQueries:
    @strawberry.field(
        description="Polls the viewer can see, newest first: of one group (`groupSlug`), and "
        "only open (`open: true`) or closed (`open: false`) ones."
    )
    async def polls(
        self,
        info: Info[Context, None],
        group_slug: str | None = None,
        open: bool | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Poll]:
        ctx = info.context
        page = await cases.list_polls(ctx, group_slug, open, page_size(ctx.settings, first), after)
        return to_connection(page, Poll.from_row)


@strawberry.type
class PollMutations:
    @strawberry.mutation(
        description="Create a poll: platform polls by moderators and admins, a group's polls by "
        "its owners, admins and moderators (and platform staff)."
    )
    async def create_poll(
        self, info: Info[Context, None], input: CreatePollInput
    ) -> CreatePollResult:
        draft = cases.PollDraft(
            question=input.question,
            options=input.options,
            closes_at=input.closes_at,
            description=input.description,
            multiple=input.multiple,
            weighting=input.weighting,
            results_visibility=input.results_visibility,
            group_slug=input.group_slug,
        )
        return CreatePollSuccess(poll=Poll.from_row(await cases.create_poll(info.context, draft)))

    @strawberry.mutation(description="Close an open poll early. Whoever may create it.")
    async def close_poll(self, info: Info[Context, None], input: ClosePollInput) -> ClosePollResult:
        row = await cases.close_poll(info.context, decode_pk(input.poll_id, "Poll"))
        return ClosePollSuccess(poll=Poll.from_row(row))

    @strawberry.mutation(
        description="Vote in an open poll, once and finally. Suspended, banned and persona "
        "accounts do not vote; a group's poll takes its members' votes; a CONTRIBUTION poll "
        "takes accounts old enough (see the settings)."
    )
    async def cast_vote(self, info: Info[Context, None], input: CastVoteInput) -> CastVoteResult:
        poll_id = decode_pk(input.poll_id, "Poll")
        chosen = [decode_option(option_id) for option_id in input.option_ids]
        cast = await poll_votes.cast_vote(info.context, poll_id, chosen)
        return CastVoteSuccess(poll=Poll.from_row(cast.poll), vote=PollVote.from_row(cast.vote))


def decode_option(option_id: str) -> int:
    """An option's key; an id of anything else (0) is no option of the poll."""
    parsed = parse_id(option_id)
    if parsed is None or parsed[0] != "PollOption":
        return 0
    return parsed[1]


@strawberry.type
class PollSubscription:
    @strawberry.subscription(
        description="A poll each time a vote is counted or it closes, with its results as the "
        "subscriber may read them then."
    )
    async def poll_updated(
        self, info: Info[Context, None], poll_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[PollUpdatedEvent, None]:
        pk = decode_pk(poll_id, "Poll")
        async for delivery in live_polls.poll_updates(info.context, pk, after):
            yield PollUpdatedEvent(cursor=delivery.cursor, poll=Poll.from_row(delivery.payload))
