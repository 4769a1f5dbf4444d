"""What content going live means, in one place: the change-log events that feeds and
subscriptions replay, the search outbox row, and the notices to the people concerned.

Posts and comments call it when they are written published; moderation calls it when a held
post or comment is approved; scheduled publishing when a draft falls due. It calls only
downward (the change log, notifications), so each of them can call it.
"""

from __future__ import annotations

from tortoise.expressions import F

from resolvers.changes import ChangeLog
from resolvers.credits import co_creators, invite_pending
from resolvers.notifications import notify, notify_mentions
from resolvers.works import WorkRef
from server.models import ChangeKind, Comment, NotificationKind, Post, RadioEpisode, SearchEntity


async def post_went_live(log: ChangeLog, post: Post) -> None:
    """What a post going live tells the world: the feeds, the people it mentions, and the
    people it credits (asked for their consent now that they can see it)."""
    await log.add(ChangeKind.POST_ADDED, post_id=post.id, group_id=post.group_id)
    await log.changed(SearchEntity.POST, post.id)
    text = f"{post.title or ''} {post.body}"
    await notify_mentions(log, text, post.author_id, post_id=post.id, group_id=post.group_id)
    await invite_pending(log, WorkRef(post_id=post.id), post.author_id)


async def comment_went_live(
    log: ChangeLog, comment: Comment, work: Post | RadioEpisode, parent: Comment | None = None
) -> None:
    """What a comment appearing tells the world: counts, the thread's live streams, and the
    people it replies to or mentions (at writing, or when a moderator approves it): the work's
    author and its accepted co-creators, and the author of the comment it answers."""
    if parent is None and comment.parent_id is not None:
        parent = await Comment.get_or_none(id=comment.parent_id)
    ref = WorkRef.of_row(work)
    await _count_comments(ref, +1)
    if parent is not None:
        await Comment.filter(id=parent.id).update(reply_count=F("reply_count") + 1)
    await log.add(
        ChangeKind.COMMENT_ADDED,
        post_id=ref.post_id,
        episode_id=ref.episode_id,
        comment_id=comment.id,
    )
    await _work_updated(log, ref)
    told = {comment.author_id}
    makers = [work.author_id, *await co_creators(ref)]
    for recipient in (*makers, parent.author_id if parent else None):
        if recipient is not None and recipient not in told:
            told.add(recipient)
            await notify(
                log,
                recipient,
                NotificationKind.REPLY,
                comment.author_id,
                post_id=ref.post_id,
                episode_id=ref.episode_id,
                comment_id=comment.id,
            )
    if ref.post_id is not None:
        await notify_mentions(
            log,
            comment.body,
            comment.author_id,
            post_id=ref.post_id,
            group_id=work.group_id if isinstance(work, Post) else None,
            comment_id=comment.id,
            skip=frozenset(told),
        )


async def comment_count_changed(log: ChangeLog, comment: Comment, step: int) -> None:
    """A comment left the listing (deleted, hidden: -1) or came back (restored: +1), or
    changed in place (0): its work's count and live viewers follow."""
    ref = WorkRef.of_fields(comment)
    if step:
        await _count_comments(ref, step)
    await _work_updated(log, ref)


async def _count_comments(ref: WorkRef, change: int) -> None:
    if ref.post_id is not None:
        await Post.filter(id=ref.post_id).update(comment_count=F("comment_count") + change)
    else:
        await RadioEpisode.filter(id=ref.episode_id).update(
            comment_count=F("comment_count") + change
        )


async def _work_updated(log: ChangeLog, ref: WorkRef) -> None:
    if ref.post_id is not None:
        await log.add(ChangeKind.POST_UPDATED, post_id=ref.post_id)
    else:
        await log.add(ChangeKind.EPISODE_UPDATED, episode_id=ref.episode_id)
