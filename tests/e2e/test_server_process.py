"""The server as `make run` starts it: a real process that migrates, seeds the demo community
the first time, and serves HTTP on HOST and PORT."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from tests.e2e.conftest import ServerProcess
from tests.waiting import eventually

SIGN_IN = """mutation($h: String!) { signIn(input: {handle: $h, password: "demo-password"}) {
  __typename ... on SignInSuccess { token viewer { handle role employeeBadge { title } } } } }"""


@pytest.fixture
async def demo_server(tmp_path: Path) -> AsyncIterator[ServerProcess]:
    server = await ServerProcess(tmp_path).start()
    try:
        yield server
    finally:
        await server.stop()


async def test_serve_seeds_the_demo_community_and_answers_queries(demo_server):
    admin = (await demo_server.query(SIGN_IN, {"h": "admin"}))["signIn"]
    assert admin["__typename"] == "SignInSuccess" and admin["viewer"]["role"] == "ADMIN"
    employee = (await demo_server.query(SIGN_IN, {"h": "employee"}))["signIn"]
    assert employee["viewer"]["employeeBadge"] is not None
    feed = await demo_server.query(
        "{ globalFeed(first: 20) { edges { node { id author { handle } } } } }"
    )
    assert len(feed["globalFeed"]["edges"]) == 20
    groups = await demo_server.query(
        "{ groups(first: 100, kind: INDUSTRY, certified: true) { edges { node { slug } } } }"
    )
    assert len(groups["groups"]["edges"]) == 12
    async with httpx.AsyncClient(timeout=10) as client:
        page = await client.get(f"{demo_server.base}/graphql", headers={"accept": "text/html"})
    assert "graphiql" in page.text.lower()


async def test_scheduled_post_goes_live_in_the_running_server(demo_server):
    token = (await demo_server.query(SIGN_IN, {"h": "fan"}))["signIn"]["token"]
    created = await demo_server.query(
        'mutation { createPost(input: {kind: MOMENT, body: "定时发布 scheduled", publish: false}) { ... on CreatePostSuccess { post { id } } } }',
        token=token,
    )
    post_id = created["createPost"]["post"]["id"]
    when = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() + 2))
    await demo_server.query(
        "mutation($id: ID!, $at: DateTime) { schedulePost(input: {postId: $id, publishAt: $at}) { __typename } }",
        {"id": post_id, "at": when},
        token=token,
    )

    async def published() -> bool:
        query = "query($id: ID!) { post(id: $id) { state } }"
        post = (await demo_server.query(query, {"id": post_id}))["post"]
        return post is not None and post["state"] == "PUBLISHED"

    await eventually(published, within=15, what="the scheduled post to go live")
    feed = await demo_server.query("{ globalFeed(first: 1) { edges { node { id } } } }")
    assert feed["globalFeed"]["edges"][0]["node"]["id"] == post_id


async def test_restart_does_not_seed_twice(tmp_path):
    port = free_port()
    for _ in range(2):
        server = ServerProcess(tmp_path, port=port)
        try:
            await server.start()
            assert await server.query('{ user(handle: "admin") { handle } }') == {
                "user": {"handle": "admin"}
            }
        finally:
            await server.stop()
    assert "already seeded" in server.logs()


async def wait_for_search(server: ServerProcess, timeout: float = 60) -> None:
    async with httpx.AsyncClient(timeout=5) as client:

        async def ready() -> bool:
            return (await client.get(f"{server.base}/healthz")).json()["search"] == "ready"

        await eventually(ready, within=timeout, what=f"search to get ready:\n{server.logs()}")


async def test_serve_runs_its_own_meilisearch_and_the_demo_is_searchable(demo_server, tmp_path):
    await wait_for_search(demo_server)
    endpoint = (tmp_path / "var" / "meilisearch" / "endpoint").read_text().strip()
    query = """{ search(query: "充电", first: 5) { estimatedTotal edges { node { __typename } } }
                 searchSuggestions(prefix: "char") { text type } }"""
    persona = {"text": "charging_assistant", "type": "USER"}

    async def indexed() -> dict | None:
        found = await demo_server.query(query)
        return found if persona in found["searchSuggestions"] else None

    # The demo is indexed in the background once the server is up.
    found = await eventually(indexed, within=30, what="the demo's persona in suggestions")
    assert found["search"]["estimatedTotal"] > 0 and found["search"]["edges"]

    await demo_server.stop()
    async with httpx.AsyncClient(timeout=2) as client:
        with pytest.raises(httpx.HTTPError):  # the child went with the server
            await client.get(f"{endpoint}/health")
