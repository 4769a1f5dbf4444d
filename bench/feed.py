"""Home-feed page: GraphQL through the real app beside a hand-written Starlette endpoint.

    .venv/bin/python bench/feed.py                      # SQLite in a temporary directory
    .venv/bin/python bench/feed.py --database-url postgres://postgres@127.0.0.1:5432/x
    (`make bench` runs the first; the PostgreSQL database name is replaced by a fresh one)

Both servers run the same way (uvicorn, one process, production settings) against the same
database, and answer the same page: 20 posts of the viewer's home feed with author, badge,
group, counts and the viewer's own reactions. Their JSON is compared before anything is timed.
Prints requests/s and p50/p99 latency of each, the ratio, and SQL statements per request.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from tortoise.expressions import Q

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from moderation.policies import visible_posts  # noqa: E402
from resolvers.pagination import encode_cursor  # noqa: E402
from schema.relay import encode_id  # noqa: E402
from server.db import Database  # noqa: E402
from server.models import (  # noqa: E402
    EmployeeBadge,
    Follow,
    Group,
    GroupMembership,
    GroupVisibility,
    Post,
    PostKind,
    PostReaction,
    PostState,
    ReactionKind,
    User,
)
from server.security import issue_token, read_token  # noqa: E402
from server.settings import Settings  # noqa: E402

SECRET = "bench-secret-" + "0123456789" * 4
PAGE = 20
QUERY = """query Home($first: Int) { homeFeed(first: $first) { edges { cursor node {
  id kind title body tags publishedAt commentCount reactionCount viewerReactions
  author { id handle displayName avatarUrl identity employeeBadge { department title executive } }
  group { id slug name certified } } } pageInfo { hasNextPage endCursor } } }"""


def settings_for(url: str) -> Settings:
    return Settings(
        environment="production",
        database_url=url,
        secret_key=SECRET,
        scheduler_interval_seconds=3600,
    )


async def generate(url: str) -> str:
    """Fills a fresh database; returns the viewer's token."""
    db = Database(url)
    await db.open()
    await db.migrate()
    rng = random.Random(7)
    await User.bulk_create(
        [
            User(
                handle=f"user{i:03d}",
                display_name=f"User {i}",
                avatar_url=f"https://img.example.com/u/{i}.jpg",
            )
            for i in range(200)
        ]
    )
    users = await User.all().order_by("id")
    viewer = users[0]
    await EmployeeBadge.bulk_create(
        [
            EmployeeBadge(user_id=u.id, department="R&D", title="Engineer", executive=i % 20 == 0)
            for i, u in enumerate(users[::4])
        ]
    )
    await Group.bulk_create(
        [
            Group(
                slug=f"group-{i}",
                name=f"Group {i}",
                kind="INTEREST",
                certified=i % 3 == 0,
                visibility=GroupVisibility.MEMBERS_ONLY if i in (1, 2) else GroupVisibility.PUBLIC,
            )
            for i in range(20)
        ]
    )
    groups = await Group.all().order_by("id")
    await GroupMembership.bulk_create(
        [
            GroupMembership(group_id=g.id, user_id=u.id)
            for g in groups
            for u in rng.sample(users, 30)
            if u.id != viewer.id
        ]
        + [GroupMembership(group_id=g.id, user_id=viewer.id) for g in groups[:5]]
    )
    await Follow.bulk_create(
        [Follow(follower_id=viewer.id, followee_id=u.id) for u in users[1:101]]
    )
    base = datetime(2026, 11, 1, tzinfo=UTC)
    await Post.bulk_create(
        [
            Post(
                author_id=rng.choice(users).id,
                kind=PostKind.MOMENT,
                body=f"Post {n} " + "text " * 30,
                tags=["es8", "换电"],
                state=PostState.PUBLISHED,
                published_at=base - timedelta(minutes=n),
                group_id=rng.choice(groups).id if n % 3 == 0 else None,
                comment_count=n % 7,
                reaction_count=n % 11,
            )
            for n in range(5000)
        ]
    )
    post_ids = await Post.all().order_by("id").values_list("id", flat=True)
    await PostReaction.bulk_create(
        [PostReaction(post_id=p, user_id=viewer.id, kind=ReactionKind.LIKE) for p in post_ids[::3]]
    )
    await db.close()
    return issue_token(SECRET, viewer.id, 3600)


