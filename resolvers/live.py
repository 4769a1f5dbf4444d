"""Live streams: replay from the event log after a cursor, then follow live messages.

A subscriber subscribes to its channels first, then replays the change-log rows after its
cursor, then treats every live message as a wake-up to read the log again from the last event
it delivered. Change-event ids commit in order (see resolvers.changes), so reading the log
after the last delivered id is exact: no gaps, no duplicates, whatever order messages arrive
in, and messages lost while Redis was away are found in the log. Each event is loaded afresh,
with the subscriber's own visibility rules, before it is yielded.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.expressions import Q

from moderation import policies
from resolvers.context import Context
from resolvers.pagination import Listing, decode_cursor, encode_cursor, id_key
from resolvers.sessions import refresh
from resolvers.visibility import visible_comment, visible_post
from resolvers.works import WorkRef, visible_work
from server import topics
from server.broadcast import RESYNC, Hub
from server.errors import NotFound
from server.models import (
    ChangeEvent,
    ChangeKind,
    Comment,
    EmployeeBadge,
    Group,
    Notification,
    Post,
    PostState,
    User,
)

T = TypeVar("T")
REPLAY_BATCH = 200
EVENTS = Listing("events", id_key(descending=False, big=True))


@dataclass
class Delivery(Generic[T]):
    cursor: str
    payload: T


@dataclass
class Removed:
    """A post a subscriber had on screen that is gone (or no longer visible to them)."""

    post_id: int


@functools.lru_cache(maxsize=256)  # every subscriber woken by an event sends its cursor
def event_cursor(event_id: int) -> str:
    return encode_cursor(EVENTS, [event_id])


def cursor_event_id(cursor: str | None) -> int | None:
    return None if cursor is None else int(decode_cursor(cursor, EVENTS)[0])


async def _latest_event_id() -> int:
    latest = await ChangeEvent.all().order_by("-id").first()
    return latest.id if latest else 0


Prefetch = Callable[[Hub, list[ChangeEvent]], Awaitable[None]]


async def _replay(
    hub: Hub, events: Q, stream: str, last: int, woken_by: int | None, prefetch: Prefetch | None
) -> list[ChangeEvent]:
    async def read() -> list[ChangeEvent]:
        return await ChangeEvent.filter(events, id__gt=last).order_by("id").limit(REPLAY_BATCH)

    if woken_by is None:  # the first read, or a resync: this subscriber's own
        return await read()

    async def read_for_all() -> list[ChangeEvent]:
        batch = await read()
        if prefetch is not None:
            # Inside the shared read: the subscribers it wakes then find the rows of its events
            # already read and run straight through, instead of all waiting a second time.
            await prefetch(hub, batch)
        return batch

    return await hub.shared.get(("replay", stream, last, woken_by), read_for_all)


@functools.lru_cache(maxsize=64)  # one message wakes every subscriber of its channel
def _woken_by(message: str) -> int | None:
    if message == RESYNC:
        return None
    try:
        return int(json.loads(message)["id"])
    except (ValueError, KeyError, TypeError):
        return None


async def stream_changes(
    ctx: Context,
    channels: tuple[str, ...],
    events: Q,
    load: Callable[[Context, ChangeEvent], Awaitable[T | None]],
    after: str | None,
    stream: str,
    prefetch: Prefetch | None = None,
) -> AsyncIterator[Delivery[T]]:
    """`stream` names what `events` selects, so that subscribers of one stream share reads;
    `prefetch` makes the shared reads every subscriber's `load` needs for a batch of events."""
    hub = ctx.hub
    after_id = cursor_event_id(after)
    # Read where to start before subscribing: whatever commits in between is in the log, and the
    # first replay finds it.
    last = after_id if after_id is not None else await _latest_event_id()
    woken_by: int | None = None
    async with hub.subscribe(*channels) as subscription:
        while True:
            while True:
                batch = await _replay(hub, events, stream, last, woken_by, prefetch)
                woken_by = None  # a second batch is this subscriber's own read
                for event in batch:
                    last = event.id
                    # Who asks, as they are now: a ban closes the socket (SessionEnded), a
                    # lost membership or role hides what they may no longer read.
                    await refresh(ctx)
                    payload = await load(ctx, event)
                    if payload is not None:
                        yield Delivery(cursor=event_cursor(event.id), payload=payload)
                if len(batch) < REPLAY_BATCH:
                    break
            # Idle subscribers keep no rows: the last event's loaders go before the wait.
            ctx.renew(ctx.viewer)
            # A message or a resync: either way, read the log again.
            woken_by = _woken_by(await subscription.get())


