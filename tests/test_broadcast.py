"""The pub/sub hub over broadcaster: memory and real Redis, and its known defects handled."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator

import pytest
import redis
from redis import asyncio as aioredis

from server.broadcast import RESYNC, Hub, Subscription
from tests.conftest import require_service

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_available() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        require_service("Redis", exc)


@pytest.fixture(params=["memory", "redis"])
async def hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    if request.param == "redis":
        redis_available()
    hub = Hub("memory://" if request.param == "memory" else REDIS_URL, queue_size=5)
    await hub.start()
    yield hub
    await hub.stop()


def channel(name: str) -> str:
    return f"test:{name}:{os.getpid()}:{time.monotonic_ns()}"


async def test_a_published_message_reaches_every_local_subscriber(hub):
    name = channel("fanout")
    async with hub.subscribe(name) as a, hub.subscribe(name) as b:
        assert await hub.publish(name, "hello")
        assert await asyncio.wait_for(a.get(), 5) == "hello"
        assert await asyncio.wait_for(b.get(), 5) == "hello"


async def test_redis_holds_the_subscription_before_it_is_handed_out(shared_redis):
    """Redis answers SUBSCRIBE on the listening connection; until then a message published to
    the channel is dropped. A subscription (and the count that /healthz reports) waits for it."""
    hub = Hub(shared_redis)
    await hub.start()
    admin = aioredis.Redis.from_url(shared_redis)
    try:
        name = channel("confirmed")
        async with hub.subscribe(name):
            assert hub.subscriber_count() == 1
            assert await admin.pubsub_numsub(name) == [(name.encode(), 1)]
        assert hub.subscriber_count() == 0
    finally:
        await admin.aclose()
        await hub.stop()


async def test_concurrent_first_subscribers_all_stay_registered(hub):
    """broadcaster registers a channel's first subscriber after an await, so concurrent first
    subscribers replaced each other (1 of 50 stayed) and the rest failed on leaving."""
    name = channel("concurrent")
    all_in = asyncio.Barrier(51)  # the 50 subscribers, each handed its subscription, and the test
    received: list[str] = []

    async def subscriber() -> None:
        async with hub.subscribe(name) as sub:
            await all_in.wait()
            received.append(await asyncio.wait_for(sub.get(), 5))

    tasks = [asyncio.create_task(subscriber()) for _ in range(50)]
    await asyncio.wait_for(all_in.wait(), 10)
    assert hub.subscriber_count() == 50
    await hub.publish(name, "to all")
    await asyncio.gather(*tasks)
    assert received == ["to all"] * 50
    assert hub.subscriber_count() == 0


async def test_resubscribing_after_the_last_subscriber_left_still_delivers(hub):
    name = channel("again")
    async with hub.subscribe(name):
        pass
    async with hub.subscribe(name) as sub:
        await hub.publish(name, "still here")
        assert await asyncio.wait_for(sub.get(), 5) == "still here"


async def test_a_slow_subscriber_gets_a_resync_instead_of_an_unbounded_queue(hub):
    name, marker = channel("slow"), channel("slow-marker")
    async with hub.subscribe(name) as sub, hub.subscribe(marker) as dispatched:
        for i in range(50):
            await hub.publish(name, str(i))
        # One publisher and one listener keep the order: once the marker is in, so are the 50.
        await hub.publish(marker, "after the 50")
        assert await asyncio.wait_for(dispatched.get(), 5) == "after the 50"
        assert len(sub) == 1
        assert await asyncio.wait_for(sub.get(), 5) == RESYNC
        await hub.publish(name, "after")
        assert await asyncio.wait_for(sub.get(), 5) == "after"


async def test_subscription_queue_is_bounded_and_resyncs():
    sub = Subscription(("c",), maxsize=3)
    for i in range(10):
        sub.deliver(str(i))
    assert len(sub) == 1 and await sub.get() == RESYNC


async def test_subscription_hands_out_messages_in_order_and_waits_for_the_next():
    sub = Subscription(("c",), maxsize=3)
    sub.deliver("a")
    sub.deliver("b")
    assert [await sub.get(), await sub.get()] == ["a", "b"]
    waiting = asyncio.create_task(sub.get())
    await asyncio.sleep(0)  # not a wait for anything: one turn of the loop, to start the task
    assert not waiting.done()
    sub.deliver("c")
    assert await asyncio.wait_for(waiting, 1) == "c"


async def test_a_resynced_subscription_takes_messages_again_once_it_read_the_resync():
    sub = Subscription(("c",), maxsize=2)
    for i in range(5):
        sub.deliver(str(i))
    assert await sub.get() == RESYNC
    sub.deliver("after")
    assert await sub.get() == "after"


async def test_redis_drop_is_survived_subscribers_resync_and_publishing_never_raises(private_redis):
    hub = Hub(private_redis.url, queue_size=10)
    await hub.start()
    try:
        name = channel("drop")
        async with hub.subscribe(name) as sub:
            assert await hub.publish(name, "before")
            assert await asyncio.wait_for(sub.get(), 5) == "before"
            await private_redis.stop()
            assert await hub.publish(name, "while down") is False
            await private_redis.start()
            assert await asyncio.wait_for(sub.get(), 20) == RESYNC
            assert await hub.publish(name, "after")
            assert await asyncio.wait_for(sub.get(), 5) == "after"
    finally:
        await hub.stop()


async def test_redis_restarting_at_once_still_resyncs_and_the_next_publish_is_delivered(
    private_redis,
):
    """A restart quicker than anyone's retry: the listener must still see the drop (or the
    subscriber is never told it missed something), and the publisher's pooled connection, closed
    by the old server, must not swallow the first message after."""
    hub = Hub(private_redis.url, queue_size=10)
    await hub.start()
    try:
        name = channel("blip")
        async with hub.subscribe(name) as sub:
            await private_redis.stop()
            await private_redis.start()
            assert await asyncio.wait_for(sub.get(), 20) == RESYNC
            assert await hub.publish(name, "after")
            assert await asyncio.wait_for(sub.get(), 5) == "after"
    finally:
        await hub.stop()
