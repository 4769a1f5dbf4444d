"""The background task that publishes scheduled posts when they fall due."""

from __future__ import annotations

import asyncio
import logging

from resolvers.posts import publish_due_posts

log = logging.getLogger(__name__)


async def run_scheduler(interval_seconds: float) -> None:
    while True:
        try:
            published = await publish_due_posts()
            if published:
                log.info("published %d scheduled posts", len(published))
        except Exception:  # keep the loop alive through a database hiccup
            log.exception("publishing scheduled posts failed; retrying")
        await asyncio.sleep(interval_seconds)
