"""Several server processes sharing Redis, and Redis going away under live subscribers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.conftest import ServerProcess
from tests.e2e.test_subscriptions import POST_ADDED, create
from tests.waiting import eventually


@pytest.fixture
async def two_servers(
    tmp_path, private_redis
) -> AsyncIterator[tuple[ServerProcess, ServerProcess]]:
    """Two processes on one database and one (private) Redis, as behind a load balancer."""
    a = ServerProcess(tmp_path, BROADCAST_URL=private_redis.url, SEED_DEMO="0")
    b = ServerProcess(tmp_path, BROADCAST_URL=private_redis.url, SEED_DEMO="0")
    try:
        await a.start()
        await b.start()
        yield a, b
    finally:
        await a.stop()
        await b.stop()


async def test_a_subscriber_on_one_process_gets_a_post_made_through_another(two_servers):
    a, b = two_servers
    token = await b.register("ann")
    async with a.subscribe(POST_ADDED, {"feed": "GLOBAL"}) as stream:
        post_id = await create(b, token, "made on B, seen on A")
        assert (await stream.next())["postAdded"]["post"]["id"] == post_id


async def test_live_feeds_survive_redis_going_away_and_resume_misses_nothing(
    two_servers, private_redis
):
    a, b = two_servers
    token = await b.register("ann")
    async with a.subscribe(POST_ADDED, {"feed": "GLOBAL"}) as stream:
        first = await create(b, token, "before the outage")
        event = (await stream.next())["postAdded"]
        assert event["post"]["id"] == first
        cursor = event["cursor"]

        await private_redis.stop()
        during = [await create(b, token, f"written while Redis is down {i}") for i in range(3)]
        await eventually(lambda: "unreachable" in a.logs(), what="A to notice the outage")
        await private_redis.start()

        # Back: the server resynchronises this subscriber from the database...
        caught_up = [(await stream.next(timeout=30))["postAdded"]["post"]["id"] for _ in range(3)]
        assert caught_up == during
        after = await create(b, token, "after the outage")
        assert (await stream.next(timeout=15))["postAdded"]["post"]["id"] == after

    # ...and a client that resumes from its last cursor misses nothing either.
    async with a.subscribe(POST_ADDED, {"feed": "GLOBAL", "after": cursor}) as resumed:
        ids = [(await resumed.next())["postAdded"]["post"]["id"] for _ in range(4)]
        await resumed.nothing(0.5)
    assert ids == [*during, after]
    assert "reconnected" in a.logs()
