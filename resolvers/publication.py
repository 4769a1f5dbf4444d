"""What content going live means, in one place: the change-log events that feeds and
subscriptions replay, the search outbox row, and the notices to the people concerned.

Posts and comments call it when they are written published; moderation calls it when a held
post or comment is approved; scheduled publishing when a draft falls due. It calls only
downward (the change log, notifications), so each of them can call it.
"""

from __future__ import annotations

from tortoise.expressions import F

from resolvers.changes import ChangeLog
from resolvers.notifications import notify, notify_mentions
from server.models import ChangeKind, Comment, NotificationKind, Post, SearchEntity


async def post_went_live(log: ChangeLog, post: Post) -> None:
    """What a post going live tells the world: the feeds, and the people it mentions."""
    await log.add(ChangeKind.POST_ADDED, post_id=post.id, group_id=post.group_id)
    await log.changed(SearchEntity.POST, post.id)
    text = f"{post.title or ''} {post.body}"
    await notify_mentions(log, text, post.author_id, post_id=post.id, group_id=post.group_id)


async def comment_went_live(
    log: ChangeLog, comment: Comment, post: Post, parent: Comment | None = None
) -> None:
    """What a comment appearing tells the world: counts, the thread's live streams, and the
    people it replies to or mentions (at writing, or when a moderator approves it)."""
    if parent is None and comment.parent_id is not None:
        parent = await Comment.get_or_none(id=comment.parent_id)
    await Post.filter(id=post.id).update(comment_count=F("comment_count") + 1)
    if parent is not None:
        await Comment.filter(id=parent.id).update(reply_count=F("reply_count") + 1)
    await log.add(ChangeKind.COMMENT_ADDED, post_id=post.id, comment_id=comment.id)
    await log.add(ChangeKind.POST_UPDATED, post_id=post.id)
    told = {comment.author_id}
    for recipient in (post.author_id, parent.author_id if parent else None):
        if recipient is not None and recipient not in told:
            told.add(recipient)
            await notify(
                log,
                recipient,
                NotificationKind.REPLY,
                comment.author_id,
                post_id=post.id,
                comment_id=comment.id,
            )
    await notify_mentions(
        log,
        comment.body,
        comment.author_id,
        post_id=post.id,
        group_id=post.group_id,
        comment_id=comment.id,
        skip=frozenset(told),
    )
