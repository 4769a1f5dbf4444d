"""Search through the GraphQL API against a real Meilisearch, on SQLite and PostgreSQL.

Each test has its own index prefix on the session's Meilisearch; the app's own sync feeds it
from the outbox, and `settled()` waits until the outbox is drained and Meilisearch is idle.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from schema.relay import decode_pk, encode_id
from search.engine import SearchEngine
from search.process import MeilisearchEndpoint
from server.app import create_app
from server.db import Database
from server.models import PlatformRole, Post, SearchOutbox, User
from server.settings import Settings
from tests.conftest import Api, running
from tests.helpers import create_group, join_group, make_role, moderate, post_id
from tests.waiting import eventually

SEARCH = """query($q: String!, $types: [SearchType!], $filters: SearchFilters, $sort: SearchSort!,
                  $first: Int, $after: String) {
  search(query: $q, types: $types, filters: $filters, sort: $sort, first: $first, after: $after) {
    estimatedTotal
    edges { cursor highlights { field snippet }
      node { __typename ... on Post { id body } ... on Group { slug } ... on User { handle } } }
    pageInfo { hasNextPage endCursor }
    facets { types { value count } tags { value count } groups { value count }
             authorKinds { value count } }
  } }"""


@pytest.fixture
def search_settings(settings: Settings, meili: MeilisearchEndpoint, meili_prefix: str) -> Settings:
    return replace(
        settings,
        meili_url=meili.url,
        meili_api_key=meili.api_key,
        search_index_prefix=meili_prefix,
        search_sync_interval_seconds=0.05,
    )


@pytest.fixture
def engine(meili: MeilisearchEndpoint, meili_prefix: str) -> SearchEngine:
    return SearchEngine(meili.url, meili.api_key, prefix=meili_prefix)


@pytest.fixture
async def search_api(search_settings: Settings, db: Database) -> AsyncIterator[Api]:
    async with running(create_app(search_settings, database=db)) as client:
        yield Api(client)


async def settled(api: Api, engine: SearchEngine, within: float = 30) -> None:
    """Wait until the server's search is ready, every change is drained from the outbox, and
    Meilisearch has indexed it."""

    async def ready() -> bool:
        return (await api.client.get("/healthz")).json()["search"] == "ready"

    async def drained() -> bool:
        return not await SearchOutbox.filter(drained_at=None).exists()

    await eventually(ready, within=within, what="search to get ready")
    await eventually(drained, within=within, what="the outbox to be drained")
    await engine.wait_idle(within)


async def search(api: Api, q: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
    data = await api.data(SEARCH, {"q": q, "sort": "RELEVANCE", **variables}, token=token)
    return data["search"]


def ids(result: dict[str, Any]) -> list[str]:
    return [edge["node"].get("id") or edge["node"].get("slug") for edge in result["edges"]]


async def test_search_finds_chinese_posts_by_a_word_inside_a_longer_one(
    search_api: Api, engine: SearchEngine
) -> None:
    token = await search_api.register("li_lei")
    station = await post_id(search_api, token, body="今天去了新开的换电站，三分钟就换好了")
    await post_id(search_api, token, body="周末带孩子去公园野餐")
    await settled(search_api, engine)

    result = await search(search_api, "换电")

    assert ids(result) == [station]
    highlight = result["edges"][0]["highlights"][0]
    assert highlight["field"] == "body"
    assert "<mark>换电站</mark>" in highlight["snippet"]


async def test_search_forgives_typos_and_knows_synonyms(
    search_api: Api, engine: SearchEngine
) -> None:
    token = await search_api.register("amy")
    english = await post_id(
        search_api, token, kind="ARTICLE", title="Charging on the highway", body="Fast and calm."
    )
    swap = await post_id(search_api, token, body="换电站排队五分钟")
    es8 = await post_id(search_api, token, body="ES8 的座椅很舒服")
    await settled(search_api, engine)

    assert ids(await search(search_api, "chargng")) == [english]
    assert ids(await search(search_api, "highwya")) == [english]
    assert swap in ids(await search(search_api, "battery swap"))
    assert swap in ids(await search(search_api, "Power Swap"))
    assert ids(await search(search_api, "ES 8")) == [es8]


async def test_search_filters_by_group_tag_and_kind_and_counts_facets(
    search_api: Api, engine: SearchEngine
) -> None:
    token = await search_api.register("zhang")
    await create_group(search_api, token, "road-trips")
    in_group = await post_id(
        search_api, token, body="charging stops on the road", groupSlug="road-trips", tags=["trip"]
    )
    outside = await post_id(search_api, token, body="charging at home", tags=["home"])
    await settled(search_api, engine)

    everything = await search(search_api, "charging")
    assert sorted(ids(everything)) == sorted([in_group, outside])
    facets = everything["facets"]
    assert {"value": "POST", "count": 2} in facets["types"]
    assert {"value": "road-trips", "count": 1} in facets["groups"]
    assert {"value": "trip", "count": 1} in facets["tags"]
    assert facets["authorKinds"] == [{"value": "FAN", "count": 2}]

    by_group = await search(search_api, "charging", filters={"groupSlug": "road-trips"})
    assert ids(by_group) == [in_group]
    assert ids(await search(search_api, "charging", filters={"tags": ["home"]})) == [outside]
    assert ids(await search(search_api, "charging", filters={"authorKinds": ["OWNER"]})) == []
    future = {"createdAfter": "2999-01-01T00:00:00+00:00"}
    assert ids(await search(search_api, "charging", filters=future)) == []


async def test_search_returns_groups_and_people_as_a_union(
    search_api: Api, engine: SearchEngine
) -> None:
    token = await search_api.register("wang_fang")
    await create_group(search_api, token, "photography")
    await settled(search_api, engine)

    result = await search(search_api, "photography")
    assert [e["node"]["__typename"] for e in result["edges"]] == ["Group"]
    people = await search(search_api, "wang_fang", types=["USER"])
    assert [e["node"] for e in people["edges"]] == [{"__typename": "User", "handle": "wang_fang"}]


async def test_search_pages_through_results_with_cursors(
    search_api: Api, engine: SearchEngine
) -> None:
    token = await search_api.register("pager")
    made = {await post_id(search_api, token, body=f"battery report number {i}") for i in range(5)}
    await settled(search_api, engine)

    first = await search(search_api, "battery", first=3, sort="NEWEST")
    second = await search(
        search_api, "battery", first=3, sort="NEWEST", after=first["pageInfo"]["endCursor"]
    )
    assert first["pageInfo"]["hasNextPage"] and not second["pageInfo"]["hasNextPage"]
    assert set(ids(first)) | set(ids(second)) == made
    assert len(ids(first) + ids(second)) == 5
    # Sorted newest first: ids (creation order) descend across both pages.
    pks = [decode_pk(i, "Post") for i in ids(first) + ids(second)]
    assert pks == sorted(pks, reverse=True)


async def test_hidden_removed_and_deleted_posts_leave_the_index(
    search_api: Api, engine: SearchEngine, search_settings: Settings
) -> None:
    token = await search_api.register("author")
    moderator = await search_api.register("mia")
    await make_role("mia", PlatformRole.MODERATOR)
    reporter = await search_api.register("reporter")
    hidden, removed, deleted, kept = [
        await post_id(search_api, token, body=f"supercharger review {n}") for n in range(4)
    ]
    await settled(search_api, engine)
    assert len(ids(await search(search_api, "supercharger"))) == 4

    await moderate(search_api, moderator, reporter, hidden, ["HIDE"])
    await moderate(search_api, moderator, reporter, removed, ["REMOVE"])
    await search_api.data(
        "mutation($id: ID!) { deletePost(input: {postId: $id}) { __typename } }",
        {"id": deleted},
        token=token,
    )
    await settled(search_api, engine)

    assert ids(await search(search_api, "supercharger")) == [kept]
    assert await engine.document_ids(engine.uid("posts")) == {decode_pk(kept, "Post")}


async def test_a_post_hidden_before_the_index_catches_up_is_not_returned(
    search_api: Api, engine: SearchEngine, search_settings: Settings
) -> None:
    token = await search_api.register("quick")
    await search_api.register("mia")
    post = await post_id(search_api, token, body="odometer milestone")
    await settled(search_api, engine)
    # Hidden in the database only, as if the sync had not run yet.
    await Post.filter(id=decode_pk(post, "Post")).update(state="HIDDEN")

    assert ids(await search(search_api, "odometer")) == []


async def test_members_only_group_posts_are_never_indexed(
    search_api: Api, engine: SearchEngine
) -> None:
    owner = await search_api.register("club_owner")
    member = await search_api.register("club_member")
    await create_group(search_api, owner, "inner-circle", visibility="MEMBERS_ONLY")
    await join_group(search_api, member, "inner-circle")
    secret = await post_id(search_api, owner, body="secret meetup", groupSlug="inner-circle")
    await settled(search_api, engine)

    assert ids(await search(search_api, "meetup")) == []
    assert ids(await search(search_api, "meetup", token=member)) == []
    assert decode_pk(secret, "Post") not in await engine.document_ids(engine.uid("posts"))


async def test_a_group_turning_members_only_takes_its_posts_out(
    search_api: Api, engine: SearchEngine
) -> None:
    owner = await search_api.register("turner")
    await create_group(search_api, owner, "open-house")
    await post_id(search_api, owner, body="open house schedule", groupSlug="open-house")
    await settled(search_api, engine)
    assert len(ids(await search(search_api, "schedule"))) == 1

    result = await search_api.data(
        """mutation { updateGroup(input: {slug: "open-house", visibility: MEMBERS_ONLY}) {
             __typename } }""",
        token=owner,
    )
    assert result["updateGroup"]["__typename"] == "UpdateGroupSuccess"
    await settled(search_api, engine)

    assert ids(await search(search_api, "schedule")) == []
    # The group itself stays findable: who it is for is public, what its members write is not.
    assert ids(await search(search_api, "open-house", types=["GROUP"])) == ["open-house"]


async def test_a_suspended_authors_posts_and_profile_leave_search(
    search_api: Api, engine: SearchEngine, search_settings: Settings
) -> None:
    token = await search_api.register("troll")
    moderator = await search_api.register("mia")
    await make_role("mia", PlatformRole.MODERATOR)
    reporter = await search_api.register("reporter")
    await post_id(search_api, token, body="spam spam lovely spam")
    await settled(search_api, engine)
    assert len(ids(await search(search_api, "lovely"))) == 1

    troll = await User.get(handle="troll")
    await moderate(
        search_api, moderator, reporter, encode_id("User", troll.id), ["SUSPEND"], days=3
    )
    await settled(search_api, engine)

    assert ids(await search(search_api, "lovely")) == []
    assert ids(await search(search_api, "troll", types=["USER"])) == []


async def test_search_suggestions_offer_titles_groups_and_handles(
    search_api: Api, engine: SearchEngine
) -> None:
    token = await search_api.register("roadie")
    await create_group(search_api, token, "roadsters")
    await post_id(search_api, token, kind="ARTICLE", title="Road trip to Xinjiang", body="...")
    await settled(search_api, engine)

    data = await search_api.data(
        """{ searchSuggestions(prefix: "road") { text type
             node { __typename ... on Group { slug } } } }"""
    )
    found = {(s["type"], s["text"]) for s in data["searchSuggestions"]}
    assert {("POST", "Road trip to Xinjiang"), ("GROUP", "Roadsters"), ("USER", "roadie")} <= found


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"q": "   "}, "query"),
        ({"q": "x" * 201}, "query"),
        ({"q": "ok", "first": 0}, "first"),
        ({"q": "ok", "first": 51}, "first"),
        ({"q": "ok", "after": "not-a-cursor"}, "after"),
        ({"q": "ok", "filters": {"groupSlug": 'x" OR type = "user'}}, "filters.groupSlug"),
        ({"q": "ok", "filters": {"tags": [f"t{i}" for i in range(11)]}}, "filters.tags"),
        ({"q": "ok", "filters": {"createdAfter": "2026-01-01T00:00:00"}}, "filters.createdAfter"),
    ],
)
async def test_search_rejects_bad_input_with_a_typed_error(
    search_api: Api, variables: dict[str, Any], field: str
) -> None:
    body = await search_api.query(SEARCH, {"sort": "RELEVANCE", **variables})
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert "meilisearch" not in error["message"].lower()
    assert error["extensions"]["field"] == field


async def test_a_held_post_becomes_searchable_once_approved(
    search_api: Api, engine: SearchEngine
) -> None:
    moderator = await search_api.register("mia")
    await make_role("mia", PlatformRole.MODERATOR)
    writer = await search_api.register("seller")
    await search_api.data(
        """mutation { createModerationRule(input: {pattern: "代购", match: SUBSTRING,
             action: HOLD}) { __typename } }""",
        token=moderator,
    )
    held = await post_id(search_api, writer, body="代购 ES8 脚垫")
    await settled(search_api, engine)
    assert ids(await search(search_api, "脚垫")) == []
    assert decode_pk(held, "Post") not in await engine.document_ids(engine.uid("posts"))

    queue = await search_api.data("{ moderationQueue { edges { node { id } } } }", token=moderator)
    [item] = [e["node"]["id"] for e in queue["moderationQueue"]["edges"]]
    await search_api.data(
        """mutation($id: ID!) { resolveQueueItem(input: {itemId: $id, actions: [APPROVE]}) {
             __typename } }""",
        {"id": item},
        token=moderator,
    )
    await settled(search_api, engine)
    assert ids(await search(search_api, "脚垫")) == [held]
