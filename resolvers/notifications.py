"""Notifications: created inside the writes that cause them, read and marked by their recipient."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from tortoise.expressions import Q, Subquery

from moderation import policies
from moderation.limits import MENTION_RE
from resolvers.changes import ChangeLog
from resolvers.context import Context
from resolvers.pagination import Listing, Page, id_key, keyset_page, time_key
from server.models import (
    ChangeKind,
    CommentReaction,
    EpisodeReaction,
    Group,
    GroupMembership,
    GroupVisibility,
    Notification,
    NotificationKind,
    PostReaction,
    User,
)

MAX_MENTIONS = 10
NOTIFICATIONS = Listing("notifications", time_key("updated_at"), id_key())
GROUPED = (NotificationKind.REACTION,)


async def notify(
    log: ChangeLog,
    recipient_id: int,
    kind: NotificationKind,
    actor_id: int,
    *,
    post_id: int | None = None,
    comment_id: int | None = None,
    group_id: int | None = None,
    episode_id: int | None = None,
    credit_id: int | None = None,
) -> Notification | None:
    """Tell a user something happened; nobody is told about their own doing. Reactions to one
    post or comment gather in one unread notification ("3 people liked your post")."""
    if recipient_id == actor_id:
        return None
    notification = None
    if kind in GROUPED:
        notification = await Notification.get_or_none(
            recipient_id=recipient_id,
            kind=kind,
            post_id=post_id,
            comment_id=comment_id,
            episode_id=episode_id,
            read_at=None,
        )
    if notification is None:
        notification = await Notification.create(
            recipient_id=recipient_id,
            kind=kind,
            actor_id=actor_id,
            post_id=post_id,
            comment_id=comment_id,
            group_id=group_id,
            episode_id=episode_id,
            credit_id=credit_id,
        )
    else:
        notification.actor_id = actor_id
        notification.actor_count = await _reactor_count(
            recipient_id, post_id, comment_id, episode_id
        )
        await notification.save(update_fields=["actor_id", "actor_count", "updated_at"])
    await log.add(
        ChangeKind.NOTIFICATION_ADDED, notification_id=notification.id, recipient_id=recipient_id
    )
    return notification


async def notify_moderation(
    log: ChangeLog,
    recipient_id: int,
    text: str,
    *,
    post_id: int | None = None,
    comment_id: int | None = None,
    episode_id: int | None = None,
) -> Notification:
    """Tell a user what moderators decided about them or what they wrote, and why. The
    moderator is not named: decisions are the community's, not a person's."""
    notification = await Notification.create(
        recipient_id=recipient_id,
        kind=NotificationKind.MODERATION,
        actor_id=None,
        text=text[:500],
        post_id=post_id,
        comment_id=comment_id,
        episode_id=episode_id,
    )
    await log.add(
        ChangeKind.NOTIFICATION_ADDED, notification_id=notification.id, recipient_id=recipient_id
    )
    return notification


async def notify_koc(log: ChangeLog, recipient_id: int, text: str) -> Notification:
    """Tell a user about their KOC application or role (decided, granted, ending soon, ended,
    revoked). Like moderation, the staff member who decided is not named."""
    notification = await Notification.create(
        recipient_id=recipient_id, kind=NotificationKind.KOC, actor_id=None, text=text[:500]
    )
    await log.add(
        ChangeKind.NOTIFICATION_ADDED, notification_id=notification.id, recipient_id=recipient_id
    )
    return notification


async def notify_group(
    log: ChangeLog,
    recipient_id: int,
    kind: NotificationKind,
    text: str,
    group_id: int,
    actor_id: int | None = None,
) -> Notification:
    """Tell a user what a group's staff decided about them (a role, a removal, a request, an
    invitation), in words. `actor_id` None leaves who decided unnamed: a removal is the group's
    decision, not a person's."""
    notification = await Notification.create(
        recipient_id=recipient_id, kind=kind, actor_id=actor_id, group_id=group_id, text=text[:500]
    )
    await log.add(
        ChangeKind.NOTIFICATION_ADDED, notification_id=notification.id, recipient_id=recipient_id
    )
    return notification


async def notify_feedback_adopted(
    log: ChangeLog, recipient_id: int, text: str, *, post_id: int, group_id: int | None
) -> Notification:
    """Tell an author that staff adopted their product feedback (the post). Like moderation
    and KOC decisions, the staff member who adopted it is not named."""
    notification = await Notification.create(
        recipient_id=recipient_id,
        kind=NotificationKind.FEEDBACK_ADOPTED,
        actor_id=None,
        post_id=post_id,
        group_id=group_id,
        text=text[:500],
    )
    await log.add(
        ChangeKind.NOTIFICATION_ADDED, notification_id=notification.id, recipient_id=recipient_id
    )
    return notification


