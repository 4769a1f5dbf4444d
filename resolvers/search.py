"""Search and typeahead: ask Meilisearch, then hydrate the hits from the database.

The index holds only what an anonymous visitor may see, but it trails the database by a moment:
every hit is loaded through the request's DataLoaders and dropped unless the viewer may see it
now, so a post or a radio episode hidden a second ago never comes back. Events are the
exception to "only the public is indexed": a members-only group's events are searched by its
members, so the events index is narrowed to the viewer's audience (their groups; everything
for platform staff) and each event hit is checked with `visible_event` as well.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from moderation import policies
from resolvers.context import Context
from resolvers.event_access import visible_event
from resolvers.visibility import visible_episode, visible_post
from search.engine import SearchEngine, SearchUnreachable
from search.query import (
    MAX_DEPTH,
    MAX_PAGE,
    PUBLIC,
    SUGGESTIONS_PER_TYPE,
    Audience,
    Hit,
    SearchAnswer,
    SearchFilters,
    SearchSort,
    SearchType,
    clean_filters,
    clean_query,
    decode_offset,
    encode_offset,
    run_search,
    run_suggestions,
)
from search.service import UNAVAILABLE
from server.errors import InvalidInput, ServiceUnavailable
from server.models import (
    Collection,
    EpisodeState,
    Event,
    EventState,
    Group,
    Post,
    PostState,
    RadioEpisode,
    RadioStation,
    User,
)

Row = Post | Group | User | RadioEpisode | RadioStation | Collection | Event


@dataclass
class Found:
    """A hit the viewer may see, with its row."""

    hit: Hit
    row: Row
    cursor: str


@dataclass
class SearchPage:
    found: list[Found]
    answer: SearchAnswer
    end_cursor: str | None
    has_next_page: bool


@dataclass
class Suggested:
    type: SearchType
    text: str
    row: Row


def _engine(ctx: Context) -> SearchEngine:
    return ctx.search.engine()


async def _visible_row(ctx: Context, search_type: SearchType, pk: int) -> Row | None:
    # Published only, even for those who may see more (an author, a moderator): search lists
    # what is public, and the index may still hold what was hidden a moment ago.
    if search_type == SearchType.POST:
        post = await visible_post(ctx, pk)
        return post if post is not None and post.state == PostState.PUBLISHED else None
    if search_type == SearchType.EPISODE:
        episode = await visible_episode(ctx, pk)
        return episode if episode is not None and episode.state == EpisodeState.PUBLISHED else None
    if search_type == SearchType.EVENT:
        event = await visible_event(ctx, pk)
        return event if event is not None and event.state != EventState.CANCELLED else None
    if search_type == SearchType.GROUP:
        return await ctx.loaders.group_by_id.load(pk)
    if search_type == SearchType.STATION:
        return await ctx.loaders.station_by_id.load(pk)
    if search_type == SearchType.COLLECTION:
        return await ctx.loaders.collection_by_id.load(pk)
    return await ctx.loaders.user_by_id.load(pk)


async def _audience(ctx: Context, types: list[SearchType]) -> Audience:
    """Who the viewer is to the events index (read only when events are searched)."""
    if SearchType.EVENT not in types:
        return PUBLIC
    if policies.is_staff(ctx.viewer):
        return Audience(everything=True)
    return Audience(group_ids=await ctx.member_group_ids())


async def _hydrate(ctx: Context, hits: list[tuple[SearchType, int]]) -> list[Any]:
    return list(await asyncio.gather(*(_visible_row(ctx, t, pk) for t, pk in hits)))


async def search(
    ctx: Context,
    query: str,
    types: list[SearchType] | None,
    filters: SearchFilters,
    sort: SearchSort,
    first: int | None,
    after: str | None,
) -> SearchPage:
    text = clean_query(query)
    cleaned = clean_filters(filters)
    size = 20 if first is None else first
    if not 1 <= size <= MAX_PAGE:
        raise InvalidInput(f"Ask for 1 to {MAX_PAGE} results at a time.", field="first")
    offset = decode_offset(after)
    size = min(size, MAX_DEPTH - offset)
    if size <= 0:
        raise InvalidInput(f"Search results stop after {MAX_DEPTH}; refine the query.", "after")
    engine = _engine(ctx)
    wanted = types or list(SearchType)
    audience = await _audience(ctx, wanted)
    try:
        answer = await run_search(engine, text, wanted, cleaned, sort, size, offset, audience)
    except SearchUnreachable:
        raise ServiceUnavailable(UNAVAILABLE) from None
    rows = await _hydrate(ctx, [(hit.type, hit.id) for hit in answer.hits])
    found = [
        Found(hit, row, encode_offset(offset + i + 1))
        for i, (hit, row) in enumerate(zip(answer.hits, rows, strict=True))
        if row is not None
    ]
    end = offset + len(answer.hits)
    return SearchPage(
        found=found,
        answer=answer,
        end_cursor=encode_offset(end) if answer.hits else after,
        has_next_page=end < min(answer.estimated_total, MAX_DEPTH) and bool(answer.hits),
    )


async def suggest(ctx: Context, prefix: str, first: int | None) -> list[Suggested]:
    text = clean_query(prefix, "prefix")
    limit = SUGGESTIONS_PER_TYPE if first is None else first
    if not 1 <= limit <= 10:
        raise InvalidInput("Ask for 1 to 10 suggestions of each kind.", field="first")
    audience = await _audience(ctx, list(SearchType))
    try:
        suggestions = await run_suggestions(_engine(ctx), text, limit, audience)
    except SearchUnreachable:
        raise ServiceUnavailable(UNAVAILABLE) from None
    rows = await _hydrate(ctx, [(s.type, s.id) for s in suggestions])
    return [
        Suggested(s.type, s.text, row)
        for s, row in zip(suggestions, rows, strict=True)
        if row is not None
    ]
