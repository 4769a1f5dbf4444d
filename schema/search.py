"""Search over posts, groups, people, radio episodes and stations, collections and events, and
typeahead suggestions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import search as cases
from resolvers.context import Context
from schema.collections import Collection
from schema.enums import Industry, KocRoleKind
from schema.events import Event
from schema.groups import Group
from schema.posts import Post
from schema.radio import RadioEpisode, RadioStation
from schema.relay import PageInfo
from schema.users import User
from search.documents import AuthorKind
from search.query import SearchFilters as Filters
from search.query import SearchSort, SearchType
from server import models

# Registered in place, as the stored enums are (schema.enums).
strawberry.enum(SearchType, description="What kind of object a search looks for.")
strawberry.enum(SearchSort, description="How search results are ordered.")
strawberry.enum(
    AuthorKind,
    description="Who wrote or who is: their identity (fan, deposit holder, owner), or a badge "
    "(employee, persona account).",
)

SearchResult = Annotated[
    Post | Group | User | RadioEpisode | RadioStation | Collection | Event,
    strawberry.union(
        "SearchResult",
        description="A post, a group, a person, a radio episode or station, a collection, or "
        "an event.",
    ),
]


@strawberry.input(description="Narrow a search. Types without the filtered field drop out.")
class SearchFilters:
    group_slug: str | None = strawberry.field(
        default=None, description="Posts and events of this group only."
    )
    tags: list[str] | None = strawberry.field(
        default=None, description="Posts with any of these tags (at most 10)."
    )
    author_kinds: list[AuthorKind] | None = strawberry.field(
        default=None,
        description="Posts and radio episodes by, and people who are, any of these kinds.",
    )
    created_after: datetime | None = strawberry.field(
        default=None, description="Published (or created) at or after this time."
    )
    created_before: datetime | None = strawberry.field(
        default=None, description="Published (or created) at or before this time."
    )
    koc: list[KocRoleKind] | None = strawberry.field(
        default=None, description="People who hold any of these KOC roles now."
    )
    industry: list[Industry] | None = strawberry.field(
        default=None, description="Groups of any of these industries."
    )
    certified: bool | None = strawberry.field(
        default=None, description="Certified groups only (true), or uncertified ones (false)."
    )


@strawberry.type(description="A field of a hit with the words that matched marked.")
class SearchHighlight:
    field: str = strawberry.field(description="The field: title, body, name, bio…")
    snippet: str = strawberry.field(
        description="HTML-escaped text (cropped for long fields) with the matches in <mark>."
    )


@strawberry.type(description="One search hit.")
class SearchEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this hit.")
    node: SearchResult = strawberry.field(description="What was found.")
    highlights: list[SearchHighlight] = strawberry.field(
        description="Where the query matched; empty when it matched a field not shown."
    )


@strawberry.type(description="How many results carry one value of a facet.")
class FacetCount:
    value: str = strawberry.field(description="The value (a tag, a group slug, a kind…).")
    count: int = strawberry.field(description="How many results have it (an estimate).")


@strawberry.type(
    description="Counts of the results by type, tag, group, author kind, KOC role and industry."
)
class SearchFacets:
    types: list[FacetCount] = strawberry.field(
        description="By type: POST, GROUP, USER, EPISODE, STATION, COLLECTION, EVENT."
    )
    tags: list[FacetCount] = strawberry.field(description="Posts by tag.")
    groups: list[FacetCount] = strawberry.field(description="Posts by group slug.")
    author_kinds: list[FacetCount] = strawberry.field(
        description="Posts, radio episodes and people by author kind."
    )
    koc: list[FacetCount] = strawberry.field(
        description="People by the KOC roles they hold now (a KocRoleKind value each)."
    )
    industries: list[FacetCount] = strawberry.field(
        description="Groups by industry (an Industry value each)."
    )


@strawberry.type(description="A page of search results, best first (or by time, if sorted).")
class SearchConnection:
    edges: list[SearchEdge] = strawberry.field(description="The hits of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page lies in the results.")
    estimated_total: int = strawberry.field(
        description="About how many results there are in all (capped at 1,000 to page through)."
    )
    facets: SearchFacets = strawberry.field(description="Counts to refine the search by.")


@strawberry.type(description="A typeahead suggestion.")
class SearchSuggestion:
    text: str = strawberry.field(
        description="What to show: a title, a group or station name, or a handle."
    )
    type: SearchType = strawberry.field(description="What it leads to.")
    node: SearchResult = strawberry.field(description="The object itself.")


TYPE_NAMES = {
    "post": "POST",
    "group": "GROUP",
    "user": "USER",
    "episode": "EPISODE",
    "station": "STATION",
    "collection": "COLLECTION",
    "event": "EVENT",
}


def _counts(
    distribution: dict[str, int] | None, rename: dict[str, str] | None = None
) -> list[FacetCount]:
    items = sorted((distribution or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    return [FacetCount(value=(rename or {}).get(k, k), count=v) for k, v in items]


def wrap(
    row: cases.Row,
) -> Post | Group | User | RadioEpisode | RadioStation | Collection | Event:
    if isinstance(row, models.Post):
        return Post.from_row(row)
    if isinstance(row, models.Group):
        return Group.from_row(row)
    if isinstance(row, models.RadioEpisode):
        return RadioEpisode.from_row(row)
    if isinstance(row, models.RadioStation):
        return RadioStation.from_row(row)
    if isinstance(row, models.Collection):
        return Collection.from_row(row)
    if isinstance(row, models.Event):
        return Event.from_row(row)
    if isinstance(row, models.User):
        return User.from_row(row)
    raise TypeError(f"no search result type for {type(row).__name__}")


def to_search_connection(page: cases.SearchPage) -> SearchConnection:
    facets = page.answer.facets
    return SearchConnection(
        edges=[
            SearchEdge(
                cursor=f.cursor,
                node=wrap(f.row),
                highlights=[
                    SearchHighlight(field=h.field, snippet=h.snippet) for h in f.hit.highlights
                ],
            )
            for f in page.found
        ],
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.answer.offset > 0,
            start_cursor=page.found[0].cursor if page.found else None,
            end_cursor=page.end_cursor,
        ),
        estimated_total=page.answer.estimated_total,
        facets=SearchFacets(
            types=_counts(facets.get("type"), TYPE_NAMES),
            tags=_counts(facets.get("tags")),
            groups=_counts(facets.get("group_slug")),
            author_kinds=_counts(facets.get("author_kinds")),
            koc=_counts(facets.get("koc")),
            industries=_counts(facets.get("industry")),
        ),
    )


@strawberry.type
class SearchQueries:
    @strawberry.field(
        description="Search posts, groups, people, radio episodes and stations, collections "
        "and events (by title, city or venue; upcoming ones first) by what you remember, in "
        "Chinese or English, typos forgiven. Only what you may see comes back: a members-only "
        "group's events for its members."
    )
    async def search(
        self,
        info: Info[Context, None],
        query: str,
        types: list[SearchType] | None = None,
        filters: SearchFilters | None = None,
        sort: SearchSort = SearchSort.RELEVANCE,
        first: int | None = 20,
        after: str | None = None,
    ) -> SearchConnection:
        given = filters or SearchFilters()
        page = await cases.search(
            info.context,
            query,
            types,
            Filters(
                group_slug=given.group_slug,
                tags=tuple(given.tags or ()),
                author_kinds=tuple(given.author_kinds or ()),
                created_after=given.created_after,
                created_before=given.created_before,
                koc=tuple(given.koc or ()),
                industries=tuple(given.industry or ()),
                certified=given.certified,
            ),
            sort,
            first,
            after,
        )
        return to_search_connection(page)

    @strawberry.field(
        description="Typeahead: titles (of articles, episodes, collections and events), group "
        "and station names and handles that start like `prefix`."
    )
    async def search_suggestions(
        self, info: Info[Context, None], prefix: str, first: int | None = 5
    ) -> list[SearchSuggestion]:
        found = await cases.suggest(info.context, prefix, first)
        return [SearchSuggestion(text=s.text, type=s.type, node=wrap(s.row)) for s in found]
