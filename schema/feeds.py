"""The feeds: every post the viewer may see, their home feed, and a group's posts."""

from __future__ import annotations

import strawberry
from strawberry import Info

from resolvers import feeds as cases
from resolvers import lookups
from resolvers.context import Context
from schema.posts import Post
from schema.relay import Connection, page_size


@strawberry.type
class FeedQueries:
    @strawberry.field(description="Every published post the viewer may see, newest first.")
    async def global_feed(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Post]:
        ctx = info.context
        page = await cases.global_feed(ctx, page_size(ctx.settings, first), after)
        return await Post.connection(info, page)

    @strawberry.field(
        description="Posts of the people the viewer follows, the groups they joined, and their own."
    )
    async def home_feed(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Post]:
        ctx = info.context
        page = await cases.home_feed(ctx, page_size(ctx.settings, first), after)
        return await Post.connection(info, page)

    @strawberry.field(description="A group's posts, newest first; null if there is no such group.")
    async def group_feed(
        self,
        info: Info[Context, None],
        slug: str,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Post] | None:
        ctx = info.context
        group = await lookups.group_by_slug(slug)
        if group is None:
            return None
        page = await cases.group_feed(ctx, group, page_size(ctx.settings, first), after)
        return await Post.connection(info, page)
