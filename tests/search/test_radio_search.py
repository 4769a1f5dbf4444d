"""Search over radio episodes, stations and collections, against a real Meilisearch, on SQLite
and PostgreSQL.

Rows are written with the ORM inside the one write path (`writing`), which records the search
outbox rows the radio, credit and collection use cases record; the app's own sync drains them
and `settled()` waits until Meilisearch has indexed them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from moderation import policies
from resolvers.changes import writing
from resolvers.context import Resources
from schema.relay import encode_id
from search import documents, sources
from search.engine import SearchEngine
from search.query import SearchFilters, SearchSort, SearchType, run_search, run_suggestions
from search.reindex import reindex
from search.sync import SearchSync
from server.models import (
    AccountState,
    Collection,
    Credit,
    CreditRole,
    CreditState,
    EpisodeState,
    PlatformRole,
    RadioEpisode,
    RadioStation,
    SearchEntity,
    User,
)
from tests.conftest import Api
from tests.helpers import make_account, make_role
from tests.search import test_search
from tests.search.test_search import settled

# The app-with-search fixtures of tests/search/test_search.py, shared rather than copied.
search_settings = test_search.search_settings
engine = test_search.engine
search_api = test_search.search_api

SEARCH = """query($q: String!, $types: [SearchType!], $filters: SearchFilters) {
  search(query: $q, types: $types, filters: $filters) {
    edges { highlights { field snippet }
      node { __typename
        ... on RadioEpisode { id title }
        ... on RadioStation { id slug name }
        ... on Collection { id slug title }
        ... on Post { id } ... on Group { slug } ... on User { handle } } }
    facets { types { value count } }
  } }"""


async def found(
    api: Api, q: str, token: str | None = None, **variables: Any
) -> list[tuple[str, str]]:
    """(type, id) of each hit, best first."""
    data = await api.data(SEARCH, {"q": q, **variables}, token=token)
    return [
        (edge["node"]["__typename"], edge["node"].get("id") or edge["node"].get("slug"))
        for edge in data["search"]["edges"]
    ]


def episode_hit(row: RadioEpisode) -> tuple[str, str]:
    return ("RadioEpisode", encode_id("RadioEpisode", row.id))


def station_hit(row: RadioStation) -> tuple[str, str]:
    return ("RadioStation", encode_id("RadioStation", row.id))


async def open_station(
    resources: Resources, slug: str, name: str, city: str, description: str = ""
) -> RadioStation:
    async with writing(resources.hub) as log:
        station = await RadioStation.create(
            slug=slug, name=name, city=city, description=description
        )
        await log.changed(SearchEntity.STATION, station.id)
    return station


@pytest.fixture
async def shanghai(resources: Resources) -> RadioStation:
    return await open_station(
        resources, "shanghai", "蔚来电台·上海站", "上海", "上海车主的声音：路况、活动和故事"
    )


@pytest.fixture
async def host(db: Any) -> User:
    return await make_account("host_lin")


async def air(
    resources: Resources,
    station: RadioStation,
    author: User,
    title: str,
    description: str = "",
    state: EpisodeState = EpisodeState.PUBLISHED,
) -> RadioEpisode:
    """An episode written as the radio use cases write one: its row and its outbox row."""
    async with writing(resources.hub) as log:
        row = await RadioEpisode.create(
            station=station,
            author=author,
            title=title,
            description=description,
            audio_url="https://cdn.example.com/radio/1.mp3",
            duration_seconds=1200,
            mime_type="audio/mpeg",
            state=state,
            published_at=datetime.now(UTC) if state == EpisodeState.PUBLISHED else None,
        )
        await log.changed(SearchEntity.EPISODE, row.id)
    return row


async def set_episode_state(resources: Resources, row: RadioEpisode, state: EpisodeState) -> None:
    async with writing(resources.hub) as log:
        await RadioEpisode.filter(id=row.id).update(state=state)
        await log.changed(SearchEntity.EPISODE, row.id)


async def test_episodes_are_found_by_title_and_description_in_chinese_and_english(
    search_api: Api, engine: SearchEngine, resources: Resources, shanghai: RadioStation, host: User
) -> None:
    lake = await air(
        resources, shanghai, host, "周末自驾去千岛湖", "A road trip with two charging stops"
    )
    english = await air(resources, shanghai, host, "Night drive playlist", "城市夜景和音乐")
    await settled(search_api, engine)

    assert await found(search_api, "千岛湖") == [episode_hit(lake)]
    assert await found(search_api, "charging stops") == [episode_hit(lake)]
    assert await found(search_api, "playlist") == [episode_hit(english)]
    assert await found(search_api, "夜景") == [episode_hit(english)]
    assert await found(search_api, "playlst", types=["EPISODE"]) == [episode_hit(english)]  # a typo
    data = await search_api.data(SEARCH, {"q": "千岛湖"})
    [edge] = data["search"]["edges"]
    assert {"field": "title", "snippet": "周末自驾去<mark>千岛湖</mark>"} in edge["highlights"]
    assert data["search"]["facets"]["types"] == [{"value": "EPISODE", "count": 1}]


async def test_the_word_radio_finds_the_episodes_of_a_station_named_for_it(
    search_api: Api, engine: SearchEngine, resources: Resources, shanghai: RadioStation, host: User
) -> None:
    elsewhere = await open_station(resources, "road", "Road Notes", "杭州")
    traffic = await air(resources, shanghai, host, "早高峰路况", "今天内环有点堵")
    await air(resources, elsewhere, host, "早高峰的咖啡", "一杯拿铁")
    await settled(search_api, engine)

    assert await found(search_api, "电台", types=["EPISODE"]) == [episode_hit(traffic)]
    assert await found(search_api, "上海站", types=["EPISODE"]) == [episode_hit(traffic)]
    # The synonym works both ways: radio is 电台.
    assert episode_hit(traffic) in await found(search_api, "radio", types=["EPISODE"])


async def test_a_renamed_station_brings_its_episodes_documents_up_to_date(
    search_api: Api, engine: SearchEngine, resources: Resources, shanghai: RadioStation, host: User
) -> None:
    traffic = await air(resources, shanghai, host, "早高峰路况")
    await settled(search_api, engine)
    assert await found(search_api, "杭州", types=["EPISODE", "STATION"]) == []

    async with writing(resources.hub) as log:
        await RadioStation.filter(id=shanghai.id).update(name="蔚来电台·杭州站", city="杭州")
        await log.changed(SearchEntity.STATION, shanghai.id, with_posts=True)
    await settled(search_api, engine)

    assert set(await found(search_api, "杭州", types=["EPISODE", "STATION"])) == {
        episode_hit(traffic),
        station_hit(shanghai),
    }


async def test_a_credited_handle_finds_the_episode_only_once_the_credit_is_accepted(
    search_api: Api, engine: SearchEngine, resources: Resources, shanghai: RadioStation, host: User
) -> None:
    guest = await make_account("dj_xiaoming")
    show = await air(resources, shanghai, host, "车主故事第一期")
    async with writing(resources.hub) as log:
        credit = await Credit.create(episode=show, user=guest, role=CreditRole.GUEST)
        await log.changed(SearchEntity.EPISODE, show.id)
    await settled(search_api, engine)
    assert await found(search_api, "dj_xiaoming", types=["EPISODE"]) == []

    async with writing(resources.hub) as log:
        await Credit.filter(id=credit.id).update(
            state=CreditState.ACCEPTED, answered_at=datetime.now(UTC)
        )
        await log.changed(SearchEntity.EPISODE, show.id)
    await settled(search_api, engine)
    assert await found(search_api, "dj_xiaoming", types=["EPISODE"]) == [episode_hit(show)]

    async with writing(resources.hub) as log:
        await Credit.filter(id=credit.id).delete()
        await log.changed(SearchEntity.EPISODE, show.id)
    await settled(search_api, engine)
    assert await found(search_api, "dj_xiaoming", types=["EPISODE"]) == []


@pytest.mark.parametrize(
    "state", [EpisodeState.DRAFT, EpisodeState.SUBMITTED, EpisodeState.REJECTED]
)
async def test_an_unpublished_episode_is_never_found_not_even_by_its_title(
    search_api: Api,
    engine: SearchEngine,
    resources: Resources,
    shanghai: RadioStation,
    host: User,
    state: EpisodeState,
) -> None:
    moderator = await search_api.register("mia")
    await make_role("mia", PlatformRole.MODERATOR)  # who may open it through the gate
    await air(resources, shanghai, host, "Unreleased interview 未播访谈", state=state)
    await settled(search_api, engine)

    assert await found(search_api, "Unreleased interview") == []
    assert await found(search_api, "未播访谈", types=["EPISODE"]) == []
    assert await found(search_api, "Unreleased", token=moderator, types=["EPISODE"]) == []
    assert await engine.document_ids(engine.uid("episodes")) == set()


async def test_hidden_removed_and_deleted_episodes_leave_the_index(
    search_api: Api, engine: SearchEngine, resources: Resources, shanghai: RadioStation, host: User
) -> None:
    hidden, removed, deleted, kept = [
        await air(resources, shanghai, host, f"Battery care episode {n}") for n in range(4)
    ]
    await settled(search_api, engine)
    assert len(await found(search_api, "battery care")) == 4

    await set_episode_state(resources, hidden, EpisodeState.HIDDEN)
    await set_episode_state(resources, removed, EpisodeState.REMOVED)
    async with writing(resources.hub) as log:
        await RadioEpisode.filter(id=deleted.id).delete()
        await log.changed(SearchEntity.EPISODE, deleted.id)
    await settled(search_api, engine)

    assert await found(search_api, "battery care") == [episode_hit(kept)]
    assert await engine.document_ids(engine.uid("episodes")) == {kept.id}


async def test_an_episode_hidden_before_the_index_catches_up_is_not_returned(
    search_api: Api, engine: SearchEngine, resources: Resources, shanghai: RadioStation, host: User
) -> None:
    moderator = await search_api.register("mia")
    await make_role("mia", PlatformRole.MODERATOR)  # who may open it through the gate
    show = await air(resources, shanghai, host, "Tyre pressure tips")
    await settled(search_api, engine)
    # Hidden in the database only, as if the sync had not run yet.
    await RadioEpisode.filter(id=show.id).update(state=EpisodeState.HIDDEN)

    assert show.id in await engine.document_ids(engine.uid("episodes"))
    assert await found(search_api, "tyre pressure") == []
    assert await found(search_api, "tyre pressure", token=moderator) == []


async def test_stations_are_found_by_name_city_and_description(
    search_api: Api, engine: SearchEngine, resources: Resources, shanghai: RadioStation
) -> None:
    beijing = await open_station(
        resources, "beijing", "蔚来电台·北京站", "北京", "Stories of owners in the capital"
    )
    await settled(search_api, engine)

    assert await found(search_api, "上海", types=["STATION"]) == [station_hit(shanghai)]
    assert await found(search_api, "capital") == [station_hit(beijing)]
    assert set(await found(search_api, "电台", types=["STATION"])) == {
        station_hit(shanghai),
        station_hit(beijing),
    }
    data = await search_api.data("""{ searchSuggestions(prefix: "蔚来电台") { text type } }""")
    assert {("STATION", "蔚来电台·上海站"), ("STATION", "蔚来电台·北京站")} <= {
        (s["type"], s["text"]) for s in data["searchSuggestions"]
    }


async def test_collections_are_found_by_title_and_description(
    engine: SearchEngine, resources: Resources
) -> None:
    sync = SearchSync(engine)
    await sync.prepare()
    async with writing(resources.hub) as log:
        book = await Collection.create(
            slug="nio-book", title="NIO BOOK 2026", description="车主共创的年度故事精选"
        )
        other = await Collection.create(
            slug="night-drives", title="Night drives", description="Photo stories after dark"
        )
        await log.changed(SearchEntity.COLLECTION, book.id)
        await log.changed(SearchEntity.COLLECTION, other.id)
    while await sync.drain_once():
        pass
    await engine.wait_idle()

    async def hits(q: str) -> list[int]:
        answer = await run_search(
            engine, q, [SearchType.COLLECTION], SearchFilters(), SearchSort.RELEVANCE, 20, 0
        )
        return [hit.id for hit in answer.hits]

    assert await hits("年度故事") == [book.id]
    assert await hits("nio book") == [book.id]
    assert await hits("after dark") == [other.id]
    suggestions = await run_suggestions(engine, "night", 5)
    assert (SearchType.COLLECTION, other.id, "Night drives") in {
        (s.type, s.id, s.text) for s in suggestions
    }

    async with writing(resources.hub) as log:
        await Collection.filter(id=book.id).delete()
        await log.changed(SearchEntity.COLLECTION, book.id)
    while await sync.drain_once():
        pass
    await engine.wait_idle()
    assert await engine.document_ids(engine.uid("collections")) == {other.id}


async def test_a_collection_is_found_through_the_api_next_to_episodes(
    search_api: Api, engine: SearchEngine, resources: Resources, shanghai: RadioStation, host: User
) -> None:
    show = await air(resources, shanghai, host, "年度故事：上海车主")
    async with writing(resources.hub) as log:
        book = await Collection.create(
            slug="nio-book", title="NIO BOOK 2026", description="车主共创的年度故事精选"
        )
        await log.changed(SearchEntity.COLLECTION, book.id)
    await settled(search_api, engine)

    assert await found(search_api, "nio book") == [("Collection", encode_id("Collection", book.id))]
    assert set(await found(search_api, "年度故事")) == {
        episode_hit(show),
        ("Collection", encode_id("Collection", book.id)),
    }
    data = await search_api.data(SEARCH, {"q": "年度故事", "types": ["COLLECTION"]})
    assert data["search"]["facets"]["types"] == [{"value": "COLLECTION", "count": 1}]


async def test_reindex_rebuilds_the_radio_and_collection_indexes_with_progress(
    db: Any, engine: SearchEngine, host: User
) -> None:
    # Rows loaded in bulk, with no outbox rows: only a rebuild can find them.
    station = await RadioStation.create(slug="wuhan", name="蔚来电台·武汉站", city="武汉")
    now = datetime.now(UTC)
    await RadioEpisode.bulk_create(
        [
            RadioEpisode(
                station_id=station.id,
                author_id=host.id,
                title=f"热干面地图 {i}",
                audio_url="https://cdn.example.com/radio/wuhan.mp3",
                duration_seconds=600,
                mime_type="audio/mpeg",
                state=EpisodeState.PUBLISHED if i % 3 else EpisodeState.SUBMITTED,
                published_at=now if i % 3 else None,
            )
            for i in range(30)
        ]
    )
    await Collection.create(slug="wuhan-best", title="武汉精选")
    progress: list[tuple[str, int, int]] = []

    counts = await reindex(engine, lambda *p: progress.append(p))

    assert counts["episodes"] == 20 and counts["stations"] == 1 and counts["collections"] == 1
    assert ("episodes", 20, 20) in progress  # only published ones are read
    assert ("stations", 1, 1) in progress and ("collections", 1, 1) in progress
    published = await RadioEpisode.filter(state=EpisodeState.PUBLISHED).values_list("id", flat=True)
    assert await engine.document_ids(engine.uid("episodes")) == set(published)


async def test_a_person_names_the_episodes_they_made_or_are_credited_on(
    resources: Resources, shanghai: RadioStation, host: User
) -> None:
    guest = await make_account("guest")
    made = await air(resources, shanghai, host, "made by the host")
    credited = await air(resources, shanghai, guest, "made by the guest")
    pending = await air(resources, shanghai, guest, "a pending credit")
    await air(resources, shanghai, host, "a draft", state=EpisodeState.DRAFT)
    await Credit.create(
        episode=credited, user=host, role=CreditRole.HOST, state=CreditState.ACCEPTED
    )
    await Credit.create(episode=pending, user=host, role=CreditRole.HOST)

    of_host = await sources.dependents(SearchEntity.USER, host.id)
    assert sorted(of_host[SearchEntity.EPISODE]) == sorted([made.id, credited.id])
    of_station = await sources.dependents(SearchEntity.STATION, shanghai.id)
    assert sorted(of_station[SearchEntity.EPISODE]) == sorted([made.id, credited.id, pending.id])


async def test_a_suspended_authors_episodes_and_credits_leave_the_index(
    resources: Resources, shanghai: RadioStation, host: User
) -> None:
    guest = await make_account("banned_guest", state=AccountState.BANNED)
    show = await air(resources, shanghai, host, "with a guest")
    await Credit.create(episode=show, user=guest, role=CreditRole.GUEST, state=CreditState.ACCEPTED)

    [document] = (await sources.documents(SearchEntity.EPISODE, [show.id])).values()
    assert document is not None and document["credited_handles"] == []
    await User.filter(id=host.id).update(state=AccountState.SUSPENDED)
    assert await sources.documents(SearchEntity.EPISODE, [show.id]) == {show.id: None}


@pytest.mark.parametrize("state", list(EpisodeState))
def test_the_episode_index_holds_exactly_what_an_anonymous_visitor_may_open(
    state: EpisodeState,
) -> None:
    author = User(id=1, handle="a", display_name="A", state=AccountState.ACTIVE)
    row = RadioEpisode(id=3, station_id=2, author_id=1, state=state)
    anonymous = policies.can_see_episode(None, row, heads_station=False)
    assert documents.episode_is_public(row, author) == anonymous
