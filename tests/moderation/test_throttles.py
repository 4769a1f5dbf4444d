"""Sign-in failure throttles and query-cost budgets: against the real Redis, in one process, and
through a Redis outage."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from moderation.throttles import CostBudget, FailureThrottle
from tests.conftest import PrivateRedis, free_port
from tests.waiting import eventually

MakeThrottle = Callable[..., FailureThrottle]
MakeBudget = Callable[[int], CostBudget]


@pytest.fixture
async def throttles(store: str | None, prefix: str) -> AsyncIterator[MakeThrottle]:
    """Makes failure throttles (2 free failures in 60 s, then 1 s doubling up to 4 s unless told
    otherwise), all on the same store and prefix."""
    made: list[FailureThrottle] = []

    def make(**settings: Any) -> FailureThrottle:
        defaults = dict(
            free_failures=2, window_seconds=60, base_delay_seconds=1, max_delay_seconds=4
        )
        made.append(FailureThrottle(store, prefix=prefix, **(defaults | settings)))
        return made[-1]

    yield make
    for throttle in made:
        # A Lua error would look like an outage and be hidden by the fallback.
        assert throttle.redis.using_redis == (store is not None)
        await throttle.close()


@pytest.fixture
async def budgets(store: str | None, prefix: str) -> AsyncIterator[MakeBudget]:
    made: list[CostBudget] = []

    def make(per_minute: int) -> CostBudget:
        made.append(CostBudget(store, prefix=prefix, per_minute=per_minute))
        return made[-1]

    yield make
    for budget in made:
        assert budget.redis.using_redis == (store is not None and budget.per_minute > 0)
        await budget.close()


def messages(caplog: pytest.LogCaptureFixture, text: str) -> int:
    return len([r for r in caplog.records if text in r.getMessage()])


# --- failed sign-ins ------------------------------------------------------------------------


async def test_failure_throttle_lets_free_failures_pass_then_doubles_the_lock_up_to_the_cap(
    throttles: MakeThrottle,
) -> None:
    throttle = throttles()
    locks = [await throttle.failed("alice") for _ in range(7)]
    assert locks == [None, None, 1, 2, 4, 4, 4]


async def test_failure_throttle_wait_reports_the_remaining_lock(throttles: MakeThrottle) -> None:
    throttle = throttles(free_failures=1, base_delay_seconds=0.4, max_delay_seconds=1)
    assert await throttle.failed("alice") is None
    assert await throttle.wait("alice") is None
    assert await throttle.failed("alice") == 0.4
    await asyncio.sleep(0.1)  # the clock under test, not a wait: the lock shrinks as time passes
    wait = await throttle.wait("alice")
    assert wait is not None and 0.2 < wait <= 0.3
    await asyncio.sleep(wait + 0.05)  # the clock under test: the lock ends when it said it would
    assert await throttle.wait("alice") is None


async def test_failure_throttle_success_clears_the_failures_and_the_lock(
    throttles: MakeThrottle,
) -> None:
    throttle = throttles()
    for _ in range(3):
        await throttle.failed("alice")
    assert await throttle.wait("alice") is not None
    await throttle.succeeded("alice")
    assert await throttle.wait("alice") is None
    assert [await throttle.failed("alice") for _ in range(3)] == [None, None, 1]


async def test_failure_throttle_forgets_failures_older_than_the_window(
    throttles: MakeThrottle,
) -> None:
    throttle = throttles(free_failures=1, window_seconds=0.3, base_delay_seconds=0.05)
    assert await throttle.failed("alice") is None
    await asyncio.sleep(0.35)  # the clock under test, not a wait: the 0.3 s window passes
    assert await throttle.failed("alice") is None
    assert await throttle.failed("alice") == 0.05


async def test_failure_throttle_lock_outlasts_the_window_it_came_from(
    throttles: MakeThrottle,
) -> None:
    throttle = throttles(free_failures=0, window_seconds=0.1, base_delay_seconds=0.5)
    assert await throttle.failed("alice") == 0.5
    await asyncio.sleep(0.2)  # the clock under test, not a wait: past the window, inside the lock
    wait = await throttle.wait("alice")
    assert wait is not None and 0.2 < wait <= 0.3


async def test_failure_throttle_keeps_keys_apart(throttles: MakeThrottle) -> None:
    throttle = throttles(free_failures=0)
    assert await throttle.failed("account:alice") == 1
    assert await throttle.wait("account:bob") is None
    assert await throttle.wait("address:alice") is None
    assert await throttle.failed("account:bob") == 1


@pytest.mark.parametrize(
    "settings",
    [
        {"free_failures": -1},
        {"window_seconds": 0},
        {"base_delay_seconds": 0},
        {"base_delay_seconds": 2, "max_delay_seconds": 1},
    ],
)
def test_failure_throttle_refuses_settings_that_cannot_throttle(settings: dict[str, Any]) -> None:
    defaults = dict(free_failures=2, window_seconds=60, base_delay_seconds=1, max_delay_seconds=4)
    with pytest.raises(ValueError):
        FailureThrottle(None, prefix="x:", **(defaults | settings))


async def test_failure_throttles_in_two_processes_share_the_count(
    shared_redis: str, prefix: str
) -> None:
    settings: dict[str, Any] = dict(
        free_failures=2, window_seconds=60, base_delay_seconds=1, max_delay_seconds=4
    )
    first = FailureThrottle(shared_redis, prefix=prefix, **settings)
    second = FailureThrottle(shared_redis, prefix=prefix, **settings)
    try:
        assert await first.failed("alice") is None
        assert await second.failed("alice") is None
        assert await first.failed("alice") == 1
        wait = await second.wait("alice")
        assert wait is not None and 0.9 < wait <= 1
        await second.succeeded("alice")
        assert await first.wait("alice") is None
    finally:
        await first.close()
        await second.close()


async def test_failure_throttle_counts_every_concurrent_failure_once(
    shared_redis: str, prefix: str
) -> None:
    throttles = [
        FailureThrottle(
            shared_redis,
            prefix=prefix,
            free_failures=3,
            window_seconds=60,
            base_delay_seconds=1,
            max_delay_seconds=100,
        )
        for _ in range(4)
    ]
    try:
        locks = await asyncio.gather(*(throttles[i % 4].failed("alice") for i in range(10)))
        assert locks.count(None) == 3
        assert max(lock or 0 for lock in locks) == 2 ** (10 - 3 - 1)
    finally:
        for throttle in throttles:
            await throttle.close()


# --- query cost budgets ---------------------------------------------------------------------


async def test_cost_budget_takes_costs_until_the_bucket_is_empty(budgets: MakeBudget) -> None:
    budget = budgets(600)  # 10 per second
    assert await budget.charge("alice", 400) is None
    assert await budget.charge("alice", 200) is None
    wait = await budget.charge("alice", 100)
    assert wait is not None and 9.9 < wait <= 10


async def test_cost_budget_refills_continuously(budgets: MakeBudget) -> None:
    budget = budgets(6000)  # 100 per second
    assert await budget.charge("alice", 6000) is None
    wait = await budget.charge("alice", 30)
    assert wait is not None and 0.25 < wait <= 0.3
    await asyncio.sleep(wait + 0.05)  # the clock under test: refilled when it said it would be
    assert await budget.charge("alice", 30) is None
    assert await budget.charge("alice", 30) is not None


async def test_cost_budget_refusal_takes_nothing(budgets: MakeBudget) -> None:
    budget = budgets(6000)
    assert await budget.charge("alice", 6000) is None
    larger = await budget.charge("alice", 60)
    smaller = await budget.charge("alice", 30)
    assert larger is not None and smaller is not None and smaller < larger / 1.5
    await asyncio.sleep(smaller + 0.05)  # the clock under test: the refusal took nothing
    assert await budget.charge("alice", 30) is None


async def test_cost_budget_keeps_callers_apart(budgets: MakeBudget) -> None:
    budget = budgets(60)
    assert await budget.charge("alice", 60) is None
    assert await budget.charge("alice", 1) is not None
    assert await budget.charge("bob", 60) is None


async def test_cost_budget_cannot_ever_pay_a_cost_above_the_whole_budget(
    budgets: MakeBudget,
) -> None:
    budget = budgets(100)
    assert await budget.charge("alice", 101) == math.inf
    assert await budget.charge("alice", 100) is None


async def test_cost_budget_of_zero_allows_everything(budgets: MakeBudget) -> None:
    budget = budgets(0)
    assert [await budget.charge("alice", 10**9) for _ in range(3)] == [None, None, None]


async def test_cost_budget_refuses_a_negative_cost(budgets: MakeBudget) -> None:
    with pytest.raises(ValueError):
        await budgets(100).charge("alice", -1)


async def test_cost_budgets_in_two_processes_share_the_bucket(
    shared_redis: str, prefix: str
) -> None:
    first = CostBudget(shared_redis, prefix=prefix, per_minute=600)
    second = CostBudget(shared_redis, prefix=prefix, per_minute=600)
    try:
        assert await first.charge("alice", 500) is None
        wait = await second.charge("alice", 200)
        assert wait is not None and 9.9 < wait <= 10
        assert await second.charge("alice", 100) is None
    finally:
        await first.close()
        await second.close()


async def test_cost_budget_takes_exactly_the_budget_from_concurrent_callers(
    shared_redis: str, prefix: str
) -> None:
    budgets = [CostBudget(shared_redis, prefix=prefix, per_minute=60) for _ in range(4)]
    try:
        results = await asyncio.gather(*(budgets[i % 4].charge("alice", 10) for i in range(40)))
        assert results.count(None) == 6
    finally:
        for budget in budgets:
            await budget.close()


# --- Redis going away -----------------------------------------------------------------------


async def test_throttles_work_in_process_memory_when_redis_never_answers(
    prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    throttle = FailureThrottle(
        url,
        prefix=prefix,
        free_failures=0,
        window_seconds=60,
        base_delay_seconds=1,
        max_delay_seconds=4,
    )
    budget = CostBudget(url, prefix=prefix, per_minute=60)
    try:
        with caplog.at_level(logging.WARNING, logger="moderation.throttles"):
            assert await throttle.wait("alice") is None
            assert await throttle.failed("alice") == 1
            assert await throttle.failed("alice") == 2
            assert await budget.charge("alice", 60) is None
            assert await budget.charge("alice", 1) is not None
        assert messages(caplog, "unreachable") == 2  # one per store, not one per call
        assert not throttle.redis.using_redis and not budget.redis.using_redis
    finally:
        await throttle.close()
        await budget.close()


async def test_throttles_ride_out_a_redis_outage_and_share_again_after(
    private_redis: PrivateRedis, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    throttle = FailureThrottle(
        private_redis.url,
        prefix=prefix,
        free_failures=1,
        window_seconds=60,
        base_delay_seconds=1,
        max_delay_seconds=4,
        retry_seconds=0.1,
    )
    budget = CostBudget(private_redis.url, prefix=prefix, per_minute=60, retry_seconds=0.1)
    try:
        caplog.set_level(logging.INFO, logger="moderation.throttles")
        assert await throttle.failed("alice") is None
        assert await budget.charge("alice", 50) is None

        await private_redis.stop()
        # Counted afresh in this process: what Redis held is out of sight, and nothing raises.
        assert await throttle.wait("alice") is None
        assert await throttle.failed("alice") is None
        assert await throttle.failed("alice") == 1
        assert await budget.charge("alice", 50) is None
        assert await budget.charge("alice", 50) is not None
        await throttle.succeeded("alice")
        assert await throttle.wait("alice") is None
        assert messages(caplog, "unreachable") == 2

        await private_redis.start()

        async def both_back() -> bool:  # each retries Redis on its own use, every 0.1 s
            await throttle.wait("probe")
            await budget.charge("probe", 1)
            return throttle.redis.using_redis and budget.redis.using_redis

        await eventually(both_back, within=5)
        assert messages(caplog, "is back") == 2
        assert messages(caplog, "unreachable") == 2
        # Redis restarted empty; a second process shares its counts again.
        other = FailureThrottle(
            private_redis.url,
            prefix=prefix,
            free_failures=1,
            window_seconds=60,
            base_delay_seconds=1,
            max_delay_seconds=4,
        )
        try:
            assert await throttle.failed("bob") is None
            assert await other.failed("bob") == 1
            assert await throttle.wait("bob") is not None
        finally:
            await other.close()
    finally:
        await throttle.close()
        await budget.close()
