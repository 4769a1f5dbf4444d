"""The server as `make run` starts it: a real process that migrates, seeds the demo community
the first time, and serves HTTP on HOST and PORT."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SIGN_IN = """mutation($h: String!) { signIn(input: {handle: $h, password: "demo-password"}) {
  __typename ... on SignInSuccess { token viewer { handle role employeeBadge { title } } } } }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(tmp_path: Path, port: int, **env: str) -> subprocess.Popen[bytes]:
    environ = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path / 'community.sqlite3'}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "SCHEDULER_INTERVAL_SECONDS": "0.2",
        **env,
    }
    with open(tmp_path / "server.log", "ab") as log:  # a file: a pipe could fill and block
        return subprocess.Popen(
            [sys.executable, "-m", "server", "serve"],
            cwd=tmp_path,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_healthy(
    process: subprocess.Popen[bytes], port: int, log: Path, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(log.read_text())
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("server did not become healthy")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    process = start(tmp_path, port)
    try:
        wait_healthy(process, port, tmp_path / "server.log")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def graphql(base: str, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers,
        timeout=30,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_serve_seeds_the_demo_community_and_answers_queries(server):
    admin = graphql(server, SIGN_IN, {"h": "admin"})["signIn"]
    assert admin["__typename"] == "SignInSuccess" and admin["viewer"]["role"] == "ADMIN"
    employee = graphql(server, SIGN_IN, {"h": "employee"})["signIn"]
    assert employee["viewer"]["employeeBadge"] is not None
    feed = graphql(server, "{ globalFeed(first: 20) { edges { node { id author { handle } } } } }")
    assert len(feed["globalFeed"]["edges"]) == 20
    groups = graphql(
        server,
        "{ groups(first: 100, kind: INDUSTRY, certified: true) { edges { node { slug } } } }",
    )
    assert len(groups["groups"]["edges"]) == 12
    page = httpx.get(f"{server}/graphql", headers={"accept": "text/html"}, timeout=10)
    assert "graphiql" in page.text.lower()


def test_scheduled_post_goes_live_in_the_running_server(server):
    token = graphql(server, SIGN_IN, {"h": "fan"})["signIn"]["token"]
    created = graphql(
        server,
        'mutation { createPost(input: {kind: MOMENT, body: "定时发布 scheduled", publish: false}) { ... on CreatePostSuccess { post { id } } } }',
        token=token,
    )
    post_id = created["createPost"]["post"]["id"]
    when = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() + 2))
    graphql(
        server,
        "mutation($id: ID!, $at: DateTime) { schedulePost(input: {postId: $id, publishAt: $at}) { __typename } }",
        {"id": post_id, "at": when},
        token=token,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        post = graphql(server, "query($id: ID!) { post(id: $id) { state } }", {"id": post_id})[
            "post"
        ]
        if post is not None and post["state"] == "PUBLISHED":
            break
        time.sleep(0.3)
    feed = graphql(server, "{ globalFeed(first: 1) { edges { node { id } } } }")
    assert feed["globalFeed"]["edges"][0]["node"]["id"] == post_id


def test_restart_does_not_seed_twice(tmp_path):
    port = free_port()
    for _ in range(2):
        process = start(tmp_path, port)
        try:
            wait_healthy(process, port, tmp_path / "server.log")
            count = graphql(f"http://127.0.0.1:{port}", '{ user(handle: "admin") { handle } }')
            assert count["user"] == {"handle": "admin"}
        finally:
            process.terminate()
            process.wait(timeout=20)
    assert "already seeded" in (tmp_path / "server.log").read_text()
