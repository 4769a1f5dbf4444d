"""Search over events, against a real Meilisearch, on SQLite and PostgreSQL.

Events are written with the ORM inside the one write path (`writing`), with the search outbox
row the event use cases record; the app's own sync drains them and `settled()` waits until
Meilisearch has indexed them. A members-only group's events are indexed, unlike its posts, and
found by its members only.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from resolvers.changes import writing
from resolvers.context import Resources
from schema.relay import encode_id
from search.engine import SearchEngine, SearchUnreachable
from search.indexes import SPECS
from search.query import PUBLIC, Audience, SearchFilters, SearchSort, SearchType, search_request
from search.reindex import reindex
from search.sync import SearchSync
from server.models import (
    Event,
    EventKind,
    EventState,
    Group,
    PlatformRole,
    SearchEntity,
    SearchOutbox,
    User,
)
from tests.conftest import Api
from tests.helpers import create_group, join_group, make_account, make_role
from tests.search import test_search
from tests.search.test_search import settled

# The app-with-search fixtures of tests/search/test_search.py, shared rather than copied.
search_settings = test_search.search_settings
engine = test_search.engine
search_api = test_search.search_api

SEARCH = """query($q: String!, $types: [SearchType!], $filters: SearchFilters) {
  search(query: $q, types: $types, filters: $filters) {
    estimatedTotal
    edges { highlights { field snippet } node { __typename ... on Event { id title } } }
    facets { types { value count } }
  } }"""

SUGGEST = """query($prefix: String!) {
  searchSuggestions(prefix: $prefix) { text type node { __typename ... on Event { id } } } }"""


async def found(api: Api, q: str, token: str | None = None, **variables: Any) -> list[str]:
    """The ids of the events found, best first."""
    data = await api.data(SEARCH, {"q": q, "types": ["EVENT"], **variables}, token=token)
    return [edge["node"]["id"] for edge in data["search"]["edges"]]


def hit(event: Event) -> str:
    return encode_id("Event", event.id)


async def hold(
    resources: Resources,
    organizer: User,
    title: str,
    *,
    city: str = "上海",
    venue: str = "",
    description: str = "",
    group: Group | None = None,
    days: float = 7,
    state: EventState = EventState.SCHEDULED,
) -> Event:
    """An event starting in `days` days (in the past when negative), lasting three hours,
    written as the event use cases write one: its row and its outbox row."""
    starts = datetime.now(UTC) + timedelta(days=days)
    async with writing(resources.hub) as log:
        event = await Event.create(
            title=title,
            description=description,
            kind=EventKind.OFFLINE,
            city=city,
            venue=venue,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            capacity=30,
            signup_opens_at=starts - timedelta(days=14),
            signup_closes_at=starts - timedelta(hours=1),
            group=group,
            organizer=organizer,
            state=state,
        )
        await log.changed(SearchEntity.EVENT, event.id)
    return event


async def test_events_are_found_by_title_city_and_venue(
    search_api: Api, engine: SearchEngine, resources: Resources
) -> None:
    mia = await make_account("mia")
    swap = await hold(resources, mia, "换电站开放日", city="杭州", venue="滨江换电站")
    ride = await hold(
        resources,
        mia,
        "Weekend ride to the lake",
        city="Suzhou",
        venue="Jinji Lake Harbour",
        description="Bring water and a charged car.",
    )
    await settled(search_api, engine)

    assert await found(search_api, "开放日") == [hit(swap)]
    assert await found(search_api, "杭州") == [hit(swap)]
    assert await found(search_api, "滨江") == [hit(swap)]
    assert await found(search_api, "weekend ride") == [hit(ride)]
    assert await found(search_api, "suzhou") == [hit(ride)]
    assert await found(search_api, "harbour") == [hit(ride)]
    assert await found(search_api, "harbuor") == [hit(ride)]  # a typo
    assert await found(search_api, "charged") == [hit(ride)]  # the description, last
    # All types at once: events are one of them, counted as EVENT.
    data = await search_api.data(SEARCH, {"q": "开放日"})
    [edge] = data["search"]["edges"]
    assert edge["node"] == {"__typename": "Event", "id": hit(swap), "title": "换电站开放日"}
    assert {"field": "title", "snippet": "换电站<mark>开放日</mark>"} in edge["highlights"]
    assert data["search"]["facets"]["types"] == [{"value": "EVENT", "count": 1}]


async def test_an_upcoming_event_ranks_above_a_past_one_with_the_same_words(
    search_api: Api, engine: SearchEngine, resources: Resources
) -> None:
    mia = await make_account("mia")
    # The past one first, so that neither the id nor the time it was made puts the other ahead.
    past = await hold(resources, mia, "车主咖啡聚会", days=-30, state=EventState.FINISHED)
    upcoming = await hold(resources, mia, "车主咖啡聚会", days=10)
    older = await hold(resources, mia, "车主咖啡聚会", days=-400, state=EventState.FINISHED)
    await settled(search_api, engine)

    ranked = await found(search_api, "咖啡聚会")
    assert ranked[0] == hit(upcoming)
    assert set(ranked) == {hit(past), hit(upcoming), hit(older)}
    # Under way (started, not ended) still counts as upcoming.
    started = await hold(resources, mia, "夜跑聚会", days=-0.05)
    done = await hold(resources, mia, "夜跑聚会", days=-2, state=EventState.FINISHED)
    await settled(search_api, engine)
    assert await found(search_api, "夜跑聚会") == [hit(started), hit(done)]
    # A boost, not only a tie-break: a slightly looser match that is to come still leads.
    exact = await hold(resources, mia, "Coffee meetup", days=-3, state=EventState.FINISHED)
    looser = await hold(resources, mia, "Coffee and charging meetup", days=3)
    await settled(search_api, engine)
    assert await found(search_api, "coffee meetup") == [hit(looser), hit(exact)]


async def test_a_members_only_groups_events_are_found_by_its_members_only(
    search_api: Api, engine: SearchEngine, resources: Resources
) -> None:
    owner = await search_api.register("mia")
    member = await search_api.register("lin")
    outsider = await search_api.register("ann")
    staff = await search_api.register("kai")
    await make_role("kai", PlatformRole.MODERATOR)
    assert (await create_group(search_api, owner, "night-owls", visibility="MEMBERS_ONLY"))[
        "__typename"
    ] == "CreateGroupSuccess"
    assert (await join_group(search_api, member, "night-owls"))["__typename"] == "JoinGroupSuccess"
    group = await Group.get(slug="night-owls")
    secret = await hold(
        resources, await User.get(handle="mia"), "Midnight charging picnic", group=group
    )
    await settled(search_api, engine)

    assert await found(search_api, "midnight picnic") == []
    assert await found(search_api, "midnight picnic", token=outsider) == []
    assert await found(search_api, "midnight picnic", token=member) == [hit(secret)]
    assert await found(search_api, "midnight picnic", token=owner) == [hit(secret)]
    assert await found(search_api, "midnight picnic", token=staff) == [hit(secret)]
    # Not even counted for those who may not see it, nor offered as a suggestion.
    data = await search_api.data(SEARCH, {"q": "midnight picnic"}, token=outsider)
    assert data["search"]["estimatedTotal"] == 0
    assert data["search"]["facets"]["types"] == []
    suggested = await search_api.data(SUGGEST, {"prefix": "midnight"}, token=outsider)
    assert suggested["searchSuggestions"] == []
    suggested = await search_api.data(SUGGEST, {"prefix": "midnight"}, token=member)
    assert suggested["searchSuggestions"] == [
        {
            "text": "Midnight charging picnic",
            "type": "EVENT",
            "node": {"__typename": "Event", "id": hit(secret)},
        }
    ]


async def test_a_group_turning_members_only_takes_its_events_from_outsiders(
    search_api: Api, engine: SearchEngine, resources: Resources
) -> None:
    owner = await search_api.register("mia")
    member = await search_api.register("lin")
    await create_group(search_api, owner, "open-house")
    await join_group(search_api, member, "open-house")
    group = await Group.get(slug="open-house")
    event = await hold(resources, await User.get(handle="mia"), "Open house tour", group=group)
    await settled(search_api, engine)
    assert await found(search_api, "open house tour") == [hit(event)]

    result = await search_api.data(
        """mutation { updateGroup(input: {slug: "open-house", visibility: MEMBERS_ONLY}) {
             __typename } }""",
        token=owner,
    )
    assert result["updateGroup"]["__typename"] == "UpdateGroupSuccess"
    await settled(search_api, engine)

    assert await found(search_api, "open house tour") == []
    assert await found(search_api, "open house tour", token=member) == [hit(event)]


async def test_a_hit_the_index_still_holds_is_checked_against_the_database(
    search_api: Api, engine: SearchEngine, resources: Resources
) -> None:
    owner = await search_api.register("mia")
    await create_group(search_api, owner, "quiet-club")
    group = await Group.get(slug="quiet-club")
    event = await hold(resources, await User.get(handle="mia"), "Quiet lake walk", group=group)
    await settled(search_api, engine)
    assert await found(search_api, "quiet lake walk") == [hit(event)]

    # Changed in the database only, as if the sync had not run yet.
    await Group.filter(id=group.id).update(visibility="MEMBERS_ONLY")
    assert await found(search_api, "quiet lake walk") == []
    await Group.filter(id=group.id).update(visibility="PUBLIC")
    await Event.filter(id=event.id).update(state=EventState.CANCELLED)
    assert await found(search_api, "quiet lake walk") == []


async def test_a_cancelled_event_leaves_search(
    search_api: Api, engine: SearchEngine, resources: Resources
) -> None:
    mia = await make_account("mia")
    event = await hold(resources, mia, "Battery care workshop")
    await hold(resources, mia, "Never happening workshop", state=EventState.CANCELLED)
    await settled(search_api, engine)
    assert await found(search_api, "workshop") == [hit(event)]

    async with writing(resources.hub) as log:
        await Event.filter(id=event.id).update(state=EventState.CANCELLED)
        await log.changed(SearchEntity.EVENT, event.id)
    await settled(search_api, engine)

    assert await found(search_api, "workshop") == []
    assert await engine.document_ids(engine.uid("events")) == set()


async def test_reindex_rebuilds_the_events_index(
    search_api: Api, engine: SearchEngine, resources: Resources
) -> None:
    mia = await make_account("mia")
    upcoming = await hold(resources, mia, "Spring rally")
    past = await hold(resources, mia, "Autumn rally", days=-60, state=EventState.FINISHED)
    await hold(resources, mia, "Winter rally", state=EventState.CANCELLED)
    await settled(search_api, engine)
    # Lost from the index (a restored backup, say): the rebuild brings the events back.
    await engine.wait(await engine.delete(engine.uid("events"), [upcoming.id, past.id]))
    assert await found(search_api, "rally") == []

    counts = await reindex(engine)

    assert counts["events"] == 2
    assert await engine.document_ids(engine.uid("events")) == {upcoming.id, past.id}
    assert await found(search_api, "rally") == [hit(upcoming), hit(past)]


def unused_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def test_an_event_write_never_waits_for_meilisearch(
    engine: SearchEngine, resources: Resources
) -> None:
    mia = await make_account("mia")
    away = SearchSync(SearchEngine(unused_url(), "key", prefix=engine.prefix, timeout=1))

    event = await hold(resources, mia, "Charging etiquette talk")  # commits with Meilisearch away

    assert await Event.filter(id=event.id).exists()
    with pytest.raises(SearchUnreachable):
        await away.drain_once()
    assert await SearchOutbox.filter(entity_id=event.id, drained_at=None).exists()

    back = SearchSync(engine)
    await back.prepare()
    while await back.drain_once():
        pass
    await engine.wait_idle()
    assert await engine.document_ids(engine.uid("events")) == {event.id}


def event_queries(audience: Audience, sort: SearchSort = SearchSort.RELEVANCE) -> list[Any]:
    engine = SearchEngine("http://127.0.0.1:1", "key", prefix="p_")
    body = search_request(
        engine, "rally", [SearchType.EVENT], SearchFilters(), sort, 20, 0, audience
    )
    assert body is not None
    return body[0]


def test_every_events_query_is_narrowed_to_the_viewers_audience() -> None:
    assert SPECS["events"].restricted and not SPECS["posts"].restricted
    public = ["public = true"]
    for query in event_queries(PUBLIC):
        assert public in query["filter"]
    for query in event_queries(Audience(group_ids=frozenset({3, 1}))):
        assert [*public, "group_id IN [1, 3]"] in query["filter"]
    for query in event_queries(Audience(everything=True)):
        assert not any("public = true" in part for part in query["filter"])
    # By relevance, upcoming and past events are asked for apart, the upcoming weighed up;
    # sorted by time, in one query.
    upcoming, past = event_queries(PUBLIC)
    assert upcoming["federationOptions"]["weight"] > 1
    assert "federationOptions" not in past
    [newest] = event_queries(PUBLIC, SearchSort.NEWEST)
    assert newest["sort"] == ["created_at:desc", "id:desc"]
