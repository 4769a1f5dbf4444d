"""Link and mention counts, rate limits and repeated texts: against the real Redis, in one
process, and through a Redis outage."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from moderation.limits import (
    DuplicateDetector,
    LocalWindows,
    RateLimiter,
    count_links,
    count_mentions,
    normalise,
)
from tests.conftest import PrivateRedis, free_port
from tests.waiting import eventually


@pytest.fixture
async def limiter(store: str | None, prefix: str) -> AsyncIterator[RateLimiter]:
    limiter = RateLimiter(store, prefix=prefix)
    yield limiter
    await limiter.close()


@pytest.fixture
async def duplicates(store: str | None, prefix: str) -> AsyncIterator[DuplicateDetector]:
    detector = DuplicateDetector(store, prefix=prefix)
    yield detector
    await detector.close()


# --- counting links and mentions ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("no links here", 0),
        ("see https://example.com/a?b=1 now", 1),
        ("HTTP://EXAMPLE.COM and http://foo.org", 2),
        ("example.com/x and www.shop.de", 2),
        ("shop.example.co.uk/deal", 1),
        ("ｅｘａｍｐｌｅ．ｃｏｍ", 1),
        ("访问例子.com看看", 1),
        ("write to bob@example.com", 0),
        ("e.g. this, i.e. that", 0),
        ("node.js, readme.md and version 1.2.3", 0),
        ("https://a.com https://a.com", 2),
    ],
)
def test_count_links_counts_urls_and_bare_domains(text: str, links: int) -> None:
    assert count_links(text) == links


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("hello", 0),
        ("@alice and @bob_2", 2),
        ("@Alice @alice @ALICE", 1),
        ("mail me at carol@example.com", 0),
        ("@al is too short, @1abc starts with a digit", 0),
        ("（@dave）你好", 1),
    ],
)
def test_count_mentions_counts_distinct_handles(text: str, mentions: int) -> None:
    assert count_mentions(text) == mentions


def test_normalise_folds_case_width_and_whitespace() -> None:
    assert normalise("  Buy\tＮＯＷ\n\n cheap  ") == normalise("buy now cheap") == "buy now cheap"


# --- rate limits ----------------------------------------------------------------------------


async def test_rate_limiter_refuses_past_the_limit_with_a_retry_time(limiter: RateLimiter) -> None:
    assert [await limiter.hit("post:1", 3, 10) for _ in range(3)] == [None, None, None]
    wait = await limiter.hit("post:1", 3, 10)
    assert wait is not None and 9 < wait <= 10


async def test_rate_limiter_allows_again_once_the_window_has_passed(limiter: RateLimiter) -> None:
    assert await limiter.hit("post:1", 2, 1) is None
    assert await limiter.hit("post:1", 2, 1) is None
    wait = await limiter.hit("post:1", 2, 1)
    assert wait is not None and 0 < wait <= 1
    await asyncio.sleep(wait + 0.05)  # the clock under test: allowed when it said it would be
    assert await limiter.hit("post:1", 2, 1) is None


async def test_rate_limiter_window_slides_rather_than_resets(limiter: RateLimiter) -> None:
    # The clock is under test here, not waited on: the two sleeps place two writes in time.
    assert await limiter.hit("k", 2, 1) is None
    await asyncio.sleep(0.5)
    assert await limiter.hit("k", 2, 1) is None
    await asyncio.sleep(0.6)
    # The first write has left the window; the second has not.
    assert await limiter.hit("k", 2, 1) is None
    assert await limiter.hit("k", 2, 1) is not None


async def test_rate_limiter_keeps_keys_apart(limiter: RateLimiter) -> None:
    assert await limiter.hit("post:1", 1, 10) is None
    assert await limiter.hit("post:1", 1, 10) is not None
    assert await limiter.hit("post:2", 1, 10) is None
    assert await limiter.hit("comment:1", 1, 10) is None


async def test_rate_limiter_does_not_count_refused_writes(limiter: RateLimiter) -> None:
    assert await limiter.hit("k", 1, 1) is None
    first = await limiter.hit("k", 1, 1)
    await asyncio.sleep(0.3)  # the clock under test: a refusal later waits less
    second = await limiter.hit("k", 1, 1)
    assert first is not None and second is not None and second < first
    await asyncio.sleep(second + 0.05)  # the clock under test: the refusals were not counted
    assert await limiter.hit("k", 1, 1) is None


async def test_rate_limiter_refuses_a_limit_below_one(limiter: RateLimiter) -> None:
    with pytest.raises(ValueError):
        await limiter.hit("k", 0, 10)


async def test_rate_limiters_in_two_processes_share_the_count(
    shared_redis: str, prefix: str
) -> None:
    first, second = (
        RateLimiter(shared_redis, prefix=prefix),
        RateLimiter(shared_redis, prefix=prefix),
    )
    try:
        assert await first.hit("post:1", 3, 10) is None
        assert await second.hit("post:1", 3, 10) is None
        assert await first.hit("post:1", 3, 10) is None
        assert await second.hit("post:1", 3, 10) is not None
        assert await first.hit("post:1", 3, 10) is not None
    finally:
        await first.close()
        await second.close()


async def test_rate_limiter_takes_exactly_the_limit_from_concurrent_writers(
    shared_redis: str, prefix: str
) -> None:
    limiters = [RateLimiter(shared_redis, prefix=prefix) for _ in range(4)]
    try:
        results = await asyncio.gather(*(limiters[i % 4].hit("post:1", 5, 10) for i in range(40)))
        assert results.count(None) == 5
    finally:
        for limiter in limiters:
            await limiter.close()


async def test_rate_limiter_falls_back_to_the_process_when_redis_is_unreachable(
    prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = RateLimiter(f"redis://127.0.0.1:{free_port()}/0", prefix=prefix)
    try:
        with caplog.at_level(logging.WARNING, logger="moderation.limits"):
            results = [await limiter.hit("post:1", 2, 10) for _ in range(3)]
        assert results[:2] == [None, None]
        assert results[2] is not None and 9 < results[2] <= 10
        assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1
        assert not limiter.windows.using_redis
    finally:
        await limiter.close()


def messages(caplog: pytest.LogCaptureFixture, text: str) -> int:
    return len([r for r in caplog.records if text in r.getMessage()])


async def until_shared_again(limiter: RateLimiter) -> None:
    """Write until the limiter has found Redis again (it retries every `retry_seconds`)."""

    async def shared() -> bool:
        await limiter.hit("probe", 1000, 30)
        return limiter.windows.using_redis

    await eventually(shared, within=5, what="the limiter to go back to Redis")


async def test_rate_limiter_rides_out_a_redis_outage_and_shares_again_after(
    private_redis: PrivateRedis, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = (
        RateLimiter(private_redis.url, prefix=prefix),
        RateLimiter(private_redis.url, prefix=prefix),
    )
    for limiter in (first, second):
        limiter.windows.retry_seconds = 0.1
    try:
        caplog.set_level(logging.INFO, logger="moderation.limits")
        assert await first.hit("post:1", 2, 30) is None
        assert await second.hit("post:1", 2, 30) is None

        await private_redis.stop()
        # Each process now counts on its own: neither refuses for the other's writes.
        for _ in range(3):
            assert await first.hit("post:2", 5, 30) is None
        assert await second.hit("post:2", 5, 30) is None
        assert messages(caplog, "unreachable") == 2  # one per process, not one per write

        await private_redis.start()
        await until_shared_again(first)
        await until_shared_again(second)
        assert messages(caplog, "is back") == 2
        assert messages(caplog, "unreachable") == 2
        # Redis restarted empty; the two share the count again.
        assert await first.hit("post:4", 1, 30) is None
        assert await second.hit("post:4", 1, 30) is not None
    finally:
        await first.close()
        await second.close()


# --- repeated texts -------------------------------------------------------------------------


async def test_duplicate_detector_trips_at_the_threshold(duplicates: DuplicateDetector) -> None:
    seen = [await duplicates.seen_recently(1, "Buy cheap parts!", 60, 3) for _ in range(4)]
    assert seen == [False, False, True, True]


async def test_duplicate_detector_sees_through_case_width_and_spacing(
    duplicates: DuplicateDetector,
) -> None:
    texts = ["Buy cheap parts!", "  buy   CHEAP\nparts!", "ｂｕｙ ｃｈｅａｐ ｐａｒｔｓ！"]
    assert [await duplicates.seen_recently(1, t, 60, 3) for t in texts] == [False, False, True]


async def test_duplicate_detector_counts_per_user_and_per_text(
    duplicates: DuplicateDetector,
) -> None:
    assert not await duplicates.seen_recently(1, "hello", 60, 2)
    assert not await duplicates.seen_recently(2, "hello", 60, 2)
    assert not await duplicates.seen_recently(1, "hello there", 60, 2)
    assert await duplicates.seen_recently(1, "hello", 60, 2)


async def test_duplicate_detector_forgets_after_the_window(duplicates: DuplicateDetector) -> None:
    assert not await duplicates.seen_recently(1, "again", 0.5, 2)
    await asyncio.sleep(0.6)  # the clock under test, not a wait: the 0.5 s window passes
    assert not await duplicates.seen_recently(1, "again", 0.5, 2)
    assert await duplicates.seen_recently(1, "again", 0.5, 2)


async def test_duplicate_detectors_in_two_processes_share_the_count(
    shared_redis: str, prefix: str
) -> None:
    first = DuplicateDetector(shared_redis, prefix=prefix)
    second = DuplicateDetector(shared_redis, prefix=prefix)
    try:
        assert not await first.seen_recently(1, "same text", 60, 2)
        assert await second.seen_recently(1, "same text", 60, 2)
    finally:
        await first.close()
        await second.close()


async def test_duplicate_detector_falls_back_when_redis_is_unreachable() -> None:
    local = LocalWindows()
    detector = DuplicateDetector(f"redis://127.0.0.1:{free_port()}/0", local=local)
    limiter = RateLimiter(None, local=local)
    try:
        assert not await detector.seen_recently(1, "x", 60, 2)
        assert await detector.seen_recently(1, "x", 60, 2)
        # One fallback store can serve both; their prefixes keep the counts apart.
        assert await limiter.hit("1", 1, 60) is None
    finally:
        await detector.close()
        await limiter.close()
