"""The owners' radio: stations, their heads and followers; listing episodes; counting plays.

Admins open and describe stations and appoint the heads who run them; anyone signed in follows
them. Lists show published episodes only (`policies.visible_episodes`). Writing episodes is in
resolvers.episodes; what a play costs, in resolvers.plays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q, Subquery
from tortoise.queryset import QuerySet

from moderation import policies
from resolvers import validation
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.lookups import require_user
from resolvers.pagination import (
    Key,
    Listing,
    Page,
    decode_cursor,
    encode_cursor,
    id_key,
    keyset_page,
    time_key,
)
from resolvers.visibility import visible_episode
from server.errors import Conflict, InvalidInput, NotFound
from server.models import (
    EpisodeState,
    RadioEpisode,
    RadioStation,
    SearchEntity,
    StationFollow,
    StationHead,
    User,
)

STATIONS = Listing("radioStations", Key("follower_count"), id_key())
STATION_EPISODES = Listing("stationEpisodes", time_key("published_at"), id_key())


def _flag(value: Any) -> int:
    if value not in (0, 1) or type(value) is not int:
        raise ValueError("not a flag")
    return int(value)


# The feed's first key says which part of it a cursor is in: 1 followed stations, 0 the rest.
RADIO_FEED = Listing("radioFeed", Key("followed", parse=_flag), *STATION_EPISODES.keys)
MAX_NAME = 100
MAX_CITY = 50
MAX_DESCRIPTION = 2_000
MAX_URL = 500


# --- finding stations and heads ----------------------------------------------------------------


async def station_by_slug(slug: str) -> RadioStation | None:
    try:
        return await RadioStation.get_or_none(slug=validation.slug(slug))
    except InvalidInput:
        return None


async def require_station(slug: str) -> RadioStation:
    """The station; NotFound for a slug that names none, or cannot name one."""
    station = await station_by_slug(slug)
    if station is None:
        raise NotFound(f"No radio station with the slug '{slug}'.")
    return station


async def heads_station(ctx: Context, station_id: int) -> bool:
    """Whether the viewer is one of the station's heads now."""
    if ctx.viewer is None:
        return False
    return bool(await ctx.loaders.viewer_heads_by_station_id.load(station_id))


# --- stations: opening and describing them (admins) --------------------------------------------


@dataclass
class StationFields:
    """What describes a station; None leaves a field as it is (an update)."""

    name: str | None = None
    city: str | None = None
    description: str | None = None
    # An empty string removes the cover.
    cover_url: str | None = None


def _clean_station(ctx: Context, fields: StationFields) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if fields.name is not None:
        cleaned["name"] = validation.name(
            fields.name, "name", minimum=2, maximum=MAX_NAME, label="A station's name"
        )
    if fields.city is not None:
        cleaned["city"] = validation.name(fields.city, "city", maximum=MAX_CITY, label="The city")
    if fields.description is not None:
        cleaned["description"] = validation.text(
            fields.description,
            "description",
            minimum=0,
            maximum=MAX_DESCRIPTION,
            label="A description",
        )
    if fields.cover_url is not None:
        cleaned["cover_url"] = validation.url(
            fields.cover_url, "coverUrl", maximum=MAX_URL, allow_http=ctx.settings.development
        )
    return cleaned


async def create_station(ctx: Context, slug: str, fields: StationFields) -> RadioStation:
    viewer = policies.require_admin(ctx.viewer)
    clean_slug = validation.slug(slug)
    if fields.name is None or fields.city is None:
        raise InvalidInput("A station needs a name and a city.", field="name")
    values = _clean_station(ctx, fields)
    if await RadioStation.filter(slug=clean_slug).exists():
        raise Conflict(f"The slug '{clean_slug}' is taken.")
    try:
        async with writing(ctx.hub) as log:
            station = await RadioStation.create(slug=clean_slug, created_by_id=viewer.id, **values)
            await log.changed(SearchEntity.STATION, station.id)
    except IntegrityError:
        raise Conflict(f"The slug '{clean_slug}' is taken.") from None
    return station


async def update_station(ctx: Context, slug: str, fields: StationFields) -> RadioStation:
    """Rename, move or describe a station (its slug stays: clients link to it)."""
    policies.require_admin(ctx.viewer)
    station = await require_station(slug)
    values = _clean_station(ctx, fields)
    changed = {key: value for key, value in values.items() if getattr(station, key) != value}
    if not changed:
        return station
    async with writing(ctx.hub) as log:
        # Only the columns changed here: the follower count and another admin's edit stand.
        await RadioStation.filter(id=station.id).update(**changed)
        # Its episodes' documents carry its name and city.
        renamed = bool({"name", "city"} & changed.keys())
        await log.changed(SearchEntity.STATION, station.id, with_posts=renamed)
    await station.refresh_from_db()
    return station


async def appoint_head(ctx: Context, slug: str, handle: str) -> RadioStation:
    """Make a user a head of the station (appointing a head twice changes nothing)."""
    viewer = policies.require_admin(ctx.viewer)
    station = await require_station(slug)
    user = await require_user(handle)
    if policies.is_suspended(user):
        raise Conflict(f"@{user.handle} is suspended or banned and cannot run a station.")
    async with writing(ctx.hub) as log:
        _, created = await StationHead.get_or_create(
            station_id=station.id, user_id=user.id, defaults={"appointed_by_id": viewer.id}
        )
        if created:
            await log.changed(SearchEntity.STATION, station.id)
    return station


