"""Reports: any signed-in user reports a post, comment, user or group once, with a reason.

A report grows the target's open queue item by the reporter's standing; when the item's score
reaches the threshold, the post or comment is hidden until a moderator decides.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from moderation import policies
from resolvers.context import Context
from resolvers.events import writing
from resolvers.moderation import apply_action, load_target
from resolvers.queue import HIDEABLE, MAX_NOTE, open_item, timeline
from resolvers.screening import rate_limit
from server.errors import Conflict, InvalidInput, NotFound
from server.models import (
    ItemEventKind,
    ModerationAction,
    ModerationTarget,
    Report,
    ReportOutcome,
    ReportReason,
    User,
)


async def reporter_weight(reporter: User, now: datetime | None = None) -> float:
    """How much a report counts: moderators most, long-standing members more, and a reporter
    whose past reports were rejected less (Discourse's flag-accuracy idea)."""
    if policies.is_staff(reporter):
        return 5.0
    age = (now or datetime.now(UTC)) - reporter.created_at
    base = 1.0 if age < timedelta(days=30) else 1.5 if age < timedelta(days=180) else 2.0
    outcomes = await Report.filter(
        reporter_id=reporter.id, outcome__in=[ReportOutcome.UPHELD, ReportOutcome.REJECTED]
    ).values_list("outcome", flat=True)
    upheld = sum(1 for o in outcomes if o == ReportOutcome.UPHELD)
    rejected = len(outcomes) - upheld
    accuracy = 2 * (upheld + 1) / (upheld + rejected + 2)
    return round(base * min(max(accuracy, 0.2), 2.0), 2)


async def report_content(
    ctx: Context,
    target_type: ModerationTarget,
    target_id: int,
    reason: ReportReason,
    note: str,
    visible: bool,
) -> Report:
    """`visible`: whether the reporter can see the target (the caller checked, through the
    same rules as every read); reporting what you cannot see reads as not found."""
    viewer = policies.require_writer(ctx.viewer)
    await rate_limit(ctx, viewer, "report")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"A note has at most {MAX_NOTE} characters.", field="note")
    if reason == ReportReason.OTHER and not note:
        raise InvalidInput("Say what is wrong when the reason is OTHER.", field="note")
    target = await load_target(target_type, target_id) if visible else None
    if target is None:
        raise NotFound("Nothing to report there.")
    if not policies.can_report(viewer, target.author_id):
        raise InvalidInput("You cannot report yourself or what you wrote.", field="targetId")
    if await Report.filter(
        reporter_id=viewer.id, target_type=target_type, target_id=target_id
    ).exists():
        raise Conflict("You have reported this already.")
    weight = await reporter_weight(viewer)
    async with writing(ctx.hub) as log:
        item = await open_item(log, target, reason=str(reason), score=weight, actor_id=viewer.id)
        report = await Report.create(
            reporter_id=viewer.id,
            item_id=item.id,
            target_type=target_type,
            target_id=target_id,
            reason=reason,
            note=note,
            weight=weight,
        )
        await timeline(log, item, ItemEventKind.REPORTED, viewer.id, note, reason=str(reason))
        threshold = ctx.settings.report_hide_threshold
        if item.score >= threshold and target.type in HIDEABLE and not item.target_hidden:
            # Enough trusted people object: hidden until a moderator looks.
            await apply_action(
                log,
                None,
                ModerationAction.HIDE,
                target,
                reason="Hidden after reports, until reviewed",
                item=item,
            )
            item.target_hidden = True
            await item.save(update_fields=["target_hidden", "updated_at"])
    return report
