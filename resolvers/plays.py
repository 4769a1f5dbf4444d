"""Counting plays of radio episodes without a database write per play.

A play counts once per listener per episode per hour. The first play in the hour claims a key
with `SET key 1 NX EX 3600` in Redis, so every process agrees; while Redis is away or not
configured, the claims are kept in this process's memory (one warning per outage, Redis tried
again every `retry_seconds`), as moderation.limits does for rate limits. A claim made during an
outage is unknown to Redis, so a listener may be counted once more when it returns.

Counted plays wait in memory and reach the database in batches (`flush`: the scheduler's every
tick, and once more when the process shuts down) as `play_count = play_count + n`, one statement
per distinct `n` (most episodes gain one or two plays between flushes), so processes add to each
other's counts instead of overwriting them. A process that dies loses the plays counted since
its last flush: a play count is a popularity figure, not a ledger.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict

from redis.exceptions import RedisError
from tortoise.expressions import F

from moderation.limits import redis_client
from server.models import RadioEpisode

log = logging.getLogger(__name__)

PLAY_WINDOW_SECONDS = 3600
# Episode ids per UPDATE: keeps each statement's parameter list small on SQLite.
FLUSH_CHUNK = 500


class PlayCounter:
    """One process's plays: who played what within the hour, and the counts not yet written."""

    SWEEP_EVERY = 1000

    def __init__(
        self,
        redis_url: str | None,
        *,
        prefix: str = "play:",
        window_seconds: int = PLAY_WINDOW_SECONDS,
        retry_seconds: float = 1.0,
        timeout_seconds: float = 0.5,
    ) -> None:
        self.redis_url = redis_url
        self.prefix = prefix
        self.window_seconds = window_seconds
        self.retry_seconds = retry_seconds
        self._redis = redis_client(redis_url, timeout_seconds)
        self._down_until: float | None = None  # set while Redis is unreachable
        self._claims: dict[str, float] = {}  # key: when it expires (monotonic), the fallback
        self._calls = 0
        self._pending: Counter[int] = Counter()

    @property
    def using_redis(self) -> bool:
        return self._redis is not None and self._down_until is None

    def pending(self, episode_id: int) -> int:
        """Plays of the episode counted here and not yet written."""
        return self._pending[episode_id]

    async def record(self, episode_id: int, listener: str) -> bool:
        """Count one play of `episode_id` by `listener` (an account or a client address);
        False when that listener's play of it was counted within the window already."""
        if not await self._claim(f"{self.prefix}{episode_id}:{listener}"):
            return False
        self._pending[episode_id] += 1
        return True

    async def _claim(self, key: str) -> bool:
        if self._redis is None or (
            self._down_until is not None and time.monotonic() < self._down_until
        ):
            return self._claim_here(key)
        try:
            claimed = await self._redis.set(key, "1", nx=True, ex=self.window_seconds)
        except (RedisError, OSError) as exc:
            if self._down_until is None:
                log.warning(
                    "Redis at %s is unreachable (%s); plays are deduplicated in this process "
                    "until it returns",
                    self.redis_url,
                    exc,
                )
            self._down_until = time.monotonic() + self.retry_seconds
            return self._claim_here(key)
        if self._down_until is not None:
            log.info("Redis at %s is back; plays are deduplicated there again", self.redis_url)
            self._down_until = None
        return bool(claimed)

    def _claim_here(self, key: str) -> bool:
        now = time.monotonic()
        self._calls += 1
        if self._calls % self.SWEEP_EVERY == 0:
            for stale in [k for k, until in self._claims.items() if until <= now]:
                del self._claims[stale]
        if self._claims.get(key, 0.0) > now:
            return False
        self._claims[key] = now + self.window_seconds
        return True

    async def flush(self) -> int:
        """Write the counted plays; returns how many. What cannot be written now (the database
        is away) is kept for the next flush, and the error raised."""
        if not self._pending:
            return 0
        batch, self._pending = self._pending, Counter()
        by_count: dict[int, list[int]] = defaultdict(list)
        for episode_id, plays in batch.items():
            by_count[plays].append(episode_id)
        chunks = [
            (plays, ids[i : i + FLUSH_CHUNK])
            for plays, ids in sorted(by_count.items())
            for i in range(0, len(ids), FLUSH_CHUNK)
        ]
        written = 0
        for done, (plays, ids) in enumerate(chunks):
            try:
                await RadioEpisode.filter(id__in=ids).update(play_count=F("play_count") + plays)
            except Exception:
                for unwritten_plays, unwritten in chunks[done:]:
                    for episode_id in unwritten:
                        self._pending[episode_id] += unwritten_plays
                raise
            written += plays * len(ids)
        return written

    async def close(self) -> None:
        """Write what is still counted (the process is shutting down), then let Redis go."""
        try:
            flushed = await self.flush()
            if flushed:
                log.info("wrote %d radio plays on shutdown", flushed)
        except Exception:
            log.exception("could not write %d radio plays on shutdown", sum(self._pending.values()))
        finally:
            if self._redis is not None:
                await self._redis.aclose()
