"""How fast one caller may try again: growing delays after failed sign-ins, and a budget of
GraphQL query cost per minute.

`FailureThrottle` keeps, per key (an account, a network address), a sliding-window log of failed
sign-ins and a lock. The first `free_failures` failures in the window cost nothing (people
mistype); each further one locks the key for a delay that doubles up to a cap. Doubling makes
guessing slow while a user who mistypes twice more waits seconds, not the fixed lockout an
attacker could use to lock a victim out for good.

`CostBudget` is a token bucket: a caller may spend `per_minute` cost at once after a quiet spell,
and earns it back at `per_minute / 60` per second. Unlike a window it never refuses a caller who
has kept to the average, and the wait it returns is exact.

Both follow moderation.limits: one Lua script per operation reads Redis's own clock and changes
the state atomically, so processes with skewed clocks agree and concurrent processes cannot both
take the last token; every key expires on its own. While Redis is unreachable nothing is refused
or failed for that: the same logic runs in this process's memory (one warning per outage) until
Redis answers again, tried every `retry_seconds`. What is counted during an outage stays in the
process that counted it, and what Redis held before is unseen until it returns.

Each operation is one round trip: about 0.5 ms per call against a Redis on the same host
(5,000 sequential calls of `wait`, `failed` and `charge`), 2-13 µs in memory.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

from moderation.limits import redis_client

log = logging.getLogger(__name__)

SWEEP_EVERY = 1000  # calls between sweeps of the in-process twins


class RedisScripts:
    """Lua scripts in a Redis that may be away, with the outage policy of
    moderation.limits.SlidingWindows: after a failure Redis is tried again every `retry_seconds`,
    not on every call, and an outage is logged once when it starts and once when it ends."""

    def __init__(
        self, redis_url: str | None, *, what: str, retry_seconds: float, timeout_seconds: float
    ) -> None:
        self.redis_url = redis_url
        self.what = what  # for the log: "sign-in failures are kept in this process…"
        self.retry_seconds = retry_seconds
        self._redis = redis_client(redis_url, timeout_seconds)
        self._scripts: dict[str, AsyncScript] = {}
        self._down_until: float | None = None  # set while Redis is unreachable

    @property
    def using_redis(self) -> bool:
        return self._redis is not None and self._down_until is None

    async def run(self, source: str, keys: list[str], args: list[int | float | str]) -> Any:
        """The script's reply, or None when Redis is not configured or not answering: the
        caller then uses its twin in memory. A script must therefore never return nil."""
        if self._redis is None or (
            self._down_until is not None and time.monotonic() < self._down_until
        ):
            return None
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = self._redis.register_script(source)
        try:
            reply = await script(keys=keys, args=args)
        except (RedisError, OSError) as exc:
            if self._down_until is None:
                log.warning(
                    "Redis at %s is unreachable (%s); %s are kept in this process until it returns",
                    self.redis_url,
                    exc,
                    self.what,
                )
            self._down_until = time.monotonic() + self.retry_seconds
            return None
        if self._down_until is not None:
            log.info("Redis at %s is back; %s are shared again", self.redis_url, self.what)
            self._down_until = None
        return reply

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()


# --- failed sign-ins ------------------------------------------------------------------------

# KEYS[1]: the sorted set of one key's failures (µs), KEYS[2]: its lock (a string whose TTL is
# the lock). ARGV: window (µs), free failures, base delay (ms), max delay (ms), failures worth
# keeping (more never lengthen the delay), a unique member.
# Returns the lock now in force in ms, 0 while the failures are still free.
_FAILED_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[1])
local free = tonumber(ARGV[2])
local keep = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[6])
local count = redis.call('ZCARD', KEYS[1])
if count > keep then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, count - keep - 1)
  count = keep
end
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
if count <= free then return 0 end
local delay = math.ceil(math.min(tonumber(ARGV[3]) * 2 ^ (count - free - 1), tonumber(ARGV[4])))
local left = redis.call('PTTL', KEYS[2])
if left >= delay then return left end
redis.call('SET', KEYS[2], '1', 'PX', delay)
return delay
"""
# KEYS[1]: a lock. Returns its ms left, or a negative number when there is none.
_WAIT_SCRIPT = "return redis.call('PTTL', KEYS[1])"
# KEYS: a failure log and its lock. Returns how many of the two existed.
_SUCCEEDED_SCRIPT = "return redis.call('DEL', KEYS[1], KEYS[2])"