async def notify_text(
    log: ChangeLog,
    recipient_id: int,
    kind: NotificationKind,
    text: str,
    *,
    post_id: int | None = None,
    episode_id: int | None = None,
) -> Notification:
    """Tell a user what the system or staff did for or to them, in a sentence (points and
    contribution credited or taken, a club membership): nobody is named."""
    notification = await Notification.create(
        recipient_id=recipient_id,
        kind=kind,
        actor_id=None,
        post_id=post_id,
        episode_id=episode_id,
        text=text[:500],
    )
    await log.add(
        ChangeKind.NOTIFICATION_ADDED, notification_id=notification.id, recipient_id=recipient_id
    )
    return notification


async def _reactor_count(
    recipient_id: int, post_id: int | None, comment_id: int | None, episode_id: int | None
) -> int:
    model: type[CommentReaction] | type[PostReaction] | type[EpisodeReaction]
    subject: dict[str, int | None]
    if comment_id is not None:
        model, subject = CommentReaction, {"comment_id": comment_id}
    elif episode_id is not None:
        model, subject = EpisodeReaction, {"episode_id": episode_id}
    else:
        model, subject = PostReaction, {"post_id": post_id}
    users = (
        await model.filter(**subject)
        .exclude(user_id=recipient_id)
        .values_list("user_id", flat=True)
    )
    return max(len(set(users)), 1)


def mentioned_handles(text: str) -> list[str]:
    return list(dict.fromkeys(h.lower() for h in MENTION_RE.findall(text)))[:MAX_MENTIONS]


async def notify_mentions(
    log: ChangeLog,
    text: str,
    actor_id: int,
    *,
    post_id: int,
    group_id: int | None,
    comment_id: int | None = None,
    skip: frozenset[int] = frozenset(),
) -> None:
    """Notify the users @mentioned in a text who can see where it was written."""
    handles = mentioned_handles(text)
    if not handles:
        return
    users = User.filter(handle__in=handles).exclude(id__in=[actor_id, *skip])
    if group_id is not None:
        group = await Group.get(id=group_id)
        if group.visibility == GroupVisibility.MEMBERS_ONLY:
            # A Subquery: `id__in` a bare values() query fails when it runs (DESIGN §10).
            members = Subquery(GroupMembership.filter(group_id=group_id).values("user_id"))
            users = users.filter(id__in=members)
    for user_id in cast(list[int], await users.values_list("id", flat=True)):
        await notify(
            log,
            int(user_id),
            NotificationKind.MENTION,
            actor_id,
            post_id=post_id,
            comment_id=comment_id,
            group_id=group_id,
        )


async def list_notifications(ctx: Context, first: int, after: str | None) -> Page[Notification]:
    viewer = policies.require_viewer(ctx.viewer)
    return await keyset_page(
        Notification.filter(recipient_id=viewer.id),
        NOTIFICATIONS,
        first=first,
        after=after,
    )


async def unread_count(ctx: Context) -> int:
    viewer = policies.require_viewer(ctx.viewer)
    return await Notification.filter(recipient_id=viewer.id, read_at=None).count()


async def mark_read(ctx: Context, ids: list[int] | None) -> int:
    """Mark the given notifications (or all, for None) read; returns how many changed."""
    viewer = policies.require_viewer(ctx.viewer)
    query = Notification.filter(Q(recipient_id=viewer.id), Q(read_at=None))
    if ids is not None:
        query = query.filter(id__in=ids)
    return await query.update(read_at=datetime.now(UTC))


async def mark_all_read(ctx: Context, up_to: datetime | None = None) -> int:
    """Mark every unread notification read, or only those last changed at or before `up_to`
    (what the viewer has seen: one that arrives or grows meanwhile stays unread); returns how
    many changed. A time without a zone is read as UTC."""
    viewer = policies.require_viewer(ctx.viewer)
    query = Notification.filter(recipient_id=viewer.id, read_at=None)
    if up_to is not None:
        if up_to.tzinfo is None:
            up_to = up_to.replace(tzinfo=UTC)
        query = query.filter(updated_at__lte=up_to)
    return await query.update(read_at=datetime.now(UTC))
