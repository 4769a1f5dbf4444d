"""A process's moderation state, opened once in the app's lifespan and handed to every
operation: the compiled watched-word rules, rate limits, duplicate detection, sign-in
throttles and query-cost budgets (Redis-backed when a Redis URL is given, so every process
shares the counts)."""

from __future__ import annotations

from moderation import limits
from moderation.rules import Rule, RuleSet
from moderation.throttles import CostBudget, FailureThrottle
from server.models import ModerationRule, RuleSetVersion
from server.settings import Settings


class RuleCache:
    """A process's compiled rules, recompiled when the version in the database moves."""

    def __init__(self) -> None:
        self._version = -1
        self._rules = RuleSet([])

    async def current(self) -> RuleSet:
        row = await RuleSetVersion.get_or_none(id=1)
        version = row.version if row else 0
        if version != self._version:
            rows = await ModerationRule.all()
            self._rules = RuleSet(
                [Rule(r.id, r.pattern, r.match, r.action, r.reason) for r in rows]
            )
            self._version = version
        return self._rules


class ModerationServices:
    """A process's screening and limiting state: compiled rules, rate limits, duplicate
    detection, sign-in throttles and query-cost budgets (Redis-backed when `redis_url` is
    given, so every process shares the counts)."""

    def __init__(self, settings: Settings, redis_url: str | None = None) -> None:
        self.settings = settings
        self.rules = RuleCache()
        keys = settings.redis_key_prefix
        self.limiter = limits.RateLimiter(redis_url, prefix=f"{keys}rl:")
        self.duplicates = limits.DuplicateDetector(redis_url, prefix=f"{keys}dup:")

        def sign_in_throttle(kind: str, free_failures: int) -> FailureThrottle:
            return FailureThrottle(
                redis_url,
                prefix=f"{keys}signin:{kind}:",
                free_failures=free_failures,
                window_seconds=settings.sign_in_failure_window_seconds,
                base_delay_seconds=1.0,
                max_delay_seconds=settings.sign_in_max_delay_seconds,
            )

        self.sign_in_handles = sign_in_throttle("h", settings.sign_in_failures_per_handle)
        self.sign_in_addresses = sign_in_throttle("a", settings.sign_in_failures_per_address)
        self.budget = CostBudget(
            redis_url, prefix=f"{keys}cost:", per_minute=settings.query_cost_per_minute
        )

    async def close(self) -> None:
        await self.limiter.close()
        await self.duplicates.close()
        await self.sign_in_handles.close()
        await self.sign_in_addresses.close()
        await self.budget.close()