class LocalFailures:
    """The same failure logs and locks in this process's memory: the fallback, and the store
    when there is no Redis at all."""

    def __init__(self, window: float, keep: int, lock_for: Callable[[int], float | None]) -> None:
        self.window = window
        self.keep = keep
        self.lock_for = lock_for
        self._failures: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._calls = 0

    def wait(self, key: str) -> float | None:
        left = self._locked_until.get(key, 0.0) - time.monotonic()
        return left if left > 0 else None

    def failed(self, key: str) -> float | None:
        now = time.monotonic()
        self._calls += 1
        if self._calls % SWEEP_EVERY == 0:
            self._sweep(now)
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        failures.append(now)
        while len(failures) > self.keep:
            failures.popleft()
        lock = self.lock_for(len(failures))
        if lock is None:
            return None
        left = self._locked_until.get(key, 0.0) - now
        if left >= lock:
            return left
        self._locked_until[key] = now + lock
        return lock

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)
        self._locked_until.pop(key, None)

    def _sweep(self, now: float) -> None:
        for key in [k for k, v in self._failures.items() if not v or v[-1] <= now - self.window]:
            del self._failures[key]
        for key in [k for k, until in self._locked_until.items() if until <= now]:
            del self._locked_until[key]


class FailureThrottle:
    """Growing delays after failed sign-ins, per key.

    The caller asks `wait(key)` before checking a password and refuses the attempt, without
    checking it and without calling `failed`, while that returns a wait; then reports the
    outcome with `failed` or `succeeded`. A `failed` during a lock would count too and lengthen
    the lock: a refused attempt is not a failure, so a locked user who keeps retrying is not
    pushed further out. Concurrent attempts that all passed `wait` each count.

    A lock outlasts the window it came from: forgetting old failures does not lift it.
    """

    def __init__(
        self,
        redis_url: str | None,
        *,
        prefix: str,
        free_failures: int,
        window_seconds: float,
        base_delay_seconds: float,
        max_delay_seconds: float,
        retry_seconds: float = 1.0,
        timeout_seconds: float = 0.5,
    ) -> None:
        if free_failures < 0 or window_seconds <= 0 or base_delay_seconds <= 0:
            raise ValueError(
                "a failure throttle needs free failures ≥ 0, a window and a base delay > 0"
            )
        if max_delay_seconds < base_delay_seconds:
            raise ValueError("a failure throttle's max delay cannot be below its base delay")
        self.prefix = prefix
        self.free_failures = free_failures
        self.window_seconds = window_seconds
        self.base_delay_seconds = base_delay_seconds
        self.max_delay_seconds = max_delay_seconds
        doublings = 0
        while base_delay_seconds * 2**doublings < max_delay_seconds:
            doublings += 1
        # Failures past the one that reaches the cap change nothing: keeping only these bounds
        # a log that an endless slow guesser would otherwise grow for the whole window.
        self.failures_kept = free_failures + 1 + doublings
        self.redis = RedisScripts(
            redis_url,
            what="sign-in failures",
            retry_seconds=retry_seconds,
            timeout_seconds=timeout_seconds,
        )
        self.local = LocalFailures(window_seconds, self.failures_kept, self.lock_for)

    def lock_for(self, failures: int) -> float | None:
        """The lock after `failures` failures within the window; None while they are free."""
        if failures <= self.free_failures:
            return None
        # The exponent never passes `failures_kept`, so 2 ** n stays small.
        doubled = self.base_delay_seconds * 2 ** (failures - self.free_failures - 1)
        return min(doubled, self.max_delay_seconds)

    async def wait(self, key: str) -> float | None:
        """None if an attempt for `key` is allowed now, else the seconds until it is."""
        reply = await self.redis.run(_WAIT_SCRIPT, [self._lock_key(key)], [])
        if reply is None:
            return self.local.wait(key)
        return int(reply) / 1000 if int(reply) > 0 else None

    async def failed(self, key: str) -> float | None:
        """Count one failed attempt: None while failures are still free, else the seconds `key`
        is now locked for."""
        reply = await self.redis.run(
            _FAILED_SCRIPT,
            [self._failures_key(key), self._lock_key(key)],
            [
                round(self.window_seconds * 1_000_000),
                self.free_failures,
                self.base_delay_seconds * 1000,
                self.max_delay_seconds * 1000,
                self.failures_kept,
                uuid.uuid4().hex,
            ],
        )
        if reply is None:
            return self.local.failed(key)
        return int(reply) / 1000 if int(reply) > 0 else None

    async def succeeded(self, key: str) -> None:
        """Forget `key`'s failures and lift its lock."""
        # The memory twin is cleared too, so a stale lock from an outage cannot return with the
        # next one.
        self.local.succeeded(key)
        await self.redis.run(_SUCCEEDED_SCRIPT, [self._failures_key(key), self._lock_key(key)], [])

    def _failures_key(self, key: str) -> str:
        return f"{self.prefix}failures:{key}"

    def _lock_key(self, key: str) -> str:
        return f"{self.prefix}lock:{key}"

    async def close(self) -> None:
        await self.redis.close()


