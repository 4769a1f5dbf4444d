"""Fan-out: N live subscribers on one server process, then one new post.

    .venv/bin/python bench/fanout.py                      # 2,000 subscriptions
    .venv/bin/python bench/fanout.py --subscribers 10000

Starts `python -m server serve` (production mode, SQLite in a temporary directory, in-process
broadcast), opens N graphql-transport-ws connections with one `postAdded` subscription each,
and prints the server's memory per subscription (growth of its resident set over N) and the
time from sending `createPost` until 50 %, 99 % and 100 % of subscribers received the post.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import free_port  # noqa: E402

SUBSCRIPTION = "subscription { postAdded { cursor post { id body author { handle } } } }"


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def wait_for(url: str, predicate, timeout: float = 120) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=5) as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                body = (await client.get(url)).json()
                if predicate(body):
                    return body
            await asyncio.sleep(0.2)
    raise TimeoutError(url)


async def subscriber(url: str, ready: asyncio.Queue[object], received: list[float],
                     done: asyncio.Event, connections: list[object]) -> None:
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"], ping_interval=None,
                                  max_size=2**20, compression=None) as ws:
        connections.append(ws)
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        await ws.recv()
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": SUBSCRIPTION}}))
        await ready.put(None)
        while True:
            message = json.loads(await ws.recv())
            if message.get("type") == "next":
                received.append(time.perf_counter())
                break
        await done.wait()


async def run(count: int, batch: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp}/bench.sqlite3", "SEED_DEMO": "0",
               "APP_ENV": "production", "SECRET_KEY": "fanout-bench-" + "x" * 40,
               "PORT": str(port), "MAX_SUBSCRIPTIONS_PER_CONNECTION": "5"}
        with open(Path(tmp) / "server.log", "wb") as log:
            server = subprocess.Popen([sys.executable, "-m", "server", "serve"], cwd=ROOT,
                                      env=env, stdout=log, stderr=subprocess.STDOUT)
        base, ws_url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/graphql"
        tasks: list[asyncio.Task[None]] = []
        done = asyncio.Event()
        try:
            await wait_for(f"{base}/healthz", lambda b: b.get("status") == "ok")
            async with httpx.AsyncClient(timeout=30) as client:
                registered = await client.post(f"{base}/graphql", json={"query":
                    'mutation { register(input: {handle: "poster", password: "password-123", '
                    'displayName: "Poster"}) { ... on RegisterSuccess { token } } }'})
                token = registered.json()["data"]["register"]["token"]
            await asyncio.sleep(1)
            baseline = rss_kb(server.pid)

            ready: asyncio.Queue[object] = asyncio.Queue()
            received: list[float] = []
            connections: list[object] = []
            started = time.perf_counter()
            for first in range(0, count, batch):
                for _ in range(first, min(first + batch, count)):
                    tasks.append(asyncio.create_task(
                        subscriber(ws_url, ready, received, done, connections)))
                for _ in range(first, min(first + batch, count)):
                    await ready.get()
            await wait_for(f"{base}/healthz", lambda b: b["subscribers"] >= count)
            connect_seconds = time.perf_counter() - started
            await asyncio.sleep(2)
            per_subscription = (rss_kb(server.pid) - baseline) / count

            sent = time.perf_counter()
            async with httpx.AsyncClient(timeout=30) as client:
                await client.post(f"{base}/graphql", headers={"authorization": f"Bearer {token}"},
                                  json={"query": 'mutation { createPost(input: {kind: MOMENT, '
                                        'body: "fan-out"}) { __typename } }'})
            deadline = time.monotonic() + 120
            while len(received) < count and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            delays = sorted((t - sent) * 1000 for t in received)
        finally:
            done.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            server.terminate()
            server.wait(timeout=30)

    cuts = statistics.quantiles(delays, n=100) if len(delays) > 1 else delays * 99
    print(f"fan-out to {count} subscriptions on one process ({count / connect_seconds:.0f} "
          f"subscriptions/s to connect)")
    print(f"  memory per subscription: {per_subscription:.1f} KB (server RSS growth / {count})")
    print(f"  received: {len(delays)} of {count}")
    print(f"  50 %: {cuts[49]:.0f} ms   99 %: {cuts[98]:.0f} ms   100 %: {delays[-1]:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=200, help="connections opened at once")
    args = parser.parse_args()
    asyncio.run(run(args.subscribers, args.batch))


if __name__ == "__main__":
    main()
