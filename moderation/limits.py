"""How much and how often: the link and mention limits for new accounts, per-user rate limits
and repeated-text detection.

Rate limits and repeated texts are counted with a sliding-window log: each accepted write is a
timestamp in a Redis sorted set, and a write is allowed while fewer than `limit` timestamps lie
in the last `window_seconds`. Unlike a fixed window it never lets 2 × limit through across a
window edge, and unlike GCRA "10 per 60 s" means exactly that. One Lua script prunes, counts and
records, so concurrent processes cannot both take the last slot; it reads Redis's clock, so
processes with skewed clocks agree.

Redis keeps the counts shared between processes. When it is unreachable a write is never refused
for that: the same windows are kept in this process (one warning per outage) until Redis answers
again. Counts made during an outage stay in the process that made them.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import unicodedata
import uuid
from collections import deque
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# How an @mention is written (a handle starts with a letter); notifications use it too.
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z][A-Za-z0-9_]{2,29})")

_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
# Bare domains count when their top-level domain is a country code or a common generic one,
# so "e.g." in ordinary prose is not a link; nor are file names like "node.js" or "readme.md".
_GENERIC_TLDS = (
    "com|net|org|info|biz|edu|gov|app|dev|xyz|top|site|online|shop|store|club|live|link|"
    "click|vip|win|bid|loan|work|tech|space|website|fun|icu|cyou|buzz|life|world|today"
)
_FILE_EXTENSIONS = "js|ts|py|md|rs|sh|pl|rb|cs|go|kt|gz|xz|db|so|ps|hs|el|ex|jl|mm"
_LINK_RE = re.compile(
    r"\bhttps?://[^\s<>\"']+"
    r"|(?<![\w@.-])(?:www\.)?(?:" + _LABEL + r"\.)+"
    r"(?:" + _GENERIC_TLDS + r"|(?!(?:" + _FILE_EXTENSIONS + r")(?![a-z0-9-]))[a-z]{2})"
    r"(?![a-z0-9-])(?:[/?#][^\s<>\"']*)?",
    re.IGNORECASE,
)


def count_links(text: str) -> int:
    """http(s) URLs and bare domains (`example.com/x`, `ｅｘａｍｐｌｅ．ｃｏｍ`); e-mail
    addresses are not links."""
    return len(_LINK_RE.findall(unicodedata.normalize("NFKC", text)))


def count_mentions(text: str) -> int:
    """Distinct @handles: mentioning one person twice reaches no one new."""
    return len({h.lower() for h in MENTION_RE.findall(text)})


def normalise(text: str) -> str:
    """What makes two texts the same text: NFKC, casefolded, runs of whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


