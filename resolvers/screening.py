"""One screening step for every text users write, before it is stored.

    verdict = await screen(ctx, author, "post", {"title": title, "body": body})

In order: the per-user rate limit for the action (RateLimited), the watched words (BLOCK raises
ContentRejected; REPLACE masks; HOLD and FLAG are returned), the new-account limits on links
and mentions (InvalidInput), and then what makes a post wait for a moderator: a HOLD rule, a
silenced author, a new account's first posts, or the same text sent again and again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from moderation import limits, policies
from moderation.rules import Hit, RuleSet
from resolvers.changes import ChangeLog
from resolvers.context import Context
from resolvers.moderation_items import Target, open_item, timeline
from server.errors import ContentRejected, InvalidInput, RateLimited
from server.models import ModerationItem, ModerationItemEventKind, Post, PostState, RuleAction, User
from server.settings import Settings


@dataclass
class Verdict:
    fields: dict[str, str]
    hits: tuple[Hit, ...] = ()
    hold_reasons: list[str] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return bool(self.hold_reasons)

    @property
    def flags(self) -> list[Hit]:
        return [h for h in self.hits if h.action != RuleAction.REPLACE]


def is_new(user: User, settings: Settings, now: datetime | None = None) -> bool:
    age = (now or datetime.now(UTC)) - user.created_at
    return age < timedelta(days=settings.new_account_days)


async def rate_limit(ctx: Context, author: User, action: str) -> None:
    """One write of kind `action` by `author` (RATE_LIMITS), refused past the limit."""
    await limit(ctx, action, str(author.id), "You are doing that too often")


async def limit(ctx: Context, action: str, who: str, refusal: str) -> None:
    """Count one `action` by `who` (an account, or a client address) against RATE_LIMITS;
    RateLimited, saying `refusal` and how long to wait, past the limit."""
    allowed = ctx.settings.rate_limit(action)
    if allowed is None:
        return
    count, window = allowed
    wait = await ctx.moderation.limiter.hit(f"{action}:{who}", count, window)
    if wait is not None:
        raise RateLimited(
            f"{refusal}; try again in {max(1, round(wait))} seconds.",
            retry_after_seconds=round(wait, 1),
        )


async def screen_text(ctx: Context, fields: dict[str, str]) -> Verdict:
    """Screen texts against the watched words alone (a new account's name, before it has an
    account to rate-limit): BLOCK refuses, REPLACE masks, HOLD and FLAG go to review."""
    rules = await ctx.moderation.rules.current()
    masked, hits = rules.screen_fields(fields)
    _refuse_blocked(rules, hits, fields)
    return Verdict(fields=masked, hits=tuple(hits))


def _refuse_blocked(rules: RuleSet, hits: tuple[Hit, ...], fields: dict[str, str]) -> None:
    """ContentRejected naming the reasons and the (first) field a BLOCK rule matched in."""
    blocking = [h for h in hits if h.action == RuleAction.BLOCK]
    if blocking:
        reasons = sorted({h.reason or "a watched word" for h in blocking})
        field = next(
            (name for name, text in fields.items() if text and rules.screen(text).blocked),
            next(iter(fields)),
        )
        raise ContentRejected(
            f"This cannot be posted: it contains {', '.join(reasons)}.",
            reasons=reasons,
            field=field,
        )


async def screen(ctx: Context, author: User, action: str, fields: dict[str, str]) -> Verdict:
    """Screen the texts of one write by `author`; raises what refuses it, returns the rest."""
    settings = ctx.settings
    await rate_limit(ctx, author, action)
    services = ctx.moderation
    rules = await services.rules.current()
    masked, hits = rules.screen_fields(fields)
    _refuse_blocked(rules, hits, fields)
    verdict = Verdict(fields=masked, hits=tuple(hits))
    if any(h.action == RuleAction.HOLD for h in hits):
        verdict.hold_reasons.append("SCREENING")
    text = " ".join(masked.values())
    if is_new(author, settings) and not policies.is_staff(author):
        if limits.count_links(text) > settings.new_account_max_links:
            raise InvalidInput(
                f"New accounts can include at most {settings.new_account_max_links} links.",
                field=_most(limits.count_links, masked),
            )
        if limits.count_mentions(text) > settings.new_account_max_mentions:
            raise InvalidInput(
                f"New accounts can mention at most {settings.new_account_max_mentions} people.",
                field=_most(limits.count_mentions, masked),
            )
    if action in ("post", "comment"):
        if policies.is_silenced(author):
            verdict.hold_reasons.append("SILENCED")
        if action == "post" and await _first_posts(author, settings):
            verdict.hold_reasons.append("NEW_ACCOUNT")
        if await services.duplicates.seen_recently(
            author.id, text, settings.duplicate_window_seconds, settings.duplicate_threshold
        ):
            verdict.hold_reasons.append("DUPLICATE")
    return verdict


def _most(count: Callable[[str], int], fields: dict[str, str]) -> str:
    """The field holding the most of what `count` counts (the first on a tie), for the error."""
    return max(fields, key=lambda name: count(fields[name]))


async def _first_posts(author: User, settings: Settings) -> bool:
    """Whether this is among the author's first posts, which wait for approval."""
    if settings.new_account_held_posts <= 0 or policies.is_staff(author):
        return False
    live = await Post.filter(author_id=author.id, state=PostState.PUBLISHED).count()
    return live < settings.new_account_held_posts


async def review_if_needed(
    log: ChangeLog, verdict: Verdict, target: Target, actor_id: int
) -> ModerationItem | None:
    """Open (or grow) the queue item for a written text that is held or flagged, in the
    write's own transaction."""
    if not verdict.held and not verdict.flags:
        return None
    item = None
    for reason in verdict.hold_reasons or ["SCREENING"]:
        item = await open_item(
            log, target, reason=reason, score=1.0, actor_id=actor_id, hide=verdict.held
        )
    assert item is not None
    for hit in verdict.flags:
        item.auto_hits = [
            *item.auto_hits,
            {
                "rule": hit.rule_id,
                "action": str(hit.action),
                "matched": hit.matched,
                "reason": hit.reason,
            },
        ]
    await item.save(update_fields=["auto_hits", "updated_at"])
    await timeline(
        log,
        item,
        ModerationItemEventKind.SCREENED,
        None,
        ", ".join(verdict.hold_reasons) or "flagged",
        hits=[h.rule_id for h in verdict.flags],
    )
    return item
