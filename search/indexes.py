"""The indexes and their settings, defined here and applied idempotently at start-up.

One `IndexSpec` per kind of document. A new kind is a new spec here, a
document builder in search.documents and a source in search.sources; the sync, the reindex and
the search query take it from the registry without other changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Chinese first, English second: every text attribute may hold either.
LOCALES = ["cmn", "eng"]

# Car models and community terms people write in several ways. Each line is one set of words
# that mean the same thing; a query for any finds the others.
SYNONYM_SETS: list[list[str]] = [
    ["换电", "换电站", "battery swap", "power swap", "powerswap"],
    ["充电", "充电桩", "charging", "charger"],
    ["车主", "owner", "owners"],
    ["粉丝", "fan", "fans"],
    ["用户共创", "co-creation", "cocreation"],
    ["电台", "radio"],
    ["活动", "event", "events"],
    ["积分", "points"],
    ["志愿者", "车主志愿者", "volunteer"],
    ["es6", "es 6"],
    ["es8", "es 8"],
    ["et5", "et 5"],
    ["et7", "et 7"],
    ["ec6", "ec 6"],
    ["自动驾驶", "autonomous driving", "nad"],
]

# "sort" first: a search sorted by time lists every match by time (without a sort, the rule
# does nothing and relevance decides).
RANKING_RULES = ["sort", "words", "typo", "proximity", "attribute", "exactness"]


def synonyms() -> dict[str, list[str]]:
    """Meilisearch's synonym map: every word of a set points at the others."""
    mapping: dict[str, list[str]] = {}
    for words in SYNONYM_SETS:
        for word in words:
            mapping[word] = [other for other in words if other != word]
    return mapping


@dataclass(frozen=True)
class IndexSpec:
    """One index: its name (without the deployment's prefix) and its settings."""

    name: str
    searchable: list[str]
    filterable: list[str]
    sortable: list[str]
    facets: list[str]
    highlighted: list[str]
    suggest: list[str]  # attributes offered as typeahead suggestions, best first
    localized: list[str] = field(default_factory=list)
    # Documents that not everyone may see: each carries `public` (anyone may see it) and
    # `group_id`, and every search of the index is narrowed to the viewer's audience
    # (search.query.Audience).
    restricted: bool = False
    # A time attribute (milliseconds): documents whose time is still to come rank above the
    # others (search.query weighs them up): events not yet ended before past ones.
    boost_until: str | None = None

    def settings(self) -> dict[str, Any]:
        return {
            "searchableAttributes": self.searchable,
            "filterableAttributes": self.filterable,
            "sortableAttributes": self.sortable,
            "displayedAttributes": ["*"],
            "rankingRules": RANKING_RULES,
            "synonyms": synonyms(),
            "localizedAttributes": [{"attributePatterns": self.localized, "locales": LOCALES}]
            if self.localized
            else [],
            "typoTolerance": {
                "enabled": True,
                "minWordSizeForTypos": {"oneTypo": 4, "twoTypos": 8},
                # Handles are typed exactly or found by prefix; a typo there finds strangers.
                "disableOnAttributes": ["author_handle", "credited_handles", "handle", "slug"],
            },
            "faceting": {"maxValuesPerFacet": 100},
            # Word proximity per attribute rather than per word pair: much less to index, and
            # ranking barely changes for short community texts.
            "proximityPrecision": "byAttribute",
            # Facet values are counted, never searched: no facet-search index to build.
            "facetSearch": False,
            "pagination": {"maxTotalHits": 1000},
        }


POSTS = IndexSpec(
    name="posts",
    searchable=["title", "tags", "body", "group_name", "author_name", "author_handle"],
    filterable=["id", "type", "group_slug", "tags", "author_kinds", "kind", "created_at"],
    sortable=["created_at", "id"],
    facets=["tags", "group_slug", "author_kinds"],
    highlighted=["title", "body"],
    suggest=["title"],
    localized=["title", "body", "group_name", "author_name", "tags"],
)
GROUPS = IndexSpec(
    name="groups",
    searchable=["name", "slug", "industry", "description"],
    filterable=["id", "type", "kind", "industry", "certified", "created_at"],
    sortable=["created_at", "id"],
    facets=["industry"],
    highlighted=["name", "description"],
    suggest=["name"],
    localized=["name", "industry", "description"],
)
USERS = IndexSpec(
    name="users",
    searchable=["handle", "display_name", "badge", "vehicle_models", "region", "bio"],
    filterable=["id", "type", "author_kinds", "koc", "created_at"],
    sortable=["created_at", "id"],
    facets=["author_kinds", "koc"],
    highlighted=["display_name", "bio"],
    suggest=["handle", "display_name"],
    localized=["display_name", "badge", "region", "bio"],
)

EPISODES = IndexSpec(
    name="episodes",
    searchable=[
        "title",
        "station_name",
        "credited_handles",
        "credited_names",
        "description",
        "author_name",
        "author_handle",
        "station_city",
    ],
    filterable=["id", "type", "station_id", "station_slug", "author_kinds", "created_at"],
    sortable=["created_at", "id"],
    facets=["author_kinds"],
    highlighted=["title", "description", "station_name"],
    suggest=["title"],
    localized=["title", "station_name", "credited_names", "description", "author_name"],
)
STATIONS = IndexSpec(
    name="stations",
    searchable=["name", "slug", "city", "description"],
    filterable=["id", "type", "city", "created_at"],
    sortable=["created_at", "id"],
    facets=[],
    highlighted=["name", "description"],
    suggest=["name"],
    localized=["name", "city", "description"],
)
COLLECTIONS = IndexSpec(
    name="collections",
    searchable=["title", "slug", "description"],
    filterable=["id", "type", "created_at"],
    sortable=["created_at", "id"],
    facets=[],
    highlighted=["title", "description"],
    suggest=["title"],
    localized=["title", "description"],
)

# Events people may not see are kept out by the audience filter: a members-only group's
# events are found by its members (and platform staff) only. Cancelled events are not indexed;
# past ones are, and rank below upcoming ones (search.query boosts those not yet ended).
EVENTS = IndexSpec(
    name="events",
    searchable=["title", "city", "venue", "description"],
    filterable=[
        "id",
        "type",
        "public",
        "group_id",
        "group_slug",
        "kind",
        "state",
        "city",
        "starts_at",
        "ends_at",
        "created_at",
    ],
    sortable=["created_at", "starts_at", "ends_at", "id"],
    facets=[],
    highlighted=["title", "venue", "description"],
    suggest=["title"],
    localized=["title", "city", "venue", "description"],
    restricted=True,
    boost_until="ends_at",
)

SPECS: dict[str, IndexSpec] = {
    spec.name: spec for spec in (POSTS, GROUPS, USERS, EPISODES, STATIONS, COLLECTIONS, EVENTS)
}
