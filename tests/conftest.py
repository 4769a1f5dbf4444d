"""Fixtures: a migrated database on SQLite and on PostgreSQL (every test that takes `db`
runs on both), an in-process client for the app, and a counter of SQL statements."""

from __future__ import annotations

import asyncio
import contextlib
import graphlib
import logging
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import redis
from redis import asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from tortoise.context import TortoiseContext, get_current_context

from resolvers.context import Resources
from search.binary import MeilisearchNotFound, meilisearch_binary
from search.process import EmbeddedMeilisearch, MeilisearchEndpoint
from server.app import create_app
from server.db import Database, connection_label, tortoise_config
from server.resources import open_resources
from server.settings import Settings
from tests.clients import GraphQLClient
from tests.waiting import eventually
from tests.wsapi import WsApi, serving

TEST_SECRET = "test-secret-0123456789-0123456789-abcdef"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/test"


def postgres_server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else DEFAULT_POSTGRES


def require_service(name: str, error: Exception) -> None:
    """Outside CI a missing service skips its tests; in CI it fails them."""
    message = f"{name} is not reachable: {error}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextlib.asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """A fresh PostgreSQL database on the configured server, dropped afterwards."""
    server = postgres_server_url()
    base, _, _ = server.rpartition("/")
    name = f"community_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1), timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        require_service("PostgreSQL", exc)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield f"{base}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@contextlib.asynccontextmanager
async def database_of_its_own(url: str) -> AsyncIterator[Any]:
    """The database at `url`, current for this task only, yielding its connection: the
    session's database stays the process-wide one (Tortoise allows one) for the other tests."""
    context = TortoiseContext()
    with context:
        await context.init(config=tortoise_config(url))
        try:
            yield context.db(connection_label(url))
        finally:
            await context.close_connections()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
async def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    async with contextlib.AsyncExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite://{tmp_path_factory.mktemp('sqlite') / 'test.sqlite3'}"
        else:
            url = await stack.enter_async_context(postgres_database())
        db = Database(url)
        await db.open()
        stack.push_async_callback(db.close)
        await db.migrate()
        yield db


def model_tables(db: Database) -> list[str]:
    """The table of every model registered with `db` (and of every many-to-many relation),
    each before the tables it refers to: SQLite, which enforces foreign keys, can DELETE from
    them in this order. A renamed or added model is here without anyone listing it."""
    assert db.context is not None and db.context.apps is not None, "database is not open"
    referred_by: dict[str, set[str]] = {}  # a table: the tables whose rows point into it

    def refers(table: str, parent: str) -> None:
        referred_by.setdefault(table, set())
        if parent != table:  # a row pointing at a row of its own table goes in the same DELETE
            referred_by.setdefault(parent, set()).add(table)

    for model in db.context.apps.get_models_iterable():
        meta = model._meta
        referred_by.setdefault(meta.db_table, set())
        for name in meta.fk_fields | meta.o2o_fields:
            refers(meta.db_table, meta.fields_map[name].related_model._meta.db_table)
        for name in meta.m2m_fields:
            field = meta.fields_map[name]
            if not field._generated:  # the declaring side; the other side is its mirror
                refers(field.through, meta.db_table)
                refers(field.through, field.related_model._meta.db_table)
    # graphlib puts a node after its predecessors; here those are the tables referring to it.
    return list(graphlib.TopologicalSorter(referred_by).static_order())


