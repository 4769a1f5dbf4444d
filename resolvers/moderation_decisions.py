"""Deciding queue items: one or more actions on an item (also many items at once). The item
closes (RESOLVED, IGNORED) or moves to the platform moderators (ESCALATED); each action is
audited and the affected user told.

Authority: platform moderators and admins decide every item; a group's owners and admins decide
the items of their group and may take only content actions there (see moderation.policies).
Items that belong to no group (users, groups, radio episodes and stations, collections,
credits) are for platform staff alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from moderation import policies
from resolvers import earnings, validation
from resolvers.audit import item_scope, record
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.moderation_actions import ADVERSE, apply_action, check_actions, check_applicable
from resolvers.moderation_items import (
    MAX_NOTE,
    OPEN_STATES,
    Target,
    claimed_by_other,
    item_to_work,
    load_target,
    timeline,
)
from server.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from server.models import (
    Appeal,
    AppealState,
    AuditKind,
    ModerationAction,
    ModerationItem,
    ModerationItemEventKind,
    ModerationItemState,
    Report,
    ReportOutcome,
    User,
)

MAX_BULK = 50


@dataclass
class Decision:
    actions: list[ModerationAction]
    reason: str = ""
    days: int | None = None


def clean_decision(decision: Decision) -> Decision:
    """The decision with its reason cleaned (it is shown to the affected user), checked."""
    reason = validation.text(
        decision.reason, "reason", minimum=0, maximum=MAX_NOTE, label="A reason"
    )
    check_actions(decision.actions, reason, decision.days)
    return Decision(list(decision.actions), reason, decision.days)


async def check_authority(viewer: User, item: ModerationItem, decision: Decision) -> None:
    """Forbidden unless `viewer` may take every action of `decision` on `item`: nobody decides
    about themselves, escalated items and items outside any group are for platform
    moderators, group admins take content actions only, and sanctions on staff accounts are
    for admins."""
    if item.author_id == viewer.id:
        raise Forbidden("Someone else decides about you or what you wrote.")
    if item.state == ModerationItemState.ESCALATED and not policies.is_staff(viewer):
        raise Forbidden("Escalated items are decided by platform moderators.")
    if item.group_id is None and not policies.is_staff(viewer):
        raise Forbidden("Only platform moderators decide about what belongs to no group.")
    for action in decision.actions:
        if not policies.can_take_action(viewer, action):
            raise Forbidden(f"Group admins cannot {action.lower()}; escalate to moderators.")
    if set(decision.actions) & policies.SANCTIONS:
        account = await User.get_or_none(id=item.author_id) if item.author_id else None
        if account is not None and not policies.can_sanction(viewer, account):
            raise Forbidden("Sanctions on a moderator's or an admin's account are for admins.")


async def resolve_item(ctx: Context, item_id: int, decision: Decision) -> ModerationItem:
    """Decide an item with one or more actions. The item closes (RESOLVED, IGNORED) or moves
    to the platform moderators (ESCALATED); each action is audited and the affected user told."""
    viewer, item = await item_to_work(ctx, item_id)
    decision = clean_decision(decision)
    await check_authority(viewer, item, decision)
    if await Appeal.filter(item_id=item.id, state=AppealState.PENDING).exists():
        raise Conflict("This item waits on an appeal: decide the appeal.")
    now = datetime.now(UTC)
    if claimed_by_other(item, viewer, now):
        raise Conflict("Another moderator has claimed this item.")
    target = await load_target(item.target_type, item.target_id)
    if target is None:
        target = Target(item.target_type, item.target_id, item.author_id, item.group_id)
    check_applicable(target, decision.actions)
    chosen = set(decision.actions)
    state = (
        ModerationItemState.ESCALATED
        if ModerationAction.ESCALATE in chosen
        else ModerationItemState.IGNORED
        if ModerationAction.IGNORE in chosen
        else ModerationItemState.RESOLVED
    )
    closing = state != ModerationItemState.ESCALATED
    async with writing(ctx.hub) as log:
        changed = await ModerationItem.filter(id=item.id, state__in=OPEN_STATES).update(
            state=state,
            open_key=None if closing else item.open_key,
            resolved_by_id=viewer.id if closing else None,
            resolved_at=now if closing else None,
            claimed_by_id=None,
            claimed_until=None,
        )
        if not changed:
            raise Conflict("This item is decided already.")
        await item.refresh_from_db()
        for action in decision.actions:
            if action in (ModerationAction.IGNORE, ModerationAction.ESCALATE):
                await record(
                    AuditKind.ACTION,
                    viewer.id,
                    action=action,
                    item=item,
                    affected_user_id=item.author_id,
                    reason=decision.reason,
                    detail={"level": policies.level(viewer)},
                )
            else:
                await apply_action(
                    log,
                    viewer.id,
                    action,
                    target,
                    reason=decision.reason,
                    days=decision.days,
                    item=item,
                    level=policies.level(viewer),
                )
                await earnings.moderated(log, ctx.settings, viewer.id, action, target)
        if closing:
            outcome = ReportOutcome.UPHELD if chosen & ADVERSE else ReportOutcome.REJECTED
            if chosen & ADVERSE or ModerationAction.APPROVE in chosen:
                await Report.filter(item_id=item.id, outcome=ReportOutcome.OPEN).update(
                    outcome=outcome
                )
            if (
                item.target_hidden
                and not chosen & {ModerationAction.HIDE, ModerationAction.REMOVE}
                and ModerationAction.IGNORE not in chosen
            ):
                item.target_hidden = False
                await item.save(update_fields=["target_hidden", "updated_at"])
        await timeline(
            log,
            item,
            ModerationItemEventKind.ACTION,
            viewer.id,
            decision.reason,
            actions=[str(a) for a in decision.actions],
            state=str(state),
        )
    return item


async def resolve_items(
    ctx: Context, item_ids: list[int], decision: Decision
) -> list[tuple[int, ModerationItem | DomainError]]:
    """Decide many items alike. An item that is missing (or not the viewer's to work), decided
    already or claimed by someone else fails on its own (NotFound, Conflict, InvalidInput);
    a decision the viewer has no authority for on any item fails the whole call with
    Forbidden, checked for every item before anything is decided."""
    viewer = policies.require_viewer(ctx.viewer)
    scope = await item_scope(ctx)  # refuses, as a whole, anyone who moderates nothing
    if not 1 <= len(item_ids) <= MAX_BULK:
        raise InvalidInput(f"Decide 1 to {MAX_BULK} items at once.", field="itemIds")
    decision = clean_decision(decision)
    ids = list(dict.fromkeys(item_ids))
    for item in await ModerationItem.filter(scope, id__in=ids):
        await check_authority(viewer, item, decision)
    outcomes: list[tuple[int, ModerationItem | DomainError]] = []
    for item_id in ids:
        try:
            outcomes.append((item_id, await resolve_item(ctx, item_id, decision)))
        except (Conflict, NotFound, InvalidInput) as exc:
            outcomes.append((item_id, exc))
    return outcomes
