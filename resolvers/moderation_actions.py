"""What moderation actions do to their targets: posts, comments, radio episodes, credits and
accounts (the episodes' and credits' part is resolvers.moderation_works).

`apply_action` carries out one action inside the caller's write (the queue's decision, an
appeal), so the change, its live-feed events, the search outbox row, the audit entry and the
notice to the affected user commit together. Feeds, subscriptions and the index all follow:
a hidden post leaves them within seconds, a suspended author's posts leave search with them.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import cast

from moderation import policies
from resolvers.audit import record
from resolvers.changes import ChangeLog, writing
from resolvers.moderation_items import Target
from resolvers.moderation_works import (
    CREDIT_NOTICES,
    set_credit,
    set_episode_state,
    tell_about_credit,
)
from resolvers.notifications import notify_moderation
from resolvers.publication import comment_count_changed, comment_went_live, post_went_live
from server.broadcast import Hub
from server.errors import InvalidInput
from server.models import (
    AccountState,
    AuditEntry,
    AuditKind,
    ChangeKind,
    Comment,
    CommentState,
    ModerationAction,
    ModerationItem,
    ModerationTarget,
    Post,
    PostState,
    RadioEpisode,
    SearchEntity,
    User,
)

log = logging.getLogger(__name__)
SANCTIONS = {
    ModerationAction.SILENCE: AccountState.SILENCED,
    ModerationAction.SUSPEND: AccountState.SUSPENDED,
    ModerationAction.BAN: AccountState.BANNED,
}
# Actions against the author: they uphold the reports (the reporters were right), and the author
# may appeal them.
ADVERSE = {
    ModerationAction.HIDE,
    ModerationAction.REMOVE,
    ModerationAction.LOCK_COMMENTS,
    ModerationAction.WARN,
    ModerationAction.SILENCE,
    ModerationAction.SUSPEND,
    ModerationAction.BAN,
}
# What a content action makes of a post, and of a comment.
POST_STATES = {
    ModerationAction.APPROVE: PostState.PUBLISHED,
    ModerationAction.RESTORE: PostState.PUBLISHED,
    ModerationAction.HIDE: PostState.HIDDEN,
    ModerationAction.REMOVE: PostState.REMOVED,
}
COMMENT_STATES = {
    ModerationAction.APPROVE: CommentState.PUBLISHED,
    ModerationAction.RESTORE: CommentState.PUBLISHED,
    ModerationAction.HIDE: CommentState.HIDDEN,
    ModerationAction.REMOVE: CommentState.REMOVED,
}
MAX_TERM_DAYS = 3650
T = ModerationTarget
# The content actions each kind of target takes. WARN and sanctions reach whoever answers for
# any target (see resolvers.moderation_items), IGNORE and ESCALATE any item.
CONTENT_ACTIONS = {
    T.POST: {*POST_STATES, ModerationAction.LOCK_COMMENTS},
    T.COMMENT: set(COMMENT_STATES),
    T.EPISODE: set(POST_STATES),
    T.CREDIT: {ModerationAction.APPROVE, ModerationAction.REMOVE, ModerationAction.RESTORE},
    T.USER: {ModerationAction.APPROVE},
    T.GROUP: {ModerationAction.APPROVE},
    T.STATION: {ModerationAction.APPROVE},
    T.COLLECTION: {ModerationAction.APPROVE},
}
NOT_APPLICABLE = {
    T.USER: "People are not hidden or removed; warn or sanction them.",
    T.GROUP: "Groups are not hidden or removed here; warn or sanction who made them.",
    T.STATION: "Stations are not hidden or removed here: an admin changes what a station "
    "says; warn or sanction who made it.",
    T.COLLECTION: "Collections are not hidden or removed here: an admin or its curators change "
    "what it holds; warn or sanction who made it.",
    T.CREDIT: "A credit is kept or removed, not hidden.",
}
# What the affected user is told the decision was about.
WHAT = {
    T.POST: "post",
    T.COMMENT: "comment",
    T.EPISODE: "episode",
    T.USER: "account",
    T.GROUP: "group",
    T.STATION: "station",
    T.COLLECTION: "collection",
    T.CREDIT: "credit",
}

NOTICES = {
    ModerationAction.HIDE: "A moderator hid your {what}",
    ModerationAction.REMOVE: "A moderator removed your {what}",
    ModerationAction.LOCK_COMMENTS: "A moderator closed comments on your post",
    ModerationAction.WARN: "A moderator warned you",
    ModerationAction.SILENCE: (
        "Your account is silenced until {until}: what you write waits for approval"
    ),
    ModerationAction.SUSPEND: "Your account is suspended until {until}",
    ModerationAction.BAN: "Your account is banned",
    ModerationAction.RESTORE: "Your {what} is visible again",
    ModerationAction.LIFT_SANCTION: "The restriction on your account is lifted",
}


def check_actions(actions: list[ModerationAction], reason: str, days: int | None) -> None:
    """Reject combinations that contradict themselves or lack what they need."""
    chosen = set(actions)
    if not chosen:
        raise InvalidInput("Choose at least one action.", field="actions")
    if len(chosen) != len(actions):
        raise InvalidInput("Each action once.", field="actions")
    if {ModerationAction.IGNORE, ModerationAction.ESCALATE} & chosen and len(chosen) > 1:
        raise InvalidInput("Ignoring or escalating is a decision of its own.", field="actions")
    if ModerationAction.APPROVE in chosen and chosen & {
        ModerationAction.HIDE,
        ModerationAction.REMOVE,
    }:
        raise InvalidInput("Approve keeps the content; it cannot also hide it.", field="actions")
    if (
        len(chosen & {ModerationAction.HIDE, ModerationAction.REMOVE}) > 1
        or len(chosen & set(SANCTIONS)) > 1
    ):
        raise InvalidInput("Pick one of hide or remove, and one sanction.", field="actions")
    if chosen & {ModerationAction.REMOVE, ModerationAction.WARN, *SANCTIONS} and not reason.strip():
        raise InvalidInput("Say why: the affected user is told the reason.", field="reason")
    if chosen & {ModerationAction.SILENCE, ModerationAction.SUSPEND}:
        if days is None or not 1 <= days <= MAX_TERM_DAYS:
            raise InvalidInput(
                f"A silence or suspension lasts 1 to {MAX_TERM_DAYS} days.", field="days"
            )


def check_applicable(target: Target, actions: list[ModerationAction]) -> None:
    """Refuse, before anything is written, an action this kind of target does not take, and a
    warning or sanction when no account answers for the target."""
    for action in actions:
        if action in (ModerationAction.IGNORE, ModerationAction.ESCALATE):
            continue
        if action == ModerationAction.WARN or action in SANCTIONS:
            if target.author_id is None:
                raise InvalidInput(
                    f"No account answers for this {WHAT[target.type]}: nobody to warn or sanction.",
                    field="actions",
                )
        elif action not in CONTENT_ACTIONS[target.type]:
            if action == ModerationAction.LOCK_COMMENTS:
                raise InvalidInput("Only a post's comments can be locked.", field="actions")
            message = NOT_APPLICABLE.get(target.type, f"{action} does not apply here.")
            raise InvalidInput(message, field="actions")


async def apply_action(
    log: ChangeLog,
    actor_id: int | None,
    action: ModerationAction,
    target: Target,
    *,
    reason: str,
    days: int | None = None,
    item: ModerationItem | None = None,
    level: int = 1,
) -> AuditEntry:
    """Carry out one action on a target; its audit entry. `actor_id` None: done automatically
    (reports past the threshold). IGNORE and ESCALATE change only the queue item and are
    recorded by the queue. `level` is the authority it was decided with (1 group admins, 2
    moderators, 3 admins): an appeal against it is decided at that level or above."""
    detail: dict[str, object] = {"level": level}
    if action != ModerationAction.LIFT_SANCTION:
        check_applicable(target, [action])
    until: datetime | None = None
    credit: dict[str, object] | None = None
    if target.type == ModerationTarget.CREDIT and action in POST_STATES:
        credit = await set_credit(log, target, action)
        if credit is not None:
            detail["credit"] = credit  # what a removed credit was, for an appeal to give back
    elif action in POST_STATES:
        held = item is not None and item.target_hidden
        await _set_content_state(log, target, action, held=held)
    elif action == ModerationAction.LOCK_COMMENTS:
        await Post.filter(id=target.id).update(comments_locked=True)
        await log.add(ChangeKind.POST_UPDATED, post_id=target.id)
    elif action in SANCTIONS or action == ModerationAction.LIFT_SANCTION:
        until = await _sanction(log, target, action, days)
        detail["until"] = until.isoformat() if until else None
    elif action != ModerationAction.WARN:
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
    if target.type == ModerationTarget.CREDIT and action in CREDIT_NOTICES:
        await tell_about_credit(log, target, action, reason, credit)
        return entry
    notice = NOTICES.get(action)
    if notice and target.author_id is not None:
        what = WHAT[target.type]
        text = notice.format(what=what, until=until.date().isoformat() if until else "")
        await notify_moderation(
            log,
            target.author_id,
            f"{text}: {reason}" if reason else f"{text}.",
            post_id=target.id if target.type == ModerationTarget.POST else None,
            comment_id=target.id if target.type == ModerationTarget.COMMENT else None,
            episode_id=target.id if target.type == ModerationTarget.EPISODE else None,
        )
    return entry


async def deleted_by_staff(log: ChangeLog, actor: User, target: Target) -> None:
    """A moderator deleting someone else's post or comment outside the queue: audited, and the
    author told, like a removal (there is no item to appeal it through)."""
    await record(
        AuditKind.ACTION,
        actor.id,
        action=ModerationAction.REMOVE,
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


async def _set_content_state(
    log: ChangeLog, target: Target, action: ModerationAction, *, held: bool
) -> None:
    """`held`: the target's queue item hides it until a moderator decides (a held post is
    HELD itself; a held episode stays SUBMITTED)."""
    if target.type == ModerationTarget.POST:
        await _set_post_state(log, target.id, POST_STATES[action])
    elif target.type == ModerationTarget.COMMENT:
        await _set_comment_state(log, target.id, COMMENT_STATES[action])
    elif target.type == ModerationTarget.EPISODE:
        await set_episode_state(log, target.id, action, held=held)


async def _set_post_state(log: ChangeLog, post_id: int, state: PostState) -> None:
    post = await Post.get_or_none(id=post_id)
    if post is None or post.state in (state, PostState.DRAFT):
        return  # deleted since, or already so
    now = datetime.now(UTC)
    approved = post.state == PostState.HELD and state == PostState.PUBLISHED
    changes: dict[str, object] = {"state": state, "updated_at": now}
    if approved:
        changes["published_at"] = now
    # Conditional on the state it was read in, so that an edit or a delete in between is not
    # undone; a post that changed meanwhile is left as it is now.
    if not await Post.filter(id=post.id, state=post.state).update(**changes):
        return
    await post.refresh_from_db()
    if approved:
        await post_went_live(log, post)  # it goes out as if just published
    else:
        # Screens drop a post that is no longer published, and show one that is back.
        published = state == PostState.PUBLISHED
        kind = ChangeKind.POST_UPDATED if published else ChangeKind.POST_REMOVED
        await log.add(kind, post_id=post.id, group_id=post.group_id)
        await log.changed(SearchEntity.POST, post.id)


async def _set_comment_state(log: ChangeLog, comment_id: int, state: CommentState) -> None:
    comment = await Comment.get_or_none(id=comment_id)
    if comment is None or comment.state in (state, CommentState.DELETED):
        return
    was = comment.state
    if not await Comment.filter(id=comment.id, state=was).update(
        state=state, updated_at=datetime.now(UTC)
    ):
        return
    await comment.refresh_from_db()
    published = state == CommentState.PUBLISHED
    if was == CommentState.HELD and published:
        work: Post | RadioEpisode
        if comment.post_id is not None:
            work = await Post.get(id=comment.post_id)
        else:
            work = await RadioEpisode.get(id=comment.episode_id)
        await comment_went_live(log, comment, work)
    elif was != CommentState.HELD:
        step = 1 if published else -1 if was == CommentState.PUBLISHED else 0
        await comment_count_changed(log, comment, step)


async def _sanction(
    log: ChangeLog, target: Target, action: ModerationAction, days: int | None
) -> datetime | None:
    user = await User.get_or_none(id=target.author_id) if target.author_id else None
    if user is None:
        raise InvalidInput("Nobody to sanction for this target.", field="actions")
    until = None
    if action == ModerationAction.LIFT_SANCTION:
        user.state = AccountState.ACTIVE
    else:
        user.state = SANCTIONS[action]
        if action != ModerationAction.BAN:
            until = datetime.now(UTC) + timedelta(days=days or 1)
    user.suspended_until = until
    await user.save(update_fields=["state", "suspended_until", "updated_at"])
    await log.changed(SearchEntity.USER, user.id, with_posts=True)
    return until


async def end_due_suspensions(hub: Hub, now: datetime | None = None) -> list[int]:
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
            async with writing(hub) as change_log:
                claimed = await User.filter(
                    id=user_id, state__in=limited, suspended_until__lte=moment
                ).update(state=AccountState.ACTIVE, suspended_until=None)
                if claimed:
                    await change_log.changed(SearchEntity.USER, user_id, with_posts=True)
                    ended.append(user_id)
        except Exception:  # one account's failure never keeps the others sanctioned
            log.exception("ending the term of account %s failed; retrying next round", user_id)
    return ended