# --- the streams ----------------------------------------------------------------------------


PostRows = tuple[Post | None, User | None, EmployeeBadge | None, Group | None]


async def _post_rows(hub: Hub, post_id: int, event_id: int) -> PostRows:
    """A post with its author, badge and group, read once per process for this event."""

    async def read() -> PostRows:
        post = await Post.get_or_none(id=post_id)
        if post is None:
            return None, None, None, None
        author = await User.get_or_none(id=post.author_id)
        badge = await EmployeeBadge.get_or_none(user_id=post.author_id)
        group = await Group.get_or_none(id=post.group_id) if post.group_id else None
        return post, author, badge, group

    rows: PostRows = await hub.shared.get(("post", post_id, event_id), read)
    return rows


async def _prefetch_posts(hub: Hub, batch: list[ChangeEvent]) -> None:
    for event in batch:
        if event.post_id is not None:
            await _post_rows(hub, event.post_id, event.id)


async def _prime_post(ctx: Context, post_id: int, event_id: int) -> None:
    """Hand this event's post rows (see `_post_rows`) to this subscriber's fresh loaders."""
    post, author, badge, group = await _post_rows(ctx.hub, post_id, event_id)
    if post is None:
        return
    ctx.loaders.post_by_id.prime(post_id, post)
    if author is not None:
        ctx.loaders.user_by_id.prime(author.id, author)
    ctx.loaders.badge_by_user_id.prime(post.author_id, badge)
    if group is not None:
        ctx.loaders.group_by_id.prime(group.id, group)


async def _feed_post(ctx: Context, post_id: int | None, event_id: int) -> Post | None:
    if post_id is None:
        return None
    await _prime_post(ctx, post_id, event_id)
    post = await visible_post(ctx, post_id)
    if post is None or post.state != PostState.PUBLISHED:
        return None  # staff may open hidden posts by id, but feeds never carry them
    group = await ctx.loaders.group_by_id.load(post.group_id) if post.group_id else None
    return post if policies.can_see_group_posts(group, await ctx.member_group_ids()) else None


def global_posts(ctx: Context, after: str | None) -> AsyncIterator[Delivery[Post]]:
    async def load(fresh: Context, event: ChangeEvent) -> Post | None:
        return await _feed_post(fresh, event.post_id, event.id)

    return stream_changes(
        ctx, (topics.posts(),), Q(kind=ChangeKind.POST_ADDED), load, after, "posts", _prefetch_posts
    )


def home_posts(ctx: Context, after: str | None) -> AsyncIterator[Delivery[Post]]:
    viewer = policies.require_viewer(ctx.viewer)

    async def load(fresh: Context, event: ChangeEvent) -> Post | None:
        post = await _feed_post(fresh, event.post_id, event.id)
        if post is None:
            return None
        mine = post.author_id == viewer.id or (
            post.group_id is not None and post.group_id in await fresh.member_group_ids()
        )
        if mine or await fresh.loaders.viewer_follows_by_user_id.load(post.author_id):
            return post
        return None

    return stream_changes(
        ctx, (topics.posts(),), Q(kind=ChangeKind.POST_ADDED), load, after, "posts", _prefetch_posts
    )


async def group_posts(ctx: Context, slug: str, after: str | None) -> AsyncIterator[Delivery[Post]]:
    group = await Group.get_or_none(slug=slug.strip().lower())
    if group is None:
        raise NotFound(f"No group with the slug '{slug}'.")

    async def load(fresh: Context, event: ChangeEvent) -> Post | None:
        return await _feed_post(fresh, event.post_id, event.id)

    events = Q(kind=ChangeKind.POST_ADDED, group_id=group.id)
    stream = f"group:{group.id}"
    posts = stream_changes(ctx, (topics.posts(),), events, load, after, stream, _prefetch_posts)
    async for delivery in posts:
        yield delivery


