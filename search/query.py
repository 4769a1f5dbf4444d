"""Turning a search request into one federated Meilisearch request, and its answer into hits.

Everything a client sends is checked here and becomes typed filter expressions built by this
module (values quoted, never pasted): a bad request is an `InvalidInput` naming the field, and
Meilisearch's own error texts never reach a client.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from search.documents import timestamp
from search.engine import SearchEngine, SearchRejected
from search.indexes import LOCALES, SPECS, IndexSpec
from server.errors import InvalidInput
from server.models import Industry, KocRoleKind

MAX_QUERY = 200
MAX_PAGE = 50
MAX_DEPTH = 1_000  # how far a client may page into one result list
MAX_FILTER_VALUES = 10
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
# Where Meilisearch marks a match. Private-use characters alone could be written into a post
# (U+E000 in a body became <mark> here once): each process marks with its own random token,
# which no text can contain, and stray private-use marks are dropped from snippets.
_NONCE = secrets.token_hex(8)
PRE, POST = f"\ue000{_NONCE}\ue001", f"\ue001{_NONCE}\ue000"
_STRAY_MARKS = str.maketrans("", "", "\ue000\ue001")
CROPPED = {"body", "description", "bio"}
SUGGESTIONS_PER_TYPE = 5
# How much more an upcoming document (an event not yet ended) weighs than a past one, here and
# against the other kinds: the same words rank it first, a somewhat better match elsewhere
# still wins.
UPCOMING_WEIGHT = 1.25


class SearchType(StrEnum):
    """What a search looks for; each value is the name of its index."""

    POST = "posts"
    GROUP = "groups"
    USER = "users"
    EPISODE = "episodes"
    STATION = "stations"
    COLLECTION = "collections"
    EVENT = "events"


class SearchSort(StrEnum):
    RELEVANCE = "RELEVANCE"
    NEWEST = "NEWEST"
    OLDEST = "OLDEST"


@dataclass(frozen=True)
class SearchFilters:
    group_slug: str | None = None
    tags: tuple[str, ...] = ()
    author_kinds: tuple[str, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    # People holding any of these KOC roles (KocRoleKind values).
    koc: tuple[str, ...] = ()
    # Groups of any of these industries (Industry values), and certified or not.
    industries: tuple[str, ...] = ()
    certified: bool | None = None


@dataclass(frozen=True)
class Audience:
    """Whose searches these are, for the indexes whose documents not everyone may see
    (`IndexSpec.restricted`): the public documents, those of `group_ids` (the viewer's
    groups), or all of them (`everything`: platform staff). The default is the public only."""

    everything: bool = False
    group_ids: frozenset[int] = frozenset()


PUBLIC = Audience()


def audience_filter(spec: IndexSpec, audience: Audience) -> list[str] | None:
    """The filter (one OR-group) that keeps a restricted index to the audience; None when
    nothing is to be kept out."""
    if not spec.restricted or audience.everything:
        return None
    allowed = ["public = true"]
    if audience.group_ids:
        allowed.append(
            f"group_id IN [{', '.join(str(int(i)) for i in sorted(audience.group_ids))}]"
        )
    return allowed


@dataclass(frozen=True)
class Highlight:
    field: str
    snippet: str  # HTML-escaped text with the matched words in <mark>…</mark>


@dataclass(frozen=True)
class Hit:
    type: SearchType
    id: int
    highlights: list[Highlight]


@dataclass
class SearchAnswer:
    hits: list[Hit]
    offset: int
    estimated_total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Suggestion:
    type: SearchType
    id: int
    text: str


def clean_query(query: str, name: str = "query") -> str:
    text = " ".join("".join(ch for ch in query if ch.isprintable()).split())
    if not text:
        raise InvalidInput("Type something to search for.", field=name)
    if len(text) > MAX_QUERY:
        raise InvalidInput(f"Search for at most {MAX_QUERY} characters.", field=name)
    return text


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a double-quoted string Meilisearch accepts


def _members(kind: type[StrEnum], values: tuple[str, ...], name: str) -> tuple[str, ...]:
    """The distinct values, each one of `kind`'s (they are quoted into filters)."""
    try:
        return tuple(dict.fromkeys(str(kind(value)) for value in values))
    except ValueError:
        raise InvalidInput(f"Not a known {kind.__name__} value.", field=name) from None