def handwritten_app(settings: Settings) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def feed(request: Request) -> JSONResponse:
        token = request.headers["authorization"].removeprefix("Bearer ")
        viewer = await User.get(id=read_token(SECRET, token))
        groups = set(
            await GroupMembership.filter(user_id=viewer.id).values_list("group_id", flat=True)
        )
        followed = await Follow.filter(follower_id=viewer.id).values_list("followee_id", flat=True)
        mine = Q(author_id__in=[viewer.id, *followed])
        if groups:
            mine |= Q(group_id__in=list(groups))
        rows = (
            await Post.filter(visible_posts(groups), mine)
            .order_by("-published_at", "-id")
            .limit(PAGE + 1)
            .values(
                "id",
                "kind",
                "title",
                "body",
                "tags",
                "published_at",
                "comment_count",
                "reaction_count",
                "author_id",
                "group_id",
            )
        )
        page = rows[:PAGE]
        author_ids = {r["author_id"] for r in page}
        authors = {
            u["id"]: u
            for u in await User.filter(id__in=author_ids).values(
                "id", "handle", "display_name", "avatar_url", "identity"
            )
        }
        badges = {
            b["user_id"]: b
            for b in await EmployeeBadge.filter(user_id__in=author_ids).values(
                "user_id", "department", "title", "executive"
            )
        }
        group_rows = {
            g["id"]: g
            for g in await Group.filter(
                id__in={r["group_id"] for r in page if r["group_id"]}
            ).values("id", "slug", "name", "certified")
        }
        reacted: dict[int, list[str]] = {}
        for post_id, kind in await PostReaction.filter(
            user_id=viewer.id, post_id__in=[r["id"] for r in page]
        ).values_list("post_id", "kind"):
            reacted.setdefault(post_id, []).append(str(kind))

        def author(uid: int) -> dict[str, Any]:
            a, b = authors[uid], badges.get(uid)
            return {
                "id": encode_id("User", uid),
                "handle": a["handle"],
                "displayName": a["display_name"],
                "avatarUrl": a["avatar_url"],
                "identity": str(a["identity"]),
                "employeeBadge": b
                and {
                    "department": b["department"],
                    "title": b["title"],
                    "executive": b["executive"],
                },
            }

        def group(gid: int | None) -> dict[str, Any] | None:
            g = group_rows.get(gid) if gid else None
            return g and {
                "id": encode_id("Group", gid),
                "slug": g["slug"],
                "name": g["name"],
                "certified": g["certified"],
            }

        edges = [
            {
                "cursor": encode_cursor([r["published_at"], r["id"]]),
                "node": {
                    "id": encode_id("Post", r["id"]),
                    "kind": str(r["kind"]),
                    "title": r["title"],
                    "body": r["body"],
                    "tags": r["tags"],
                    "publishedAt": r["published_at"].isoformat(),
                    "commentCount": r["comment_count"],
                    "reactionCount": r["reaction_count"],
                    "viewerReactions": sorted(reacted.get(r["id"], [])),
                    "author": author(r["author_id"]),
                    "group": group(r["group_id"]),
                },
            }
            for r in page
        ]
        return JSONResponse(
            {
                "data": {
                    "homeFeed": {
                        "edges": edges,
                        "pageInfo": {
                            "hasNextPage": len(rows) > PAGE,
                            "endCursor": edges[-1]["cursor"] if edges else None,
                        },
                    }
                }
            }
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> Any:
        db = Database(settings.database_url)
        await db.open()
        yield
        await db.close()

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[Route("/feed", feed), Route("/healthz", healthz)], lifespan=lifespan)


class StatementCounter(logging.Handler):
    count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().lstrip()[:6].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            StatementCounter.count += 1


