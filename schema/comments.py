"""Threaded comments; adding and deleting them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import comments as cases
from resolvers.context import Context
from resolvers.visibility import visible_comment, visible_episode, visible_post
from resolvers.works import WORK_TYPES, WorkRef
from schema.enums import ReactionKind
from schema.errors import (
    ConflictError,
    ContentRejectedError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.reactable import Reactable, ReactionCount, summary
from schema.refs import EpisodeRef, PostRef, episode_type, post_type
from schema.relay import Connection, decode_id, decode_pk, encode_id, page_size, to_connection
from schema.users import User
from server import models


@strawberry.type(description="A comment on a post, or a reply to another comment.")
class Comment(Reactable):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.Comment]
    body: str | None = strawberry.field(description="The text; null once deleted.")
    deleted: bool = strawberry.field(
        description="Deleted by its author; kept so replies stay in place."
    )
    reply_count: int = strawberry.field(description="How many direct replies it has.")
    created_at: datetime = strawberry.field(description="When it was written.")

    @classmethod
    def from_row(cls, row: models.Comment) -> Comment:
        deleted = row.state == models.CommentState.DELETED
        return cls(
            id=encode_id("Comment", row.id),
            pk=row.id,
            row=row,
            body=None if deleted else row.body,
            deleted=deleted,
            reply_count=row.reply_count,
            created_at=row.created_at,
            reaction_count=row.reaction_count,
        )

    @strawberry.field(description="Who wrote it; null once deleted.")
    async def author(self, info: Info[Context, None]) -> User | None:
        if self.deleted:
            return None
        author = await info.context.loaders.user_by_id.load(self.row.author_id)
        return User.from_row(author) if author else None

    @strawberry.field(description="The post it belongs to; null for a comment on an episode.")
    async def post(self, info: Info[Context, None]) -> PostRef | None:
        if self.row.post_id is None:
            return None
        row = await visible_post(info.context, self.row.post_id)
        return post_type().from_row(row) if row else None

    @strawberry.field(description="The radio episode it belongs to; null for a comment on a post.")
    async def episode(self, info: Info[Context, None]) -> EpisodeRef | None:
        if self.row.episode_id is None:
            return None
        row = await visible_episode(info.context, self.row.episode_id)
        return episode_type().from_row(row) if row else None

    @strawberry.field(description="The comment this one replies to, if any.")
    async def parent(self, info: Info[Context, None]) -> Comment | None:
        if self.row.parent_id is None:
            return None
        row = await visible_comment(info.context, self.row.parent_id)
        return Comment.from_row(row) if row else None

    @strawberry.field(description="Direct replies, oldest first.")
    async def replies(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Comment]:
        page = await cases.list_replies(self.row, page_size(info.context.settings, first), after)
        return to_connection(page, Comment.from_row)

    @strawberry.field(description="The kinds of reaction the viewer gave it.")
    async def viewer_reactions(self, info: Info[Context, None]) -> list[ReactionKind]:
        kinds = await info.context.loaders.viewer_reactions_by_comment_id.load(self.pk)
        return [ReactionKind(k) for k in kinds]

    @strawberry.field(description="Reaction counts by kind, most frequent first.")
    async def reaction_summary(self, info: Info[Context, None]) -> list[ReactionCount]:
        counts = await info.context.loaders.comment_reaction_summary_by_comment_id.load(self.pk)
        return summary(counts)


@strawberry.input(description="A new comment or reply.")
class AddCommentInput:
    post_id: strawberry.ID = strawberry.field(
        description="The post or radio episode to comment on (a Post or RadioEpisode id)."
    )
    body: str = strawberry.field(description="Up to 2,000 characters.")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="Reply to this comment of the same post or episode."
    )


@strawberry.type(description="The comment was added.")
class AddCommentSuccess:
    comment: Comment = strawberry.field(description="The new comment.")


AddCommentResult = Annotated[
    AddCommentSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | RateLimitedError
    | ContentRejectedError,
    strawberry.union("AddCommentResult"),
]


@strawberry.input(description="The comment to delete.")
class DeleteCommentInput:
    comment_id: strawberry.ID = strawberry.field(description="The comment's id.")


@strawberry.type(description="The comment was deleted; its replies remain.")
class DeleteCommentSuccess:
    comment: Comment = strawberry.field(description="The deleted comment (a tombstone).")


DeleteCommentResult = Annotated[
    DeleteCommentSuccess | NotFoundError, strawberry.union("DeleteCommentResult")
]


@strawberry.type
class CommentMutations:
    @strawberry.mutation(description="Comment on a post or an episode, or reply to a comment.")
    async def add_comment(
        self, info: Info[Context, None], input: AddCommentInput
    ) -> AddCommentResult:
        parent = decode_id(input.parent_id, "Comment")[1] if input.parent_id else None
        on = WorkRef.of(*decode_id(input.post_id, *WORK_TYPES))
        row = await cases.add_comment(info.context, on, input.body, parent)
        return AddCommentSuccess(comment=Comment.from_row(row))

    @strawberry.mutation(description="Delete one of the viewer's comments (moderators: any).")
    async def delete_comment(
        self, info: Info[Context, None], input: DeleteCommentInput
    ) -> DeleteCommentResult:
        row = await cases.delete_comment(info.context, decode_pk(input.comment_id, "Comment"))
        return DeleteCommentSuccess(comment=Comment.from_row(row))