# KEYS[1]: the sorted set of one window. ARGV: window (µs), limit, a unique member, and 1 to
# record even past the limit (repeated texts count every attempt), keeping only `limit` entries.
# Returns {1 if under the limit before this one, entries now, µs until the oldest expires}.
_WINDOW_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local allowed = count < limit
if allowed or ARGV[4] == '1' then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  count = count + 1
  if count > limit then
    redis.call('ZREMRANGEBYRANK', KEYS[1], 0, count - limit - 1)
    count = limit
  end
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = 0
if oldest[2] then wait = tonumber(oldest[2]) + window - now end
return {allowed and 1 or 0, count, wait}
"""


@dataclass(frozen=True)
class WindowResult:
    allowed: bool  # fewer than `limit` entries before this one
    count: int  # entries in the window now
    wait_seconds: float  # until the oldest entry leaves the window


class LocalWindows:
    """The same sliding windows in this process's memory: the fallback, and the store when
    there is no Redis at all."""

    SWEEP_EVERY = 1000

    def __init__(self) -> None:
        self._logs: dict[str, deque[float]] = {}
        self._calls = 0

    def record(self, key: str, limit: int, window: float, always: bool) -> WindowResult:
        now = time.monotonic()
        self._calls += 1
        if self._calls % self.SWEEP_EVERY == 0:
            self._sweep(now, window)
        entries = self._logs.setdefault(key, deque())
        while entries and entries[0] <= now - window:
            entries.popleft()
        allowed = len(entries) < limit
        if allowed or always:
            entries.append(now)
            while len(entries) > limit:
                entries.popleft()
        wait = entries[0] + window - now if entries else 0.0
        return WindowResult(allowed, len(entries), wait)

    def _sweep(self, now: float, window: float) -> None:
        # Keys of users who went quiet; a key whose window is longer survives until next time.
        for key in [k for k, v in self._logs.items() if not v or v[-1] <= now - window]:
            del self._logs[key]


def redis_client(redis_url: str | None, timeout_seconds: float) -> aioredis.Redis | None:
    """A client for counts that must never hold a request up: short timeouts, and one quick
    retry that reconnects a pooled connection which died with a restarted Redis."""
    if not redis_url:
        return None
    return aioredis.Redis.from_url(
        redis_url,
        socket_connect_timeout=timeout_seconds,
        socket_timeout=timeout_seconds,
        retry=Retry(NoBackoff(), 1),
    )


class SlidingWindows:
    """Sliding-window logs in Redis, or in this process while Redis is away or not configured.
    After a failure Redis is tried again every `retry_seconds`, not on every write."""

    def __init__(
        self,
        redis_url: str | None,
        *,
        prefix: str,
        local: LocalWindows | None = None,
        retry_seconds: float = 1.0,
        timeout_seconds: float = 0.5,
    ) -> None:
        self.prefix = prefix
        self.local = local or LocalWindows()
        self.retry_seconds = retry_seconds
        self._redis = redis_client(redis_url, timeout_seconds)
        self._script = self._redis.register_script(_WINDOW_SCRIPT) if self._redis else None
        self._down_until: float | None = None  # set while Redis is unreachable
        self.redis_url = redis_url

    @property
    def using_redis(self) -> bool:
        return self._redis is not None and self._down_until is None

    async def record(self, key: str, limit: int, window: float, *, always: bool) -> WindowResult:
        if limit < 1 or window <= 0:
            raise ValueError(f"a window needs limit ≥ 1 and seconds > 0, not {limit}/{window}")
        full_key = self.prefix + key
        if self._script is None or (
            self._down_until is not None and time.monotonic() < self._down_until
        ):
            return self.local.record(full_key, limit, window, always)
        try:
            reply = await self._script(
                keys=[full_key],
                args=[round(window * 1_000_000), limit, uuid.uuid4().hex, int(always)],
            )
        except (RedisError, OSError) as exc:
            if self._down_until is None:
                log.warning(
                    "Redis at %s is unreachable (%s); counting limits in this process until it "
                    "returns",
                    self.redis_url,
                    exc,
                )
            self._down_until = time.monotonic() + self.retry_seconds
            return self.local.record(full_key, limit, window, always)
        if self._down_until is not None:
            log.info("Redis at %s is back; limits are shared again", self.redis_url)
            self._down_until = None
        allowed, count, wait_us = (int(v) for v in reply)
        return WindowResult(bool(allowed), count, wait_us / 1_000_000)

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()


class RateLimiter:
    """At most `limit` writes per key within any `window_seconds`."""

    def __init__(
        self, redis_url: str | None, *, prefix: str = "rl:", local: LocalWindows | None = None
    ) -> None:
        self.windows = SlidingWindows(redis_url, prefix=prefix, local=local)

    async def hit(self, key: str, limit: int, window_seconds: float) -> float | None:
        """Count one write: None if allowed, else the seconds to wait before retrying.
        A refused write is not counted, so retrying early does not push the wait further."""
        result = await self.windows.record(key, limit, window_seconds, always=False)
        if result.allowed:
            return None
        # Never 0: the caller reports "retry in N seconds" and a limit was reached.
        return max(result.wait_seconds, 0.001)

    async def close(self) -> None:
        await self.windows.close()


class DuplicateDetector:
    """The same text sent again and again by one user."""

    def __init__(
        self, redis_url: str | None, *, prefix: str = "dup:", local: LocalWindows | None = None
    ) -> None:
        self.windows = SlidingWindows(redis_url, prefix=prefix, local=local)

    async def seen_recently(
        self, user_id: int, text: str, window_seconds: float, threshold: int
    ) -> bool:
        """Count this submission; true when `user_id` sent the same normalised text at least
        `threshold` times within `window_seconds`, this one included."""
        digest = hashlib.sha256(normalise(text).encode()).hexdigest()[:32]
        result = await self.windows.record(
            f"{user_id}:{digest}", threshold, window_seconds, always=True
        )
        return result.count >= threshold

    async def close(self) -> None:
        await self.windows.close()
