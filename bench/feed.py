"""Home-feed page: GraphQL through the real app beside a hand-written Starlette endpoint.

    .venv/bin/python bench/feed.py              # SQLite in a temporary directory (`make bench`)
    .venv/bin/python bench/feed.py --database-url postgres://postgres@127.0.0.1:5432/x
    .venv/bin/python bench/feed.py --profile    # also where each server's CPU goes (cProfile)

A PostgreSQL URL (or DATABASE_URL) only names the server: a fresh `bench_feed_<random>` database
is created there and dropped at the end; without one, a temporary SQLite file is used. The parent
fills the database, then starts each server in turn as a subprocess, the same way (uvicorn, one
worker, production settings). Both serve the viewer's home feed (20 posts with author, badge,
group, counts and the viewer's reactions); their JSON is compared before anything is timed.
Printed: requests/s, p50/p99 latency, the throughput ratio, and what limits each server.
Options: --requests N (1000), --concurrency N (8), --profile [N] (200 profiled requests).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import functools
import logging
import logging.handlers
import os
import pstats
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Run as a script, this file's folder heads sys.path, where bench/search.py would shadow
# `search`: the repository root takes its place.
HERE = Path(__file__).resolve().parent
sys.path[:] = [str(HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]

import httpx  # noqa: E402
from tortoise.expressions import Q, Subquery  # noqa: E402

from bench.common import (  # noqa: E402
    ROOT,
    SECRET,
    bench_database,
    cpu_seconds,
    free_port,
    machine,
    percentiles,
    process_serving,
)
from moderation.policies import visible_posts  # noqa: E402
from resolvers.feeds import HOME_FEED  # noqa: E402
from resolvers.pagination import encode_cursor  # noqa: E402
from schema.relay import encode_id  # noqa: E402
from server import models as m  # noqa: E402
from server.db import Database  # noqa: E402
from server.security import hash_password, issue_token, read_token  # noqa: E402
from server.settings import Settings  # noqa: E402

PAGE = 20
QUERY = """query Home($first: Int) { homeFeed(first: $first) { edges { cursor node {
  id kind title body tags publishedAt commentCount reactionCount viewerReactions
  author { id handle displayName avatarUrl identity employeeBadge { department title executive } }
  group { id slug name certified } } } pageInfo { hasNextPage endCursor } } }"""
POST_COLUMNS = "id kind title body tags published_at comment_count reaction_count".split()
USER_COLUMNS = "id handle display_name avatar_url identity".split()
BADGE_COLUMNS = "user_id department title executive".split()
GROUP_COLUMNS = "id slug name certified".split()


async def generate(url: str) -> str:
    """Fills a fresh database deterministically; returns the viewer's token."""
    db = Database(url)
    await db.open()
    await db.migrate()
    rng, kinds = random.Random(7), list(m.IdentityKind)
    await m.User.bulk_create(
        [m.User(handle=f"u{i}", display_name=f"User {i}", identity=kinds[i % 3])
         for i in range(200)]
    )  # fmt: skip
    users = await m.User.all().order_by("id")
    for i, user in enumerate(users):
        user.avatar_url = f"https://img.example.com/u/{i}.jpg" if i % 5 else None
        user.password_hash = hash_password("bench-password") if i == 0 else None
    await m.User.bulk_update(users, fields=["avatar_url", "password_hash"])
    viewer = users[0]  # follows 100 users, belongs to 5 groups (one of them members-only)
    await m.EmployeeBadge.bulk_create(
        [m.EmployeeBadge(user=u, department="R&D", title="Engineer", executive=i % 9 == 0)
         for i, u in enumerate(users[::4])]
    )  # fmt: skip
    await m.Group.bulk_create(
        [m.Group(slug=f"g{i}", name=f"Group {i}", kind="INTEREST", certified=i % 3 == 0)
         for i in range(20)]
    )  # fmt: skip
    groups = await m.Group.all().order_by("id")
    closed = m.Group.filter(id__in=[groups[1].id, groups[7].id])  # the viewer is in 1, not in 7
    await closed.update(visibility=m.GroupVisibility.MEMBERS_ONLY)
    await m.GroupMembership.bulk_create(
        [m.GroupMembership(group=g, user=u) for g in groups for u in rng.sample(users[1:], 30)]
        + [m.GroupMembership(group=g, user=viewer) for g in groups[:5]]
    )
    await m.Follow.bulk_create([m.Follow(follower=viewer, followee=u) for u in users[1:101]])
    base = datetime(2026, 11, 1, tzinfo=UTC)
    await m.Post.bulk_create(
        [m.Post(author=rng.choice(users), group=rng.choice(groups) if n % 3 == 0 else None,
                kind=m.PostKind.ARTICLE if n % 4 else m.PostKind.MOMENT,
                title=f"Title {n}" if n % 4 else None, body=f"Post {n} " + "text " * 30,
                tags=["es8", "换电"][: n % 3], comment_count=n % 7, reaction_count=n % 11,
                state=m.PostState.PUBLISHED, published_at=base - timedelta(minutes=7 * n + n % 5))
         for n in range(5000)]
    )  # fmt: skip
    post_ids, reactions = await m.Post.all().values_list("id", flat=True), list(m.ReactionKind)
    await m.PostReaction.bulk_create(
        [m.PostReaction(post_id=p, user=viewer, kind=kind)
         for p in post_ids if p % 3 == 0 for kind in reactions[: 1 + p % 2]]
    )  # fmt: skip
    await db.connection().execute_script("ANALYZE")  # planner statistics, as in production
    await db.close()
    return issue_token(SECRET, viewer.id, 3600)


