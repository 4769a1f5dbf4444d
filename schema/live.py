"""Subscriptions: live feeds, comment threads, post and episode updates, notifications.

Every event carries a `cursor`; subscribing again with `after: <cursor>` replays what was missed
from the database, then continues live, without gaps or duplicates.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from enum import Enum
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import live, live_radio
from resolvers.context import Context
from resolvers.works import WORK_TYPES, WorkRef
from schema.comments import Comment
from schema.notifications import Notification
from schema.posts import Post
from schema.radio import RadioEpisode
from schema.relay import decode_id, decode_pk, encode_id
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


@strawberry.type(description="A radio episode went on air.")
class EpisodeAddedEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    episode: RadioEpisode = strawberry.field(description="The new episode.")


@strawberry.type(description="An episode that is off the air or gone: drop it from the screen.")
class EpisodeTombstone:
    id: strawberry.ID = strawberry.field(description="The id the episode had.")


EpisodeUpdate = Annotated[
    RadioEpisode | EpisodeTombstone,
    strawberry.union("EpisodeUpdate", description="An episode as it is now, or its tombstone."),
]


@strawberry.type(description="An episode changed: edited, new counts or credits, or gone.")
class EpisodeUpdatedEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    episode: EpisodeUpdate = strawberry.field(
        description="The episode as it is now, or its tombstone."
    )


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

    @strawberry.subscription(description="New comments and replies on a post or a radio episode.")
    async def comment_added(
        self,
        info: Info[Context, None],
        post_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The post or radio episode (a Post or RadioEpisode id); named "
                "postId because it once took posts only."
            ),
        ],
        after: str | None = None,
    ) -> AsyncGenerator[CommentAddedEvent, None]:
        on = WorkRef.of(*decode_id(post_id, *WORK_TYPES))
        stream = live.work_comments(info.context, on, after)
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

    @strawberry.subscription(
        description="Radio episodes going on air: every station's; one station's with "
        "stationSlug; with followed: true (a signed-in connection), those of the stations the "
        "viewer follows, as they follow them now (both together: that station, while followed)."
    )
    async def episode_added(
        self,
        info: Info[Context, None],
        station_slug: str | None = None,
        followed: bool | None = None,
        after: str | None = None,
    ) -> AsyncGenerator[EpisodeAddedEvent, None]:
        ctx = info.context
        if followed and ctx.viewer is None:
            raise NotAuthenticated("Send authToken in connection_init to follow your stations.")
        async for delivery in live_radio.new_episodes(ctx, station_slug, bool(followed), after):
            yield EpisodeAddedEvent(
                cursor=delivery.cursor, episode=RadioEpisode.from_row(delivery.payload)
            )

    @strawberry.subscription(
        description="Edits, counts, accepted credits and removals of a radio episode on screen."
    )
    async def episode_updated(
        self, info: Info[Context, None], episode_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[EpisodeUpdatedEvent, None]:
        pk = decode_pk(episode_id, "RadioEpisode")
        async for delivery in live_radio.episode_updates(info.context, pk, after):
            payload = delivery.payload
            episode: RadioEpisode | EpisodeTombstone = (
                EpisodeTombstone(id=encode_id("RadioEpisode", payload.episode_id))
                if isinstance(payload, live_radio.RemovedEpisode)
                else RadioEpisode.from_row(payload)
            )
            yield EpisodeUpdatedEvent(cursor=delivery.cursor, episode=episode)

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
