"""A local Meilisearch child process: the embedded default's search engine, and the tests'.

It owns one data directory::

    data.ms/  dumps/  snapshots/   Meilisearch's own files
    master-key                     generated on the first start (mode 0600), reused afterwards
    meilisearch.log                the child's output, appended to
    lock                           held while a child runs there: two engines on one
                                   data.ms would corrupt it
    endpoint                       the running child's URL (for commands such as reindex)

`EmbeddedMeilisearch` has a blocking `start()`/`stop()` (and `with`) for pytest fixtures and
benchmarks, and `async with` (or `embedded_meilisearch()`) for a Starlette lifespan, where the
blocking parts run in a worker thread. Both give a `MeilisearchEndpoint(url, api_key)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import secrets
import socket
import subprocess
import time
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from types import TracebackType
from typing import IO, NamedTuple

from search.binary import meilisearch_binary

PORT_ATTEMPTS = 3


class MeilisearchEndpoint(NamedTuple):
    """Where a running Meilisearch answers, and the key it requires (its master key)."""

    url: str
    api_key: str


class MeilisearchStartupFailed(Exception):
    """The child did not become healthy; the message carries the tail of its log."""


class EmbeddedMeilisearch:
    """One Meilisearch child process on 127.0.0.1 over `data_dir`."""

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int | None = None,
        binary: Path | None = None,
        startup_timeout: float = 30.0,
        log_level: str = "WARN",
    ) -> None:
        self.data_dir = data_dir
        self.log_path = data_dir / "meilisearch.log"
        self.port: int | None = None
        self._requested_port = port
        self._binary = binary
        self._startup_timeout = startup_timeout
        self._log_level = log_level
        self._process: subprocess.Popen[bytes] | None = None
        self._lock: IO[str] | None = None
        self._endpoint: MeilisearchEndpoint | None = None

    @property
    def endpoint(self) -> MeilisearchEndpoint:
        if self._endpoint is None:
            raise RuntimeError("Meilisearch is not running")
        return self._endpoint

    def start(self) -> MeilisearchEndpoint:
        """Start the child and wait until `/health` says it is available (blocking)."""
        if self._process is not None:
            raise RuntimeError("Meilisearch is already running")
        binary = self._binary or meilisearch_binary()
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = master_key(self.data_dir)
        self._lock = _lock_data_dir(self.data_dir)
        try:
            self._process, self.port = self._spawn_healthy(binary, key)
        except BaseException:
            self._release_lock()
            raise
        _record_holder(self._lock, self._process.pid)
        self._endpoint = MeilisearchEndpoint(f"http://127.0.0.1:{self.port}", key)
        (self.data_dir / "endpoint").write_text(self._endpoint.url + "\n")
        return self._endpoint

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, wait up to `timeout` seconds, then SIGKILL. Idempotent."""
        process, self._process, self._endpoint = self._process, None, None
        if process is not None:
            (self.data_dir / "endpoint").unlink(missing_ok=True)
            _terminate(process, timeout)
        self._release_lock()

    def __enter__(self) -> MeilisearchEndpoint:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> MeilisearchEndpoint:
        starting = asyncio.ensure_future(asyncio.to_thread(self.start))
        try:
            return await asyncio.shield(starting)
        except asyncio.CancelledError:
            # A thread cannot be interrupted: let the start finish, then undo it.
            with contextlib.suppress(Exception):
                await starting
            await asyncio.to_thread(self.stop)
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)

    def _spawn_healthy(self, binary: Path, key: str) -> tuple[subprocess.Popen[bytes], int]:
        for attempt in range(1, PORT_ATTEMPTS + 1):
            port = self._requested_port or free_port()
            log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
            process = self._spawn(binary, port, key)
            try:
                failure = self._wait_until_healthy(process, port)
            except BaseException:
                _terminate(process, 5)
                raise
            if failure is None:
                return process, port
            _terminate(process, 5)
            tail = log_tail(self.log_path, log_start)
            # A port picked here can be taken by someone else before the child binds it.
            port_taken = "Address already in use" in tail
            if self._requested_port is None and attempt < PORT_ATTEMPTS and port_taken:
                continue
            raise MeilisearchStartupFailed(
                f"Meilisearch ({binary}) on 127.0.0.1:{port} {failure}. "
                f"Last lines of {self.log_path}:\n{tail}"
            )
        raise AssertionError("unreachable")

    def _spawn(self, binary: Path, port: int, key: str) -> subprocess.Popen[bytes]:
        # The child reads MEILI_* variables and ./config.toml: give it only ours. The key goes
        # through the environment, not argv, which any local user can read.
        env = {name: value for name, value in os.environ.items() if not name.startswith("MEILI_")}
        env.update(MEILI_MASTER_KEY=key, NO_COLOR="1")
        command = [
            str(binary),
            "--db-path", str(self.data_dir / "data.ms"),
            "--dump-dir", str(self.data_dir / "dumps"),
            "--snapshot-dir", str(self.data_dir / "snapshots"),
            "--http-addr", f"127.0.0.1:{port}",
            "--env", "development",
            "--no-analytics",
            "--log-level", self._log_level,
        ]  # fmt: skip
        assert self._lock is not None
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                command,
                cwd=self.data_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # The child inherits the lock, so it stays held even if this process is killed.
                pass_fds=(self._lock.fileno(),),
            )

    def _wait_until_healthy(self, process: subprocess.Popen[bytes], port: int) -> str | None:
        deadline = time.monotonic() + self._startup_timeout
        delay = 0.01
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return f"exited with code {process.returncode}"
            if is_healthy(f"http://127.0.0.1:{port}") and process.poll() is None:
                return None
            time.sleep(delay)
            delay = min(delay * 2, 0.2)
        return f"was not healthy after {self._startup_timeout:g} s"

    def _release_lock(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.close()


@contextlib.asynccontextmanager
async def embedded_meilisearch(
    data_dir: Path, *, port: int | None = None, binary: Path | None = None
) -> AsyncIterator[MeilisearchEndpoint]:
    """Run Meilisearch over `data_dir` for the duration of the block (e.g. a lifespan)."""
    async with EmbeddedMeilisearch(data_dir, port=port, binary=binary) as endpoint:
        yield endpoint


def running_endpoint(data_dir: Path) -> MeilisearchEndpoint | None:
    """The endpoint of a Meilisearch already running over `data_dir` (a server's embedded
    one), so that a command can use it rather than start a second."""
    try:
        url = (data_dir / "endpoint").read_text().strip()
        key = (data_dir / "master-key").read_text().strip()
    except OSError:
        return None
    return MeilisearchEndpoint(url, key) if url and is_healthy(url) else None


def master_key(data_dir: Path) -> str:
    """The key kept in `data_dir/master-key`, generated (mode 0600) on first use."""
    path = data_dir / "master-key"
    if not path.exists():
        fresh = data_dir / f".master-key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32) + "\n")
        try:
            os.link(fresh, path)  # atomic: a concurrent first start keeps the key that won
        except FileExistsError:
            pass
        finally:
            fresh.unlink()
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    key = path.read_text(encoding="utf-8").strip()
    if len(key.encode()) < 16:
        raise MeilisearchStartupFailed(f"{path} holds a key shorter than 16 bytes; delete it")
    return key


def is_healthy(url: str) -> bool:
    """Whether `GET {url}/health` answers `{"status": "available"}`."""
    # No proxies: an HTTP(S)_PROXY from the environment must not see loopback requests.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/health", timeout=1) as response:
            return bool(json.load(response).get("status") == "available")
    except (OSError, ValueError):
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def log_tail(path: Path, start: int = 0, lines: int = 30) -> str:
    """The last `lines` lines the log got from byte `start` on, without a Rust backtrace."""
    try:
        with path.open("rb") as f:
            size = f.seek(0, os.SEEK_END)
            f.seek(max(start, size - 65536))
            text = f.read().decode("utf-8", errors="replace")
    except OSError as exc:
        return f"(no log: {exc})"
    # The error is printed just above the backtrace, which would push it out of the tail.
    text = text.split("\nStack backtrace:", 1)[0]
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _lock_data_dir(data_dir: Path) -> IO[str]:
    lock = (data_dir / "lock").open("a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        holder = lock.read().strip() or "unknown"
        lock.close()
        raise MeilisearchStartupFailed(
            f"{data_dir} is in use by another Meilisearch (pid {holder}); stop it first"
        ) from None
    return lock


def _record_holder(lock: IO[str], pid: int) -> None:
    lock.seek(0)
    lock.truncate()
    lock.write(f"{pid}\n")
    lock.flush()


def _terminate(process: subprocess.Popen[bytes], timeout: float) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
            return
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()
