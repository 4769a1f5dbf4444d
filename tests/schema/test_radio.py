"""The owners' radio through GraphQL: running stations, the way of an episode from submission to
the air, what never leaks, reactions and plays, and flat statement counts for its lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from schema.relay import encode_id
from server.app import create_app
from server.db import Database
from server.models import (
    EpisodeState,
    Notification,
    NotificationKind,
    PlatformRole,
    RadioEpisode,
    RadioStation,
    StationFollow,
    StationHead,
    User,
)
from server.settings import Settings
from tests.conftest import Api, with_state
from tests.helpers import make_role

STATION_FIELDS = "id slug name city followerCount viewerFollows heads { handle }"
EPISODE_FIELDS = """id title state playCount reactionCount viewerReactions
  reactionSummary { kind count } audio { url durationSeconds mimeType sizeBytes }
  station { slug } author { handle }"""
CREATE_STATION = f"""mutation($input: CreateRadioStationInput!) {{ createRadioStation(input: $input) {{
  __typename ... on CreateRadioStationSuccess {{ station {{ {STATION_FIELDS} }} }}
  ... on ValidationError {{ field }} ... on Error {{ code message }} }} }}"""
APPOINT = f"""mutation($input: AppointStationHeadInput!) {{ appointStationHead(input: $input) {{
  __typename ... on AppointStationHeadSuccess {{ station {{ {STATION_FIELDS} }} }}
  ... on Error {{ code message }} }} }}"""
SUBMIT = f"""mutation($input: SubmitEpisodeInput!) {{ submitEpisode(input: $input) {{
  __typename ... on SubmitEpisodeSuccess {{ episode {{ {EPISODE_FIELDS} }} }}
  ... on ValidationError {{ field }} ... on Error {{ code message }} }} }}"""
REVIEW = """mutation($input: ReviewEpisodeInput!) { reviewEpisode(input: $input) {
  __typename ... on ReviewEpisodeSuccess { episode { id state publishedAt reviewNote } }
  ... on Error { code message } } }"""
NODE = f"""query($id: ID!) {{ node(id: $id) {{ __typename
  ... on RadioEpisode {{ {EPISODE_FIELDS} }} ... on RadioStation {{ {STATION_FIELDS} }} }} }}"""
LISTS = """query($slug: String!) {
  radioFeed { edges { node { id } } }
  radioStation(slug: $slug) { episodes { edges { node { id } } } } }"""
AUDIO = {
    "url": "https://media.example.com/ep.mp3",
    "durationSeconds": 1200,
    "mimeType": "audio/mpeg",
    "sizeBytes": 9_600_000,
}


async def admin_token(api: Api, handle: str = "chief") -> str:
    token = await api.register(handle)
    await make_role(handle, PlatformRole.ADMIN)
    return token


async def open_station(api: Api, token: str, slug: str = "shanghai", city: str = "Shanghai"):
    data = await api.data(
        CREATE_STATION,
        {"input": {"slug": slug, "name": f"Radio {city}", "city": city}},
        token=token,
    )
    assert data["createRadioStation"]["__typename"] == "CreateRadioStationSuccess", data
    return data["createRadioStation"]["station"]


async def appoint(api: Api, token: str, handle: str, slug: str = "shanghai") -> dict[str, Any]:
    data = await api.data(APPOINT, {"input": {"stationSlug": slug, "handle": handle}}, token=token)
    return data["appointStationHead"]


async def submit(api: Api, token: str, slug: str = "shanghai", **fields: Any) -> dict[str, Any]:
    values = {"stationSlug": slug, "title": "Winter range", "audio": AUDIO} | fields
    data = await api.data(SUBMIT, {"input": values}, token=token)
    return data["submitEpisode"]


async def episode_id(api: Api, token: str, **fields: Any) -> str:
    result = await submit(api, token, **fields)
    assert result["__typename"] == "SubmitEpisodeSuccess", result
    return result["episode"]["id"]


async def test_an_admin_opens_a_station_and_appoints_its_heads(api):
    chief = await admin_token(api)
    await api.register("lin")
    station = await open_station(api, chief)
    assert (station["slug"], station["followerCount"], station["heads"]) == ("shanghai", 0, [])
    for _ in range(2):
        appointed = await appoint(api, chief, "lin")
        assert appointed["__typename"] == "AppointStationHeadSuccess"
        assert appointed["station"]["heads"] == [{"handle": "lin"}]
    data = await api.data(NODE, {"id": station["id"]})
    assert data["node"]["__typename"] == "RadioStation"
    assert data["node"]["heads"] == [{"handle": "lin"}]
    again = await api.data(
        CREATE_STATION, {"input": {"slug": "shanghai", "name": "Again", "city": "X"}}, token=chief
    )
    assert again["createRadioStation"]["__typename"] == "ConflictError"
    bad = await api.data(
        CREATE_STATION,
        {"input": {"slug": "ok-slug", "name": "Radio", "city": "X", "coverUrl": "ftp://x/c.jpg"}},
        token=chief,
    )
    assert bad["createRadioStation"] == {
        "__typename": "ValidationError",
        "field": "coverUrl",
        "code": "INVALID_INPUT",
        "message": bad["createRadioStation"]["message"],
    }
    removed = await api.data(
        """mutation { removeStationHead(input: {stationSlug: "shanghai", handle: "lin"}) {
             __typename ... on RemoveStationHeadSuccess { station { heads { handle } } } } }""",
        token=chief,
    )
    assert removed["removeStationHead"]["station"]["heads"] == []
    updated = await api.data(
        """mutation { updateRadioStation(input: {slug: "shanghai", name: "上海站"}) {
             __typename ... on UpdateRadioStationSuccess { station { name city } } } }""",
        token=chief,
    )
    assert updated["updateRadioStation"]["station"] == {"name": "上海站", "city": "Shanghai"}


ADMIN_ONLY = [
    'createRadioStation(input: {slug: "beijing", name: "Radio Beijing", city: "Beijing"})',
    'updateRadioStation(input: {slug: "shanghai", name: "Renamed"})',
    'appointStationHead(input: {stationSlug: "shanghai", handle: "ben"})',
    'removeStationHead(input: {stationSlug: "shanghai", handle: "ben"})',
]


@pytest.mark.parametrize("mutation", ADMIN_ONLY)
async def test_running_stations_is_refused_to_everyone_but_admins(api, mutation):
    chief = await admin_token(api)
    await open_station(api, chief)
    member = await api.register("ben")
    moderator = await api.register("mia")
    await make_role("mia", PlatformRole.MODERATOR)
    for token, code in ((None, "UNAUTHENTICATED"), (member, "FORBIDDEN"), (moderator, "FORBIDDEN")):
        body = await api.query(f"mutation {{ {mutation} {{ __typename }} }}", token=token)
        assert body["errors"][0]["extensions"]["code"] == code, (token, body)
    assert await RadioStation.all().count() == 1
    assert (await RadioStation.get()).name == "Radio Shanghai"
    assert await StationHead.all().count() == 0


async def test_an_episode_goes_from_submission_to_the_air(api):
    chief = await admin_token(api)
    head = await api.register("lin")
    ann = await api.register("ann")
    await open_station(api, chief)
    await appoint(api, chief, "lin")
    result = await submit(api, ann, description="Cold mornings")
    assert result["__typename"] == "SubmitEpisodeSuccess"
    episode = result["episode"]
    assert episode["state"] == "SUBMITTED"
    assert episode["audio"] == AUDIO
    assert (episode["station"], episode["author"]) == ({"slug": "shanghai"}, {"handle": "ann"})
    assert (await api.data(LISTS, {"slug": "shanghai"}))["radioFeed"]["edges"] == []
    reviewed = await api.data(
        REVIEW,
        {"input": {"episodeId": episode["id"], "approve": True, "note": "On air"}},
        token=head,
    )
    assert reviewed["reviewEpisode"]["__typename"] == "ReviewEpisodeSuccess"
    assert reviewed["reviewEpisode"]["episode"]["state"] == "PUBLISHED"
    assert reviewed["reviewEpisode"]["episode"]["reviewNote"] == "On air"
    lists = await api.data(LISTS, {"slug": "shanghai"})
    assert [e["node"]["id"] for e in lists["radioFeed"]["edges"]] == [episode["id"]]
    assert [e["node"]["id"] for e in lists["radioStation"]["episodes"]["edges"]] == [episode["id"]]
    note = "query($id: ID!) { node(id: $id) { ... on RadioEpisode { reviewNote } } }"
    assert (await api.data(note, {"id": episode["id"]}, token=ann))["node"][
        "reviewNote"
    ] == "On air"
    assert (await api.data(note, {"id": episode["id"]}))["node"]["reviewNote"] is None
    [told] = await Notification.filter(kind=NotificationKind.EPISODE_REVIEWED)
    assert told.recipient_id == (await User.get(handle="ann")).id
    published = await submit(api, head, title="Straight on air")
    assert published["episode"]["state"] == "PUBLISHED"
    drafted = await submit(api, ann, publish=False)
    assert drafted["episode"]["state"] == "DRAFT"


@pytest.mark.parametrize(
    "state",
    [
        EpisodeState.DRAFT,
        EpisodeState.SUBMITTED,
        EpisodeState.REJECTED,
        EpisodeState.HIDDEN,
        EpisodeState.REMOVED,
    ],
)
async def test_an_episode_not_on_air_never_leaks_through_the_api(api, state):
    chief = await admin_token(api)
    await open_station(api, chief)
    await open_station(api, chief, "beijing", "Beijing")
    ann = await api.register("ann")
    ben = await api.register("ben")
    other_head = await api.register("lin")
    await appoint(api, chief, "lin", "beijing")
    await api.data(
        'mutation { followStation(input: {stationSlug: "shanghai"}) { __typename } }', token=ben
    )
    eid = await episode_id(api, ann, publish=False)
    await RadioEpisode.all().update(state=state)
    writes = {
        "recordPlay": "recordPlay(input: {episodeId: $id})",
        "addReaction": "addReaction(input: {subjectId: $id})",
        "removeReaction": "removeReaction(input: {subjectId: $id})",
        "updateEpisode": 'updateEpisode(input: {episodeId: $id, title: "Mine now"})',
        "deleteEpisode": "deleteEpisode(input: {episodeId: $id})",
        "reviewEpisode": "reviewEpisode(input: {episodeId: $id, approve: true})",
    }
    for token in (None, ben, other_head):
        assert (await api.data(NODE, {"id": eid}, token=token))["node"] is None
        lists = await api.data(LISTS, {"slug": "shanghai"}, token=token)
        assert lists["radioFeed"]["edges"] == []
        assert lists["radioStation"]["episodes"]["edges"] == []
        for name, write in writes.items():
            body = await api.query(
                f"mutation($id: ID!) {{ {write} {{ __typename }} }}", {"id": eid}, token=token
            )
            if token is None and name != "recordPlay":
                assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
            else:
                assert body["data"][name]["__typename"] == "NotFoundError", (name, body)
    row = await RadioEpisode.get()
    assert (row.state, row.title, row.play_count, row.reaction_count) == (
        state,
        "Winter range",
        0,
        0,
    )


async def test_bad_episode_input_names_the_field(api):
    chief = await admin_token(api)
    await open_station(api, chief)
    ann = await api.register("ann")
    cases = [
        ({"title": " "}, "title"),
        ({"audio": AUDIO | {"mimeType": "text/html"}}, "audio"),
        ({"audio": AUDIO | {"durationSeconds": 0}}, "audio"),
        ({"audio": AUDIO | {"url": "javascript:alert(1)"}}, "audio"),
    ]
    for fields, field in cases:
        result = await submit(api, ann, **fields)
        assert (result["__typename"], result["field"]) == ("ValidationError", field)
    missing = await submit(api, ann, stationSlug="nowhere")
    assert missing["__typename"] == "NotFoundError"
    assert await RadioEpisode.all().count() == 0


async def test_writers_are_read_afresh_and_sanctioned_ones_refused(api):
    chief = await admin_token(api)
    await open_station(api, chief)
    ann = await api.register("ann")
    await User.filter(handle="ann").update(state="BANNED")
    body = await api.query(
        "mutation($input: SubmitEpisodeInput!) { submitEpisode(input: $input) { __typename } }",
        {"input": {"stationSlug": "shanghai", "title": "x", "audio": AUDIO}},
        token=ann,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["extensions"]["reason"] == "ACCOUNT_BANNED"
    assert await RadioEpisode.all().count() == 0


async def test_following_a_station_shows_in_its_count_and_the_feed_order(api):
    chief = await admin_token(api)
    await open_station(api, chief)
    await open_station(api, chief, "beijing", "Beijing")
    head = await api.register("lin")
    await appoint(api, chief, "lin")
    await appoint(api, chief, "lin", "beijing")
    older = await episode_id(api, head, slug="beijing")
    newer = await episode_id(api, head)
    ben = await api.register("ben")
    follow = """mutation { followStation(input: {stationSlug: "beijing"}) {
      __typename ... on FollowStationSuccess { station { followerCount viewerFollows } } } }"""
    for _ in range(2):
        data = await api.data(follow, token=ben)
        assert data["followStation"]["station"] == {"followerCount": 1, "viewerFollows": True}
    feed = "{ radioFeed { edges { node { id } } } }"
    assert [e["node"]["id"] for e in (await api.data(feed, token=ben))["radioFeed"]["edges"]] == [
        older,
        newer,
    ]
    assert [e["node"]["id"] for e in (await api.data(feed))["radioFeed"]["edges"]] == [newer, older]
    stations = await api.data(
        '{ radioStations(city: "beijing") { edges { node { slug viewerFollows } } } }', token=ben
    )
    assert stations["radioStations"]["edges"] == [
        {"node": {"slug": "beijing", "viewerFollows": True}}
    ]
    unfollow = await api.data(
        """mutation { unfollowStation(input: {stationSlug: "beijing"}) {
             ... on UnfollowStationSuccess { station { followerCount viewerFollows } } } }""",
        token=ben,
    )
    assert unfollow["unfollowStation"]["station"] == {"followerCount": 0, "viewerFollows": False}
    body = await api.query(follow)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await StationFollow.all().count() == 0


REACT = """mutation($id: ID!) { addReaction(input: {subjectId: $id, kind: LOVE}) {
  __typename ... on AddReactionSuccess { subject { __typename id reactionCount viewerReactions
    reactionSummary { kind count } } } } }"""


async def test_reactions_on_an_episode(api):
    chief = await admin_token(api)
    await open_station(api, chief)
    head = await api.register("lin")
    await appoint(api, chief, "lin")
    eid = await episode_id(api, head)
    ben = await api.register("ben")
    data = await api.data(REACT, {"id": eid}, token=ben)
    assert data["addReaction"]["subject"] == {
        "__typename": "RadioEpisode",
        "id": eid,
        "reactionCount": 1,
        "viewerReactions": ["LOVE"],
        "reactionSummary": [{"kind": "LOVE", "count": 1}],
    }
    node = (await api.data(NODE, {"id": eid}, token=head))["node"]
    assert (node["reactionCount"], node["viewerReactions"]) == (1, [])
    told = await Notification.get(kind=NotificationKind.REACTION)
    assert (told.episode_id, told.post_id) == ((await RadioEpisode.get()).id, None)
    gone = await api.data(
        """mutation($id: ID!) { removeReaction(input: {subjectId: $id, kind: LOVE}) {
             ... on RemoveReactionSuccess { subject { reactionCount viewerReactions } } } }""",
        {"id": eid},
        token=ben,
    )
    assert gone["removeReaction"]["subject"] == {"reactionCount": 0, "viewerReactions": []}


async def test_plays_are_counted_once_per_listener_and_written_by_the_process(
    settings: Settings, db: Database
):
    app = create_app(settings, database=db)
    async with app.router.lifespan_context(app) as state:
        transport = httpx.ASGITransport(app=with_state(app, state))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            api = Api(client)
            chief = await admin_token(api)
            await open_station(api, chief)
            head = await api.register("lin")
            await appoint(api, chief, "lin")
            eid = await episode_id(api, head)
            play = """mutation($id: ID!) { recordPlay(input: {episodeId: $id}) {
              __typename ... on RecordPlaySuccess { episode { id } } } }"""
            for token in (None, None, head, head):
                data = await api.data(play, {"id": eid}, token=token)
                assert data["recordPlay"] == {
                    "__typename": "RecordPlaySuccess",
                    "episode": {"id": eid},
                }
            wrong = await api.data(play, {"id": encode_id("Post", 1)})
            assert wrong["recordPlay"]["__typename"] == "NotFoundError"
            assert (await RadioEpisode.get()).play_count == 0
            assert await state["resources"].plays.flush() == 2
            node = await api.data(NODE, {"id": eid})
            assert node["node"]["playCount"] == 2


FEED_PAGE = """query($first: Int) { radioFeed(first: $first) { edges { node {
  id title playCount reactionCount viewerReactions reactionSummary { kind count }
  author { handle } station { slug followerCount viewerFollows heads { handle } }
} } pageInfo { hasNextPage } } }"""
STATIONS_PAGE = """query($first: Int) { radioStations(first: $first) { edges { node {
  slug viewerFollows heads { handle displayName } } } } }"""


async def seed_radio(viewer: str, stations: int = 12) -> None:
    """Stations with a head each, followed by the viewer, with one episode each that the
    viewer reacted to."""
    me = await User.get(handle=viewer)
    base = datetime(2026, 11, 1, tzinfo=UTC)
    for i in range(stations):
        station = await RadioStation.create(slug=f"station-{i}", name=f"Radio {i}", city="C")
        head = await User.create(handle=f"head{i}", display_name=f"Head {i}")
        await StationHead.create(station_id=station.id, user_id=head.id)
        if i % 2:
            await StationFollow.create(station_id=station.id, user_id=me.id)
        episode = await RadioEpisode.create(
            station_id=station.id,
            author_id=head.id,
            title=f"Episode {i}",
            audio_url="https://media.example.com/a.mp3",
            duration_seconds=60,
            mime_type="audio/mpeg",
            state=EpisodeState.PUBLISHED,
            published_at=base + timedelta(minutes=i),
        )
        await episode.reactions.create(user_id=me.id, kind="LIKE")


@pytest.mark.parametrize(
    ("query", "field"), [(FEED_PAGE, "radioFeed"), (STATIONS_PAGE, "radioStations")]
)
async def test_radio_pages_issue_the_same_statements_for_8_and_12_items(
    api, sql_statements, query, field
):
    """Both pages of the feed reach past the six followed stations' episodes into the rest:
    the feed reads each part with one statement."""
    token = await api.register("viewer")
    await seed_radio("viewer")
    counts = {}
    for first in (8, 12):
        sql_statements.statements.clear()
        data = await api.data(query, {"first": first}, token=token)
        assert len(data[field]["edges"]) == first
        counts[first] = len(sql_statements.statements)
    assert counts[8] == counts[12], counts


EDIT = """mutation($id: ID!) { updateEpisode(input: {episodeId: $id, title: "Retitled"}) {
  __typename ... on UpdateEpisodeSuccess { episode { title } } } }"""
DELETE = """mutation($id: ID!) { deleteEpisode(input: {episodeId: $id}) {
  __typename ... on DeleteEpisodeSuccess { deletedEpisodeId } } }"""


async def test_only_the_author_and_the_stations_heads_change_a_published_episode(api):
    chief = await admin_token(api)
    await open_station(api, chief)
    await open_station(api, chief, "beijing", "Beijing")
    head = await api.register("lin")
    other_head = await api.register("olga")
    ann = await api.register("ann")
    ben = await api.register("ben")
    await appoint(api, chief, "lin")
    await appoint(api, chief, "olga", "beijing")
    eid = await episode_id(api, ann)
    await api.data(REVIEW, {"input": {"episodeId": eid, "approve": True}}, token=head)
    for token, code in ((None, "UNAUTHENTICATED"), (ben, "FORBIDDEN"), (other_head, "FORBIDDEN")):
        for mutation in (EDIT, DELETE):
            body = await api.query(mutation, {"id": eid}, token=token)
            assert body["errors"][0]["extensions"]["code"] == code, (token, body)
    assert (await RadioEpisode.get()).title == "Winter range"
    edited = await api.data(EDIT, {"id": eid}, token=ann)
    assert edited["updateEpisode"] == {
        "__typename": "UpdateEpisodeSuccess",
        "episode": {"title": "Retitled"},
    }
    deleted = await api.data(DELETE, {"id": eid}, token=head)
    assert deleted["deleteEpisode"] == {
        "__typename": "DeleteEpisodeSuccess",
        "deletedEpisodeId": eid,
    }
    assert await RadioEpisode.all().count() == 0
