"""Subscriptions: live feeds, comment threads, post updates and notifications.

Every event carries a `cursor`; subscribing again with `after: <cursor>` replays what was missed
from the database, then continues live, without gaps or duplicates.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from enum import Enum
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import live
from resolvers.context import Context
from schema.comments import Comment
from schema.notifications import Notification
from schema.posts import Post
from schema.relay import decode_pk, encode_id
from server.errors import InvalidInput, NotAuthenticated

MAX_WATCHED_POSTS = 100


@strawberry.enum(description="Which feed `postAdded` follows.")
class FeedKind(Enum):
    GLOBAL = "GLOBAL"
    HOME = "HOME"
    GROUP = "GROUP"


@strawberry.type(description="A post went live in the feed.")
class PostAddedEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    post: Post = strawberry.field(description="The new post.")


@strawberry.type(description="A comment or reply was added.")
class CommentAddedEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    comment: Comment = strawberry.field(description="The new comment.")


@strawberry.type(description="A post that is gone, or no longer visible: drop it from the screen.")
class PostTombstone:
    id: strawberry.ID = strawberry.field(description="The id the post had.")


PostUpdate = Annotated[
    Post | PostTombstone,
    strawberry.union("PostUpdate", description="A post as it is now, or its tombstone."),
]


@strawberry.type(description="A post changed: edited, new counts, or gone.")
class PostUpdatedEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    post: PostUpdate = strawberry.field(description="The post as it is now, or its tombstone.")


@strawberry.type(description="The viewer has a new (or grown) notification.")
class NotificationAddedEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    notification: Notification = strawberry.field(description="The notification.")


@strawberry.type(description="Live updates over WebSocket (graphql-transport-ws or graphql-ws).")
class Subscription:
    @strawberry.subscription(
        description="New posts of a feed. HOME needs a signed-in connection; GROUP a groupSlug."
    )
    async def post_added(
        self,
        info: Info[Context, None],
        feed: FeedKind = FeedKind.GLOBAL,
        group_slug: str | None = None,
        after: str | None = None,
    ) -> AsyncGenerator[PostAddedEvent, None]:
        ctx = info.context
        if feed == FeedKind.GROUP:
            if not group_slug:
                raise InvalidInput("The GROUP feed needs a groupSlug.", field="groupSlug")
            stream = live.group_posts(ctx, group_slug, after)
        elif feed == FeedKind.HOME:
            if ctx.viewer is None:
                raise NotAuthenticated("Send authToken in connection_init to follow HOME.")
            stream = live.home_posts(ctx, after)
        else:
            stream = live.global_posts(ctx, after)
        async for delivery in stream:
            yield PostAddedEvent(cursor=delivery.cursor, post=Post.from_row(delivery.payload))

    @strawberry.subscription(description="New comments and replies on a post.")
    async def comment_added(
        self, info: Info[Context, None], post_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[CommentAddedEvent, None]:
        stream = live.post_comments(info.context, decode_pk(post_id, "Post"), after)
        async for delivery in stream:
            yield CommentAddedEvent(
                cursor=delivery.cursor, comment=Comment.from_row(delivery.payload)
            )

    @strawberry.subscription(
        description="Edits, counts, hides and removals of the posts on screen (up to 100)."
    )
    async def post_updated(
        self, info: Info[Context, None], ids: list[strawberry.ID], after: str | None = None
    ) -> AsyncGenerator[PostUpdatedEvent, None]:
        if len(ids) > MAX_WATCHED_POSTS:
            raise InvalidInput(f"Watch at most {MAX_WATCHED_POSTS} posts.", field="ids")
        post_ids = [decode_pk(i, "Post") for i in ids]
        async for delivery in live.post_updates(info.context, post_ids, after):
            payload = delivery.payload
            post: Post | PostTombstone = (
                PostTombstone(id=encode_id("Post", payload.post_id))
                if isinstance(payload, live.Removed)
                else Post.from_row(payload)
            )
            yield PostUpdatedEvent(cursor=delivery.cursor, post=post)

    @strawberry.subscription(description="The viewer's notifications as they arrive.")
    async def notification_added(
        self, info: Info[Context, None], after: str | None = None
    ) -> AsyncGenerator[NotificationAddedEvent, None]:
        if info.context.viewer is None:
            raise NotAuthenticated("Send authToken in connection_init to get notifications.")
        async for delivery in live.notifications(info.context, after):
            yield NotificationAddedEvent(
                cursor=delivery.cursor, notification=Notification.from_row(delivery.payload)
            )
