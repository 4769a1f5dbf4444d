"""Live radio over a real WebSocket, on both databases: `episodeAdded` (every station, one
station, the stations the viewer follows now), `episodeUpdated` for an episode on screen, and
`commentAdded` on an episode; each resumes exactly after its cursor, delivers only what the
subscriber may see when the event is delivered, and holds one backend subscription per channel
in a process, over memory:// and over Redis shared with another process."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from broadcaster._backends.memory import MemoryBackend

from resolvers.changes import channel_for
from resolvers.comments import add_comment
from resolvers.context import Context, Resources
from resolvers.episodes import AudioInput, EpisodeDraft, submit_episode
from resolvers.radio import StationFields, appoint_head, create_station
from resolvers.works import WorkRef
from schema.relay import encode_id, parse_id
from server import topics
from server.app import create_app
from server.db import Database
from server.models import (
    AccountState,
    ChangeEvent,
    ChangeKind,
    EpisodeState,
    PlatformRole,
    RadioEpisode,
    User,
)
from server.resources import open_resources
from server.security import issue_token
from server.settings import Settings
from tests.conftest import Api
from tests.helpers import make_account
from tests.wsapi import PROTOCOLS, Connection, SocketClosed, Subscription, WsApi, serving

EPISODE_ADDED = """subscription($station: String, $followed: Boolean, $after: String) {
  episodeAdded(stationSlug: $station, followed: $followed, after: $after) {
    cursor episode { id title state station { slug } author { handle } } } }"""
EPISODE_UPDATED = """subscription($id: ID!, $after: String) {
  episodeUpdated(episodeId: $id, after: $after) { cursor episode { __typename
    ... on RadioEpisode { id title commentCount reactionCount } ... on EpisodeTombstone { id } } } }"""
COMMENT_ADDED = """subscription($id: ID!, $after: String) {
  commentAdded(postId: $id, after: $after) {
    cursor comment { body author { handle } episode { id } post { id } } } }"""
SUBMIT = """mutation($input: SubmitEpisodeInput!) { submitEpisode(input: $input) {
  __typename ... on SubmitEpisodeSuccess { episode { id state } } ... on Error { message } } }"""
REVIEW = """mutation($id: ID!) { reviewEpisode(input: {episodeId: $id, approve: true}) {
  __typename ... on ReviewEpisodeSuccess { episode { state } } } }"""
UPDATE = """mutation($id: ID!, $title: String!) {
  updateEpisode(input: {episodeId: $id, title: $title}) { __typename } }"""
DELETE = """mutation($id: ID!) { deleteEpisode(input: {episodeId: $id}) { __typename } }"""
COMMENT = """mutation($id: ID!, $body: String!) {
  addComment(input: {postId: $id, body: $body}) { __typename } }"""
REACT = "mutation($id: ID!) { addReaction(input: {subjectId: $id}) { __typename } }"
FOLLOW = """mutation($slug: String!) {
  followStation(input: {stationSlug: $slug}) { __typename } }"""
UNFOLLOW = """mutation($slug: String!) {
  unfollowStation(input: {stationSlug: $slug}) { __typename } }"""


class Radio:
    """Accounts with tokens, and stations opened and staffed through the use cases."""

    def __init__(self, settings: Settings, resources: Resources) -> None:
        self.settings = settings
        self.resources = resources
        self.users: dict[str, User] = {}

    async def account(self, handle: str, role: PlatformRole = PlatformRole.USER) -> str:
        """An established account (no new-account holds) and its token."""
        user = await make_account(handle, role, days_old=30)
        self.users[handle] = user
        return issue_token(self.settings.secret_key, user.id, 3600)

    async def context(self, handle: str) -> Context:
        return Context(self.resources, viewer=await User.get(handle=handle))

    async def station(self, slug: str, *heads: str) -> None:
        if "admin" not in self.users:
            await self.account("admin", PlatformRole.ADMIN)
        admin = await self.context("admin")
        fields = StationFields(name=f"Radio {slug.title()}", city=slug.title())
        await create_station(admin, slug, fields)
        for handle in heads:
            await appoint_head(admin, slug, handle)


@pytest.fixture
def radio(settings: Settings, resources: Resources) -> Radio:
    return Radio(settings, resources)


def audio_input() -> dict[str, Any]:
    return {
        "url": "https://media.example.com/a.mp3",
        "durationSeconds": 60,
        "mimeType": "audio/mpeg",
    }


async def submit(api: Api, token: str, station: str, title: str) -> str:
    """Sends an episode (a head's goes on air at once, anyone else's waits); its id."""
    variables = {"input": {"stationSlug": station, "title": title, "audio": audio_input()}}
    data = await api.data(SUBMIT, variables, token=token)
    assert data["submitEpisode"]["__typename"] == "SubmitEpisodeSuccess", data
    return data["submitEpisode"]["episode"]["id"]


async def ok(
    api: Api | Connection, query: str, variables: dict[str, Any], token: str | None = None
) -> None:
    """Runs a mutation over HTTP (as `token`) or on an open socket; it must succeed."""
    if isinstance(api, Connection):
        data = (await api.execute(query, variables))["data"]
    else:
        data = await api.data(query, variables, token=token)
    [result] = data.values()
    assert result["__typename"].endswith("Success"), data


def episode_of(payload: dict[str, Any]) -> dict[str, Any]:
    return payload["data"]["episodeAdded"]["episode"]


async def titles(stream: Subscription, count: int) -> list[str]:
    return [episode_of(await stream.next())["title"] for _ in range(count)]


def pk(global_id: str) -> int:
    parsed = parse_id(global_id)
    assert parsed is not None
    return parsed[1]


# --- episodeAdded ----------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_episode_added_delivers_a_heads_episode_and_a_submission_once_approved(
    ws_api: WsApi, same_server_api: Api, radio: Radio, protocol: str
) -> None:
    hal = await radio.account("hal")
    ann = await radio.account("ann")
    await radio.station("shanghai", "hal")
    async with ws_api.connect(protocol=protocol) as socket:
        feed = await socket.subscribe(EPISODE_ADDED)
        on_air = await submit(same_server_api, hal, "shanghai", "Night drive")
        event = (await feed.next())["data"]["episodeAdded"]
        assert event["cursor"]
        assert event["episode"] == {
            "id": on_air,
            "title": "Night drive",
            "state": "PUBLISHED",
            "station": {"slug": "shanghai"},
            "author": {"handle": "hal"},
        }
        submitted = await submit(same_server_api, ann, "shanghai", "My first show")
        await feed.nothing(0.5)  # SUBMITTED: it waits for a head
        await ok(same_server_api, REVIEW, {"id": submitted}, hal)
        approved = episode_of(await feed.next())
        assert (approved["id"], approved["state"]) == (submitted, "PUBLISHED")
        await feed.nothing(0.3)


async def test_episode_added_filters_by_station(
    ws_api: WsApi, same_server_api: Api, radio: Radio
) -> None:
    hal = await radio.account("hal")
    await radio.station("shanghai", "hal")
    await radio.station("hefei", "hal")
    async with ws_api.connect() as socket:
        shanghai = await socket.subscribe(EPISODE_ADDED, {"station": "shanghai"})
        everywhere = await socket.subscribe(EPISODE_ADDED)
        await submit(same_server_api, hal, "hefei", "From Hefei")
        await submit(same_server_api, hal, "shanghai", "From Shanghai")
        assert await titles(shanghai, 1) == ["From Shanghai"]
        assert await titles(everywhere, 2) == ["From Hefei", "From Shanghai"]
        await shanghai.nothing(0.3)


async def test_an_unknown_station_is_answered_as_an_unknown_group_is(ws_api: WsApi) -> None:
    async with ws_api.connect() as socket:
        station = await socket.subscribe(EPISODE_ADDED, {"station": "nowhere"})
        [station_error] = await station.ended()
        group = await socket.subscribe(
            'subscription { postAdded(feed: GROUP, groupSlug: "nowhere") { cursor } }'
        )
        [group_error] = await group.ended()
    assert station_error["extensions"]["code"] == group_error["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_followed_episodes_need_a_signed_in_connection(ws_api: WsApi, protocol: str) -> None:
    async with ws_api.connect(protocol=protocol) as socket:
        followed = await socket.subscribe(EPISODE_ADDED, {"followed": True})
        [error] = await followed.ended()
    assert error["extensions"]["code"] == "UNAUTHENTICATED", error


async def test_followed_episodes_follow_what_the_viewer_follows_while_the_socket_is_open(
    ws_api: WsApi, same_server_api: Api, radio: Radio
) -> None:
    hal = await radio.account("hal")
    ann = await radio.account("ann")
    await radio.station("shanghai", "hal")
    await radio.station("hefei", "hal")
    async with ws_api.connect(ann) as socket:
        feed = await socket.subscribe(EPISODE_ADDED, {"followed": True})
        await submit(same_server_api, hal, "shanghai", "Before any follow")
        await feed.nothing(0.5)
        await ok(socket, FOLLOW, {"slug": "shanghai"})
        await submit(same_server_api, hal, "hefei", "Hefei, not followed")
        await submit(same_server_api, hal, "shanghai", "Shanghai, followed")
        assert await titles(feed, 1) == ["Shanghai, followed"]
        # Over HTTP, not over the socket: the stream reads the follows afresh for each event.
        await ok(same_server_api, UNFOLLOW, {"slug": "shanghai"}, ann)
        await ok(same_server_api, FOLLOW, {"slug": "hefei"}, ann)
        await submit(same_server_api, hal, "shanghai", "Shanghai, unfollowed")
        await submit(same_server_api, hal, "hefei", "Hefei, followed now")
        assert await titles(feed, 1) == ["Hefei, followed now"]
        await feed.nothing(0.3)


async def test_resuming_episode_added_replays_exactly_what_was_missed(
    ws_api: WsApi, same_server_api: Api, radio: Radio
) -> None:
    hal = await radio.account("hal")
    await radio.station("shanghai", "hal")
    async with ws_api.connect() as socket:
        feed = await socket.subscribe(EPISODE_ADDED)
        await submit(same_server_api, hal, "shanghai", "Seen live")
        cursor = (await feed.next())["data"]["episodeAdded"]["cursor"]
        await feed.stop()
    missed = [await submit(same_server_api, hal, "shanghai", f"Missed {i}") for i in range(3)]
    async with ws_api.connect() as socket:
        resumed = await socket.subscribe(EPISODE_ADDED, {"after": cursor})
        replayed = [episode_of(await resumed.next())["id"] for _ in range(3)]
        live = await submit(same_server_api, hal, "shanghai", "Live again")
        assert episode_of(await resumed.next())["id"] == live
        await resumed.nothing(0.5)
    assert replayed == missed


async def test_an_episode_hidden_before_delivery_is_not_delivered_even_to_staff(
    ws_api: WsApi, same_server_api: Api, radio: Radio
) -> None:
    hal = await radio.account("hal")
    mod = await radio.account("mod", PlatformRole.MODERATOR)
    await radio.station("shanghai", "hal")
    async with ws_api.connect() as socket:
        feed = await socket.subscribe(EPISODE_ADDED)
        await submit(same_server_api, hal, "shanghai", "First")
        cursor = (await feed.next())["data"]["episodeAdded"]["cursor"]
    hidden = await submit(same_server_api, hal, "shanghai", "Hidden meanwhile")
    kept = await submit(same_server_api, hal, "shanghai", "Still on air")
    await RadioEpisode.filter(id=pk(hidden)).update(state=EpisodeState.HIDDEN)
    for token in (None, mod):
        async with ws_api.connect(token) as socket:
            resumed = await socket.subscribe(EPISODE_ADDED, {"after": cursor})
            assert episode_of(await resumed.next())["id"] == kept
            await resumed.nothing(0.5)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_banned_accounts_radio_socket_is_closed_and_gets_nothing_further(
    ws_api: WsApi, same_server_api: Api, radio: Radio, protocol: str
) -> None:
    hal = await radio.account("hal")
    fan = await radio.account("fan")
    await radio.station("shanghai", "hal")
    async with ws_api.connect(fan, protocol=protocol) as socket:
        feed = await socket.subscribe(EPISODE_ADDED, {"followed": False})
        await submit(same_server_api, hal, "shanghai", "Before the ban")
        assert await titles(feed, 1) == ["Before the ban"]
        await User.filter(handle="fan").update(state=AccountState.BANNED)
        await submit(same_server_api, hal, "shanghai", "After the ban")  # wakes the stream
        assert await socket.closed(timeout=10) == 4403
        with pytest.raises(SocketClosed):
            await feed.next(timeout=1)


# --- episodeUpdated and commentAdded on an episode -------------------------------------------


async def test_comments_reactions_edits_and_deletion_stream_to_the_episode_on_screen(
    ws_api: WsApi, same_server_api: Api, radio: Radio
) -> None:
    hal = await radio.account("hal")
    ben = await radio.account("ben")
    await radio.station("shanghai", "hal")
    episode = await submit(same_server_api, hal, "shanghai", "Talk to us")
    async with ws_api.connect(ben) as socket:
        updates = await socket.subscribe(EPISODE_UPDATED, {"id": episode})
        comments = await socket.subscribe(COMMENT_ADDED, {"id": episode})
        await ok(socket, COMMENT, {"id": episode, "body": "great show"})
        added = (await comments.next())["data"]["commentAdded"]["comment"]
        assert added == {
            "body": "great show",
            "author": {"handle": "ben"},
            "episode": {"id": episode},
            "post": None,
        }
        updated = (await updates.next())["data"]["episodeUpdated"]["episode"]
        assert (updated["__typename"], updated["commentCount"]) == ("RadioEpisode", 1)
        await ok(socket, REACT, {"id": episode})
        updated = (await updates.next())["data"]["episodeUpdated"]["episode"]
        assert (updated["commentCount"], updated["reactionCount"]) == (1, 1)
        await ok(same_server_api, UPDATE, {"id": episode, "title": "Talk to us, again"}, hal)
        updated = (await updates.next())["data"]["episodeUpdated"]["episode"]
        assert updated["title"] == "Talk to us, again"
        await ok(same_server_api, DELETE, {"id": episode}, hal)
        gone = (await updates.next())["data"]["episodeUpdated"]["episode"]
        assert gone == {"__typename": "EpisodeTombstone", "id": episode}
        await comments.nothing(0.3)


async def test_episode_streams_resume_after_their_cursor(
    ws_api: WsApi, same_server_api: Api, radio: Radio
) -> None:
    hal = await radio.account("hal")
    ben = await radio.account("ben")
    await radio.station("shanghai", "hal")
    episode = await submit(same_server_api, hal, "shanghai", "Call-in hour")
    async with ws_api.connect() as socket:
        updates = await socket.subscribe(EPISODE_UPDATED, {"id": episode})
        comments = await socket.subscribe(COMMENT_ADDED, {"id": episode})
        await ok(same_server_api, COMMENT, {"id": episode, "body": "seen live"}, ben)
        comment_cursor = (await comments.next())["data"]["commentAdded"]["cursor"]
        update_cursor = (await updates.next())["data"]["episodeUpdated"]["cursor"]
    for body in ("missed one", "missed two"):
        await ok(same_server_api, COMMENT, {"id": episode, "body": body}, ben)
    async with ws_api.connect() as socket:
        comments = await socket.subscribe(COMMENT_ADDED, {"id": episode, "after": comment_cursor})
        updates = await socket.subscribe(EPISODE_UPDATED, {"id": episode, "after": update_cursor})
        bodies = [(await comments.next())["data"]["commentAdded"]["comment"]["body"] for _ in "ab"]
        counts = [
            (await updates.next())["data"]["episodeUpdated"]["episode"]["commentCount"]
            for _ in "ab"
        ]
        await comments.nothing(0.3)
        await updates.nothing(0.1)
    assert bodies == ["missed one", "missed two"]
    assert counts == [3, 3]  # each event carries the episode as it is now


async def test_an_episode_not_yours_to_see_reads_as_missing_in_its_streams(
    ws_api: WsApi, same_server_api: Api, radio: Radio
) -> None:
    hal = await radio.account("hal")
    ann = await radio.account("ann")
    stranger = await radio.account("stranger")
    await radio.station("shanghai", "hal")
    submitted = await submit(same_server_api, ann, "shanghai", "Waiting for a head")
    unknown = encode_id("RadioEpisode", 999_999)
    user = encode_id("User", radio.users["ann"].id)
    async with ws_api.connect(stranger) as socket:
        answers = []
        for target in (submitted, unknown, user):
            comments = await socket.subscribe(COMMENT_ADDED, {"id": target})
            [error] = await comments.ended()
            assert error["extensions"]["code"] == "NOT_FOUND", (target, error)
            answers.append((error["message"], error["extensions"]))
        assert answers[0] == answers[1], answers  # not yours to see: as if it did not exist
        # As postUpdated: no error and no event for what was never the subscriber's to see.
        silent = await socket.subscribe(EPISODE_UPDATED, {"id": submitted})
        missing = await socket.subscribe(EPISODE_UPDATED, {"id": unknown})
        await ok(same_server_api, UPDATE, {"id": submitted, "title": "Still waiting"}, ann)
        await silent.nothing(0.3)
        await missing.nothing(0.1)
        await ok(same_server_api, REVIEW, {"id": submitted}, hal)  # on air: public from now on
        approved = (await silent.next())["data"]["episodeUpdated"]["episode"]
        assert (approved["id"], approved["reactionCount"]) == (submitted, 0)
        await ok(same_server_api, REACT, {"id": submitted}, hal)
        now_public = (await silent.next())["data"]["episodeUpdated"]["episode"]
        assert (now_public["id"], now_public["reactionCount"]) == (submitted, 1)


# --- one backend subscription per channel, and Redis between processes -----------------------


def test_an_episodes_comments_go_to_the_episodes_channel_and_a_posts_to_the_posts():
    on_episode = ChangeEvent(id=7, kind=ChangeKind.COMMENT_ADDED, episode_id=3, comment_id=9)
    on_post = ChangeEvent(id=8, kind=ChangeKind.COMMENT_ADDED, post_id=4, comment_id=10)
    assert channel_for(on_episode) == topics.episode(3)
    assert channel_for(on_post) == topics.post(4)


async def test_a_process_holds_one_backend_subscription_per_radio_channel(
    ws_api: WsApi, same_server_api: Api, radio: Radio, monkeypatch: pytest.MonkeyPatch
) -> None:
    hal = await radio.account("hal")
    ann = await radio.account("ann")
    await radio.station("shanghai", "hal")
    episode = await submit(same_server_api, hal, "shanghai", "Shared channels")
    subscribed: Counter[str] = Counter()
    original = MemoryBackend.subscribe

    async def counting(self: MemoryBackend, channel: str) -> None:
        subscribed[channel] += 1
        await original(self, channel)

    monkeypatch.setattr(MemoryBackend, "subscribe", counting)
    await ok(same_server_api, FOLLOW, {"slug": "shanghai"}, ann)
    async with ws_api.connect(ann) as first, ws_api.connect() as second:
        feeds = [
            await first.subscribe(EPISODE_ADDED, {"followed": True}),
            await first.subscribe(EPISODE_ADDED, {"station": "shanghai"}),
            await second.subscribe(EPISODE_ADDED),
        ]
        screens = [
            await first.subscribe(EPISODE_UPDATED, {"id": episode}),
            await second.subscribe(EPISODE_UPDATED, {"id": episode}),
            await second.subscribe(COMMENT_ADDED, {"id": episode}),
        ]
        assert subscribed == {topics.radio(): 1, topics.episode(pk(episode)): 1}
        await submit(same_server_api, hal, "shanghai", "To every feed")
        await ok(same_server_api, COMMENT, {"id": episode, "body": "to every screen"}, ann)
        for feed in feeds:
            assert await titles(feed, 1) == ["To every feed"]
        for screen in screens:
            assert (await screen.next())["data"]


@pytest.fixture
async def over_redis(db: Database, settings: Settings, private_redis: Any) -> AsyncIterator[Any]:
    """A server, and the resources of a second process, sharing one (private) Redis."""
    shared = dataclasses.replace(settings, broadcast_url=private_redis.url)
    async with (
        serving(create_app(shared, database=db)) as url,
        open_resources(shared, search=False) as other,
    ):
        yield WsApi(url), other


async def test_radio_written_by_another_process_reaches_subscribers_over_redis(
    over_redis: Any, settings: Settings
) -> None:
    ws_api, other_process = over_redis
    radio = Radio(settings, other_process)
    await radio.account("hal")
    await radio.account("ben")
    await radio.station("shanghai", "hal")
    audio = AudioInput(
        url="https://media.example.com/a.mp3", duration_seconds=60, mime_type="audio/mpeg"
    )
    async with ws_api.connect() as socket:
        feed = await socket.subscribe(EPISODE_ADDED, {"station": "shanghai"})
        draft = EpisodeDraft(station_slug="shanghai", title="Over Redis", audio=audio)
        episode = await submit_episode(await radio.context("hal"), draft, publish=True)
        event = (await feed.next(timeout=10))["data"]["episodeAdded"]
        assert event["episode"]["title"] == "Over Redis"
        episode_id = encode_id("RadioEpisode", episode.id)
        comments = await socket.subscribe(COMMENT_ADDED, {"id": episode_id})
        updates = await socket.subscribe(EPISODE_UPDATED, {"id": episode_id})
        on = WorkRef(episode_id=episode.id)
        await add_comment(await radio.context("ben"), on, "heard it over Redis", None)
        comment = (await comments.next(timeout=10))["data"]["commentAdded"]["comment"]
        assert comment["body"] == "heard it over Redis"
        updated = (await updates.next(timeout=10))["data"]["episodeUpdated"]["episode"]
        assert updated["commentCount"] == 1
        await feed.nothing(0.3)
