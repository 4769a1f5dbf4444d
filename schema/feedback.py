"""Product feedback: what staff's adoption of a post shows, and staff adopting feedback.

A post is marked as feedback through `createPost`/`updatePost` (`feedback: true`, group posts
only); `Post.adoption` and `User.adoptedFeedback` show what was adopted. The adopted post is
named through `schema.refs` (`schema.posts` imports this module for `Post.adoption`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import feedback as cases
from resolvers.context import Context
from schema.errors import (
    ConflictError,
    ContentRejectedError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.refs import PostRef, post_type
from schema.relay import decode_pk
from server import models


@strawberry.type(
    description="Staff adopted a post of product feedback: the product takes it up. Public "
    "wherever the post is."
)
class FeedbackAdoption:
    adopted_at: datetime = strawberry.field(description="When it was adopted.")
    note: str = strawberry.field(description="What staff said about it; may be empty.")

    @classmethod
    def from_row(cls, row: models.FeedbackAdoption) -> FeedbackAdoption:
        return cls(adopted_at=row.created_at, note=row.note)


@strawberry.input(description="A published post of product feedback to adopt.")
class AdoptFeedbackInput:
    post_id: strawberry.ID = strawberry.field(description="The post, marked as feedback.")
    note: str = strawberry.field(
        default="", description="For the author and everyone who reads the post, up to 500 chars."
    )


@strawberry.type(description="The feedback is adopted; its author was told.")
class AdoptFeedbackSuccess:
    post: PostRef = strawberry.field(description="The adopted post.")
    adoption: FeedbackAdoption = strawberry.field(description="The adoption.")


AdoptFeedbackResult = Annotated[
    AdoptFeedbackSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | RateLimitedError
    | ContentRejectedError,
    strawberry.union("AdoptFeedbackResult"),
]


@strawberry.type
class FeedbackMutations:
    @strawberry.mutation(
        description="Adopt a published post of product feedback, once, telling its author. "
        "Moderators and admins only, never on their own post."
    )
    async def adopt_feedback(
        self, info: Info[Context, None], input: AdoptFeedbackInput
    ) -> AdoptFeedbackResult:
        pk = decode_pk(input.post_id, "Post")
        adopted = await cases.adopt_feedback(info.context, pk, input.note)
        return AdoptFeedbackSuccess(
            post=post_type().from_row(adopted.post),
            adoption=FeedbackAdoption.from_row(adopted.adoption),
        )
