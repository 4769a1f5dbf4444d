"""What moderation actions do to their targets: posts, comments and accounts.

`apply_action` carries out one action inside the caller's write (the queue's decision, an
appeal), so the change, its live-feed events, the search outbox row, the audit entry and the
notice to the affected user commit together. Feeds, subscriptions and the index all follow:
a hidden post leaves them within seconds, a suspended author's posts leave search with them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from tortoise.expressions import F

from moderation import policies
from resolvers.audit import record
from resolvers.events import EventLog, writing
from resolvers.notifications import notify_moderation
from server.broadcast import Hub
from server.errors import InvalidInput
from server.models import (
    AccountState,
    AuditEntry,
    AuditKind,
    Comment,
    CommentState,
    EventKind,
    Group,
    ModerationAction,
    ModerationTarget,
    Post,
    PostState,
    QueueItem,
    SearchEntity,
    User,
)

log = logging.getLogger(__name__)
A = ModerationAction
SANCTIONS = {
    A.SILENCE: AccountState.SILENCED,
    A.SUSPEND: AccountState.SUSPENDED,
    A.BAN: AccountState.BANNED,
}
CONTENT_STATES = {
    A.APPROVE: "PUBLISHED",
    A.RESTORE: "PUBLISHED",
    A.HIDE: "HIDDEN",
    A.REMOVE: "REMOVED",
}
MAX_TERM_DAYS = 3650

NOTICES = {
    A.HIDE: "A moderator hid your {what}",
    A.REMOVE: "A moderator removed your {what}",
    A.LOCK_COMMENTS: "A moderator closed comments on your post",
    A.WARN: "A moderator warned you",
    A.SILENCE: "Your account is silenced until {until}: what you write waits for approval",
    A.SUSPEND: "Your account is suspended until {until}",
    A.BAN: "Your account is banned",
    A.RESTORE: "Your {what} is visible again",
    A.LIFT_SANCTION: "The restriction on your account is lifted",
}


@dataclass(frozen=True)
class Target:
    """What a queue item or a decision is about, with who wrote it and where it belongs."""

    type: ModerationTarget
    id: int
    author_id: int | None
    group_id: int | None


async def load_target(target_type: ModerationTarget, target_id: int) -> Target | None:
    if target_type == ModerationTarget.POST:
        post = await Post.get_or_none(id=target_id)
        return Target(target_type, post.id, post.author_id, post.group_id) if post else None
    if target_type == ModerationTarget.COMMENT:
        comment = await Comment.get_or_none(id=target_id)
        if comment is None:
            return None
        post = await Post.get(id=comment.post_id)
        return Target(target_type, comment.id, comment.author_id, post.group_id)
    if target_type == ModerationTarget.USER:
        user = await User.get_or_none(id=target_id)
        return Target(target_type, user.id, user.id, None) if user else None
    group = await Group.get_or_none(id=target_id)
    # Reports about a group go to platform moderators, not to the group's own admins.
    return Target(target_type, group.id, group.created_by_id, None) if group else None


def check_actions(actions: list[ModerationAction], reason: str, days: int | None) -> None:
    """Reject combinations that contradict themselves or lack what they need."""
    chosen = set(actions)
    if not chosen:
        raise InvalidInput("Choose at least one action.", field="actions")
    if len(chosen) != len(actions):
        raise InvalidInput("Each action once.", field="actions")
    if {A.IGNORE, A.ESCALATE} & chosen and len(chosen) > 1:
        raise InvalidInput("Ignoring or escalating is a decision of its own.", field="actions")
    if A.APPROVE in chosen and chosen & {A.HIDE, A.REMOVE}:
        raise InvalidInput("Approve keeps the content; it cannot also hide it.", field="actions")
    if len(chosen & {A.HIDE, A.REMOVE}) > 1 or len(chosen & set(SANCTIONS)) > 1:
        raise InvalidInput("Pick one of hide or remove, and one sanction.", field="actions")
    if chosen & {A.REMOVE, A.WARN, *SANCTIONS} and not reason.strip():
        raise InvalidInput("Say why: the affected user is told the reason.", field="reason")
    if chosen & {A.SILENCE, A.SUSPEND}:
        if days is None or not 1 <= days <= MAX_TERM_DAYS:
            raise InvalidInput(
                f"A silence or suspension lasts 1 to {MAX_TERM_DAYS} days.", field="days"
            )


async def apply_action(
    log: EventLog,
    actor_id: int | None,
    action: ModerationAction,
    target: Target,
    *,
    reason: str,
    days: int | None = None,
    item: QueueItem | None = None,
    level: int = 1,
) -> AuditEntry:
    """Carry out one action on a target; its audit entry. `actor_id` None: done automatically
    (reports past the threshold). IGNORE and ESCALATE change only the queue item and are
    recorded by the queue. `level` is the authority it was decided with (1 group admins, 2
    moderators, 3 admins): an appeal against it is decided at that level or above."""
    detail: dict[str, object] = {"level": level}
    what = "post" if target.type == ModerationTarget.POST else "comment"
    until: datetime | None = None
    if action in CONTENT_STATES:
        await _set_content_state(log, target, action)
    elif action == A.LOCK_COMMENTS:
        if target.type != ModerationTarget.POST:
            raise InvalidInput("Only a post's comments can be locked.", field="actions")
        await Post.filter(id=target.id).update(comments_locked=True)
        await log.add(EventKind.POST_UPDATED, post_id=target.id)
    elif action in SANCTIONS or action == A.LIFT_SANCTION:
        until = await _sanction(log, target, action, days)
        detail["until"] = until.isoformat() if until else None
    elif action != A.WARN:
        raise InvalidInput(f"{action} is not an action on content or accounts.", field="actions")
    entry = await record(
        AuditKind.ACTION,
        actor_id,
        action=action,
        item=item,
        target_type=target.type,
        target_id=target.id,
        affected_user_id=target.author_id,
        group_id=target.group_id,
        reason=reason,
        detail=detail,
    )
    notice = NOTICES.get(action)
    if notice and target.author_id is not None:
        text = notice.format(what=what, until=until.date().isoformat() if until else "")
        await notify_moderation(
            log,
            target.author_id,
            f"{text}: {reason}" if reason else f"{text}.",
            post_id=target.id if target.type == ModerationTarget.POST else None,
            comment_id=target.id if target.type == ModerationTarget.COMMENT else None,
        )
    return entry


async def deleted_by_staff(log: EventLog, actor: User, target: Target) -> None:
    """A moderator deleting someone else's post or comment outside the queue: audited, and the
    author told, like a removal (there is no item to appeal it through)."""
    await record(
        AuditKind.ACTION,
        actor.id,
        action=A.REMOVE,
        target_type=target.type,
        target_id=target.id,
        affected_user_id=target.author_id,
        group_id=target.group_id,
        reason="Deleted by a moderator",
        detail={"deleted": True, "level": policies.level(actor)},
    )
    if target.author_id is not None:
        what = "post" if target.type == ModerationTarget.POST else "comment"
        await notify_moderation(log, target.author_id, f"A moderator deleted your {what}.")


async def _set_content_state(log: EventLog, target: Target, action: ModerationAction) -> None:
    # Imported here: posts and comments screen their texts through the queue, which acts
    # through this module.
    from resolvers.comments import comment_went_live
    from resolvers.posts import went_live

    state = CONTENT_STATES[action]
    now = datetime.now(UTC)
    if target.type == ModerationTarget.POST:
        post = await Post.get_or_none(id=target.id)
        if post is None or post.state in (state, PostState.DRAFT):
            return  # deleted since, or already so
        approved = post.state == PostState.HELD and state == "PUBLISHED"
        changes: dict[str, object] = {"state": PostState(state), "updated_at": now}
        if approved:
            changes["published_at"] = now
        # Conditional on the state it was read in, so that an edit or a delete in between is
        # not undone; a post that changed meanwhile is left as it is now.
        if not await Post.filter(id=post.id, state=post.state).update(**changes):
            return
        await post.refresh_from_db()
        if approved:
            await went_live(log, post)  # it goes out as if just published
        else:
            # Screens drop a post that is no longer published, and show one that is back.
            kind = EventKind.POST_UPDATED if state == "PUBLISHED" else EventKind.POST_REMOVED
            await log.add(kind, post_id=post.id, group_id=post.group_id)
            await log.changed(SearchEntity.POST, post.id)
    elif target.type == ModerationTarget.COMMENT:
        comment = await Comment.get_or_none(id=target.id)
        if comment is None or comment.state in (state, CommentState.DELETED):
            return
        was = comment.state
        if not await Comment.filter(id=comment.id, state=was).update(
            state=CommentState(state), updated_at=now
        ):
            return
        await comment.refresh_from_db()
        post = await Post.get(id=comment.post_id)
        if was == CommentState.HELD and state == "PUBLISHED":
            await comment_went_live(log, comment, post)
        elif was != CommentState.HELD:
            step = 1 if state == "PUBLISHED" else -1 if was == CommentState.PUBLISHED else 0
            if step:
                await Post.filter(id=post.id).update(comment_count=F("comment_count") + step)
            await log.add(EventKind.POST_UPDATED, post_id=post.id)
    elif action != A.APPROVE:
        raise InvalidInput("People and groups are not hidden; sanction or warn.", field="actions")


async def _sanction(
    log: EventLog, target: Target, action: ModerationAction, days: int | None
) -> datetime | None:
    user = await User.get_or_none(id=target.author_id) if target.author_id else None
    if user is None:
        raise InvalidInput("Nobody to sanction for this target.", field="actions")
    until = None
    if action == A.LIFT_SANCTION:
        user.state = AccountState.ACTIVE
    else:
        user.state = SANCTIONS[action]
        if action != A.BAN:
            until = datetime.now(UTC) + timedelta(days=days or 1)
    user.suspended_until = until
    await user.save(update_fields=["state", "suspended_until", "updated_at"])
    await log.changed(SearchEntity.USER, user.id, with_posts=True)
    return until


async def end_due_suspensions(now: datetime | None = None, hub: Hub | None = None) -> list[int]:
    """Reactivate the accounts whose silence or suspension term has ended (their posts return
    to search). Each account is claimed by a conditional update: safe in several processes."""
    moment = now or datetime.now(UTC)
    limited = [AccountState.SUSPENDED, AccountState.SILENCED]
    due = await User.filter(state__in=limited, suspended_until__lte=moment).values_list(
        "id", flat=True
    )
    ended = []
    for user_id in cast(list[int], due):
        try:
            async with writing(hub) as events:
                claimed = await User.filter(
                    id=user_id, state__in=limited, suspended_until__lte=moment
                ).update(state=AccountState.ACTIVE, suspended_until=None)
                if claimed:
                    await events.changed(SearchEntity.USER, user_id, with_posts=True)
                    ended.append(user_id)
        except Exception:  # one account's failure never keeps the others sanctioned
            log.exception("ending the term of account %s failed; retrying next round", user_id)
    return ended