def serve(kind: str, url: str, port: int, count_sql: bool) -> None:
    import uvicorn
    from starlette.responses import PlainTextResponse

    from server.app import create_app

    settings = settings_for(url)
    app = create_app(settings) if kind == "graphql" else handwritten_app(settings)
    if count_sql:
        logger = logging.getLogger("tortoise.db_client")
        logger.setLevel(logging.DEBUG)
        logger.addHandler(StatementCounter())
        app.add_route("/sql-count", lambda _: PlainTextResponse(str(StatementCounter.count)))
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        ws_per_message_deflate=False,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(kind: str, url: str, count_sql: bool = False) -> Any:
    port = free_port()
    args = [sys.executable, __file__, "--serve", kind, "--database-url", url, "--port", str(port)]
    process = subprocess.Popen(args + (["--count-sql"] if count_sql else []))
    try:
        for _ in range(200):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def request_for(kind: str, base: str, token: str) -> tuple[str, str, dict[str, Any] | None]:
    if kind == "graphql":
        return "POST", f"{base}/graphql", {"query": QUERY, "variables": {"first": PAGE}}
    return "GET", f"{base}/feed", None


async def load(
    kind: str, base: str, token: str, requests: int, concurrency: int
) -> dict[str, float]:
    method, url, body = request_for(kind, base, token)
    headers = {"authorization": f"Bearer {token}"}
    latencies: list[float] = []
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency)) as client:

        async def one() -> None:
            started = time.perf_counter()
            response = await client.request(method, url, json=body, headers=headers)
            response.raise_for_status()
            latencies.append(time.perf_counter() - started)

        for _ in range(50):  # warm-up
            await one()
        latencies.clear()
        queue = iter(range(requests))
        started = time.perf_counter()

        async def worker() -> None:
            for _ in queue:
                await one()

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {"rps": requests / elapsed, "p50": cuts[49] * 1000, "p99": cuts[98] * 1000}


def fetch(kind: str, base: str, token: str) -> Any:
    method, url, body = request_for(kind, base, token)
    return httpx.request(
        method, url, json=body, headers={"authorization": f"Bearer {token}"}, timeout=30
    ).json()


def maintenance_url(url: str) -> str:
    """The server's `postgres` database, to create and drop the benchmark's own."""
    return url.replace("postgres://", "postgresql://", 1).rpartition("/")[0] + "/postgres"


async def create_postgres(url: str) -> tuple[str, str]:
    import asyncpg

    server_url, _, _ = url.rpartition("/")
    name = f"bench_feed_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(maintenance_url(url))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return f"{server_url}/{name}", name


async def drop_postgres(url: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(maintenance_url(url))
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--serve", choices=["graphql", "handwritten"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count-sql", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.database_url, args.port, args.count_sql)
        return

    with tempfile.TemporaryDirectory() as tmp:
        given = args.database_url or ""
        pg_name = None
        if given.startswith("postgres"):
            url, pg_name = asyncio.run(create_postgres(given))
        else:
            url = f"sqlite://{Path(tmp) / 'bench.sqlite3'}"
        try:
            token = asyncio.run(generate(url))
            results, statements = {}, {}
            for kind in ("graphql", "handwritten"):
                with server(kind, url, count_sql=True) as base:
                    before = int(httpx.get(f"{base}/sql-count").text)
                    statements[kind] = fetch(kind, base, token)
                    statements[kind + "_sql"] = int(httpx.get(f"{base}/sql-count").text) - before
            assert statements["graphql"] == statements["handwritten"], "the two answers differ"
            for kind in ("graphql", "handwritten"):
                with server(kind, url) as base:
                    results[kind] = asyncio.run(
                        load(kind, base, token, args.requests, args.concurrency)
                    )
        finally:
            if pg_name:
                asyncio.run(drop_postgres(given, pg_name))

    database = url.split(":", 1)[0]
    print(
        f"home feed, {PAGE} posts/page, {args.requests} requests, concurrency {args.concurrency}, "
        f"{database}"
    )
    for kind, r in results.items():
        print(
            f"  {kind:12s} {r['rps']:8.1f} req/s   p50 {r['p50']:6.1f} ms   "
            f"p99 {r['p99']:6.1f} ms   {statements[kind + '_sql']} SQL statements/request"
        )
    ratio = results["graphql"]["rps"] / results["handwritten"]["rps"]
    print(f"  ratio graphql/handwritten throughput: {ratio:.2f}")


if __name__ == "__main__":
    main()