@functools.cache
def camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.title() for word in rest)


def node(type_name: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row under the API's camelCase names, with its global id."""
    return {camel(k): v for k, v in row.items()} | {"id": encode_id(type_name, row["id"])}


def handwritten_app(settings: Settings) -> Any:
    """The same page without GraphQL: the same seven statements, rows as dicts, one response."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    async def feed(request: Any) -> Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        viewer = await m.User.get_or_none(id=read_token(SECRET, token) or 0)
        if viewer is None:
            return JSONResponse({"error": "sign in"}, status_code=401)
        groups = await m.GroupMembership.filter(user=viewer).values_list("group_id", flat=True)
        followed = Subquery(m.Follow.filter(follower=viewer).values("followee_id"))
        mine = Q(author_id=viewer.id) | Q(author_id__in=followed)
        if groups:
            mine |= Q(group_id__in=groups)
        rows = await (
            m.Post.filter(visible_posts(groups), mine)
            .order_by("-published_at", "-id")
            .limit(PAGE + 1)
            .values(*POST_COLUMNS, "author_id", "group_id")
        )
        page, author_ids = rows[:PAGE], {r["author_id"] for r in rows[:PAGE]}
        authors = await m.User.filter(id__in=author_ids).values(*USER_COLUMNS)
        badges = await m.EmployeeBadge.filter(user_id__in=author_ids).values(*BADGE_COLUMNS)
        group_ids = {r["group_id"] for r in page if r["group_id"]}
        group_rows = await m.Group.filter(id__in=group_ids).values(*GROUP_COLUMNS)
        reacted: dict[int, list[str]] = {}
        for post_id, kind in await m.PostReaction.filter(
            user=viewer, post_id__in=[r["id"] for r in page]
        ).values_list("post_id", "kind"):
            reacted.setdefault(post_id, []).append(kind)

        badge = {b.pop("user_id"): b for b in badges}
        people = {u["id"]: node("User", u) | {"employeeBadge": badge.get(u["id"])} for u in authors}
        places = {g["id"]: node("Group", g) for g in group_rows}
        edges = [
            {"cursor": encode_cursor(HOME_FEED, [r["published_at"], r["id"]]),
             "node": node("Post", {k: r[k] for k in POST_COLUMNS}) | {
                 "publishedAt": r["published_at"].isoformat(),
                 "viewerReactions": sorted(reacted.get(r["id"], [])),
                 "author": people[r["author_id"]],
                 "group": places.get(r["group_id"])}}
            for r in page
        ]  # fmt: skip
        end = edges[-1]["cursor"] if edges else None
        info = {"hasNextPage": len(rows) > PAGE, "endCursor": end}
        return JSONResponse({"data": {"homeFeed": {"edges": edges, "pageInfo": info}}})

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> Any:
        db = Database(settings.database_url)
        await db.open()
        yield
        await db.close()

    async def healthz(_: Any) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[Route("/feed", feed), Route("/healthz", healthz)], lifespan=lifespan)


def instrument(app: Any) -> None:
    """Routes for the parent: SQL statements run so far, and a profiler to start, then dump."""
    from starlette.responses import PlainTextResponse

    records = logging.handlers.BufferingHandler(capacity=10**9)  # never flushed
    logger = logging.getLogger("tortoise.db_client")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(records)
    profiler = cProfile.Profile()

    async def sql_count(_: Any) -> PlainTextResponse:
        verbs = [r.getMessage().lstrip()[:6].upper() for r in records.buffer]
        return PlainTextResponse(
            str(sum(v in ("SELECT", "INSERT", "UPDATE", "DELETE") for v in verbs))
        )

    async def profile(request: Any) -> PlainTextResponse:  # async: runs on the loop's thread
        if dump := request.query_params.get("dump"):
            profiler.disable()
            profiler.dump_stats(dump)
        else:
            logger.setLevel(logging.WARNING)  # logging every statement would distort the profile
            profiler.enable()
        return PlainTextResponse("ok")

    app.add_route("/bench/sql-count", sql_count)
    app.add_route("/bench/profile", profile)


def serve(kind: str, url: str, port: int, instrumented: bool) -> None:
    import uvicorn

    from server.app import create_app

    settings = Settings(
        environment="production",
        database_url=url,
        secret_key=SECRET,
        scheduler_interval_seconds=3600,
    )
    app = create_app(settings) if kind == "graphql" else handwritten_app(settings)
    if instrumented:
        instrument(app)
    options = {"log_level": "warning", "access_log": False, "ws_per_message_deflate": False}
    uvicorn.run(app, host="127.0.0.1", port=port, workers=1, **options)


@contextlib.contextmanager
def server(kind: str, url: str, token: str, instrumented: bool = False) -> Any:
    """A server subprocess; yields its feed request and a function reading its CPU seconds."""
    port = free_port()
    args = [sys.executable, __file__, "--serve", kind, "--database-url", url, "--port", str(port)]
    base, headers = f"http://127.0.0.1:{port}", {"authorization": f"Bearer {token}"}
    request: dict[str, Any] = {"method": "GET", "url": f"{base}/feed", "headers": headers}
    if kind == "graphql":
        body = {"query": QUERY, "variables": {"first": PAGE}}
        request |= {"method": "POST", "url": f"{base}/graphql", "json": body}
    with process_serving(args + ["--instrumented"] * instrumented, port) as process:
        yield request, functools.partial(cpu_seconds, process.pid)


async def load(request: dict[str, Any], n: int, workers: int, warmup: int = 50) -> Any:
    """`warmup` requests one by one, then `n` from `workers` concurrent workers: the latencies
    (seconds) and the time they took (wall clock; CPU of this, the load generator's, process)."""
    latencies: list[float] = []
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=workers)) as client:

        async def worker(todo: Any) -> None:
            for _ in todo:
                started = time.perf_counter()
                (await client.request(**request)).raise_for_status()
                latencies.append(time.perf_counter() - started)

        await worker(range(warmup))
        latencies.clear()
        started, cpu, todo = time.perf_counter(), time.process_time(), iter(range(n))
        await asyncio.gather(*(worker(todo) for _ in range(workers)))
        return latencies, time.perf_counter() - started, time.process_time() - cpu