async def work_comments(
    ctx: Context, on: WorkRef, after: str | None
) -> AsyncIterator[Delivery[Comment]]:
    """New comments and replies on a post or a radio episode the viewer can see."""
    if await visible_work(ctx, on) is None:
        raise NotFound("No such post." if on.post_id is not None else "No such episode.")

    async def load(fresh: Context, event: ChangeEvent) -> Comment | None:
        assert event.comment_id is not None
        return await visible_comment(fresh, event.comment_id)

    if on.post_id is not None:
        events = Q(kind=ChangeKind.COMMENT_ADDED, post_id=on.post_id)
        channel, stream = topics.post(on.post_id), f"comments:{on.post_id}"
    else:
        assert on.episode_id is not None
        events = Q(kind=ChangeKind.COMMENT_ADDED, episode_id=on.episode_id)
        channel, stream = topics.episode(on.episode_id), f"episode-comments:{on.episode_id}"
    async for delivery in stream_changes(ctx, (channel,), events, load, after, stream):
        yield delivery


async def post_updates(
    ctx: Context, post_ids: list[int], after: str | None
) -> AsyncIterator[Delivery[Post | Removed]]:
    """Changes to the posts a client has on screen. A post the subscriber could never see (a
    draft, a held post, a post of a members-only group they are not in) sends nothing at all,
    not even a tombstone: "missing" and "not yours to see" look the same. A post they saw, or
    could have seen while it was published, sends its tombstone when it goes."""
    # Gathered, so the loaders read all of them in one statement per kind.
    visible = await asyncio.gather(*(visible_post(ctx, post_id) for post_id in post_ids))
    seen = {post.id for post in visible if post is not None}

    async def could_have_seen(fresh: Context, event: ChangeEvent) -> bool:
        assert event.post_id is not None
        if event.post_id in seen:
            return True
        member_groups = await fresh.member_group_ids()
        if event.kind == ChangeKind.POST_REMOVED:  # deleted or taken down while published
            group_id = event.group_id
        else:
            post = await fresh.loaders.post_by_id.load(event.post_id)
            if post is None or post.published_at is None:
                return False
            group_id = post.group_id
        group = await fresh.loaders.group_by_id.load(group_id) if group_id else None
        return policies.can_see_group_posts(group, member_groups)

    async def load(fresh: Context, event: ChangeEvent) -> Post | Removed | None:
        assert event.post_id is not None
        post = None
        if event.kind != ChangeKind.POST_REMOVED:
            post = await visible_post(fresh, event.post_id)
        if post is not None and post.state == PostState.PUBLISHED:
            seen.add(post.id)
            return post
        # Hidden, removed or no longer visible: the client drops it from the screen.
        return Removed(event.post_id) if await could_have_seen(fresh, event) else None

    # An adoption of product feedback changes what the post shows (its `adoption`).
    changed = [ChangeKind.POST_UPDATED, ChangeKind.POST_REMOVED, ChangeKind.FEEDBACK_ADOPTED]
    events = Q(kind__in=changed, post_id__in=post_ids)
    stream = "updates:" + ",".join(map(str, sorted(set(post_ids))))
    channels = tuple(topics.post(i) for i in post_ids)
    deliveries: AsyncIterator[Delivery[Post | Removed]] = stream_changes(
        ctx, channels, events, load, after, stream
    )
    async for delivery in deliveries:
        yield delivery


def notifications(ctx: Context, after: str | None) -> AsyncIterator[Delivery[Notification]]:
    viewer = policies.require_viewer(ctx.viewer)

    async def load(fresh: Context, event: ChangeEvent) -> Notification | None:
        return await Notification.get_or_none(id=event.notification_id, recipient_id=viewer.id)

    events = Q(kind=ChangeKind.NOTIFICATION_ADDED, recipient_id=viewer.id)
    return stream_changes(ctx, (topics.user(viewer.id),), events, load, after, f"user:{viewer.id}")