async def remove_head(ctx: Context, slug: str, handle: str) -> RadioStation:
    """A head no longer runs the station (removing someone who is not a head changes nothing)."""
    policies.require_admin(ctx.viewer)
    station = await require_station(slug)
    user = await require_user(handle)
    async with writing(ctx.hub) as log:
        removed = await StationHead.filter(station_id=station.id, user_id=user.id).delete()
        if removed:
            await log.changed(SearchEntity.STATION, station.id)
    return station


async def list_heads(ctx: Context, station: RadioStation) -> list[User]:
    heads = await ctx.loaders.heads_by_station_id.load(station.id)
    users = await ctx.loaders.user_by_id.load_many([h.user_id for h in heads])
    return [user for user in users if user is not None]


# --- following stations ----------------------------------------------------------------------


async def follow_station(ctx: Context, slug: str) -> RadioStation:
    viewer = policies.require_writer(ctx.viewer)
    station = await require_station(slug)
    async with writing(ctx.hub):
        _, created = await StationFollow.get_or_create(station_id=station.id, user_id=viewer.id)
        if created:
            await RadioStation.filter(id=station.id).update(follower_count=F("follower_count") + 1)
    await station.refresh_from_db()
    return station


async def unfollow_station(ctx: Context, slug: str) -> RadioStation:
    viewer = policies.require_writer(ctx.viewer)
    station = await require_station(slug)
    async with writing(ctx.hub):
        removed = await StationFollow.filter(station_id=station.id, user_id=viewer.id).delete()
        if removed:
            await RadioStation.filter(id=station.id).update(follower_count=F("follower_count") - 1)
    await station.refresh_from_db()
    return station


# --- lists -----------------------------------------------------------------------------------


async def list_stations(city: str | None, first: int, after: str | None) -> Page[RadioStation]:
    """Stations, most followed first; those of one city (any letter case) when it is given."""
    queryset = RadioStation.all()
    if city is not None and city.strip():
        try:
            cleaned = validation.name(city, "city", maximum=MAX_CITY, label="The city")
        except InvalidInput:  # no station has such a city; nor does it reach the database
            return Page(edges=[], has_next_page=False, has_previous_page=bool(after))
        queryset = queryset.filter(city__iexact=cleaned)
    return await keyset_page(queryset, STATIONS, first=first, after=after)


async def station_episodes(
    station: RadioStation, first: int, after: str | None
) -> Page[RadioEpisode]:
    """The station's published episodes, newest first (for everyone alike)."""
    queryset = RadioEpisode.filter(policies.visible_episodes(), station_id=station.id)
    return await keyset_page(queryset, STATION_EPISODES, first=first, after=after)


def _after(published_at: datetime, episode_id: int) -> Q:
    return Q(published_at__lt=published_at) | Q(published_at=published_at, id__lt=episode_id)


async def radio_feed(ctx: Context, first: int, after: str | None) -> Page[RadioEpisode]:
    """Published episodes, newest first; for a signed-in viewer those of the stations they
    follow come first, then the rest. A cursor says which of the two parts it is in, so paging
    from one part into the other neither repeats nor skips an episode."""
    published = RadioEpisode.filter(policies.visible_episodes())
    parts: list[tuple[int, QuerySet[RadioEpisode]]]
    if ctx.viewer is None:
        parts = [(0, published)]
    else:
        followed = Subquery(StationFollow.filter(user_id=ctx.viewer.id).values("station_id"))
        parts = [
            (1, published.filter(station_id__in=followed)),
            (0, published.filter(~Q(station_id__in=followed))),
        ]
    part, position = 1, None
    if after:
        part, published_at, episode_id = decode_cursor(after, RADIO_FEED)
        position = _after(published_at, episode_id)
    edges: list[tuple[str, RadioEpisode]] = []
    for flag, queryset in parts:
        if not first or len(edges) > first or flag > part:
            continue
        if flag == part and position is not None:
            queryset = queryset.filter(position)
        rows = await queryset.order_by("-published_at", "-id").limit(first + 1 - len(edges))
        edges += [
            (encode_cursor(RADIO_FEED, [flag, row.published_at, row.id]), row) for row in rows
        ]
    return Page(
        edges=edges[:first], has_next_page=len(edges) > first, has_previous_page=bool(after)
    )


# --- plays -----------------------------------------------------------------------------------


async def record_play(ctx: Context, episode_id: int) -> RadioEpisode:
    """Count a play of an episode the viewer may see: once per account (or, signed out, per
    client address) per episode per hour, and only while it is published. No database write
    here: resolvers.plays writes the counts in batches."""
    episode = await visible_episode(ctx, episode_id)
    if episode is None:
        raise NotFound("No such episode.")
    if episode.state == EpisodeState.PUBLISHED:
        listener = f"u{ctx.viewer.id}" if ctx.viewer else f"a{ctx.client_address}"
        await ctx.resources.plays.record(episode.id, listener)
    return episode