def measure(request: dict[str, Any], n: int, workers: int, server_cpu: Any) -> dict[str, float]:
    asyncio.run(load(request, 0, 1))  # connections and caches warm before the CPU is read
    cpu = server_cpu()
    latencies, elapsed, client_cpu = asyncio.run(load(request, n, workers, warmup=0))
    cpu, (p50, p99) = server_cpu() - cpu, percentiles(latencies, 50, 99)
    return {"rps": n / elapsed, "p50": p50 * 1000, "p99": p99 * 1000,
            "cpu_ms": cpu / n * 1000, "busy": cpu / elapsed,
            "client": client_cpu / elapsed}  # fmt: skip


def compare(graphql: Any, handwritten: Any) -> None:
    edges = [answer["data"]["homeFeed"]["edges"] for answer in (graphql, handwritten)]
    ids = [[e["node"]["id"] for e in answer] for answer in edges]
    assert len(ids[0]) == PAGE and ids[0] == ids[1], f"the pages differ: {ids}"
    authors = [[e["node"]["author"] for e in answer] for answer in edges]
    assert authors[0] == authors[1], f"the authors differ: {authors}"
    # GraphQL adds `extensions.cost`, which the hand-written endpoint has no reason to.
    assert graphql["data"] == handwritten["data"], f"the answers differ:\n{graphql}\n{handwritten}"


