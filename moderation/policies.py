"""Authorisation decided in one place per kind of object.

`can_*` answer one question about one object; `visible_*` build the read filters used by every
list, so feeds, lists and `node` agree on what a viewer may see.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from tortoise.expressions import Q

from server.errors import AccountSuspended, Forbidden, NotAuthenticated
from server.models import (
    AccountState,
    Comment,
    CommentState,
    Group,
    GroupMembership,
    GroupRole,
    GroupVisibility,
    ModerationAction,
    PlatformRole,
    Post,
    PostState,
    User,
)


def is_staff(viewer: User | None) -> bool:
    return viewer is not None and viewer.role in (PlatformRole.MODERATOR, PlatformRole.ADMIN)


def is_admin(viewer: User | None) -> bool:
    return viewer is not None and viewer.role == PlatformRole.ADMIN


def _sanction_lasts(user: User, now: datetime | None) -> bool:
    return user.suspended_until is None or user.suspended_until > (now or datetime.now(UTC))


def is_suspended(user: User, now: datetime | None = None) -> bool:
    """Suspended for a term that has not ended, or banned: may not write at all."""
    if user.state == AccountState.BANNED:
        return True
    return user.state == AccountState.SUSPENDED and _sanction_lasts(user, now)


def is_silenced(user: User, now: datetime | None = None) -> bool:
    """Silenced for a term that has not ended: what they write waits for approval."""
    return user.state == AccountState.SILENCED and _sanction_lasts(user, now)


def require_viewer(viewer: User | None) -> User:
    if viewer is None:
        raise NotAuthenticated()
    return viewer


def require_writer(viewer: User | None) -> User:
    """The viewer, if they may write at all."""
    user = require_viewer(viewer)
    if is_suspended(user):
        until = None if user.state == AccountState.BANNED else user.suspended_until
        raise AccountSuspended(until, banned=user.state == AccountState.BANNED)
    return user


def require_staff(viewer: User | None) -> User:
    user = require_viewer(viewer)
    if not is_staff(user):
        raise Forbidden("Only moderators can do this.")
    return user


def require_admin(viewer: User | None) -> User:
    user = require_viewer(viewer)
    if not is_admin(user):
        raise Forbidden("Only admins can do this.")
    return user


def can_see_group_posts(group: Group | None, member_group_ids: Collection[int]) -> bool:
    return (
        group is None or group.visibility == GroupVisibility.PUBLIC or group.id in member_group_ids
    )


def can_see_post(
    viewer: User | None, post: Post, group: Group | None, member_group_ids: Collection[int]
) -> bool:
    """Whether `post(id:)` / `node(id:)` may return this post to the viewer."""
    if post.state == PostState.DRAFT:
        return viewer is not None and viewer.id in (post.author_id, post.operator_id)
    if post.state == PostState.HELD:
        # Waiting for approval: its author sees it (marked held), and moderators.
        return is_staff(viewer) or (
            viewer is not None and viewer.id in (post.author_id, post.operator_id)
        )
    if post.state != PostState.PUBLISHED:
        # Hidden and removed posts stay reachable for moderation only.
        return is_staff(viewer)
    return can_see_group_posts(group, member_group_ids) or is_staff(viewer)


def can_see_comment(comment: Comment, post_visible: bool, viewer: User | None = None) -> bool:
    if not post_visible:
        return False
    if comment.state == CommentState.HELD:
        return is_staff(viewer) or (viewer is not None and viewer.id == comment.author_id)
    return comment.state in (CommentState.PUBLISHED, CommentState.DELETED)


def visible_posts(member_group_ids: Collection[int]) -> Q:
    """Published posts outside members-only groups, or in groups the viewer belongs to."""
    in_allowed_group = Q(group_id__isnull=True) | Q(group__visibility=GroupVisibility.PUBLIC)
    if member_group_ids:
        in_allowed_group |= Q(group_id__in=list(member_group_ids))
    return Q(state=PostState.PUBLISHED) & in_allowed_group


def can_edit_post(viewer: User, post: Post) -> bool:
    return viewer.id in (post.author_id, post.operator_id)


def can_delete_post(viewer: User, post: Post) -> bool:
    return can_edit_post(viewer, post) or is_staff(viewer)


def can_delete_comment(viewer: User, comment: Comment) -> bool:
    return viewer.id == comment.author_id or is_staff(viewer)


def can_post_in_group(membership: GroupMembership | None) -> bool:
    return membership is not None


def can_manage_group(viewer: User, membership: GroupMembership | None) -> bool:
    return is_admin(viewer) or (
        membership is not None and membership.role in (GroupRole.OWNER, GroupRole.ADMIN)
    )


# --- moderation: who works which queue items -------------------------------------------------

# What a group admin may do in their own group; sanctions on accounts are platform decisions.
GROUP_ADMIN_ACTIONS = frozenset(
    {
        ModerationAction.APPROVE,
        ModerationAction.HIDE,
        ModerationAction.REMOVE,
        ModerationAction.LOCK_COMMENTS,
        ModerationAction.WARN,
        ModerationAction.IGNORE,
        ModerationAction.ESCALATE,
        ModerationAction.RESTORE,
    }
)


def can_moderate_group(
    viewer: User | None, group_id: int | None, admin_group_ids: Collection[int]
) -> bool:
    """Platform staff moderate everything; a group's owners and admins moderate what belongs
    to their group."""
    if is_staff(viewer):
        return True
    return viewer is not None and group_id is not None and group_id in admin_group_ids


def can_take_action(viewer: User, action: ModerationAction) -> bool:
    return is_staff(viewer) or action in GROUP_ADMIN_ACTIONS


def can_report(viewer: User, author_id: int | None) -> bool:
    return author_id != viewer.id