def clean_filters(filters: SearchFilters) -> SearchFilters:
    slug = filters.group_slug.strip().lower() if filters.group_slug else None
    if slug is not None and not SLUG.match(slug):
        raise InvalidInput("No group has a slug like that.", field="filters.groupSlug")
    tags = tuple(dict.fromkeys(t.strip().lstrip("#").lower() for t in filters.tags if t.strip()))
    if len(tags) > MAX_FILTER_VALUES or any(len(t) > 30 for t in tags):
        raise InvalidInput(
            f"Filter by at most {MAX_FILTER_VALUES} tags of 30 characters.", field="filters.tags"
        )
    after, before = filters.created_after, filters.created_before
    for moment, name in ((after, "createdAfter"), (before, "createdBefore")):
        if moment is not None and moment.tzinfo is None:
            raise InvalidInput("Give the time with its time zone.", field=f"filters.{name}")
    if after and before and after > before:
        raise InvalidInput("createdAfter is later than createdBefore.", field="filters")
    return SearchFilters(
        slug,
        tags,
        tuple(dict.fromkeys(filters.author_kinds)),
        after,
        before,
        koc=_members(KocRoleKind, filters.koc, "filters.koc"),
        industries=_members(Industry, filters.industries, "filters.industry"),
        certified=filters.certified,
    )


def filter_expressions(spec: IndexSpec, filters: SearchFilters) -> list[str | list[str]] | None:
    """The filter of one index, or None when the filters exclude the whole index (a group
    filter excludes people and groups; a KOC filter all but people; an industry or
    certification filter all but groups)."""
    wanted: list[tuple[str, str | list[str]]] = []
    if filters.group_slug:
        wanted.append(("group_slug", f"group_slug = {_quoted(filters.group_slug)}"))
    if filters.tags:
        wanted.append(("tags", [f"tags = {_quoted(t)}" for t in filters.tags]))
    if filters.author_kinds:
        wanted.append(
            ("author_kinds", [f"author_kinds = {_quoted(k)}" for k in filters.author_kinds])
        )
    if filters.created_after:
        wanted.append(("created_at", f"created_at >= {timestamp(filters.created_after)}"))
    if filters.created_before:
        wanted.append(("created_at", f"created_at <= {timestamp(filters.created_before)}"))
    if filters.koc:
        wanted.append(("koc", [f"koc = {_quoted(k)}" for k in filters.koc]))
    if filters.industries:
        wanted.append(("industry", [f"industry = {_quoted(i)}" for i in filters.industries]))
    if filters.certified is not None:
        wanted.append(("certified", f"certified = {'true' if filters.certified else 'false'}"))
    if any(attribute not in spec.filterable for attribute, _ in wanted):
        return None
    return [expression for _, expression in wanted]


def encode_offset(offset: int) -> str:
    raw = json.dumps({"l": "search", "o": offset}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    refusal = InvalidInput("This cursor is not from a search.", field="after")
    if len(cursor) > 100:
        raise refusal
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        offset = data["o"] if isinstance(data, dict) and data.get("l") == "search" else None
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeError, RecursionError):
        raise refusal from None
    if type(offset) is not int or not 0 <= offset <= MAX_DEPTH:
        raise refusal
    return offset


def _text(value: str) -> str:
    return html.escape(value.translate(_STRAY_MARKS), quote=False)


def _marked(value: str) -> str:
    """HTML-escaped text with Meilisearch's matches in <mark>; adjacent matches (a Chinese
    word split in two) read as one."""
    first, *matches = value.replace(POST + PRE, "").split(PRE)
    snippet = [_text(first)]
    for part in matches:
        match, _, rest = part.partition(POST)
        snippet.append(f"<mark>{_text(match)}</mark>{_text(rest)}")
    return "".join(snippet)


def highlights(hit: dict[str, Any], spec: IndexSpec) -> list[Highlight]:
    formatted = hit.get("_formatted") or {}
    found = []
    for name in spec.highlighted:
        value = formatted.get(name)
        if isinstance(value, str) and PRE in value:
            # Adjacent matches (a Chinese word split in two) read as one.
            found.append(Highlight(name, _marked(value)))
    return found


def _boosted(request: dict[str, Any], attribute: str, now: datetime) -> list[dict[str, Any]]:
    """One query as two over the same index: the documents whose `attribute` is still to come,
    weighed up, and the others. Federation merges them by weighted relevance."""
    moment = timestamp(now)
    upcoming = {
        **request,
        "filter": [*request["filter"], f"{attribute} > {moment}"],
        "federationOptions": {"weight": UPCOMING_WEIGHT},
    }
    past = {**request, "filter": [*request["filter"], f"{attribute} <= {moment}"]}
    return [upcoming, past]


