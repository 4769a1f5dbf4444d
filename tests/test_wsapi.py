"""The WebSocket test client against the app served in the tests' own event loop, on both
databases: it sees what the HTTP client sees."""

from __future__ import annotations

import asyncio
import gc
import signal
import socket
import threading
from urllib.parse import urlsplit

import pytest

from server.app import create_app
from tests.conftest import Api
from tests.waiting import eventually
from tests.wsapi import LEGACY_WS, PROTOCOLS, TRANSPORT_WS, SocketClosed, WsApi, serving

CREATE_POST = """mutation($body: String!) { createPost(input: {kind: MOMENT, body: $body}) {
  __typename ... on CreatePostSuccess { post { id body } } } }"""
FEED = "{ globalFeed(first: 10) { edges { node { id body author { handle } } } } }"
POST_ADDED = "subscription { postAdded(feed: GLOBAL) { post { body } } }"


async def create_post(client: Api | WsApi, token: str, body: str) -> str:
    data = await client.data(CREATE_POST, {"body": body}, token=token)
    assert data["createPost"]["__typename"] == "CreatePostSuccess", data
    return data["createPost"]["post"]["id"]


async def test_a_query_over_websocket_gives_what_http_gives(api, ws_api):
    token = await api.register("ann")
    await create_post(api, token, "first light on the ring road")
    for query in (FEED, "{ viewer { handle role } }"):
        over_http = await api.query(query, token=token)
        assert await ws_api.query(query, token=token) == over_http
    assert (await ws_api.data("{ viewer { handle } }", token=token)) == {
        "viewer": {"handle": "ann"}
    }
    assert (await ws_api.data("{ viewer { handle } }")) == {"viewer": None}


async def test_errors_over_websocket_read_as_over_http(api, ws_api):
    for query in (
        "{ nosuchfield }",
        'mutation { createPost(input: {kind: MOMENT, body: "x"}) { __typename } }',
    ):
        over_http = await api.query(query)
        over_ws = await ws_api.query(query)
        assert over_ws == over_http
        assert over_ws["errors"]


async def test_a_mutation_over_websocket_is_what_http_then_reads(api, ws_api):
    token = await ws_api.register("ben")
    post = await create_post(ws_api, token, "charged at the new station")
    data = await api.data(
        "query($id: ID!) { post(id: $id) { body author { handle } } }", {"id": post}
    )
    assert data["post"] == {"body": "charged at the new station", "author": {"handle": "ben"}}


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_subscription_receives_a_post_created_over_http(same_server_api, ws_api, protocol):
    token = await same_server_api.register("cat")
    async with ws_api.connect(protocol=protocol) as connection:
        feed = await connection.subscribe(POST_ADDED)
        await create_post(same_server_api, token, "seen live")
        assert (await feed.next())["data"] == {"postAdded": {"post": {"body": "seen live"}}}
        await feed.nothing(0.3)
        await feed.stop()

    async def released() -> bool:  # the server lets go of it once the client is gone
        return await ws_api.subscribers() == 0

    await eventually(released, within=5)


async def test_queries_and_subscriptions_share_one_open_connection(ws_api):
    token = await ws_api.register("dan")
    async with ws_api.connect(token) as connection:
        feed = await connection.subscribe(POST_ADDED)
        assert (await connection.execute("{ viewer { handle } }"))["data"] == {
            "viewer": {"handle": "dan"}
        }
        created = await connection.execute(CREATE_POST, {"body": "from the same socket"})
        assert created["data"]["createPost"]["__typename"] == "CreatePostSuccess"
        assert (await feed.next())["data"]["postAdded"]["post"]["body"] == "from the same socket"


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_subscription_the_server_refuses_ends_with_its_error(ws_api, protocol):
    async with ws_api.connect(protocol=protocol) as connection:
        home = await connection.subscribe("subscription { postAdded(feed: HOME) { cursor } }")
        [error] = await home.ended()
        assert error["extensions"]["code"] == "UNAUTHENTICATED", error
        with pytest.raises(AssertionError, match="completed"):
            await home.next()


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_forged_token_is_refused_with_4403(ws_api, protocol):
    async with ws_api.connect("forged.token.value", protocol=protocol) as connection:
        assert not connection.acknowledged
        assert await connection.closed() == 4403
        with pytest.raises(SocketClosed) as refused:
            await connection.subscribe(POST_ADDED)
    assert refused.value.code == 4403
    with pytest.raises(SocketClosed) as refused:
        await ws_api.query("{ viewer { handle } }", token="forged.token.value")
    assert refused.value.code == 4403


async def test_the_legacy_protocol_refuses_to_run_queries_in_the_client(ws_api):
    async with ws_api.connect(protocol=LEGACY_WS) as connection:
        with pytest.raises(TypeError, match=TRANSPORT_WS):
            await connection.execute("{ viewer { handle } }")


async def test_serving_leaves_no_task_thread_or_socket_behind(settings, db):
    tasks = asyncio.all_tasks()
    threads = threading.active_count()
    on_sigint = signal.getsignal(signal.SIGINT)
    async with serving(create_app(settings, database=db)) as url:
        assert signal.getsignal(signal.SIGINT) is on_sigint  # uvicorn left pytest's handlers
        ws_api = WsApi(url)
        async with ws_api.connect() as connection:
            await connection.subscribe(POST_ADDED)
            assert (await connection.execute("{ viewer { handle } }"))["data"] == {"viewer": None}
        # gone while its subscription runs: the server must let go of both
        assert (await ws_api.data("{ viewer { handle } }")) == {"viewer": None}
    # Tasks cancelled on the way out (the scheduler) finish on the loop's next turns.
    await eventually(lambda: asyncio.all_tasks() <= tasks, within=5, what="no task left")
    assert threading.active_count() == threads
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", urlsplit(url).port), timeout=1)
    gc.collect()  # a socket left open warns now, in this test (warnings are errors)


async def test_a_malformed_document_fails_the_call_rather_than_hang_it(ws_api):
    # Strawberry answers it with a bare `complete` today (its ParserCache raises out of
    # schema.stream()); by its protocol it would close the socket with 4400.
    with pytest.raises((AssertionError, SocketClosed), match="without a result|4400"):
        await ws_api.query("{ viewer {")
