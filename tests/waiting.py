"""Waiting in tests: for a condition, with a deadline, never for a length of time.

    await eventually(lambda: hub.subscriber_count() == 50)
    token = await eventually(read_token, within=30, what="the token")  # its first truthy value

A test that sleeps "long enough" for something to happen is slow when the machine is fast and
fails when it is slow; `eventually` returns as soon as the condition holds and says what it
waited for when it never does.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

POLL_SECONDS = 0.02


async def eventually(
    condition: Callable[[], T | Awaitable[T]],
    *,
    within: float = 10,
    what: str | None = None,
) -> T:
    """The first truthy value of `condition()` (a plain or an async function), asked again
    every POLL_SECONDS; fails the test once `within` seconds pass without one."""
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value  # type: ignore[return-value]
        if time.monotonic() > deadline:
            name = what or getattr(condition, "__name__", repr(condition))
            raise AssertionError(f"waited {within}s for {name}; last {value!r}")
        # The poll step, not a guess at how long anything takes.
        await asyncio.sleep(POLL_SECONDS)
