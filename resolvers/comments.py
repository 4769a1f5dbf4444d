"""Threaded comments on posts."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.expressions import F

from moderation import policies
from resolvers import validation
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.moderation_actions import deleted_by_staff
from resolvers.moderation_items import Target
from resolvers.pagination import Listing, Page, id_key, keyset_page, time_key
from resolvers.publication import comment_went_live
from resolvers.screening import review_if_needed, screen
from resolvers.visibility import visible_comment, visible_post
from server.errors import Conflict, Forbidden, NotFound
from server.models import (
    ChangeKind,
    Comment,
    CommentState,
    ModerationTarget,
    Post,
    PostState,
)

MAX_COMMENT = 2_000
THREAD_KEYS = (time_key("created_at", descending=False), id_key(descending=False))
COMMENTS = Listing("comments", *THREAD_KEYS)
REPLIES = Listing("replies", *THREAD_KEYS)
LISTED_STATES = (CommentState.PUBLISHED, CommentState.DELETED)


async def add_comment(ctx: Context, post_id: int, body: str, parent_id: int | None) -> Comment:
    viewer = policies.require_writer(ctx.viewer)
    text = validation.text(body, "body", maximum=MAX_COMMENT, label="A comment")
    post = await visible_post(ctx, post_id)
    if post is None:
        raise NotFound("No such post.")
    if post.state != PostState.PUBLISHED:
        raise Conflict("Comments open when the post is published.")
    if post.comments_locked:
        raise Conflict("Comments on this post are closed.")
    parent = None
    if parent_id is not None:
        parent = await Comment.get_or_none(id=parent_id, post_id=post.id)
        if parent is None or parent.state not in LISTED_STATES:
            raise NotFound("No such comment to reply to on this post.")
    verdict = await screen(ctx, viewer, "comment", {"body": text})
    async with writing(ctx.hub) as log:
        comment = await Comment.create(
            post_id=post.id,
            author_id=viewer.id,
            parent_id=parent_id,
            body=verdict.fields["body"],
            state=CommentState.HELD if verdict.held else CommentState.PUBLISHED,
        )
        if not verdict.held:
            await comment_went_live(log, comment, post, parent)
        target = Target(ModerationTarget.COMMENT, comment.id, viewer.id, post.group_id)
        await review_if_needed(log, verdict, target, viewer.id)
    return comment


async def delete_comment(ctx: Context, comment_id: int) -> Comment:
    """Deleting keeps a tombstone so that replies stay in their thread."""
    viewer = policies.require_writer(ctx.viewer)
    comment = await visible_comment(ctx, comment_id)
    if comment is None or comment.state == CommentState.DELETED:
        raise NotFound("No such comment.")
    if not policies.can_delete_comment(viewer, comment):
        if policies.holds_staff_role(viewer):
            policies.refuse_if_sanctioned(viewer)  # a moderator's power, gone while sanctioned
        raise Forbidden("Only the author can delete this comment.")
    async with writing(ctx.hub) as log:
        if comment.author_id != viewer.id:
            post = await Post.get(id=comment.post_id)
            target = Target(ModerationTarget.COMMENT, comment.id, comment.author_id, post.group_id)
            await deleted_by_staff(log, viewer, target)
        was_listed = comment.state == CommentState.PUBLISHED
        # Conditional on the state it was read in: a moderator's decision in between wins.
        deleted = await Comment.filter(id=comment.id, state=comment.state).update(
            state=CommentState.DELETED, body="", updated_at=datetime.now(UTC)
        )
        if not deleted:
            raise Conflict("The comment changed meanwhile; look again.")
        if was_listed:
            await Post.filter(id=comment.post_id).update(comment_count=F("comment_count") - 1)
            await log.add(ChangeKind.POST_UPDATED, post_id=comment.post_id)
    await comment.refresh_from_db()
    return comment


async def list_comments(post: Post, first: int, after: str | None) -> Page[Comment]:
    queryset = Comment.filter(post_id=post.id, parent_id=None, state__in=LISTED_STATES)
    return await keyset_page(queryset, COMMENTS, first=first, after=after)


async def list_replies(comment: Comment, first: int, after: str | None) -> Page[Comment]:
    queryset = Comment.filter(parent_id=comment.id, state__in=LISTED_STATES)
    return await keyset_page(queryset, REPLIES, first=first, after=after)
