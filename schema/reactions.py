"""Reactions: the Reactable interface and the add/remove mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import reactions as cases
from resolvers.context import Context
from schema.enums import ReactionKind
from schema.errors import NotFoundError
from schema.relay import Node, decode_id
from server import models


@strawberry.type(description="How many reactions of one kind something has.")
class ReactionCount:
    kind: ReactionKind = strawberry.field(description="The kind of reaction.")
    count: int = strawberry.field(description="How many users reacted so.")


def summary(counts: dict[str, int]) -> list[ReactionCount]:
    return [
        ReactionCount(kind=models.ReactionKind(kind), count=n)
        for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


@strawberry.interface(description="Something users can react to: a post or a comment.")
class Reactable(Node):
    reaction_count: int = strawberry.field(description="All reactions, of every kind.")

    @strawberry.field(description="The kinds of reaction the viewer gave it.")
    async def viewer_reactions(self) -> list[ReactionKind]:
        raise NotImplementedError

    @strawberry.field(description="Reaction counts by kind, most frequent first.")
    async def reaction_summary(self) -> list[ReactionCount]:
        raise NotImplementedError


@strawberry.input(description="A reaction to add or remove.")
class ReactionInput:
    subject_id: strawberry.ID = strawberry.field(description="The id of a post or a comment.")
    kind: ReactionKind = strawberry.field(
        default=models.ReactionKind.LIKE, description="The kind of reaction."
    )


@strawberry.type(description="The viewer's reaction is recorded (adding it twice changes nothing).")
class AddReactionSuccess:
    subject: Reactable = strawberry.field(description="The post or comment, with fresh counts.")


AddReactionResult = Annotated[
    AddReactionSuccess | NotFoundError, strawberry.union("AddReactionResult")
]


@strawberry.type(description="The viewer's reaction is gone.")
class RemoveReactionSuccess:
    subject: Reactable = strawberry.field(description="The post or comment, with fresh counts.")


RemoveReactionResult = Annotated[
    RemoveReactionSuccess | NotFoundError, strawberry.union("RemoveReactionResult")
]


def _wrap(row: models.Post | models.Comment) -> Reactable:
    from schema.comments import Comment
    from schema.posts import Post

    return Post.from_row(row) if isinstance(row, models.Post) else Comment.from_row(row)


@strawberry.type
class ReactionMutations:
    @strawberry.mutation(description="React to a post or a comment.")
    async def add_reaction(
        self, info: Info[Context, None], input: ReactionInput
    ) -> AddReactionResult:
        type_name, pk = decode_id(input.subject_id, "Post", "Comment")
        row = await cases.add_reaction(info.context, type_name, pk, input.kind)
        return AddReactionSuccess(subject=_wrap(row))

    @strawberry.mutation(description="Take back a reaction.")
    async def remove_reaction(
        self, info: Info[Context, None], input: ReactionInput
    ) -> RemoveReactionResult:
        type_name, pk = decode_id(input.subject_id, "Post", "Comment")
        row = await cases.remove_reaction(info.context, type_name, pk, input.kind)
        return RemoveReactionSuccess(subject=_wrap(row))
