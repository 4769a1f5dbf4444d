"""Reactions on posts, comments and radio episodes: adding and removing them (the `Reactable`
interface is in schema.reactable)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import reactions as cases
from resolvers.context import Context
from schema.comments import Comment
from schema.enums import ReactionKind
from schema.errors import NotFoundError
from schema.posts import Post
from schema.radio import RadioEpisode
from schema.reactable import Reactable
from schema.relay import decode_id
from server import models

SUBJECT_TYPES = ("Post", "Comment", "RadioEpisode")


@strawberry.input(description="A reaction to add.")
class AddReactionInput:
    subject_id: strawberry.ID = strawberry.field(
        description="The id of a post, a comment or a radio episode."
    )
    kind: ReactionKind = strawberry.field(
        default=ReactionKind.LIKE, description="The kind of reaction."
    )


@strawberry.type(description="The viewer's reaction is recorded (adding it twice changes nothing).")
class AddReactionSuccess:
    subject: Reactable = strawberry.field(description="What was reacted to, with fresh counts.")


AddReactionResult = Annotated[
    AddReactionSuccess | NotFoundError, strawberry.union("AddReactionResult")
]


@strawberry.input(description="A reaction to take back.")
class RemoveReactionInput:
    subject_id: strawberry.ID = strawberry.field(
        description="The id of a post, a comment or a radio episode."
    )
    kind: ReactionKind = strawberry.field(
        default=ReactionKind.LIKE, description="The kind of reaction."
    )


@strawberry.type(description="The viewer's reaction is gone.")
class RemoveReactionSuccess:
    subject: Reactable = strawberry.field(description="What was reacted to, with fresh counts.")


RemoveReactionResult = Annotated[
    RemoveReactionSuccess | NotFoundError, strawberry.union("RemoveReactionResult")
]


def _wrap(row: models.Post | models.Comment | models.RadioEpisode) -> Reactable:
    if isinstance(row, models.Post):
        return Post.from_row(row)
    if isinstance(row, models.RadioEpisode):
        return RadioEpisode.from_row(row)
    return Comment.from_row(row)


@strawberry.type
class ReactionMutations:
    @strawberry.mutation(description="React to a post, a comment or a published radio episode.")
    async def add_reaction(
        self, info: Info[Context, None], input: AddReactionInput
    ) -> AddReactionResult:
        type_name, pk = decode_id(input.subject_id, *SUBJECT_TYPES)
        row = await cases.add_reaction(info.context, type_name, pk, input.kind)
        return AddReactionSuccess(subject=_wrap(row))

    @strawberry.mutation(description="Take back a reaction.")
    async def remove_reaction(
        self, info: Info[Context, None], input: RemoveReactionInput
    ) -> RemoveReactionResult:
        type_name, pk = decode_id(input.subject_id, *SUBJECT_TYPES)
        row = await cases.remove_reaction(info.context, type_name, pk, input.kind)
        return RemoveReactionSuccess(subject=_wrap(row))
