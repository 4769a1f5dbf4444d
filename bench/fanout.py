"""Fan-out: N live subscribers on one server process, then one new post.

    .venv/bin/python bench/fanout.py                                  # 2,000 subscriptions
    .venv/bin/python bench/fanout.py --subscribers 10000
    .venv/bin/python bench/fanout.py --subscribers 10000 --profile fanout.svg   # needs py-spy

Starts `python -m server serve` (production mode, SQLite in a temporary directory, in-process
broadcast), opens N graphql-transport-ws connections with one `postAdded` subscription each,
spread over several client processes, and prints the server's memory per subscription (growth
of its resident set over N) and the time from sending `createPost` until 50 %, 99 % and 100 %
of subscribers received the post. Times are wall-clock (`time.time()`, one clock for every
process on the machine): sent just before the mutation, received as each client reads the frame.

The clients share the machine with the server, so the report also gives the CPU the server and
the clients spent during the fan-out: when the clients are near 100 % of a core they, not the
server, set the pace; give them more processes (`--client-processes`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import signal
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

# Run as a script, this file's folder heads sys.path, where bench/search.py would shadow
# `search`: the repository root takes its place.
HERE = Path(__file__).resolve().parent
sys.path[:] = [str(HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]

import httpx  # noqa: E402
import websockets  # noqa: E402

from bench.common import community_server, cpu_times, graphql, percentiles  # noqa: E402

SUBSCRIPTION = "subscription { postAdded { cursor post { id body author { handle } } } }"
REGISTER = """mutation { register(input: {handle: "poster", password: "password-123",
  displayName: "Poster"}) { ... on RegisterSuccess { token } } }"""
CREATE_POST = 'mutation { createPost(input: {kind: MOMENT, body: "fan-out"}) { __typename } }'


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def subscribed(base: str, count: int, timeout: float = 120) -> None:
    """Until the server counts `count` subscriptions: it counts one once its pub/sub has
    confirmed the channel, so the post reaches every one of them."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=5) as client:
        while (await client.get(f"{base}/healthz")).json()["subscribers"] < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"fewer than {count} subscriptions after {timeout:g} s")
            await asyncio.sleep(0.2)


# --- a client process: its share of the subscribers -------------------------------------------


async def subscriber(
    url: str, ready: asyncio.Queue[object], received: list[float], done: asyncio.Event
) -> None:
    async with websockets.connect(
        url,
        subprotocols=["graphql-transport-ws"],
        ping_interval=None,
        max_size=2**20,
        compression=None,
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        await ws.recv()
        subscribe = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}
        await ws.send(json.dumps(subscribe))
        await ready.put(None)
        while True:
            frame = await ws.recv()
            now = time.time()
            if json.loads(frame).get("type") == "next":
                received.append(now)
                break
        await done.wait()


