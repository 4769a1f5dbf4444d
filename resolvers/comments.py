"""Threaded comments on works: posts and radio episodes."""

from __future__ import annotations

from datetime import UTC, datetime

from moderation import policies
from resolvers import earnings, validation
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.moderation_actions import deleted_by_staff
from resolvers.moderation_items import Target
from resolvers.pagination import Listing, Page, id_key, keyset_page, time_key
from resolvers.publication import comment_count_changed, comment_went_live
from resolvers.screening import review_if_needed, screen
from resolvers.visibility import visible_comment
from resolvers.works import WorkRef, visible_work
from server.errors import Conflict, Forbidden, NotFound
from server.models import Comment, CommentState, ModerationTarget, Post

MAX_COMMENT = 2_000
THREAD_KEYS = (time_key("created_at", descending=False), id_key(descending=False))
COMMENTS = Listing("comments", *THREAD_KEYS)
REPLIES = Listing("replies", *THREAD_KEYS)
LISTED_STATES = (CommentState.PUBLISHED, CommentState.DELETED)


async def add_comment(ctx: Context, on: WorkRef, body: str, parent_id: int | None) -> Comment:
    """Comment on a published post or episode the viewer can see, or reply to a comment there."""
    viewer = policies.require_writer(ctx.viewer)
    text = validation.text(body, "body", maximum=MAX_COMMENT, label="A comment")
    work = await visible_work(ctx, on)
    noun = "post" if on.post_id is not None else "episode"
    if work is None:
        raise NotFound(f"No such {noun}.")
    if work.state != "PUBLISHED":
        raise Conflict(f"Comments open when the {noun} is published.")
    if isinstance(work, Post) and work.comments_locked:
        raise Conflict("Comments on this post are closed.")
    parent = None
    if parent_id is not None:
        parent = await Comment.get_or_none(id=parent_id, **on.filter())
        if parent is None or parent.state not in LISTED_STATES:
            raise NotFound(f"No such comment to reply to on this {noun}.")
    verdict = await screen(ctx, viewer, "comment", {"body": text})
    group_id = work.group_id if isinstance(work, Post) else None
    async with writing(ctx.hub) as log:
        comment = await Comment.create(
            post_id=on.post_id,
            episode_id=on.episode_id,
            author_id=viewer.id,
            parent_id=parent_id,
            body=verdict.fields["body"],
            state=CommentState.HELD if verdict.held else CommentState.PUBLISHED,
        )
        if not verdict.held:
            await comment_went_live(log, comment, work, parent)
        target = Target(ModerationTarget.COMMENT, comment.id, viewer.id, group_id)
        await review_if_needed(log, verdict, target, viewer.id)
        await earnings.comment_added(log, ctx.settings, comment)
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
            group_id = None
            if comment.post_id is not None:
                group_id = (await Post.get(id=comment.post_id)).group_id
            target = Target(ModerationTarget.COMMENT, comment.id, comment.author_id, group_id)
            await deleted_by_staff(log, viewer, target)
            await earnings.deleted_by_moderator(log, ctx.settings, viewer.id, target)
        was_listed = comment.state == CommentState.PUBLISHED
        # Conditional on the state it was read in: a moderator's decision in between wins.
        deleted = await Comment.filter(id=comment.id, state=comment.state).update(
            state=CommentState.DELETED, body="", updated_at=datetime.now(UTC)
        )
        if not deleted:
            raise Conflict("The comment changed meanwhile; look again.")
        if was_listed:
            await comment_count_changed(log, comment, -1)
    await comment.refresh_from_db()
    return comment


async def list_comments(on: WorkRef, first: int, after: str | None) -> Page[Comment]:
    """A work's top-level comments, oldest first."""
    queryset = Comment.filter(**on.filter(), parent_id=None, state__in=LISTED_STATES)
    return await keyset_page(queryset, COMMENTS, first=first, after=after)


async def list_replies(comment: Comment, first: int, after: str | None) -> Page[Comment]:
    queryset = Comment.filter(parent_id=comment.id, state__in=LISTED_STATES)
    return await keyset_page(queryset, REPLIES, first=first, after=after)