def package(path: str) -> str:
    """Where a profiled function lives: a package, this repository, the stdlib, or C."""
    if path == "~":
        return "C functions (builtins, sqlite3, ...)"
    if "site-packages/" in path:
        return path.split("site-packages/")[1].split("/")[0].removesuffix(".py")
    if path.startswith(f"{ROOT}/"):
        return "this repository: " + path[len(str(ROOT)) + 1 :].split("/")[0]
    if "/lib/python3" in path:
        return "stdlib: " + path.rpartition("/lib/python3")[2].split("/")[1].removesuffix(".py")
    return path


def report_profile(kind: str, stats: pstats.Stats, requests: int) -> None:
    rows: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total, by_package = sum(row[2] for row in rows.values()), {}
    for (path, _, _), row in rows.items():
        by_package[package(path)] = by_package.get(package(path), 0.0) + row[2]
    print(f"  {kind}: {total / requests * 1000:.2f} ms CPU/request under cProfile; by package:")
    for name, seconds in sorted(by_package.items(), key=lambda kv: -kv[1])[:8]:
        print(f"    {seconds / total:6.1%}  {name}")
    print("    top functions: calls/request (a coroutine's resumptions count), ms/request")
    for (path, line, function), row in sorted(rows.items(), key=lambda kv: -kv[1][2])[:12]:
        name = function if path == "~" else f"{Path(path).name}:{line} {function}"
        print(f"    {row[1] / requests:7.1f}  {row[2] / requests * 1000:6.3f}  {name[:80]}")


def run(url: str, args: argparse.Namespace) -> None:
    token = asyncio.run(generate(url))
    answers, sql, profiles, results = {}, {}, {}, {}
    for kind in ("graphql", "handwritten"):  # untimed: the answer, its SQL, the profile
        with server(kind, url, token, instrumented=True) as (request, _):
            bench = request["url"].rpartition("/")[0] + "/bench"
            before = int(httpx.get(f"{bench}/sql-count").text)
            answers[kind] = httpx.request(**request).raise_for_status().json()
            sql[kind] = int(httpx.get(f"{bench}/sql-count").text) - before
            if args.profile:
                asyncio.run(load(request, 0, 1, warmup=20))
                httpx.get(f"{bench}/profile").raise_for_status()
                asyncio.run(load(request, args.profile, 1, warmup=0))
                path = Path(tempfile.gettempdir()) / f"bench-feed-{kind}-{os.getpid()}.prof"
                httpx.get(f"{bench}/profile", params={"dump": str(path)}).raise_for_status()
                profiles[kind] = pstats.Stats(str(path))
                path.unlink()
    compare(answers["graphql"], answers["handwritten"])
    for kind in answers:
        with server(kind, url, token) as (request, cpu_seconds):
            results[kind] = measure(request, args.requests, args.concurrency, cpu_seconds)

    print(
        f"home feed, {PAGE} posts/page, {args.requests} requests after 50 warm-up, concurrency "
        f"{args.concurrency}, {url.split(':', 1)[0]}, {machine()}"
    )
    for kind, r in results.items():
        print(f"  {kind:12s} {r['rps']:7.1f} req/s  p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms")
    graphql, handwritten = results["graphql"], results["handwritten"]
    print(f"  ratio graphql/handwritten throughput: {graphql['rps'] / handwritten['rps']:.2f}")
    print("what limits it:")
    for kind, r in results.items():
        print(
            f"  {kind:12s} {sql[kind]} SQL statements/request, server CPU {r['cpu_ms']:.2f} "
            f"ms/request, one core {r['busy']:.0%} busy (load generator: {r['client']:.0%})"
        )
    extra = sql["graphql"] - sql["handwritten"]
    print(
        f"  -> GraphQL spends {graphql['cpu_ms'] - handwritten['cpu_ms']:.2f} ms more server CPU "
        f"per request with {extra:+d} SQL statements: "
        + ("Python work, not the database" if extra <= 0 else "partly the extra statements")
        + (". Run with --profile for where it goes." if not profiles else ":")
    )
    for kind, stats in profiles.items():
        report_profile(kind, stats, args.profile)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--profile", type=int, nargs="?", const=200, default=0, metavar="N")
    parser.add_argument("--serve", choices=["graphql", "handwritten"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--instrumented", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.database_url, args.port, args.instrumented)
        return
    with (
        tempfile.TemporaryDirectory() as tmp,
        bench_database(args.database_url, "feed", Path(tmp)) as url,
    ):
        run(url, args)


if __name__ == "__main__":
    main()