# --- query cost budgets ---------------------------------------------------------------------

# KEYS[1]: one caller's bucket, a hash {tokens, at (µs)}; no bucket is a full one, so the key
# expires once the bucket would be full again. ARGV: capacity (per minute), cost.
# Returns 0 when the cost was taken, else the µs until the bucket holds it (nothing is taken).
_CHARGE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local capacity = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local per_us = capacity / 60000000
local tokens = capacity
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
if bucket[1] then
  local earned = math.max(0, now - tonumber(bucket[2])) * per_us
  tokens = math.min(capacity, tonumber(bucket[1]) + earned)
end
if tokens < cost then return math.ceil((cost - tokens) / per_us) end
tokens = tokens - cost
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((capacity - tokens) / per_us / 1000)))
return 0
"""


class LocalBuckets:
    """The same token buckets in this process's memory."""

    def __init__(self, capacity: float, per_second: float) -> None:
        self.capacity = capacity
        self.per_second = per_second
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, monotonic time)
        self._calls = 0

    def charge(self, key: str, cost: int) -> float | None:
        now = time.monotonic()
        self._calls += 1
        if self._calls % SWEEP_EVERY == 0:
            self._sweep(now)
        tokens = self._tokens(key, now)
        if tokens < cost:
            return (cost - tokens) / self.per_second
        self._buckets[key] = (tokens - cost, now)
        return None

    def _tokens(self, key: str, now: float) -> float:
        tokens, at = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, tokens + (now - at) * self.per_second)

    def _sweep(self, now: float) -> None:
        # A full bucket is the same as none.
        for key in [k for k in self._buckets if self._tokens(k, now) >= self.capacity]:
            del self._buckets[key]


class CostBudget:
    """A per-caller budget of GraphQL query cost per minute, as a token bucket holding at most
    `per_minute` and refilling continuously. `per_minute <= 0` means no budget."""

    def __init__(
        self,
        redis_url: str | None,
        *,
        prefix: str,
        per_minute: int,
        retry_seconds: float = 1.0,
        timeout_seconds: float = 0.5,
    ) -> None:
        self.prefix = prefix
        self.per_minute = per_minute
        self.redis = RedisScripts(
            # Without a budget there is nothing to share: no connection is opened.
            redis_url if per_minute > 0 else None,
            what="query cost budgets",
            retry_seconds=retry_seconds,
            timeout_seconds=timeout_seconds,
        )
        self.local = LocalBuckets(per_minute, per_minute / 60)

    async def charge(self, key: str, cost: int) -> float | None:
        """Take `cost` from `key`'s bucket: None if it held that much, else take nothing and
        return the seconds until it will. A cost above the whole budget can never be paid and
        returns math.inf (the caller refuses such an operation before charging it)."""
        if cost < 0:
            raise ValueError(f"a cost cannot be negative, not {cost}")
        if self.per_minute <= 0 or cost == 0:
            return None
        if cost > self.per_minute:
            return math.inf
        reply = await self.redis.run(_CHARGE_SCRIPT, [self.prefix + key], [self.per_minute, cost])
        if reply is None:
            return self.local.charge(key, cost)
        return int(reply) / 1_000_000 if int(reply) > 0 else None

    async def close(self) -> None:
        await self.redis.close()
