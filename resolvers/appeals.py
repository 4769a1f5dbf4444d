"""Appeals: the affected user asks, once per decision and within the appeal window, for a
decision to be looked at again; a different moderator upholds or overturns it.

The decision's queue item returns to the queue while the appeal waits. Overturning undoes what
can be undone (the post, comment or episode is restored, a removed credit given back as it was,
the sanction lifted, comments unlocked). Who may appeal is whom the decision affected: the
author, the account itself, who made a group, station or collection, and for a credit the
author of the work who gave it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from moderation import policies
from resolvers import earnings, validation
from resolvers.audit import item_scope, record
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.moderation_actions import ADVERSE, apply_action
from resolvers.moderation_items import Target, load_target, open_key, timeline
from resolvers.notifications import notify_moderation
from resolvers.pagination import Listing, Page, id_key, keyset_page
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    Appeal,
    AppealState,
    AuditEntry,
    AuditKind,
    ModerationAction,
    ModerationItem,
    ModerationItemEventKind,
    ModerationItemState,
    Post,
)

UNDO = {
    ModerationAction.HIDE: ModerationAction.RESTORE,
    ModerationAction.REMOVE: ModerationAction.RESTORE,
    ModerationAction.SILENCE: ModerationAction.LIFT_SANCTION,
    ModerationAction.SUSPEND: ModerationAction.LIFT_SANCTION,
    ModerationAction.BAN: ModerationAction.LIFT_SANCTION,
}
MAX_APPEAL = 2_000
OWN_DECISIONS = Listing("viewerModerationDecisions", id_key())


async def appeal_decision(ctx: Context, decision_id: int, text: str) -> Appeal:
    # Suspended and banned users appeal too: it is how they ask to come back.
    viewer = policies.require_viewer(ctx.viewer)
    entry = await AuditEntry.get_or_none(id=decision_id, kind=AuditKind.ACTION)
    if entry is None or entry.affected_user_id != viewer.id or entry.action not in ADVERSE:
        raise NotFound("No decision of yours to appeal there.")
    body = validation.text(text, "text", minimum=0, maximum=MAX_APPEAL, label="An appeal")
    if not body:
        raise InvalidInput(f"Explain in 1 to {MAX_APPEAL} characters.", field="text")
    window = timedelta(days=ctx.settings.appeal_days)
    if datetime.now(UTC) - entry.created_at > window:
        raise Conflict(f"Decisions can be appealed within {ctx.settings.appeal_days} days.")
    if entry.item_id is None:
        raise Conflict("This decision was not made in the queue and cannot be appealed.")
    if await Appeal.filter(decision_id=entry.id).exists():
        raise Conflict("You have appealed this decision already.")
    item = await ModerationItem.get(id=entry.item_id)
    async with writing(ctx.hub) as log:
        appeal = await Appeal.create(
            decision_id=entry.id, item_id=item.id, appellant_id=viewer.id, text=body
        )
        key = open_key(item.target_type, item.target_id)
        taken = await ModerationItem.filter(open_key=key).exclude(id=item.id).exists()
        reasons = item.reasons if "APPEAL" in item.reasons else [*item.reasons, "APPEAL"]
        await ModerationItem.filter(id=item.id).update(
            state=ModerationItemState.PENDING,
            open_key=None if taken else key,
            resolved_at=None,
            resolved_by_id=None,
            reasons=reasons,
            updated_at=datetime.now(UTC),
        )
        await item.refresh_from_db()
        await timeline(
            log, item, ModerationItemEventKind.APPEALED, viewer.id, body, appeal=appeal.id
        )
    return appeal


async def decide_appeal(ctx: Context, appeal_id: int, overturn: bool, reason: str) -> Appeal:
    viewer = policies.require_viewer(ctx.viewer)
    scope = await item_scope(ctx)  # refuses anyone who moderates nothing
    appeal = await Appeal.get_or_none(id=appeal_id)
    item = await ModerationItem.filter(scope, id=appeal.item_id).first() if appeal else None
    if appeal is None or item is None:
        raise NotFound("No such appeal.")
    if appeal.appellant_id == viewer.id:
        raise Forbidden("Someone else decides your appeal.")
    entry = await AuditEntry.get(id=appeal.decision_id)
    if entry.actor_id == viewer.id:
        raise Conflict("A different moderator decides an appeal.")
    if policies.level(viewer) < decision_level(entry):
        raise Forbidden(
            "This decision was made by platform staff: an appeal is decided at the level of "
            "the decision or above."
        )
    if (
        overturn
        and entry.action in UNDO
        and not policies.can_take_action(viewer, UNDO[entry.action])
    ):
        raise Forbidden("Lifting a sanction on an account is for platform moderators.")
    reason = validation.text(reason, "reason", minimum=0, maximum=MAX_APPEAL, label="A reason")
    if not reason:
        raise InvalidInput("Say why: the appellant is told.", field="reason")
    now = datetime.now(UTC)
    state = AppealState.OVERTURNED if overturn else AppealState.UPHELD
    async with writing(ctx.hub) as log:
        decided = await Appeal.filter(id=appeal.id, state=AppealState.PENDING).update(
            state=state, decided_by_id=viewer.id, decided_at=now
        )
        if not decided:
            raise Conflict("This appeal is decided already.")
        await appeal.refresh_from_db()
        target = await load_target(item.target_type, item.target_id) or Target(
            item.target_type, item.target_id, item.author_id, item.group_id
        )
        if overturn and entry.action in UNDO:
            await apply_action(log, viewer.id, UNDO[entry.action], target, reason=reason, item=item)
            await earnings.moderated(log, ctx.settings, viewer.id, UNDO[entry.action], target)
        elif overturn and entry.action == ModerationAction.LOCK_COMMENTS:
            await Post.filter(id=target.id).update(comments_locked=False)
        kind = AuditKind.APPEAL_OVERTURNED if overturn else AuditKind.APPEAL_UPHELD
        await record(
            kind,
            viewer.id,
            action=entry.action,
            item=item,
            affected_user_id=appeal.appellant_id,
            reason=reason,
            detail={"appeal": appeal.id, "decision": entry.id},
        )
        verdict = "overturned" if overturn else "upheld"
        await notify_moderation(log, appeal.appellant_id, f"Your appeal was {verdict}: {reason}")
        await ModerationItem.filter(id=item.id).update(
            state=ModerationItemState.RESOLVED,
            open_key=None,
            resolved_by_id=viewer.id,
            resolved_at=now,
        )
        await timeline(
            log, item, ModerationItemEventKind.APPEAL_DECIDED, viewer.id, reason, state=str(state)
        )
    return appeal


def decision_level(entry: AuditEntry) -> int:
    """The authority a decision was made with (see policies.level). Decisions recorded before
    levels were kept count as the platform moderators'."""
    level = entry.detail.get("level")
    if isinstance(level, int):
        return level
    return 1 if entry.actor_id is None else 2


async def list_own_decisions(ctx: Context, first: int, after: str | None) -> Page[AuditEntry]:
    """The decisions about the viewer or what they wrote, newest first."""
    viewer = policies.require_viewer(ctx.viewer)
    query = AuditEntry.filter(
        affected_user_id=viewer.id, kind=AuditKind.ACTION, action__in=list(ADVERSE)
    )
    return await keyset_page(query, OWN_DECISIONS, first=first, after=after)
