"""GraphQL over a real WebSocket against the app under test: `serving(app)` runs it under
uvicorn inside the test's event loop (the database connections belong to that loop), and
`WsApi` speaks graphql-transport-ws, or the legacy graphql-ws, to it.

    async with serving(create_app(settings, database=db)) as url:
        ws = WsApi(url)
        body = await ws.query("{ viewer { handle } }", token=token)  # as `Api.query` answers
        async with ws.connect(token) as connection:  # one socket while roles and states change
            feed = await connection.subscribe("subscription { postAdded { post { id } } }")
            ...
            event = await feed.next()

Errors:

    SocketClosed      the server closed the socket before the operation ended (`code`)
    AssertionError    anything else a test should read as its own failure: no answer in time,
                      a payload where none was expected, a stream that ended early
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import uvicorn
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.clients import GraphQLClient
from tests.waiting import eventually

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"
PROTOCOLS = (TRANSPORT_WS, LEGACY_WS)


class SocketClosed(Exception):
    """The server closed the socket before the operation ended."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"the server closed the WebSocket: code {code}, reason {reason!r}")
        self.code = code
        self.reason = reason


# --- the server ---------------------------------------------------------------------------------


class InProcessServer(uvicorn.Server):
    """uvicorn inside the test's event loop. `Server.serve()` swaps the process's SIGINT and
    SIGTERM handlers for its own while it runs and re-raises a caught signal when it stops: a
    Ctrl+C during a test would stop this server instead of pytest. The signals stay pytest's."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()  # set once it listens, its lifespan started

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


async def _serve(server: InProcessServer, listener: socket.socket) -> None:
    try:
        await server.serve(sockets=[listener])
    except SystemExit as exc:
        # uvicorn calls sys.exit() when the lifespan fails; out of a task, SystemExit would
        # stop the event loop (and pytest with it) instead of failing this test.
        raise RuntimeError(f"uvicorn exited ({exc.code}): see the log above") from None


@contextlib.asynccontextmanager
async def serving(app: Any, timeout: float = 10) -> AsyncIterator[str]:
    """Serves `app` on 127.0.0.1 as a task of the current event loop; yields its GraphQL
    WebSocket URL."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        lifespan="on",
        ws="websockets-sansio",  # what `server serve` runs
        ws_per_message_deflate=False,
        log_level="warning",
        # The default dictConfig() would close every logging handler of the process (pytest's
        # capture among them) and install uvicorn's own.
        log_config=None,
        # Without it, shutdown waits for every connection forever.
        timeout_graceful_shutdown=timeout / 2,
    )
    server = InProcessServer(config)
    # A socket bound here, not a port picked and then bound: nothing can take the port in
    # between, and a failed bind cannot end in uvicorn's sys.exit().
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        task = asyncio.create_task(_serve(server, listener), name=f"uvicorn :{port}")
        try:
            await _started(server, task, timeout)
            yield f"ws://127.0.0.1:{port}/graphql"
        finally:
            server.should_exit = True
            await _stopped(server, task, timeout)


