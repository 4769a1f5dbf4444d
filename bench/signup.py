"""A rush for seats: many members sign up for one event at the same moment, through the HTTP
GraphQL API, on PostgreSQL.

    .venv/bin/python bench/signup.py                        # 500 members, 100 seats
    .venv/bin/python bench/signup.py --clients 2000 --capacity 300
    .venv/bin/python bench/signup.py --database-url postgres://postgres@127.0.0.1:5432/postgres

The URL (or DATABASE_URL when it is a PostgreSQL one, else the local server) only names the
server: a fresh `bench_signup_<random>` database is created there and dropped at the end. The
app runs under uvicorn in a subprocess (one worker, production settings, Tortoise's pool of 5
connections, like bench/ledger.py). Each of the `--clients` members (500) has their own token
and their own HTTP connection, opened beforehand by one small query each; then all of them send
`signUpForEvent(input: {eventId, guests: 0})` for one `--capacity`-seat event (100) at once.

Printed: the time until every member had an answer, p50/p90/p99 latency of a signup, the
CONFIRMED and WAITLISTED answers, and then the check, from the answers and from the database:
exactly min(clients, capacity) CONFIRMED, the rest WAITLISTED with positions 1..n without gaps
or repeats, and the event's counters equal to the sums over its signups. The exit status is 1
when any of it fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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
from schema.relay import encode_id  # noqa: E402
from server import models as m  # noqa: E402
from server.db import Database  # noqa: E402
from server.security import issue_token  # noqa: E402
from server.settings import Settings  # noqa: E402

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
WARM = "query { viewer { id } }"
SIGN_UP = """mutation SignUp($id: ID!) {
  signUpForEvent(input: {eventId: $id, guests: 0}) {
    __typename
    ... on SignUpForEventSuccess { signup { state position } }
    ... on Error { message } } }"""
# The signups by state (count, seats) and the waitlist's positions; the event's counters.
SIGNUPS = """SELECT state, count(*) AS signups, sum(1 + guests) AS seats
  FROM event_signups WHERE event_id = $1 GROUP BY state"""
POSITIONS = """SELECT position FROM event_signups
  WHERE event_id = $1 AND state = 'WAITLISTED' ORDER BY position"""
COUNTERS = """SELECT capacity, confirmed_seats, waitlisted_seats, waitlist_length
  FROM community_events WHERE id = $1"""


def settings_for(url: str) -> Settings:
    return Settings(
        environment="production",
        database_url=url,
        secret_key=SECRET,
        scheduler_interval_seconds=3600,
    )


async def generate(url: str, clients: int, capacity: int) -> tuple[int, list[str]]:
    """One platform event open for signups, and `clients` members: the event's id and a token
    for each member."""
    db = Database(url)
    await db.open()
    # The models' schema in one go: what the migrations build, without their 5 to 15 s.
    await generate_schema_for_client(db.connection(), safe=False)
    await m.User.bulk_create(
        [m.User(handle="organiser", display_name="Organiser", role=m.PlatformRole.ADMIN)]
        + [m.User(handle=f"rusher{i:04d}", display_name=f"Rusher {i}") for i in range(clients)]
    )
    organiser = await m.User.get(handle="organiser")
    now = datetime.now(UTC)
    event = await m.Event.create(
        title="Community day: the first hundred",
        description="Seats go to whoever signs up first.",
        kind=m.EventKind.OFFLINE,
        city="上海",
        venue="NIO House",
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=4),
        capacity=capacity,
        signup_opens_at=now - timedelta(hours=1),
        signup_closes_at=now + timedelta(days=1),
        organizer=organiser,
    )
    ids = (
        await m.User.filter(handle__startswith="rusher").order_by("id").values_list("id", flat=True)
    )
    await db.connection().execute_script("ANALYZE")
    await db.close()
    return event.id, [issue_token(SECRET, int(pk), 3600) for pk in ids]


def serve(url: str, port: int) -> None:
    import uvicorn

    from server.app import create_app

    app = create_app(settings_for(url))
    uvicorn.run(app, host="127.0.0.1", port=port, workers=1, log_level="warning", access_log=False)


@contextlib.contextmanager
def app_server(url: str) -> Iterator[tuple[str, int]]:
    """The app in a subprocess: its GraphQL URL and its process id."""
    port = free_port()
    command = [sys.executable, __file__, "--serve", "--database-url", url, "--port", str(port)]
    with process_serving(command, port) as process:
        yield f"http://127.0.0.1:{port}/graphql", process.pid


class Connection:
    """One member's keep-alive HTTP/1.1 connection, speaking just enough of the protocol to
    post JSON and read a JSON answer: httpx spends a few milliseconds of the load generator's
    CPU per request, which with 500 requests at once on 2 cores would time the client instead
    of the server."""

    def __init__(self, host: str, port: int, path: str, token: str) -> None:
        self.host, self.port, self.path, self.token = host, port, path, token

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def request(self, document: str, variables: dict[str, Any]) -> bytes:
        body = json.dumps({"query": document, "variables": variables}).encode()
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {self.token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    async def send(self, request: bytes) -> dict[str, Any]:
        self.writer.write(request)
        status = await self.reader.readline()
        if b" 200 " not in status:
            raise RuntimeError(f"the server answered {status.decode().strip()}")
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        answer: dict[str, Any] = json.loads(await self.reader.readexactly(length))
        return answer

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()


async def rush(graphql: str, event_id: int, tokens: list[str], pid: int) -> dict[str, Any]:
    """Every member's connection opened, then every signup sent at once: the answers, each
    signup's latency, the time until the last answer and the server's CPU over it."""
    url = httpx.URL(graphql)
    assert url.port is not None
    members = [Connection(url.host, url.port, url.path, token) for token in tokens]
    variables = {"id": encode_id("Event", event_id)}
    answers: list[dict[str, Any]] = [{} for _ in tokens]
    latencies: list[float] = [0.0] * len(tokens)

    async def warm(member: Connection) -> None:
        """A small query at once for every member: all the connections open."""
        await member.open()
        await member.send(member.request(WARM, {}))

    async def sign_up(i: int, request: bytes) -> None:
        started = time.perf_counter()
        answer = await members[i].send(request)
        latencies[i] = time.perf_counter() - started
        answers[i] = (answer.get("data") or {}).get("signUpForEvent") or answer

    try:
        await asyncio.gather(*(warm(member) for member in members))
        requests = [member.request(SIGN_UP, variables) for member in members]
        cpu, started = cpu_seconds(pid), time.perf_counter()
        await asyncio.gather(*(sign_up(i, request) for i, request in enumerate(requests)))
        elapsed = time.perf_counter() - started
    finally:
        await asyncio.gather(*(member.close() for member in members))
    return {
        "answers": answers,
        "latencies": latencies,
        "elapsed": elapsed,
        "server": (cpu_seconds(pid) - cpu) / elapsed,
    }


def check_answers(answers: list[dict[str, Any]], capacity: int) -> tuple[Counter[str], list[str]]:
    """The answers by state, and what is wrong with them."""
    states: Counter[str] = Counter()
    problems = []
    positions = []
    for answer in answers:
        if answer.get("__typename") != "SignUpForEventSuccess":
            states[answer.get("__typename") or "no answer"] += 1
            continue
        signup = answer["signup"]
        states[signup["state"]] += 1
        if signup["state"] == "WAITLISTED":
            positions.append(signup["position"])
    confirmed = min(len(answers), capacity)
    if states["CONFIRMED"] != confirmed:
        problems.append(f"{states['CONFIRMED']} CONFIRMED answers, not {confirmed}")
    if states["WAITLISTED"] != len(answers) - confirmed:
        problems.append(
            f"{states['WAITLISTED']} WAITLISTED answers, not {len(answers) - confirmed}"
        )
    if sorted(positions) != list(range(1, len(positions) + 1)):
        problems.append("the waitlist positions answered are not 1..n, each once")
    failed = sum(n for state, n in states.items() if state not in ("CONFIRMED", "WAITLISTED"))
    if failed:
        problems.append(f"{failed} signups did not succeed: {dict(states)}")
    return states, problems


async def check_database(url: str, event_id: int, clients: int, capacity: int) -> list[str]:
    """What the database says is wrong: nothing, when the list is empty."""
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        by_state = {r["state"]: r for r in await conn.fetch(SIGNUPS, event_id)}
        positions = [r["position"] for r in await conn.fetch(POSITIONS, event_id)]
        counters = await conn.fetchrow(COUNTERS, event_id)
    finally:
        await conn.close()

    def signups(state: str) -> int:
        return int(by_state[state]["signups"]) if state in by_state else 0

    def seats(*states: str) -> int:
        return sum(int(by_state[s]["seats"]) for s in states if s in by_state)

    confirmed = min(clients, capacity)
    problems = []
    if signups("CONFIRMED") != confirmed:
        problems.append(f"{signups('CONFIRMED')} CONFIRMED signups, not {confirmed}")
    if signups("WAITLISTED") != clients - confirmed:
        problems.append(f"{signups('WAITLISTED')} WAITLISTED signups, not {clients - confirmed}")
    if positions != list(range(1, len(positions) + 1)):
        problems.append("the waitlist positions in the database have gaps or repeats")
    if counters["confirmed_seats"] != seats("CONFIRMED", "ATTENDED"):
        problems.append(f"confirmed_seats {counters['confirmed_seats']} is not the seats held")
    if counters["confirmed_seats"] > counters["capacity"]:
        problems.append("more seats confirmed than the event has")
    if counters["waitlisted_seats"] != seats("WAITLISTED"):
        problems.append(f"waitlisted_seats {counters['waitlisted_seats']} is not the seats asked")
    if counters["waitlist_length"] != signups("WAITLISTED"):
        problems.append(f"waitlist_length {counters['waitlist_length']} is not the waitlist's")
    print(
        f"database: {signups('CONFIRMED')} CONFIRMED, {signups('WAITLISTED')} WAITLISTED "
        f"(positions {positions[0] if positions else '-'}..{positions[-1] if positions else '-'}"
        f"), counters confirmed_seats={counters['confirmed_seats']} "
        f"waitlisted_seats={counters['waitlisted_seats']} "
        f"waitlist_length={counters['waitlist_length']} of capacity {counters['capacity']}"
    )
    return problems


def run(url: str, args: argparse.Namespace) -> int:
    event_id, tokens = asyncio.run(generate(url, args.clients, args.capacity))
    with app_server(url) as (graphql, pid):
        result = asyncio.run(rush(graphql, event_id, tokens, pid))
    states, problems = check_answers(result["answers"], args.capacity)
    p50, p90, p99 = percentiles(result["latencies"], 50, 90, 99)
    print(
        f"signUpForEvent(guests: 0), {args.clients} members at once for {args.capacity} seats, "
        f"one server process, PostgreSQL, {machine()}"
    )
    print(
        f"  all answered in {result['elapsed']:.2f} s ({args.clients / result['elapsed']:.0f} "
        f"signups/s); latency p50 {p50 * 1000:.0f} ms  p90 {p90 * 1000:.0f} ms  "
        f"p99 {p99 * 1000:.0f} ms  max {max(result['latencies']) * 1000:.0f} ms; "
        f"server {result['server']:.0%} of a core busy"
    )
    print(f"  answers: {', '.join(f'{n} {state}' for state, n in states.most_common())}")
    problems += asyncio.run(check_database(url, event_id, args.clients, args.capacity))
    print(
        "check: "
        + (
            "; ".join(problems)
            or f"exactly {min(args.clients, args.capacity)} confirmed, the waitlist 1.."
            f"{max(args.clients - args.capacity, 0)} without gaps, counters equal to the sums"
        )
    )
    return 1 if problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    given = os.environ.get("DATABASE_URL", "")
    parser.add_argument(
        "--database-url", default=given if given.startswith("postgres") else LOCAL_POSTGRES
    )
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.database_url, args.port)
        return
    if not args.database_url.startswith("postgres"):
        parser.error("the signup benchmark runs on PostgreSQL: give a postgres:// URL")
    if args.clients < 1 or args.capacity < 1:
        parser.error("--clients and --capacity are at least 1")
    with (
        tempfile.TemporaryDirectory() as tmp,
        bench_database(args.database_url, "signup", Path(tmp)) as url,
    ):
        sys.exit(run(url, args))


if __name__ == "__main__":
    main()
