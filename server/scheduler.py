"""The background task that publishes scheduled posts when they fall due, ends suspensions
whose term is over, finishes the events that have ended, closes the polls whose time is up,
and writes the radio plays counted since the last tick."""

from __future__ import annotations

import asyncio
import logging

from resolvers.context import Resources
from resolvers.event_finish import finish_due_events
from resolvers.koc import end_due_koc_roles
from resolvers.moderation_actions import end_due_suspensions
from resolvers.polls import close_due_polls
from resolvers.scheduled import DueRetries, publish_due_posts

log = logging.getLogger(__name__)


async def run_scheduler(interval_seconds: float, resources: Resources) -> None:
    retries = DueRetries()
    while True:
        # Each job on its own (and each item within them, see the jobs): a post that cannot
        # be published never keeps suspensions from ending, nor the other way round.
        try:
            published = await publish_due_posts(resources, retries=retries)
            if published:
                log.info("published %d scheduled posts", len(published))
        except Exception:  # keep the loop alive through a database hiccup
            log.exception("publishing scheduled posts failed; retrying")
        try:
            ended = await end_due_suspensions(resources.hub)
            if ended:
                log.info("ended %d suspensions", len(ended))
        except Exception:
            log.exception("ending suspensions failed; retrying")
        try:
            sweep = await end_due_koc_roles(resources.hub, settings=resources.settings)
            if sweep.ended or sweep.reminded:
                log.info("ended %d KOC roles, reminded %d", len(sweep.ended), len(sweep.reminded))
        except Exception:
            log.exception("ending KOC roles failed; retrying")
        try:
            done = await finish_due_events(resources.hub, resources.settings)
            if done:
                log.info("finished %d events", len(done))
        except Exception:
            log.exception("finishing events failed; retrying")
        try:
            closed = await close_due_polls(resources.hub)
            if closed:
                log.info("closed %d polls", len(closed))
        except Exception:
            log.exception("closing polls failed; retrying")
        try:
            await resources.plays.flush()  # what fails is kept for the next tick
        except Exception:
            log.exception("writing radio plays failed; retrying")
        await asyncio.sleep(interval_seconds)
