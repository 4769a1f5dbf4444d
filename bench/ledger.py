"""Points spent per second: GraphQL `spendPoints` through the real app beside the same guarded
update written by hand as one SQL transaction, on PostgreSQL.

    .venv/bin/python bench/ledger.py                    # the local server, 10 s each side
    .venv/bin/python bench/ledger.py --seconds 5 --clients 32
    .venv/bin/python bench/ledger.py --database-url postgres://postgres@127.0.0.1:5432/postgres

The URL (or DATABASE_URL when it is a PostgreSQL one, else the local server) only names the
server: a fresh `bench_ledger_<random>` database is created there and dropped at the end. Each of
the `--clients` concurrent clients (16) is a different member with a large balance (an ADJUSTED
entry written by the ledger's own bookkeeping), and every spend carries a new idempotency key.

- GraphQL: the app under uvicorn in a subprocess (one worker, production settings, like
  bench/feed.py), each client sending `spendPoints(amount: 1)` over HTTP with its own token.
- Hand-written: one asyncpg connection per client in this process, each spend one transaction:
  the account's advisory lock (the app's own key), a look for the key's entry, the guarded
  `UPDATE ledger_accounts SET balance = balance - 1 ... WHERE balance >= 1`, the entry's INSERT.

Both run for `--seconds` after a short warm-up (the whole run takes about 35 s by default).
Printed: spends/s, p50/p99 latency, the throughput ratio, what limits each side (SQL statements
a spend, CPU), and then the proof that nothing was lost or doubled: every balance equals the sum
of its entries, every balanceAfter chains from the one before, and the SPENT entries are exactly
the spends the clients were told succeeded (the exit status is 1 otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import logging.handlers
import os
import sys
import tempfile
import time
import zlib
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

# Run as a script, this file's folder heads sys.path, where bench/search.py would shadow
# `search`: the repository root takes its place.
HERE = Path(__file__).resolve().parent
sys.path[:] = [str(HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from tortoise.utils import generate_schema_for_client  # noqa: E402

from bench.common import (  # noqa: E402
    SECRET,
    bench_database,
    cpu_seconds,
    free_port,
    machine,
    percentiles,
    process_serving,
)
from resolvers.ledger import calendar, post_entry  # noqa: E402
from server import models as m  # noqa: E402
from server.db import Database  # noqa: E402
from server.security import issue_token  # noqa: E402
from server.settings import Settings  # noqa: E402

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
BALANCE = 10_000_000
WARMUP = 20  # spends per client before the clock starts
SPEND = """mutation Spend($key: String!) {
  spendPoints(input: {amount: 1, reason: "bench", idempotencyKey: $key}) {
    __typename ... on SpendPointsSuccess { balance } ... on Error { message } } }"""
FIND = """SELECT amount FROM ledger_entries
  WHERE user_id = $1 AND ledger = 'POINTS' AND idempotency_key = $2"""
TAKE = """UPDATE ledger_accounts SET balance = balance - 1
  WHERE id = $1 AND balance >= 1 RETURNING balance"""
WRITE = """INSERT INTO ledger_entries
  (user_id, ledger, kind, amount, balance_after, reason, idempotency_key, day, year, created_at)
  VALUES ($1, 'POINTS', 'SPENT', -1, $2, 'bench', $3, $4, $5, now())"""
# Accounts whose balance is not the sum of their entries; entries whose balance_after is not the
# previous one's plus their amount, or below zero; the spends written; the accounts.
PROOF = (
    """SELECT count(*) FROM ledger_accounts a WHERE a.balance <> (
       SELECT coalesce(sum(e.amount), 0) FROM ledger_entries e
       WHERE e.user_id = a.user_id AND e.ledger = a.ledger)""",
    """SELECT count(*) FROM (
       SELECT amount, balance_after, lag(balance_after, 1, 0::bigint)
         OVER (PARTITION BY user_id, ledger ORDER BY id) AS before FROM ledger_entries) c
       WHERE balance_after <> before + amount OR balance_after < 0""",
    "SELECT count(*) FROM ledger_entries WHERE kind = 'SPENT'",
    "SELECT count(*) FROM ledger_accounts",
)


def settings_for(url: str) -> Settings:
    return Settings(
        environment="production",
        database_url=url,
        secret_key=SECRET,
        scheduler_interval_seconds=3600,
    )


async def generate(url: str, clients: int) -> list[tuple[int, int, str]]:
    """Members with a large balance each: (user id, account id, token) per client."""
    db = Database(url)
    await db.open()
    # The models' schema in one go: what the migrations build, without their 5 to 15 s.
    await generate_schema_for_client(db.connection(), safe=False)
    settings = settings_for(url)
    await m.User.bulk_create(
        [m.User(handle=f"spender{i:03d}", display_name=f"Spender {i}") for i in range(clients)]
    )
    users = await m.User.all().order_by("id")
    for user in users:  # nobody else writes yet: no account lock to take
        await post_entry(
            settings,
            m.Ledger.POINTS,
            user.id,
            BALANCE,
            kind=m.LedgerEntryKind.ADJUSTED,
            reason="bench balance",
            key=f"adjust:bench-{user.id}",
        )
    accounts = dict(await m.LedgerAccount.all().values_list("user_id", "id"))
    await db.connection().execute_script("ANALYZE")
    await db.close()
    return [(u.id, accounts[u.id], issue_token(SECRET, u.id, 3600)) for u in users]


def count_statements(app: Any) -> None:
    """A route for the parent: `/bench/sql?start=1` starts counting the SQL statements the app
    runs, `/bench/sql` says how many ran and stops (logging every one would slow it down)."""
    from starlette.responses import PlainTextResponse

    records = logging.handlers.BufferingHandler(capacity=10**9)  # never flushed
    logger = logging.getLogger("tortoise.db_client")
    logger.addHandler(records)

    async def sql(request: Any) -> PlainTextResponse:
        if request.query_params.get("start"):
            records.buffer.clear()
            logger.setLevel(logging.DEBUG)
            return PlainTextResponse("counting")
        logger.setLevel(logging.WARNING)
        verbs = [r.getMessage().lstrip()[:6].upper() for r in records.buffer]
        return PlainTextResponse(str(sum(v in ("SELECT", "INSERT", "UPDATE") for v in verbs)))

    app.add_route("/bench/sql", sql)


def serve(url: str, port: int) -> None:
    import uvicorn

    from server.app import create_app

    app = create_app(settings_for(url))
    count_statements(app)
    uvicorn.run(app, host="127.0.0.1", port=port, workers=1, log_level="warning", access_log=False)


@contextlib.contextmanager
def app_server(url: str) -> Iterator[tuple[str, Callable[[], float]]]:
    """The app in a subprocess: its GraphQL URL and a function reading its CPU seconds."""
    port = free_port()
    command = [sys.executable, __file__, "--serve", "--database-url", url, "--port", str(port)]
    with process_serving(command, port) as process:
        yield f"http://127.0.0.1:{port}/graphql", functools.partial(cpu_seconds, process.pid)


Spend = Callable[[int, str], Awaitable[None]]


async def drive(spend: Spend, clients: int, seconds: float) -> dict[str, Any]:
    """`WARMUP` spends per client, then each client spending until `seconds` are up, one
    request at a time: the latencies, the spends made (warm-up included) and the time taken."""
    latencies: list[float] = []
    made = [0] * clients

    async def client(i: int, until: float | None) -> None:
        """One spend at a time: `WARMUP` of them untimed (no `until`), else until `until`."""
        while made[i] < WARMUP if until is None else time.perf_counter() < until:
            started = time.perf_counter()
            await spend(i, f"bench-{i}-{made[i]}")
            made[i] += 1
            if until is not None:
                latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(client(i, None) for i in range(clients)))
    started, cpu = time.perf_counter(), time.process_time()
    until = started + seconds
    await asyncio.gather(*(client(i, until) for i in range(clients)))
    elapsed = time.perf_counter() - started
    return {
        "latencies": latencies,
        "made": sum(made),
        "elapsed": elapsed,
        "client": (time.process_time() - cpu) / elapsed,
    }


async def through_graphql(graphql: str, people: list[tuple[int, int, str]], seconds: float) -> Any:
    limits = httpx.Limits(max_connections=len(people), max_keepalive_connections=len(people))
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:

        async def spend(i: int, key: str) -> None:
            headers = {"authorization": f"Bearer {people[i][2]}"}
            body = {"query": SPEND, "variables": {"key": f"gql-{key}"}}
            answer = (await http.post(graphql, json=body, headers=headers)).json()
            result = (answer.get("data") or {}).get("spendPoints") or answer
            if result.get("__typename") != "SpendPointsSuccess":
                raise RuntimeError(f"a spend failed: {answer}")

        base = graphql.rpartition("/")[0]
        await http.get(f"{base}/bench/sql", params={"start": 1})
        await spend(0, "counted")
        statements = int((await http.get(f"{base}/bench/sql")).text)
        result = await drive(spend, len(people), seconds)
        return result | {"statements": statements, "made": result["made"] + 1}


async def by_hand(url: str, people: list[tuple[int, int, str]], seconds: float) -> Any:
    settings = settings_for(url)
    dsn = url.replace("postgres://", "postgresql://", 1)
    connections = await asyncio.gather(*(asyncpg.connect(dsn) for _ in people))
    locks = [zlib.crc32(f"ledger:{m.Ledger.POINTS}:{user_id}".encode()) for user_id, _, _ in people]

    async def spend(i: int, key: str) -> None:
        user_id, account_id, _ = people[i]
        conn, key, (day, year) = connections[i], f"spend:sql-{key}", calendar(settings)
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", locks[i])
            if await conn.fetchval(FIND, user_id, key) is not None:
                return  # a retry: the first spend stands
            balance = await conn.fetchval(TAKE, account_id)
            if balance is None:
                raise RuntimeError("insufficient points")
            await conn.execute(WRITE, user_id, balance, key, day, year)

    try:
        return await drive(spend, len(people), seconds) | {"statements": 4}
    finally:
        await asyncio.gather(*(conn.close() for conn in connections))


async def proof(url: str, spends: int) -> list[str]:
    """What the ledger says was lost or invented: nothing, when the list is empty."""
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        differing, broken, written, accounts = [await conn.fetchval(q) for q in PROOF]
    finally:
        await conn.close()
    problems = [f"{differing} balances differ from the sum of their entries"] * bool(differing)
    problems += [f"{broken} entries break their account's chain of balanceAfter"] * bool(broken)
    if written != spends:
        problems.append(f"{written} SPENT entries for {spends} spends the clients saw succeed")
    verdict = "; ".join(problems) or (
        "every balance is the sum of its entries and every balanceAfter chains: "
        "nothing lost, nothing doubled"
    )
    print(
        f"proof: {accounts} accounts, {written} SPENT entries for {spends} successful spends; "
        + verdict
    )
    return problems


def run(url: str, args: argparse.Namespace) -> int:
    people = asyncio.run(generate(url, args.clients))
    results = {}
    with app_server(url) as (graphql, server_cpu):
        cpu = server_cpu()
        results["graphql"] = asyncio.run(through_graphql(graphql, people, args.seconds))
        results["graphql"]["server"] = (server_cpu() - cpu) / results["graphql"]["elapsed"]
    results["handwritten"] = asyncio.run(by_hand(url, people, args.seconds))

    print(
        f"spendPoints(amount: 1), {args.clients} clients (one member each, a new key per spend), "
        f"{args.seconds:g} s after {WARMUP} warm-up spends each, PostgreSQL, {machine()}"
    )
    for kind, r in results.items():
        p50, p99 = percentiles(r["latencies"], 50, 99)
        r["rate"] = len(r["latencies"]) / r["elapsed"]
        print(
            f"  {kind:12s} {r['rate']:8.1f} spends/s  p50 {p50 * 1000:6.2f} ms  "
            f"p99 {p99 * 1000:6.2f} ms  ({len(r['latencies'])} spends)"
        )
    graphql, handwritten = results["graphql"], results["handwritten"]
    print(f"  ratio graphql/handwritten throughput: {graphql['rate'] / handwritten['rate']:.2f}")
    print("what limits it:")
    print(
        f"  graphql      {graphql['statements']} SQL statements a spend; one server process "
        f"{graphql['server']:.0%} of a core busy (the load generator: {graphql['client']:.0%}); "
        "its pool holds 5 connections (Tortoise's default)"
    )
    print(
        f"  handwritten  {handwritten['statements']} SQL statements a spend (and BEGIN, COMMIT) "
        f"on {args.clients} connections; this process {handwritten['client']:.0%} of a core busy"
    )
    spends = sum(r["made"] for r in results.values())
    return 1 if asyncio.run(proof(url, spends)) else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    given = os.environ.get("DATABASE_URL", "")
    parser.add_argument(
        "--database-url", default=given if given.startswith("postgres") else LOCAL_POSTGRES
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.database_url, args.port)
        return
    if not args.database_url.startswith("postgres"):
        parser.error("the ledger benchmark runs on PostgreSQL: give a postgres:// URL")
    with (
        tempfile.TemporaryDirectory() as tmp,
        bench_database(args.database_url, "ledger", Path(tmp)) as url,
    ):
        sys.exit(run(url, args))


if __name__ == "__main__":
    main()
