"""The feeds: everyone's, the viewer's home, a group's, a user's posts, and a user's drafts.
Each lists only what the viewer may see, newest first, by keyset cursor."""

from __future__ import annotations

from tortoise.expressions import Q, Subquery

from moderation import policies
from resolvers.context import Context
from resolvers.pagination import Listing, Page, id_key, keyset_page, time_key
from server.models import Follow, Group, Post, PostState

FEED_KEYS = (time_key("published_at"), id_key())
GLOBAL_FEED = Listing("globalFeed", *FEED_KEYS)
HOME_FEED = Listing("homeFeed", *FEED_KEYS)
GROUP_FEED = Listing("groupFeed", *FEED_KEYS)
USER_POSTS = Listing("userPosts", *FEED_KEYS)
DRAFTS = Listing("drafts", time_key("created_at"), id_key())


async def global_feed(ctx: Context, first: int, after: str | None) -> Page[Post]:
    visible = policies.visible_posts(await ctx.member_group_ids())
    return await keyset_page(Post.filter(visible), GLOBAL_FEED, first=first, after=after)


async def home_feed(ctx: Context, first: int, after: str | None) -> Page[Post]:
    viewer = policies.require_viewer(ctx.viewer)
    member_groups = await ctx.member_group_ids()
    followed = Subquery(Follow.filter(follower_id=viewer.id).values("followee_id"))
    mine = Q(author_id=viewer.id) | Q(author_id__in=followed)
    if member_groups:
        mine |= Q(group_id__in=list(member_groups))
    queryset = Post.filter(policies.visible_posts(member_groups)).filter(mine)
    return await keyset_page(queryset, HOME_FEED, first=first, after=after)


async def group_feed(ctx: Context, group: Group, first: int, after: str | None) -> Page[Post]:
    member_groups = await ctx.member_group_ids()
    if not policies.can_see_group_posts(group, member_groups):
        return Page(edges=[], has_next_page=False, has_previous_page=False)
    queryset = Post.filter(group_id=group.id, state=PostState.PUBLISHED)
    return await keyset_page(queryset, GROUP_FEED, first=first, after=after)


async def user_posts(ctx: Context, user_id: int, first: int, after: str | None) -> Page[Post]:
    visible = policies.visible_posts(await ctx.member_group_ids())
    return await keyset_page(
        Post.filter(visible, author_id=user_id), USER_POSTS, first=first, after=after
    )


async def user_drafts(
    ctx: Context, user_id: int, first: int, after: str | None
) -> Page[Post] | None:
    """A user's drafts, for that user (with the persona drafts they wrote and may still
    write as) or for the current operators of a persona account."""
    acts_for = await ctx.acts_for()
    if ctx.viewer is None or user_id not in acts_for:
        return None
    drafts = Q(author_id=user_id)
    if user_id == ctx.viewer.id and len(acts_for) > 1:
        drafts |= Q(operator_id=user_id, author_id__in=sorted(acts_for - {user_id}))
    queryset = Post.filter(drafts, state=PostState.DRAFT)
    return await keyset_page(queryset, DRAFTS, first=first, after=after)
