"""The visibility gate: every load of a post or comment a client will see goes through here.

`node(id:)`, `post(id:)`, relation fields (`Comment.parent`, `Comment.post`,
`Notification.post`, …), search hydration, subscriptions and the writes that act on what the
viewer can see all load through these functions, which apply `moderation.policies` with the
viewer as read for this operation. What the gate refuses reads as missing: `null` in queries,
`NotFoundError` in mutations, nothing at all in streams.
"""

from __future__ import annotations

from tortoise.expressions import Q

from moderation import policies
from resolvers.context import Context
from server.models import (
    Comment,
    Group,
    GroupVisibility,
    ModerationTarget,
    Post,
    PostState,
    RadioEpisode,
)


async def visible_post(ctx: Context, post_id: int) -> Post | None:
    """The post, if the viewer may see it now."""
    post = await ctx.loaders.post_by_id.load(post_id)
    if post is None:
        return None
    group = await ctx.loaders.group_by_id.load(post.group_id) if post.group_id else None
    acts_for = await ctx.acts_for() if post.state != PostState.PUBLISHED else frozenset()
    if not policies.can_see_post(ctx.viewer, post, group, await ctx.member_group_ids(), acts_for):
        return None
    return post


async def visible_episode(ctx: Context, episode_id: int) -> RadioEpisode | None:
    """The radio episode, if the viewer may see it now."""
    episode = await ctx.loaders.episode_by_id.load(episode_id)
    if episode is None:
        return None
    heads = await ctx.loaders.viewer_heads_by_station_id.load(episode.station_id)
    return episode if policies.can_see_episode(ctx.viewer, episode, heads) else None


async def visible_comment(ctx: Context, comment_id: int) -> Comment | None:
    """The comment, if the viewer may see it and the post or episode it belongs to now."""
    comment = await ctx.loaders.comment_by_id.load(comment_id)
    if comment is None:
        return None
    if comment.post_id is not None:
        work_visible = await visible_post(ctx, comment.post_id) is not None
    else:
        assert comment.episode_id is not None
        work_visible = await visible_episode(ctx, comment.episode_id) is not None
    return comment if policies.can_see_comment(comment, work_visible, ctx.viewer) else None


async def may_see_in_group(ctx: Context, group_id: int | None) -> bool:
    """Whether the viewer may see something a group holds besides its posts (an event, a
    poll): what belongs to no group is public, a group's goes by the group's rules like its
    posts, and platform staff see everything."""
    if group_id is None or policies.is_staff(ctx.viewer):
        return True
    group = await ctx.loaders.group_by_id.load(group_id)
    return policies.can_see_group_posts(group, await ctx.member_group_ids())


async def seen_in_groups(ctx: Context) -> Q:
    """`may_see_in_group` as a filter on rows with a `group` (listings of events, polls)."""
    if policies.is_staff(ctx.viewer):
        return Q()
    visible = Q(group_id=None) | Q(group__visibility=GroupVisibility.PUBLIC)
    member_groups = await ctx.member_group_ids()
    if member_groups:
        visible |= Q(group_id__in=sorted(member_groups))
    return visible


async def may_list_members(ctx: Context, group: Group) -> bool:
    return policies.can_list_members(group, await ctx.member_group_ids())


async def target_visible(ctx: Context, target_type: ModerationTarget, target_id: int) -> bool:
    """Whether the viewer may see a post, comment, episode, user, group, station or
    collection now (users, groups, stations and collections are public; posts, comments and
    episodes pass the gate above). Credits pass `resolvers.credits.visible_credit`, which
    needs their work: False here."""
    if target_type == ModerationTarget.POST:
        return await visible_post(ctx, target_id) is not None
    if target_type == ModerationTarget.COMMENT:
        return await visible_comment(ctx, target_id) is not None
    if target_type == ModerationTarget.EPISODE:
        return await visible_episode(ctx, target_id) is not None
    if target_type == ModerationTarget.USER:
        return await ctx.loaders.user_by_id.load(target_id) is not None
    if target_type == ModerationTarget.GROUP:
        return await ctx.loaders.group_by_id.load(target_id) is not None
    if target_type == ModerationTarget.STATION:
        return await ctx.loaders.station_by_id.load(target_id) is not None
    if target_type == ModerationTarget.COLLECTION:
        return await ctx.loaders.collection_by_id.load(target_id) is not None
    return False
