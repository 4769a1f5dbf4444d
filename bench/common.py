"""What the benchmark drivers share: the database they fill, the server processes they start
and talk to, and the figures they take (CPU of a process, percentiles of latencies).

The drivers run as scripts (`.venv/bin/python bench/feed.py`); each first puts the repository
root where its own folder heads `sys.path` (there bench/search.py would shadow the `search`
package), then imports this module as `bench.common`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-" + "0123456789" * 4
TICKS = os.sysconf("SC_CLK_TCK")


# --- the database ----------------------------------------------------------------------------


@contextlib.contextmanager
def bench_database(given: str | None, name: str, tmp: Path) -> Iterator[str]:
    """The URL of an empty database to fill. A PostgreSQL URL only names the server: a fresh
    `bench_<name>_<random>` database is created there and dropped at the end; otherwise a
    SQLite file in `tmp`."""
    if not (given or "").startswith("postgres"):
        yield f"sqlite://{tmp / 'bench.sqlite3'}"
        return
    assert given is not None
    database = f"bench_{name}_{random.randbytes(4).hex()}"
    url = "postgres://" + given.split("://", 1)[1].rpartition("/")[0] + "/" + database
    asyncio.run(postgres(url, f'CREATE DATABASE "{database}"'))
    try:
        yield url
    finally:
        asyncio.run(postgres(url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


async def postgres(url: str, statement: str) -> None:
    """Runs `statement` in the server's `postgres` database (creating or dropping ours)."""
    import asyncpg

    conn = await asyncpg.connect(url.rpartition("/")[0] + "/postgres")
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


# --- server processes ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(ready: Callable[[], Any], timeout: float, what: str) -> Any:
    """Asks `ready()` every 0.1 s until it answers something truthy; that answer."""
    deadline = time.monotonic() + timeout
    while not (answer := ready()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"waited {timeout:g} s for {what}")
        time.sleep(0.1)
    return answer


@contextlib.contextmanager
def process_serving(
    command: list[str],
    port: int,
    *,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    timeout: float = 60,
) -> Iterator[subprocess.Popen[bytes]]:
    """A server started with `command` (output to `log`, else to this terminal), once its
    `/healthz` on `port` answers; terminated on the way out."""
    with open(log, "ab") if log else contextlib.nullcontext() as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT if log else None,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip

    def healthy() -> bool:
        if process.poll() is not None:
            logged = f":\n{tail(log)}" if log else ""
            raise RuntimeError(f"the server exited ({process.returncode}){logged}")
        with contextlib.suppress(httpx.HTTPError):
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
        return False

    try:
        wait_until(healthy, timeout, f"{command[1:]} to answer /healthz")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextlib.contextmanager
def community_server(
    url: str, log: Path, **env: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`python -m server serve` in production mode on `url`, without the demo community, its
    output in `log`; yields its base URL and its process. `env` adds or overrides settings."""
    port = free_port()
    environment = os.environ | {
        "APP_ENV": "production", "SECRET_KEY": SECRET, "DATABASE_URL": url, "SEED_DEMO": "0",
        "HOST": "127.0.0.1", "PORT": str(port), "SCHEDULER_INTERVAL_SECONDS": "3600",
    } | env  # fmt: skip
    command = [sys.executable, "-m", "server", "serve"]
    with process_serving(command, port, env=environment, log=log) as process:
        yield f"http://127.0.0.1:{port}", process


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def graphql(
    base: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> dict[str, Any]:
    """One GraphQL request over HTTP; its `data`, or RuntimeError with its errors."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    body = {"query": query, "variables": variables or {}}
    answer = httpx.post(f"{base}/graphql", json=body, headers=headers, timeout=30).json()
    if answer.get("errors"):
        raise RuntimeError(f"GraphQL answered errors: {answer['errors']}")
    return answer["data"]


# --- figures ---------------------------------------------------------------------------------


def cpu_times(pid: int) -> tuple[float, float]:
    """User and system (kernel) CPU seconds a process has used so far, all threads (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / TICKS, int(fields[12]) / TICKS


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far."""
    return sum(cpu_times(pid))


def percentiles(values: Sequence[float], *which: int) -> list[float]:
    """The `which` percentiles (1 to 99) of `values`: `p50, p99 = percentiles(xs, 50, 99)`."""
    if len(values) < 2:
        return [values[0] if values else float("nan")] * len(which)
    cuts = statistics.quantiles(values, n=100)
    return [cuts[p - 1] for p in which]


def machine() -> str:
    """The machine the figures were taken on, for the report's first line."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs (load average now {load})"