def search_request(
    engine: SearchEngine,
    query: str,
    types: list[SearchType],
    filters: SearchFilters,
    sort: SearchSort,
    first: int,
    offset: int,
    audience: Audience = PUBLIC,
    now: datetime | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """The federated multi-search body (queries, federation); None if the filters exclude
    every requested type. Restricted indexes are narrowed to the audience; by relevance,
    upcoming documents are boosted (`IndexSpec.boost_until`)."""
    queries = []
    facets_by_index: dict[str, list[str]] = {}
    for search_type in dict.fromkeys(types):
        spec = SPECS[search_type.value]
        expressions = filter_expressions(spec, filters)
        if expressions is None:
            continue
        allowed = audience_filter(spec, audience)
        if allowed is not None:
            expressions.append(allowed)
        uid = engine.uid(spec.name)
        request: dict[str, Any] = {
            "indexUid": uid,
            "q": query,
            "filter": expressions,
            "locales": LOCALES,
            "attributesToRetrieve": ["id"],
            "attributesToHighlight": spec.highlighted,
            "attributesToCrop": [a for a in spec.highlighted if a in CROPPED],
            "cropLength": 40,
            "highlightPreTag": PRE,
            "highlightPostTag": POST,
        }
        if sort != SearchSort.RELEVANCE:
            order = "desc" if sort == SearchSort.NEWEST else "asc"
            request["sort"] = [f"created_at:{order}", f"id:{order}"]
            queries.append(request)
        elif spec.boost_until is not None:
            queries.extend(_boosted(request, spec.boost_until, now or datetime.now(UTC)))
        else:
            queries.append(request)
        facets_by_index[uid] = ["type", *spec.facets]
    if not queries:
        return None
    federation = {
        "offset": offset,
        "limit": first,
        "facetsByIndex": facets_by_index,
        "mergeFacets": {"maxValuesPerFacet": 20},
    }
    return queries, federation


async def run_search(
    engine: SearchEngine,
    query: str,
    types: list[SearchType],
    filters: SearchFilters,
    sort: SearchSort,
    first: int,
    offset: int,
    audience: Audience = PUBLIC,
) -> SearchAnswer:
    body = search_request(engine, query, types, filters, sort, first, offset, audience)
    if body is None:
        return SearchAnswer(hits=[], offset=offset, estimated_total=0)
    queries, federation = body
    try:
        answer = await engine.multi_search(queries, federation)
    except SearchRejected as exc:
        # What we send is built here; a refusal is our bug, not the client's input.
        raise RuntimeError(f"search request refused: {exc}") from exc
    by_uid = {engine.uid(t.value): t for t in SearchType}
    hits = []
    for hit in answer.get("hits", []):
        search_type = by_uid[hit["_federation"]["indexUid"]]
        hits.append(Hit(search_type, int(hit["id"]), highlights(hit, SPECS[search_type.value])))
    return SearchAnswer(
        hits=hits,
        offset=offset,
        estimated_total=int(answer.get("estimatedTotalHits", len(hits))),
        facets=answer.get("facetDistribution") or {},
    )


# Meilisearch knows an index's fields from its documents: searching named attributes of an
# index with no documents yet is refused with this code.
EMPTY_INDEX = "invalid_search_attributes_to_search_on"


async def _results_unless_empty(engine: SearchEngine, query: dict[str, Any]) -> dict[str, Any]:
    try:
        return (await engine.multi_search([query]))["results"][0]
    except SearchRejected as exc:
        if exc.code != EMPTY_INDEX:
            raise RuntimeError(f"suggestion request refused: {exc}") from exc
        return {"hits": []}


def _suggestion_query(
    engine: SearchEngine, spec: IndexSpec, prefix: str, limit: int, audience: Audience
) -> dict[str, Any]:
    query: dict[str, Any] = {
        "indexUid": engine.uid(spec.name),
        "q": prefix,
        "limit": limit,
        "locales": LOCALES,
        "attributesToRetrieve": ["id", *spec.suggest],
        "attributesToSearchOn": spec.suggest,
    }
    allowed = audience_filter(spec, audience)
    if allowed is not None:
        query["filter"] = [allowed]
    return query


async def run_suggestions(
    engine: SearchEngine, prefix: str, limit: int, audience: Audience = PUBLIC
) -> list[Suggestion]:
    queries = [
        _suggestion_query(engine, SPECS[t.value], prefix, limit, audience) for t in SearchType
    ]
    try:
        results = (await engine.multi_search(queries))["results"]
    except SearchRejected as exc:
        if exc.code != EMPTY_INDEX:
            raise RuntimeError(f"suggestion request refused: {exc}") from exc
        results = [await _results_unless_empty(engine, query) for query in queries]
    found = []
    for search_type, result in zip(SearchType, results, strict=True):
        spec = SPECS[search_type.value]
        for hit in result["hits"]:
            text = next((str(hit[a]) for a in spec.suggest if hit.get(a)), "")
            if text:
                found.append(Suggestion(search_type, int(hit["id"]), text))
    return found