async def _started(server: InProcessServer, task: asyncio.Task[None], timeout: float) -> None:
    ready = asyncio.create_task(server.ready.wait())
    try:
        await asyncio.wait({task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        ready.cancel()
        await asyncio.wait({ready})
    if server.ready.is_set():
        return
    if task.done():
        task.result()
        raise RuntimeError("uvicorn stopped before it started")
    raise AssertionError(f"uvicorn did not start within {timeout}s")


async def _stopped(server: InProcessServer, task: asyncio.Task[None], timeout: float) -> None:
    done, _ = await asyncio.wait({task}, timeout=timeout)
    if not done:
        server.force_exit = True
        task.cancel()
        await asyncio.wait({task}, timeout=timeout)
        raise AssertionError(f"uvicorn did not shut down within {timeout}s; cancelled it")
    task.result()


# --- the client -----------------------------------------------------------------------------


class WsApi(GraphQLClient):
    """A GraphQL client for the app under test over WebSocket, with `Api`'s surface: each call
    opens its own graphql-transport-ws connection."""

    def __init__(self, url: str, timeout: float = 10) -> None:
        self.url = url
        # The same server over HTTP: `/healthz`, and HTTP requests that must reach this app
        # instance (its pub/sub hub) rather than another one on the same database.
        self.base_url = url.replace("ws://", "http://", 1).removesuffix("/graphql")
        self.timeout = timeout

    async def query(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        async with self.connect(token) as connection:
            return await connection.execute(query, variables)

    async def subscribers(self) -> int:
        """The server's count of live subscriptions (from `/healthz`)."""
        async with httpx.AsyncClient(timeout=self.timeout, trust_env=False) as client:
            response = await client.get(f"{self.base_url}/healthz")
        response.raise_for_status()
        return response.json()["subscribers"]

    @contextlib.asynccontextmanager
    async def connect(
        self, token: str | None = None, protocol: str = TRANSPORT_WS
    ) -> AsyncIterator[Connection]:
        """An initialised connection, signed in with `token`. A refused one is yielded too:
        `closed()` gives its close code, and every operation on it raises `SocketClosed`."""
        if protocol not in PROTOCOLS:
            raise ValueError(f"unknown protocol {protocol!r}; one of {PROTOCOLS}")
        async with ws_connect(
            self.url,
            subprotocols=[Subprotocol(protocol)],
            compression=None,  # the server turns it off
            proxy=None,  # never an HTTP(S)_PROXY from the environment
            ping_interval=None,  # the server pings; its pongs come from websockets anyway
            open_timeout=self.timeout,
            close_timeout=self.timeout,
        ) as websocket:
            assert websocket.subprotocol == protocol, websocket.subprotocol
            connection = Connection(self, websocket, protocol)
            reader = asyncio.create_task(connection.read())
            try:
                await connection.initialise(token)
                yield connection
            finally:
                await websocket.close()
                await asyncio.wait({reader}, timeout=self.timeout)
                if not reader.done():
                    reader.cancel()
                    await asyncio.wait({reader})


class Closed:
    """What a reader leaves in every queue once the socket is closed."""

    def __init__(self, code: int | None, reason: str) -> None:
        self.code = code
        self.reason = reason

    def error(self) -> SocketClosed:
        return SocketClosed(self.code, self.reason)


Message = dict[str, Any]
Item = Message | Closed


class Connection:
    """One socket: queries and mutations (graphql-transport-ws only) and subscriptions on it.
    A reader task hands each message to the queue of its operation."""

    def __init__(self, api: WsApi, websocket: ClientConnection, protocol: str) -> None:
        self.api = api
        self.websocket = websocket
        self.protocol = protocol
        self.acknowledged = False
        self.closure: Closed | None = None
        self.ids = itertools.count(1)
        self.init: asyncio.Queue[Item] = asyncio.Queue()
        self.queues: dict[str, asyncio.Queue[Item]] = {}
        self.done = asyncio.Event()

    async def read(self) -> None:
        try:
            async for raw in self.websocket:
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "ping":  # not send(): it waits for this reader on a closed socket
                    await self.websocket.send(json.dumps({"type": "pong"}))
                elif kind in ("connection_ack", "connection_error"):
                    self.init.put_nowait(message)
                elif message.get("id") in self.queues:
                    self.queues[message["id"]].put_nowait(message)
                # else a keep-alive (ka, pong) or the end of an operation already stopped
        except ConnectionClosed:
            pass
        finally:
            self.closure = Closed(self.websocket.close_code, self.websocket.close_reason or "")
            for queue in (self.init, *self.queues.values()):
                queue.put_nowait(self.closure)
            self.done.set()

    async def send(self, message: Message) -> None:
        if self.closure is not None:
            raise self.closure.error()
        try:
            await self.websocket.send(json.dumps(message))
        except ConnectionClosed:
            await self.done.wait()
            assert self.closure is not None
            raise self.closure.error() from None

    async def initialise(self, token: str | None) -> None:
        await self.send(
            {"type": "connection_init", "payload": {"authToken": token} if token else {}}
        )
        async with _within(self.api.timeout, "connection_ack"):
            while True:
                item = await self.init.get()
                if isinstance(item, Closed):
                    return  # refused: the test reads the code from closed()
                if item["type"] == "connection_ack":
                    self.acknowledged = True
                    return
                # connection_error (legacy): the server closes the socket next

    async def closed(self, timeout: float = 5) -> int | None:
        """Waits for the server to close the socket; its close code."""
        async with _within(timeout, "the server to close the socket"):
            await self.done.wait()
        assert self.closure is not None
        return self.closure.code

    def open(self) -> tuple[str, asyncio.Queue[Item]]:
        if self.closure is not None:
            raise self.closure.error()
        id = str(next(self.ids))
        self.queues[id] = asyncio.Queue()
        return id, self.queues[id]

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> Message:
        """Runs a query or mutation; its result payload, as over HTTP."""
        if self.protocol != TRANSPORT_WS:
            # Strawberry's graphql-ws handler runs `start` through schema.subscribe(), which
            # answers a query or mutation with an error ("Unexpected error.", masked): a test
            # that expects a refusal would pass on it.
            raise TypeError(f"{self.protocol} runs only subscriptions; use {TRANSPORT_WS}")
        id, queue = self.open()
        payload = {"query": query, "variables": variables or {}}
        await self.send({"type": "subscribe", "id": id, "payload": payload})
        results: list[Message] = []
        try:
            async with _within(self.api.timeout, f"the end of operation {id}"):
                while True:
                    item = await queue.get()
                    if isinstance(item, Closed):
                        raise item.error()
                    if item["type"] == "next":
                        results.append(item["payload"])
                    elif item["type"] == "error":
                        return {"data": None, "errors": item["payload"]}
                    elif item["type"] == "complete":
                        # A bare `complete` is how Strawberry answers a document that does not
                        # parse when the schema has a ParserCache (it raises out of stream()).
                        assert results, f"operation {id} completed without a result"
                        assert len(results) == 1, f"a query or mutation gave {results}"
                        return results[0]
        finally:
            del self.queues[id]

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> Subscription:
        """Starts a subscription and returns once the server counts it or has ended it. Neither
        protocol acknowledges a subscription; the /healthz count goes up once the server's
        pub/sub has confirmed its channels, so whatever is published next reaches it."""
        before = await self.api.subscribers()
        id, queue = self.open()
        start = "subscribe" if self.protocol == TRANSPORT_WS else "start"
        payload = {"query": query, "variables": variables or {}}
        await self.send({"type": start, "id": id, "payload": payload})

        async def counted_or_ended() -> bool:
            return not queue.empty() or await self.api.subscribers() > before

        await eventually(
            counted_or_ended,
            within=self.api.timeout,
            what=f"the server to register subscription {id}",
        )
        return Subscription(self, id, queue)


class Subscription:
    """One subscription's messages."""

    def __init__(self, connection: Connection, id: str, queue: asyncio.Queue[Item]) -> None:
        self.connection = connection
        self.id = id
        self.queue = queue
        self.end: Item | None = None

    async def receive(self, timeout: float) -> Item | None:
        """The next message, or None when none came within `timeout`."""
        if self.end is not None:
            return self.end
        try:
            item = await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None
        if isinstance(item, Closed) or item["type"] in ("complete", "error"):
            self.end = item
        return item

    async def next(self, timeout: float = 5) -> Message:
        """The next result payload (`{"data": ...}`, with `errors` when a field failed)."""
        item = await self.receive(timeout)
        if item is None:
            raise AssertionError(f"no payload on subscription {self.id} within {timeout}s")
        if isinstance(item, Closed):
            raise item.error()
        if item["type"] in ("next", "data"):
            return item["payload"]
        raise AssertionError(f"expected a payload, but {describe(item)}")

    async def nothing(self, seconds: float = 0.5) -> None:
        """Asserts that the subscription stays open and sends nothing for `seconds`."""
        item = await self.receive(seconds)
        if isinstance(item, Closed):
            raise item.error()
        assert item is None, f"expected nothing, but {describe(item)}"

    async def ended(self, timeout: float = 5) -> list[dict[str, Any]]:
        """Waits for the server to end the subscription; the errors it ended with, none for a
        plain `complete`. Strawberry ends a refused subscription either with an `error` message
        (refused before it ran) or with an errors-only payload (`data: null`) and `complete`
        (refused by its resolver); a payload with data fails the wait."""
        errors: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while True:
            item = await self.receive(max(0.0, deadline - time.monotonic()))
            if item is None:
                raise AssertionError(f"subscription {self.id} still open after {timeout}s")
            if isinstance(item, Closed):
                raise item.error()
            if item["type"] == "complete":
                return errors
            if item["type"] == "error":
                return errors_of(item)
            payload = item["payload"]
            if payload.get("data") is not None or not payload.get("errors"):
                raise AssertionError(f"expected the end, but {describe(item)}")
            errors = payload["errors"]

    async def stop(self) -> None:
        """Tells the server to stop the subscription."""
        stop = "complete" if self.connection.protocol == TRANSPORT_WS else "stop"
        await self.connection.send({"type": stop, "id": self.id})
        self.connection.queues.pop(self.id, None)


def describe(item: Item) -> str:
    if isinstance(item, Closed):
        return f"the socket closed ({item.code})"
    if item["type"] == "complete":
        return "the subscription completed"
    if item["type"] == "error":
        return f"the subscription failed: {errors_of(item)}"
    return f"a payload came: {item['payload']}"


def errors_of(message: Message) -> list[dict[str, Any]]:
    # graphql-transport-ws sends a list of errors; legacy graphql-ws the first error alone.
    payload = message["payload"]
    return payload if isinstance(payload, list) else [payload]


@contextlib.asynccontextmanager
async def _within(timeout: float, waiting_for: str) -> AsyncIterator[None]:
    try:
        async with asyncio.timeout(timeout):
            yield
    except TimeoutError:
        raise AssertionError(f"waited {timeout}s for {waiting_for}") from None
