"""Reactions on posts and comments: one per user, per kind, per subject."""

from __future__ import annotations

from tortoise.expressions import F

from moderation import policies
from resolvers.changes import ChangeLog, writing
from resolvers.context import Context
from resolvers.notifications import notify
from resolvers.visibility import visible_comment, visible_post
from server.errors import NotFound
from server.models import (
    ChangeKind,
    Comment,
    CommentReaction,
    CommentState,
    NotificationKind,
    Post,
    PostReaction,
    ReactionKind,
)


async def _subject(ctx: Context, subject_type: str, subject_id: int) -> Post | Comment:
    subject: Post | Comment | None = None
    if subject_type == "Post":
        subject = await visible_post(ctx, subject_id)
    elif subject_type == "Comment":
        subject = await visible_comment(ctx, subject_id)
        if subject is not None and subject.state != CommentState.PUBLISHED:
            subject = None  # a deleted comment's tombstone takes no reactions
    if subject is None:
        raise NotFound("Nothing to react to with that id.")
    return subject


async def add_reaction(
    ctx: Context, subject_type: str, subject_id: int, kind: ReactionKind
) -> Post | Comment:
    viewer = policies.require_writer(ctx.viewer)
    subject = await _subject(ctx, subject_type, subject_id)
    async with writing(ctx.hub) as log:
        if isinstance(subject, Post):
            _, created = await PostReaction.get_or_create(
                post_id=subject.id, user_id=viewer.id, kind=kind
            )
        else:
            _, created = await CommentReaction.get_or_create(
                comment_id=subject.id, user_id=viewer.id, kind=kind
            )
        if created:
            await type(subject).filter(id=subject.id).update(reaction_count=F("reaction_count") + 1)
            await _reacted(log, subject, viewer.id)
    await subject.refresh_from_db()
    return subject


async def _reacted(log: ChangeLog, subject: Post | Comment, actor_id: int) -> None:
    if isinstance(subject, Post):
        await log.add(ChangeKind.POST_UPDATED, post_id=subject.id)
        await notify(
            log, subject.author_id, NotificationKind.REACTION, actor_id, post_id=subject.id
        )
    else:
        await notify(
            log,
            subject.author_id,
            NotificationKind.REACTION,
            actor_id,
            post_id=subject.post_id,
            comment_id=subject.id,
        )


async def remove_reaction(
    ctx: Context, subject_type: str, subject_id: int, kind: ReactionKind
) -> Post | Comment:
    viewer = policies.require_writer(ctx.viewer)
    subject = await _subject(ctx, subject_type, subject_id)
    async with writing(ctx.hub) as log:
        if isinstance(subject, Post):
            removed = await PostReaction.filter(
                post_id=subject.id, user_id=viewer.id, kind=kind
            ).delete()
        else:
            removed = await CommentReaction.filter(
                comment_id=subject.id, user_id=viewer.id, kind=kind
            ).delete()
        if removed:
            await type(subject).filter(id=subject.id).update(reaction_count=F("reaction_count") - 1)
            if isinstance(subject, Post):
                await log.add(ChangeKind.POST_UPDATED, post_id=subject.id)
    await subject.refresh_from_db()
    return subject
