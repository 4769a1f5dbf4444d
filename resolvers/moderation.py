"""What moderators do to content and accounts: hide, remove and restore posts; suspend
accounts and lift suspensions.

Each action changes the rows, records the live-feed event and tells search in one transaction,
so feeds, subscriptions and the index all follow: a hidden post leaves the index within
seconds, and a suspended author's posts with it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from moderation import policies
from resolvers.context import Context
from resolvers.events import writing
from server.broadcast import Hub
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import AccountState, EventKind, Post, PostState, SearchEntity, User


def _require_staff(ctx: Context) -> User:
    viewer = policies.require_viewer(ctx.viewer)
    if not policies.is_staff(viewer):
        raise Forbidden("Only moderators can do this.")
    return viewer


async def _set_post_state(ctx: Context, post_id: int, state: PostState) -> Post:
    _require_staff(ctx)
    post = await Post.get_or_none(id=post_id)
    if post is None or post.state == PostState.DRAFT:
        raise NotFound("No such post.")
    if post.state == state:
        return post
    async with writing(ctx.hub) as log:
        post.state = state
        await post.save(update_fields=["state", "updated_at"])
        # Screens drop a post that is no longer published, and show one that is back.
        kind = EventKind.POST_UPDATED if state == PostState.PUBLISHED else EventKind.POST_REMOVED
        await log.add(kind, post_id=post.id, group_id=post.group_id)
        await log.changed(SearchEntity.POST, post.id)
    return post


async def hide_post(ctx: Context, post_id: int) -> Post:
    """Hide a post until it is reviewed (reversible)."""
    return await _set_post_state(ctx, post_id, PostState.HIDDEN)


async def remove_post(ctx: Context, post_id: int) -> Post:
    """Remove a post for breaking the rules (kept for appeals and the audit trail)."""
    return await _set_post_state(ctx, post_id, PostState.REMOVED)


async def restore_post(ctx: Context, post_id: int) -> Post:
    """Publish a hidden or removed post again."""
    return await _set_post_state(ctx, post_id, PostState.PUBLISHED)


async def suspend_user(ctx: Context, user_id: int, until: datetime | None) -> User:
    """Suspend an account until `until` (None: until lifted). A suspended user cannot write,
    and what they wrote leaves search while the suspension lasts."""
    moderator = _require_staff(ctx)
    if until is not None and (until.tzinfo is None or until <= datetime.now(UTC)):
        raise InvalidInput("A suspension ends at a future time with a time zone.", field="until")
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound("No such user.")
    if user.id == moderator.id or policies.is_staff(user):
        raise Conflict("Moderators and admins are not suspended this way.")
    async with writing(ctx.hub) as log:
        user.state, user.suspended_until = AccountState.SUSPENDED, until
        await user.save(update_fields=["state", "suspended_until", "updated_at"])
        await log.changed(SearchEntity.USER, user.id, with_posts=True)
    return user


async def lift_suspension(ctx: Context, user_id: int) -> User:
    _require_staff(ctx)
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound("No such user.")
    async with writing(ctx.hub) as log:
        user.state, user.suspended_until = AccountState.ACTIVE, None
        await user.save(update_fields=["state", "suspended_until", "updated_at"])
        await log.changed(SearchEntity.USER, user.id, with_posts=True)
    return user


async def end_due_suspensions(now: datetime | None = None, hub: Hub | None = None) -> list[int]:
    """Reactivate the accounts whose suspension term has ended (their posts return to
    search). Each account is claimed by a conditional update: safe in several processes."""
    moment = now or datetime.now(UTC)
    due = await User.filter(state=AccountState.SUSPENDED, suspended_until__lte=moment).values_list(
        "id", flat=True
    )
    ended = []
    for user_id in cast(list[int], due):
        async with writing(hub) as log:
            claimed = await User.filter(
                id=user_id, state=AccountState.SUSPENDED, suspended_until__lte=moment
            ).update(state=AccountState.ACTIVE, suspended_until=None)
            if claimed:
                await log.changed(SearchEntity.USER, user_id, with_posts=True)
                ended.append(user_id)
    return ended
