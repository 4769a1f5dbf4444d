"""Reports: any signed-in user reports a post, comment, user or group, a radio episode or
station, a collection or a credit once, with a reason.

A report grows the target's open queue item by the reporter's standing; when the reports of
established members reach the threshold, the post, comment or episode is hidden until a
moderator decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from moderation import policies
from resolvers import validation
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.credits import visible_credit
from resolvers.moderation_actions import apply_action
from resolvers.moderation_items import HIDEABLE, MAX_NOTE, load_target, open_item, timeline
from resolvers.screening import rate_limit
from resolvers.visibility import target_visible
from server.errors import Conflict, InvalidInput, NotFound
from server.models import (
    IdentityKind,
    ModerationAction,
    ModerationItemEventKind,
    ModerationTarget,
    Report,
    ReportOutcome,
    ReportReason,
    User,
)
from server.settings import Settings


@dataclass(frozen=True)
class Standing:
    """What one report counts for: `weight` raises the item's priority in the queue;
    `hide_weight` counts towards hiding the target before review."""

    weight: float
    hide_weight: float


IDENTITY_FACTOR = {
    IdentityKind.OWNER: 1.25,
    IdentityKind.DEPOSIT_HOLDER: 1.1,
    IdentityKind.FAN: 1.0,
}


async def reporter_standing(
    reporter: User, settings: Settings, now: datetime | None = None
) -> Standing:
    """How much a report counts: by the reporter's account age, who they are to the brand
    (owners a little more) and how often their past reports were upheld (Discourse's
    flag-accuracy idea). Staff count most. Accounts younger than
    `report_trusted_account_days` raise an item's priority a little and hide nothing: twenty
    throwaway accounts cannot take a post down, five established members can."""
    if policies.is_staff(reporter):
        return Standing(5.0, 5.0)
    age = (now or datetime.now(UTC)) - reporter.created_at
    if age < timedelta(days=settings.report_trusted_account_days):
        return Standing(0.2, 0.0)
    base = 1.0 if age < timedelta(days=30) else 1.5 if age < timedelta(days=180) else 2.0
    outcomes = await Report.filter(
        reporter_id=reporter.id, outcome__in=[ReportOutcome.UPHELD, ReportOutcome.REJECTED]
    ).values_list("outcome", flat=True)
    upheld = sum(1 for o in outcomes if o == ReportOutcome.UPHELD)
    rejected = len(outcomes) - upheld
    accuracy = 2 * (upheld + 1) / (upheld + rejected + 2)
    weight = round(
        base * IDENTITY_FACTOR.get(reporter.identity, 1.0) * min(max(accuracy, 0.2), 2.0), 2
    )
    return Standing(weight, weight)


async def report_target(
    ctx: Context,
    target_type: ModerationTarget,
    target_id: int,
    reason: ReportReason,
    note: str,
) -> Report:
    """Report a post, comment, user, group, episode, station, collection or credit: what the
    viewer cannot see reads as not found, through the same gate as every read."""
    if target_type == ModerationTarget.CREDIT:
        visible = await visible_credit(ctx, target_id) is not None
    else:
        visible = await target_visible(ctx, target_type, target_id)
    return await report_content(ctx, target_type, target_id, reason, note, visible)


def visible_reporter_id(ctx: Context, report: Report) -> int | None:
    """Who made a report: platform moderators and admins learn it; group admins and the
    reported author never do."""
    return report.reporter_id if policies.is_staff(ctx.viewer) else None


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
    note = validation.text(note, "note", minimum=0, maximum=MAX_NOTE, label="A note")
    if reason == ReportReason.OTHER and not note:
        raise InvalidInput("Say what is wrong when the reason is OTHER.", field="note")
    target = await load_target(target_type, target_id) if visible else None
    if target is None:
        raise NotFound("Nothing to report there.")
    if not policies.can_report(viewer, target.author_id):
        raise InvalidInput(
            "You cannot report yourself or what you wrote or made.", field="targetId"
        )
    if await Report.filter(
        reporter_id=viewer.id, target_type=target_type, target_id=target_id
    ).exists():
        raise Conflict("You have reported this already.")
    standing = await reporter_standing(viewer, ctx.settings)
    async with writing(ctx.hub) as log:
        item = await open_item(
            log, target, reason=str(reason), score=standing.weight, actor_id=viewer.id
        )
        report = await Report.create(
            reporter_id=viewer.id,
            item_id=item.id,
            target_type=target_type,
            target_id=target_id,
            reason=reason,
            note=note,
            weight=standing.weight,
            hide_weight=standing.hide_weight,
        )
        await timeline(
            log, item, ModerationItemEventKind.REPORTED, viewer.id, note, reason=str(reason)
        )
        threshold = ctx.settings.report_hide_threshold
        trusted = await Report.filter(item_id=item.id).values_list("hide_weight", flat=True)
        hiding = sum(cast(list[float], trusted))
        if hiding >= threshold and target.type in HIDEABLE and not item.target_hidden:
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
