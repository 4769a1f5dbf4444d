"""A real server process (`python -m server serve`) and real clients: HTTP and WebSocket."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

from tests.conftest import free_port
from tests.waiting import eventually

TRANSPORT_WS = WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL  # graphql-transport-ws
LEGACY_WS = WebsocketsTransport.APOLLO_SUBPROTOCOL  # graphql-ws


class ServerProcess:
    def __init__(self, workdir: Path, port: int | None = None, **env: str) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws = f"ws://127.0.0.1:{self.port}/graphql"
        self.log = workdir / f"server-{self.port}.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite://{workdir / 'community.sqlite3'}",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "SCHEDULER_INTERVAL_SECONDS": "0.2",
            **env,
        }
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, timeout: float = 60) -> ServerProcess:
        """Starts the server and returns once `/healthz` answers."""
        log = await asyncio.to_thread(self.log.open, "ab")
        with log:  # a file: a pipe could fill and block the server
            self.process = await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "server", "serve"),
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        async with httpx.AsyncClient(timeout=1, trust_env=False) as client:
            await eventually(
                partial(self._healthy, client), within=timeout, what="a healthy server"
            )
        return self

    async def _healthy(self, client: httpx.AsyncClient) -> bool:
        assert self.process is not None
        if self.process.returncode is not None:
            raise AssertionError(f"the server exited:\n{self.logs()}")
        try:
            return (await client.get(f"{self.base}/healthz")).status_code == 200
        except httpx.HTTPError:
            return False

    async def stop(self, timeout: float = 20) -> None:
        """Asks the server to shut down and returns once it has exited."""
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await asyncio.wait_for(self.process.wait(), timeout)

    def logs(self) -> str:
        return self.log.read_text()

    async def query(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                f"{self.base}/graphql",
                headers=headers,
                json={"query": query, "variables": variables or {}},
            )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    async def register(self, handle: str) -> str:
        data = await self.query(
            """mutation($h: String!) { register(input: {handle: $h, password: "password-123",
                 displayName: $h}) { ... on RegisterSuccess { token } } }""",
            {"h": handle},
        )
        return data["register"]["token"]

    async def subscribers(self) -> int:
        """Live subscriptions, counted once the server's pub/sub has confirmed their channels."""
        async with httpx.AsyncClient(timeout=5, trust_env=False) as client:
            return (await client.get(f"{self.base}/healthz")).json()["subscribers"]

    async def wait_subscribers(
        self, count: int, timeout: float = 15, stream: Stream | None = None
    ) -> None:
        async def registered() -> bool:
            # Counted before it yields anything and until it ends: something in the stream
            # before a count that stays short means it ended.
            delivered = stream is not None and not stream.queue.empty()
            if await self.subscribers() >= count:
                return True
            if stream is not None and delivered:
                raise AssertionError(f"the subscription ended early: {stream.queue.get_nowait()!r}")
            return False

        await eventually(registered, within=timeout, what=f"{count} subscribers")

    @contextlib.asynccontextmanager
    async def subscribe(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        protocol: str = TRANSPORT_WS,
        ready: bool = True,
    ) -> AsyncIterator[Stream]:
        """Runs a subscription in the background; its results (or its error) fill a Stream.
        With `ready`, waits until the server counts it (graphql-transport-ws has no
        acknowledgement of its own); from then on, whatever is published reaches it."""
        stream = Stream()
        before = await self.subscribers()

        async def run() -> None:
            transport = WebsocketsTransport(
                url=self.ws,
                init_payload={"authToken": token} if token else {},
                subprotocols=[protocol],
            )
            try:
                request = gql(query)
                request.variable_values = variables
                async with Client(transport=transport) as session:
                    async for result in session.subscribe(request):
                        await stream.queue.put(result)
            except Exception as exc:  # the test reads it from the stream
                await stream.queue.put(exc)

        task = asyncio.create_task(run())
        try:
            if ready:
                await self.wait_subscribers(before + 1, stream=stream)
            yield stream
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


class Stream:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[Any] = asyncio.Queue()

    async def next(self, timeout: float = 10) -> Any:
        item = await asyncio.wait_for(self.queue.get(), timeout)
        if isinstance(item, Exception):
            raise item
        return item

    async def error(self, timeout: float = 10) -> Exception:
        item = await asyncio.wait_for(self.queue.get(), timeout)
        assert isinstance(item, Exception), f"expected an error, got {item}"
        return item

    async def nothing(self, seconds: float = 1.0) -> None:
        with contextlib.suppress(TimeoutError):
            item = await asyncio.wait_for(self.queue.get(), seconds)
            raise AssertionError(f"expected nothing, got {item}")


@pytest.fixture
async def live_server(tmp_path: Path) -> AsyncIterator[ServerProcess]:
    """A server on its embedded defaults, without the demo community."""
    server = await ServerProcess(tmp_path, SEED_DEMO="0").start()
    try:
        yield server
    finally:
        await server.stop()
