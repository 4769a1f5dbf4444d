"""Authorisation decided in one place per kind of object.

Two questions are answered here and nowhere else:

- *May this account act, and with what authority?* `authority(user)` combines the platform role
  with the account's state: a silenced, suspended or banned account acts as a plain member in
  that state, whatever its role (a banned admin grants nothing, a silenced moderator decides
  nothing). Every `require_*` and `is_*` check goes through it, so a sanction takes a staff
  member's powers away at once and gives them back when the term ends.
- *May this viewer see this object?* `can_see_*` answer one question about one object;
  `visible_*` build the read filters used by every list, so feeds, lists, `node` and every
  relation field agree (resolvers.visibility is the gate that loads through them).

Acting for someone else is checked here too: `acts_for` is the set of author ids the viewer
writes as now (themselves, and the persona accounts they currently operate with a current
employee badge), computed afresh for every operation.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q

from server.errors import AccountSuspended, Forbidden, NotAuthenticated
from server.models import (
    AccountState,
    Comment,
    CommentState,
    EpisodeState,
    Group,
    GroupMembership,
    GroupRole,
    GroupVisibility,
    ModerationAction,
    PlatformRole,
    Post,
    PostState,
    RadioEpisode,
    User,
)

STAFF_ROLES = (PlatformRole.MODERATOR, PlatformRole.ADMIN)
# How far up a decision was made: an appeal is decided at the same level or above.
LEVELS = {None: 1, PlatformRole.USER: 1, PlatformRole.MODERATOR: 2, PlatformRole.ADMIN: 3}


# --- account state -----------------------------------------------------------------------------


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


def is_sanctioned(user: User, now: datetime | None = None) -> bool:
    """Under any running sanction: silenced, suspended or banned."""
    return is_suspended(user, now) or is_silenced(user, now)


def authority(user: User | None, now: datetime | None = None) -> PlatformRole | None:
    """The platform role an account may act with now: its role while it is in good standing,
    USER while a sanction runs, None for nobody."""
    if user is None:
        return None
    return PlatformRole.USER if is_sanctioned(user, now) else user.role


def holds_staff_role(user: User) -> bool:
    """Whether the account is a moderator or admin by role, whatever its state (sanctions on
    such accounts are for admins)."""
    return user.role in STAFF_ROLES


def is_staff(viewer: User | None) -> bool:
    return authority(viewer) in STAFF_ROLES


def is_admin(viewer: User | None) -> bool:
    return authority(viewer) == PlatformRole.ADMIN


def level(viewer: User | None) -> int:
    """The level a decision by `viewer` is made at: 1 group, 2 moderators, 3 admins."""
    return LEVELS[authority(viewer)]


# --- requirements ------------------------------------------------------------------------------


def require_viewer(viewer: User | None) -> User:
    if viewer is None:
        raise NotAuthenticated()
    return viewer


def _refuse_sanctioned(user: User, *, silenced_too: bool) -> None:
    if is_suspended(user):
        banned = user.state == AccountState.BANNED
        raise AccountSuspended(None if banned else user.suspended_until, banned=banned)
    if silenced_too and is_silenced(user):
        raise AccountSuspended(user.suspended_until, silenced=True)


def refuse_if_sanctioned(user: User) -> None:
    """FORBIDDEN with the sanction's reason while any sanction runs (for powers beyond
    writing: moderating a group or the platform)."""
    _refuse_sanctioned(user, silenced_too=True)


def require_writer(viewer: User | None) -> User:
    """The viewer, if they may write at all (silenced accounts write; it waits for review)."""
    user = require_viewer(viewer)
    _refuse_sanctioned(user, silenced_too=False)
    return user


def refuse_sanctioned_holder(
    user: User,
    membership: GroupMembership | None = None,
    roles: Collection[GroupRole] = (),
) -> None:
    """Before refusing `user` a power: if they hold it by role (platform staff, or one of a
    group's `roles`) and a sanction takes it away, FORBIDDEN with the sanction's reason."""
    if holds_staff_role(user) or (membership is not None and membership.role in roles):
        refuse_if_sanctioned(user)


def require_staff(viewer: User | None) -> User:
    """A moderator or admin in good standing."""
    user = require_viewer(viewer)
    if not holds_staff_role(user):
        raise Forbidden("Only moderators can do this.")
    _refuse_sanctioned(user, silenced_too=True)
    return user


def require_admin(viewer: User | None) -> User:
    """An admin in good standing."""
    user = require_viewer(viewer)
    if user.role != PlatformRole.ADMIN:
        raise Forbidden("Only admins can do this.")
    _refuse_sanctioned(user, silenced_too=True)
    return user


# --- what a viewer may see ---------------------------------------------------------------------


def can_see_group_posts(group: Group | None, member_group_ids: Collection[int]) -> bool:
    return (
        group is None or group.visibility == GroupVisibility.PUBLIC or group.id in member_group_ids
    )


def can_see_post(
    viewer: User | None,
    post: Post,
    group: Group | None,
    member_group_ids: Collection[int],
    acts_for: Collection[int] = (),
) -> bool:
    """Whether `post(id:)`, `node(id:)` and every relation may return this post to the viewer.
    `acts_for` matters only for drafts and held posts (see module docstring).

    Members-only posts are seen by the group's members alone, staff included: moderators see
    them only through the moderation queue, where the access is audited."""
    in_group = can_see_group_posts(group, member_group_ids)
    if post.state == PostState.DRAFT:
        return post.author_id in acts_for
    if post.state == PostState.HELD:
        # Waiting for approval: its author sees it (marked held), and moderators.
        return post.author_id in acts_for or (is_staff(viewer) and in_group)
    if post.state != PostState.PUBLISHED:
        # Hidden and removed posts stay reachable for moderation only.
        return is_staff(viewer) and in_group
    return in_group


def can_see_comment(comment: Comment, post_visible: bool, viewer: User | None = None) -> bool:
    if not post_visible:
        return False
    if comment.state == CommentState.HELD:
        return is_staff(viewer) or (viewer is not None and viewer.id == comment.author_id)
    return comment.state in (CommentState.PUBLISHED, CommentState.DELETED)


def can_list_members(group: Group, member_group_ids: Collection[int]) -> bool:
    """A members-only group's member list is its members' business; its count stays public."""
    return group.visibility == GroupVisibility.PUBLIC or group.id in member_group_ids


def visible_posts(member_group_ids: Collection[int], through: str = "") -> Q:
    """Published posts outside members-only groups, or in groups the viewer belongs to.
    `through` filters rows that point at a post instead ("post__" for a credit's post)."""

    def on(name: str, value: Any) -> Q:
        return Q(**{f"{through}{name}": value})

    in_allowed_group = on("group_id__isnull", True) | on(
        "group__visibility", GroupVisibility.PUBLIC
    )
    if member_group_ids:
        in_allowed_group |= on("group_id__in", list(member_group_ids))
    return on("state", PostState.PUBLISHED) & in_allowed_group


def can_see_episode(viewer: User | None, episode: RadioEpisode, heads_station: bool) -> bool:
    """Whether any field may return this radio episode to the viewer. Published episodes are
    public; a draft is its author's; a submitted or rejected one its author's, the station's
    heads' (who review it) and staff's; hidden and removed ones are for moderation only."""
    if episode.state == EpisodeState.PUBLISHED:
        return True
    is_author = viewer is not None and viewer.id == episode.author_id
    if episode.state == EpisodeState.DRAFT:
        return is_author
    if episode.state in (EpisodeState.SUBMITTED, EpisodeState.REJECTED):
        return is_author or heads_station or is_staff(viewer)
    return is_staff(viewer)


def visible_episodes(through: str = "") -> Q:
    """The episodes every list shows: published ones. `through` as for `visible_posts`."""
    state: dict[str, Any] = {f"{through}state": EpisodeState.PUBLISHED}
    return Q(**state)


def visible_works(member_group_ids: Collection[int]) -> Q:
    """Rows pointing at a work (a post or an episode, as credits, collection items and
    featured marks do) whose work any list may show to the viewer."""
    return (Q(post_id__isnull=False) & visible_posts(member_group_ids, "post__")) | (
        Q(episode_id__isnull=False) & visible_episodes("episode__")
    )


# --- what a viewer may change ------------------------------------------------------------------


def can_edit_post(post: Post, acts_for: Collection[int]) -> bool:
    """The author, or a current operator of the persona account that published it."""
    return post.author_id in acts_for


def can_delete_post(viewer: User, post: Post, acts_for: Collection[int]) -> bool:
    return can_edit_post(post, acts_for) or is_staff(viewer)


def can_delete_comment(viewer: User, comment: Comment) -> bool:
    return viewer.id == comment.author_id or is_staff(viewer)


def can_post_in_group(membership: GroupMembership | None) -> bool:
    return membership is not None


def runs_group(viewer: User | None, membership: GroupMembership | None) -> bool:
    """An owner or admin of the group, in good standing."""
    return (
        viewer is not None
        and membership is not None
        and membership.role in (GroupRole.OWNER, GroupRole.ADMIN)
        and not is_sanctioned(viewer)
    )


def can_manage_group(viewer: User, membership: GroupMembership | None) -> bool:
    return is_admin(viewer) or runs_group(viewer, membership)


# The roles that help run a group: they moderate its queue and decide who gets in.
GROUP_STAFF_ROLES = (GroupRole.OWNER, GroupRole.ADMIN, GroupRole.MODERATOR)
# Who outranks whom in a group: a role acts only on members below it and grants only roles
# below it (an OWNER is made by handing ownership over, never granted).
GROUP_RANK = {GroupRole.MEMBER: 0, GroupRole.MODERATOR: 1, GroupRole.ADMIN: 2, GroupRole.OWNER: 3}


def staffs_group(viewer: User | None, membership: GroupMembership | None) -> bool:
    """An owner, admin or moderator of the group, in good standing."""
    return (
        viewer is not None
        and membership is not None
        and membership.role in GROUP_STAFF_ROLES
        and not is_sanctioned(viewer)
    )


def can_admit_to_group(viewer: User, membership: GroupMembership | None) -> bool:
    """Who decides join requests, invites and makes invite links: the group's staff in good
    standing, and platform admins."""
    return is_admin(viewer) or staffs_group(viewer, membership)


def can_curate(viewer: User, is_curator: bool) -> bool:
    """Who changes what a collection holds and its order: its curators in good standing (a
    silenced curator too has no powers, like a silenced group admin), and platform admins."""
    return is_admin(viewer) or (is_curator and not is_sanctioned(viewer))


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
SANCTIONS = frozenset(
    {
        ModerationAction.SILENCE,
        ModerationAction.SUSPEND,
        ModerationAction.BAN,
        ModerationAction.LIFT_SANCTION,
    }
)


def can_moderate_group(
    viewer: User | None, group_id: int | None, admin_group_ids: Collection[int]
) -> bool:
    """Platform staff moderate everything; a group's owners, admins and moderators moderate
    what belongs to their group. `admin_group_ids` are the groups the viewer moderates (empty
    while sanctioned)."""
    if is_staff(viewer):
        return True
    return (
        viewer is not None
        and not is_sanctioned(viewer)
        and group_id is not None
        and group_id in admin_group_ids
    )


def can_take_action(viewer: User, action: ModerationAction) -> bool:
    return is_staff(viewer) or (not is_sanctioned(viewer) and action in GROUP_ADMIN_ACTIONS)


def can_sanction(viewer: User, account: User | None) -> bool:
    """Sanctions on a moderator's or an admin's account are for admins; nobody sanctions
    themselves."""
    if account is None or account.id == viewer.id or not is_staff(viewer):
        return False
    return is_admin(viewer) or not holds_staff_role(account)


def can_report(viewer: User, author_id: int | None) -> bool:
    return author_id != viewer.id
