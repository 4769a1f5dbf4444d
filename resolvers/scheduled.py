"""Scheduled drafts going out when they fall due, screened against the rules as they are then.

Every server process runs this (server.scheduler); each post is claimed by a conditional update,
so it publishes once however many processes try. A post that fails is logged and retried with a
growing pause while the others go on.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import cast

from moderation.rules import RuleSet
from resolvers.changes import writing
from resolvers.context import Resources
from resolvers.post_input import screened_fields
from resolvers.posts import target
from resolvers.publication import post_went_live
from resolvers.screening import Verdict, review_if_needed
from server.broadcast import Hub
from server.models import Post, PostState, RuleAction

log = logging.getLogger(__name__)


class DueRetries:
    """Scheduled posts whose publishing failed, retried with a growing pause (one process's
    memory: another process may try sooner, which is harmless, since publishing is claimed)."""

    FIRST_PAUSE = 5.0
    MAX_PAUSE = 600.0

    def __init__(self) -> None:
        self._failures: dict[int, tuple[int, float]] = {}

    def waiting(self, post_id: int, now: float) -> bool:
        failure = self._failures.get(post_id)
        return failure is not None and failure[1] > now

    def failed(self, post_id: int, now: float) -> float:
        count = self._failures.get(post_id, (0, 0.0))[0] + 1
        pause = min(self.FIRST_PAUSE * 2 ** (count - 1), self.MAX_PAUSE)
        self._failures[post_id] = (count, now + pause)
        return pause

    def succeeded(self, post_id: int) -> None:
        self._failures.pop(post_id, None)


async def publish_due_posts(
    resources: Resources, now: datetime | None = None, retries: DueRetries | None = None
) -> list[int]:
    """Publish every scheduled draft whose time has come, screened against the rules as they
    are now: a post that trips a rule waits for a moderator instead. Safe to run in several
    processes at once: each post is claimed by a conditional update, so it goes out once.
    One post that fails is logged and retried later with a growing pause; the others go on."""
    moment = now or datetime.now(UTC)
    due = cast(
        list[int],
        await Post.filter(state=PostState.DRAFT, scheduled_at__lte=moment).values_list(
            "id", flat=True
        ),
    )
    hub = resources.hub
    ruleset = await resources.moderation.rules.current()
    published = []
    clock = time.monotonic()
    for post_id in due:
        if retries is not None and retries.waiting(post_id, clock):
            continue
        try:
            if await _publish_due(post_id, moment, hub, ruleset):
                published.append(post_id)
            if retries is not None:
                retries.succeeded(post_id)
        except Exception:
            pause = retries.failed(post_id, clock) if retries is not None else 0.0
            log.exception("publishing scheduled post %s failed; retrying in %.0f s", post_id, pause)
    return published


async def _publish_due(post_id: int, moment: datetime, hub: Hub, ruleset: RuleSet) -> bool:
    post = await Post.get(id=post_id)
    fields = screened_fields(post.title, post.body, post.tags, post.media)
    masked, hits = ruleset.screen_fields(fields)
    # Nobody is there to be refused: what a rule would block or hold waits for review.
    held = any(h.action in (RuleAction.BLOCK, RuleAction.HOLD) for h in hits)
    verdict = Verdict(masked, tuple(hits), ["SCREENING"] if held else [])
    async with writing(hub) as change_log:
        claimed = await Post.filter(
            id=post_id, state=PostState.DRAFT, scheduled_at__lte=moment
        ).update(
            state=PostState.HELD if held else PostState.PUBLISHED,
            published_at=None if held else moment,
            scheduled_at=None,
            title=masked["title"] or None,
            body=masked["body"],
            updated_at=moment,
        )
        if not claimed:
            return False
        await post.refresh_from_db()
        if not held:
            await post_went_live(change_log, post)
        await review_if_needed(change_log, verdict, target(post), post.author_id)
    return not held
