"""Live radio: episodes going on air, and the changes of an episode on screen.

The streams run on `resolvers.live.stream_changes` (replay after the cursor, then live
messages, each event loaded afresh with the subscriber's viewer as read for it); comments on an
episode stream through `resolvers.live.work_comments`, as a post's do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from tortoise.expressions import Q

from moderation import policies
from resolvers.context import Context
from resolvers.live import Delivery, stream_changes
from resolvers.radio import require_station
from resolvers.visibility import visible_episode
from server import topics
from server.broadcast import Hub
from server.models import (
    ChangeEvent,
    ChangeKind,
    EmployeeBadge,
    EpisodeState,
    RadioEpisode,
    RadioStation,
    User,
)


@dataclass
class RemovedEpisode:
    """A radio episode a subscriber had on screen that is off the air (or gone)."""

    episode_id: int


EpisodeRows = tuple[RadioEpisode | None, User | None, EmployeeBadge | None, RadioStation | None]


async def _episode_rows(hub: Hub, episode_id: int, event_id: int) -> EpisodeRows:
    """An episode with its author, badge and station, read once per process for this event."""

    async def read() -> EpisodeRows:
        episode = await RadioEpisode.get_or_none(id=episode_id)
        if episode is None:
            return None, None, None, None
        author = await User.get_or_none(id=episode.author_id)
        badge = await EmployeeBadge.get_or_none(user_id=episode.author_id)
        station = await RadioStation.get_or_none(id=episode.station_id)
        return episode, author, badge, station

    rows: EpisodeRows = await hub.shared.get(("episode", episode_id, event_id), read)
    return rows


async def _prefetch_episodes(hub: Hub, batch: list[ChangeEvent]) -> None:
    for event in batch:
        if event.episode_id is not None:
            await _episode_rows(hub, event.episode_id, event.id)


async def _on_air_episode(
    ctx: Context, episode_id: int | None, event_id: int
) -> RadioEpisode | None:
    """The event's episode through the gate, with this subscriber's viewer as read now, if it
    is still on air: staff may open a hidden episode by id, but feeds never carry it."""
    if episode_id is None:
        return None
    episode, author, badge, station = await _episode_rows(ctx.hub, episode_id, event_id)
    if episode is not None:  # this event's shared rows, handed to this subscriber's loaders
        ctx.loaders.episode_by_id.prime(episode_id, episode)
        if author is not None:
            ctx.loaders.user_by_id.prime(author.id, author)
        ctx.loaders.badge_by_user_id.prime(episode.author_id, badge)
        if station is not None:
            ctx.loaders.station_by_id.prime(station.id, station)
    visible = await visible_episode(ctx, episode_id)
    return visible if visible is not None and visible.state == EpisodeState.PUBLISHED else None


async def new_episodes(
    ctx: Context, station_slug: str | None, followed: bool, after: str | None
) -> AsyncIterator[Delivery[RadioEpisode]]:
    """Episodes going on air: every station's, one station's, and/or (`followed`) those of the
    stations the viewer follows at the moment each event is delivered, so a follow or unfollow
    on an open socket takes effect from the next event on."""
    if followed:
        policies.require_viewer(ctx.viewer)
    events = Q(kind=ChangeKind.EPISODE_ADDED)
    stream = "radio"  # `followed` filters per subscriber: the log reads stay shared
    if station_slug is not None:
        station = await require_station(station_slug)
        events &= Q(station_id=station.id)
        stream = f"station:{station.id}"

    async def load(fresh: Context, event: ChangeEvent) -> RadioEpisode | None:
        episode = await _on_air_episode(fresh, event.episode_id, event.id)
        if episode is None:
            return None
        if followed and not await fresh.loaders.viewer_follows_by_station_id.load(
            episode.station_id
        ):
            return None
        return episode

    channels = (topics.radio(),)
    episodes = stream_changes(ctx, channels, events, load, after, stream, _prefetch_episodes)
    async for delivery in episodes:
        yield delivery


async def episode_updates(
    ctx: Context, episode_id: int, after: str | None
) -> AsyncIterator[Delivery[RadioEpisode | RemovedEpisode]]:
    """Changes to a radio episode a client has on screen: edits, counts, accepted credits, and
    its tombstone when it leaves the air. As for posts (`post_updates`), an episode the
    subscriber could never see sends nothing at all: "missing" and "not yours to see" look
    the same."""
    seen = await visible_episode(ctx, episode_id) is not None

    async def could_have_seen(fresh: Context, event: ChangeEvent) -> bool:
        if seen or event.kind == ChangeKind.EPISODE_REMOVED:
            return True  # an episode leaves the air only after being on it, public to all
        episode = await fresh.loaders.episode_by_id.load(episode_id)
        return episode is not None and episode.published_at is not None

    async def load(fresh: Context, event: ChangeEvent) -> RadioEpisode | RemovedEpisode | None:
        nonlocal seen
        episode = None
        if event.kind != ChangeKind.EPISODE_REMOVED:
            episode = await visible_episode(fresh, episode_id)
        if episode is not None and episode.state == EpisodeState.PUBLISHED:
            seen = True
            return episode
        # Off the air, deleted or no longer visible: the client drops it from the screen.
        return RemovedEpisode(episode_id) if await could_have_seen(fresh, event) else None

    kinds = [ChangeKind.EPISODE_UPDATED, ChangeKind.EPISODE_REMOVED]
    events = Q(kind__in=kinds, episode_id=episode_id)
    channels = (topics.episode(episode_id),)
    deliveries: AsyncIterator[Delivery[RadioEpisode | RemovedEpisode]] = stream_changes(
        ctx, channels, events, load, after, f"episode:{episode_id}"
    )
    async for delivery in deliveries:
        yield delivery