async def clear_tables(db: Database) -> None:
    conn = db.connection()
    tables = model_tables(db)
    if db.dialect == "postgres":
        await conn.execute_script(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    else:
        for table in tables:
            await conn.execute_script(f"DELETE FROM {table}")
        await conn.execute_script("DELETE FROM sqlite_sequence")


@pytest.fixture
async def db(database: Database) -> Database:
    """An empty, migrated database (run once on SQLite and once on PostgreSQL)."""
    assert get_current_context() is database.context
    await clear_tables(database)
    return database


# Tests register many accounts from one address; the limit on that has tests of its own.
TEST_RATE_LIMITS = tuple(
    (action, 10_000, seconds) if action == "register" else (action, count, seconds)
    for action, count, seconds in Settings().rate_limits
)


def app_settings(database: Database) -> Settings:
    """The settings of an app under test on `database`."""
    return Settings(
        environment="test",
        database_url=database.url,
        secret_key=TEST_SECRET,
        scheduler_interval_seconds=3600,
        rate_limits=TEST_RATE_LIMITS,
    )


@pytest.fixture
def settings(db: Database) -> Settings:
    return app_settings(db)


@pytest.fixture
async def resources(settings: Settings) -> AsyncIterator[Resources]:
    """A process's resources without a server (in-memory hub, no search), for use cases called
    directly: `Context(resources, viewer=user)`."""
    async with open_resources(settings, search=False) as opened:
        yield opened


class Api(GraphQLClient):
    """A GraphQL client for the app under test, over HTTP."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> httpx.Response:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def query(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        response = await self.post(query, variables, token)
        assert response.status_code == 200, response.text
        return response.json()


def with_state(app: Any, state: Any) -> Any:
    """`app` with the lifespan's state in every request's scope, as a server puts it."""

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        await app({**scope, "state": dict(state or {})}, receive, send)

    return asgi


@contextlib.asynccontextmanager
async def started(app: Any) -> AsyncIterator[Any]:
    """`app` with its lifespan running and its state in every request, as a server runs it
    (httpx's ASGITransport does neither)."""
    async with app.router.lifespan_context(app) as state:
        yield with_state(app, state)


@contextlib.asynccontextmanager
async def running(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with started(app) as served:
        transport = httpx.ASGITransport(app=served)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@pytest.fixture
async def api(settings: Settings, db: Database) -> AsyncIterator[Api]:
    async with running(create_app(settings, database=db)) as client:
        yield Api(client)


@pytest.fixture
async def ws_api(settings: Settings, db: Database) -> AsyncIterator[WsApi]:
    """The app under test served by uvicorn in the tests' own event loop, over WebSocket."""
    async with serving(create_app(settings, database=db)) as url:
        yield WsApi(url)


@pytest.fixture
async def same_server_api(ws_api: WsApi) -> AsyncIterator[Api]:
    """HTTP to the server `ws_api` talks to. The `api` fixture's app shares the database but
    has a pub/sub hub of its own: what it publishes never reaches `ws_api`'s subscribers."""
    async with httpx.AsyncClient(base_url=ws_api.base_url, trust_env=False, timeout=10) as client:
        yield Api(client)


class StatementCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.lstrip().split(" ", 1)[0].upper() in (
            "SELECT",
            "INSERT",
            "UPDATE",
            "DELETE",
            "WITH",
        ):
            self.statements.append(message)


@pytest.fixture
def sql_statements() -> Iterator[StatementCounter]:
    """Collects every SQL statement Tortoise sends while the test runs."""
    logger = logging.getLogger("tortoise.db_client")
    counter = StatementCounter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- Redis: the machine's, shared like a deployment's, and private ones to stop and start -------

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def shared_redis() -> str:
    """The Redis every process of a deployment shares (the machine's)."""
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        require_service("Redis", exc)
    finally:
        client.close()
    return TEST_REDIS_URL


@pytest.fixture
def prefix() -> str:
    """Redis keys of this test's own."""
    return f"test:{uuid.uuid4().hex}:"


@pytest.fixture(params=["redis", "memory"])
def store(request: pytest.FixtureRequest) -> str | None:
    """Where counts are kept: the shared Redis, or this process only."""
    if request.param == "memory":
        return None
    return request.getfixturevalue("shared_redis")


class PrivateRedis:
    """A Redis server of the test's own, to stop and start under the code that uses it."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            require_service("redis-server binary", FileNotFoundError("redis-server not on PATH"))
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, timeout: float = 10) -> None:
        """Starts the server; returns once it answers a PING."""
        self.process = await asyncio.create_subprocess_exec(
            str(self.binary),
            *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.workdir)),
            *("--save", "", "--appendonly", "no"),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        # No retries of its own: each poll is one quick try.
        client = aioredis.Redis(
            port=self.port, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
        )
        try:
            await eventually(partial(self._answers, client), within=timeout, what="redis-server")
        finally:
            await client.aclose()

    async def _answers(self, client: aioredis.Redis) -> bool:
        assert self.process is not None
        if self.process.returncode is not None:
            raise AssertionError(f"redis-server exited with {self.process.returncode}")
        try:
            return bool(await client.ping())
        except redis.RedisError:
            return False

    async def stop(self) -> None:
        """Kills the server, as a crash would; returns once it is gone."""
        if self.process is not None:
            self.process.kill()
            await asyncio.wait_for(self.process.wait(), 10)
            self.process = None


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    try:
        await server.start()
        yield server
    finally:
        await server.stop()


# --- Meilisearch: one private server for the whole session ---------------------------------------


@pytest.fixture(scope="session")
def meili_binary() -> Path:
    """The Meilisearch binary (MEILI_BIN, PATH or the verified copy under var/bin/)."""
    try:
        return meilisearch_binary()
    except MeilisearchNotFound as exc:
        require_service("Meilisearch", exc)
        raise  # unreachable: require_service skips or fails


@pytest.fixture(scope="session")
def meili(
    meili_binary: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MeilisearchEndpoint]:
    """A private Meilisearch on a free port for the session: `.url` and `.api_key`. Defined
    here, once, so every folder that searches shares the one process."""
    server = EmbeddedMeilisearch(tmp_path_factory.mktemp("meilisearch"), binary=meili_binary)
    with server as endpoint:
        yield endpoint


@pytest.fixture
def meili_prefix() -> str:
    """A prefix for this test's index names, e.g. `t1a2b3c4d_`, so tests never see each
    other's indexes."""
    return f"t{uuid.uuid4().hex[:8]}_"