async def clients(url: str, count: int, batch: int, pipe: Connection) -> None:
    """Open `count` subscriptions, say so, wait for the frames, report their arrival times,
    and hold the connections open until told to close."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Queue[object] = asyncio.Queue()
    received: list[float] = []
    done = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    for first in range(0, count, batch):
        for _ in range(first, min(first + batch, count)):
            tasks.append(asyncio.create_task(subscriber(url, ready, received, done)))
        for _ in range(first, min(first + batch, count)):
            await ready.get()
    pipe.send("ready")
    timeout = await loop.run_in_executor(None, pipe.recv)  # the mutation is being sent
    cpu_before, deadline = time.process_time(), time.monotonic() + timeout
    while len(received) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    pipe.send((received, time.process_time() - cpu_before))
    await loop.run_in_executor(None, pipe.recv)
    done.set()
    await asyncio.gather(*tasks, return_exceptions=True)


def client_process(url: str, count: int, batch: int, pipe: Connection) -> None:
    asyncio.run(clients(url, count, batch, pipe))


# --- the driver ---------------------------------------------------------------------------------


def start_profiler(pid: int, output: str) -> subprocess.Popen[bytes]:
    py_spy = Path(sys.executable).with_name("py-spy")
    formats = {".txt": "raw", ".json": "speedscope"}  # otherwise a flame graph (SVG)
    return subprocess.Popen(
        [str(py_spy), "record", "--pid", str(pid), "--output", output, "--rate", "200",
         "--nonblocking", "--format", formats.get(Path(output).suffix, "flamegraph")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


async def run(base: str, pid: int, token: str, count: int, batch: int, processes: int,
              profile: str | None) -> None:  # fmt: skip
    ws_url = base.replace("http://", "ws://", 1) + "/graphql"
    spawn = multiprocessing.get_context("spawn")
    workers: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
    try:
        await asyncio.sleep(1)  # not a wait for anything: the server's memory settles
        baseline = rss_kb(pid)

        started = time.monotonic()
        shares = [count // processes + (i < count % processes) for i in range(processes)]
        for share in shares:
            mine, theirs = spawn.Pipe()
            worker = spawn.Process(
                target=client_process, args=(ws_url, share, max(1, batch // processes), theirs)
            )
            worker.start()
            workers.append((worker, mine))
        loop = asyncio.get_running_loop()
        for _, pipe in workers:
            assert await loop.run_in_executor(None, pipe.recv) == "ready"
        await subscribed(base, count)
        connect_seconds = time.monotonic() - started
        await asyncio.sleep(2)  # likewise: the memory of the subscriptions settles
        per_subscription = (rss_kb(pid) - baseline) / count

        profiler = start_profiler(pid, profile) if profile else None
        async with httpx.AsyncClient(timeout=30) as client:
            for _, pipe in workers:
                pipe.send(120.0)
            cpu_before = cpu_times(pid)
            sent = time.time()
            await client.post(
                f"{base}/graphql",
                headers={"authorization": f"Bearer {token}"},
                json={"query": CREATE_POST},
            )
        received: list[float] = []
        client_cpu: list[float] = []
        for _, pipe in workers:
            times, cpu = await loop.run_in_executor(None, pipe.recv)
            received += times
            client_cpu.append(cpu)
        last = max(received, default=sent)
        user, system = (b - a for a, b in zip(cpu_before, cpu_times(pid), strict=True))
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(timeout=60)
        delays = sorted((t - sent) * 1000 for t in received)
    finally:
        for _, pipe in workers:
            with contextlib.suppress(OSError):
                pipe.send("close")
        for worker, _ in workers:
            worker.join(timeout=60)
            if worker.is_alive():
                worker.kill()

    window = max(last - sent, 1e-3)
    p50, p99 = percentiles(delays, 50, 99)
    print(
        f"fan-out to {count} subscriptions on one process ({count / connect_seconds:.0f} "
        f"subscriptions/s to connect, {processes} client processes)"
    )
    print(f"  memory per subscription: {per_subscription:.1f} KB (server RSS growth / {count})")
    print(f"  received: {len(delays)} of {count}")
    print(f"  50 %: {p50:.0f} ms   99 %: {p99:.0f} ms   100 %: {delays[-1]:.0f} ms")
    each = 1e6 / max(len(delays), 1)
    print(
        f"  CPU until the last frame: server {user + system:.2f} s ({user * each:.0f} us user + "
        f"{system * each:.0f} us kernel per delivery); clients "
        + ", ".join(f"{c / window:.0%}" for c in client_cpu)
        + " of a core each"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument(
        "--client-processes", type=int, default=2, help="processes the subscribers are spread over"
    )
    parser.add_argument("--batch", type=int, default=200, help="connections opened at once")
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="record the server during the fan-out with py-spy: an SVG flame "
        "graph, or collapsed stacks for a .txt name, speedscope for .json",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, log = f"sqlite://{tmp}/bench.sqlite3", Path(tmp) / "server.log"
        with community_server(url, log, MAX_SUBSCRIPTIONS_PER_CONNECTION="5") as (base, server):
            token = graphql(base, REGISTER)["register"]["token"]
            asyncio.run(
                run(base, server.pid, token, args.subscribers, args.batch,
                    args.client_processes, args.profile)
            )  # fmt: skip


if __name__ == "__main__":
    main()
