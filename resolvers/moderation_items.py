"""The review queue: reports and screening hits gather into one item per target; moderators
claim items, add notes, and decide them with one or more actions (also many at once).

Authority: platform moderators and admins work every item; a group's owners and admins work
the items of their group and may take only content actions there (see moderation.policies).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from moderation import policies
from resolvers import validation
from resolvers.audit import item_scope, record, record_private_read
from resolvers.context import Context
from resolvers.events import EventLog, writing
from resolvers.moderation import Target, apply_action, check_actions, load_target
from resolvers.pagination import Listing, Page, id_key, keyset_page, number_key
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    Appeal,
    AppealState,
    AuditKind,
    Comment,
    EventKind,
    Group,
    ItemEventKind,
    ModerationAction,
    ModerationTarget,
    Post,
    QueueItem,
    QueueItemEvent,
    QueueState,
    Report,
    ReportOutcome,
    User,
)

OPEN_STATES = (QueueState.PENDING, QueueState.ESCALATED)
MAX_NOTE = 2_000
MAX_BULK = 50
QUEUE = Listing("moderationQueue", number_key("score"), id_key(descending=False))
A = ModerationAction
# Actions that agree with the reports (the reporters were right) or disagree.
UPHOLDING = {A.HIDE, A.REMOVE, A.LOCK_COMMENTS, A.WARN, A.SILENCE, A.SUSPEND, A.BAN}
HIDEABLE = (ModerationTarget.POST, ModerationTarget.COMMENT)


def open_key(target_type: ModerationTarget, target_id: int) -> str:
    return f"{target_type}:{target_id}"


async def _lock_target(log: EventLog, key: str) -> None:
    """Serialise openers of one target on PostgreSQL (SQLite writers are serialised already),
    so two first reports cannot open two items."""
    connection: Any = log.connection
    if connection.capabilities.dialect == "postgres":
        await connection.execute_query(
            "SELECT pg_advisory_xact_lock($1)", [zlib.crc32(key.encode())]
        )


async def timeline(
    log: EventLog,
    item: QueueItem,
    kind: ItemEventKind,
    actor_id: int | None,
    text: str = "",
    **detail: Any,
) -> QueueItemEvent:
    """Add a line to the item's timeline and tell the live queue that the item changed."""
    event = await QueueItemEvent.create(
        item_id=item.id, actor_id=actor_id, kind=kind, text=text, detail=detail
    )
    await log.add(EventKind.QUEUE_CHANGED, queue_item_id=item.id, group_id=item.group_id)
    return event


async def open_item(
    log: EventLog,
    target: Target,
    *,
    reason: str,
    score: float,
    actor_id: int | None,
    hit: dict[str, Any] | None = None,
    hide: bool = False,
) -> QueueItem:
    """The open item of a target, created if there is none, grown by one report or hit."""
    key = open_key(target.type, target.id)
    await _lock_target(log, key)
    item = await QueueItem.get_or_none(open_key=key)
    opened = item is None
    if item is None:
        item = await QueueItem.create(
            target_type=target.type,
            target_id=target.id,
            author_id=target.author_id,
            group_id=target.group_id,
            open_key=key,
        )
    item.score = round(item.score + score, 2)
    if reason not in item.reasons:
        item.reasons = [*item.reasons, reason]
    if hit is not None:
        item.auto_hits = [*item.auto_hits, hit]
    item.target_hidden = item.target_hidden or hide
    # Only what a report or hit changes: a claim or a decision made meanwhile stands.
    await item.save(update_fields=["score", "reasons", "auto_hits", "target_hidden", "updated_at"])
    if opened:
        await timeline(log, item, ItemEventKind.OPENED, actor_id, reason=reason)
    return item


# --- reading the queue -----------------------------------------------------------------------


@dataclass
class QueueFilter:
    state: QueueState = QueueState.PENDING
    reason: str | None = None
    target_type: ModerationTarget | None = None
    group_id: int | None = None
    older_than: timedelta | None = None
    claimed_by_me: bool = False


async def list_queue(
    ctx: Context, filters: QueueFilter, first: int, after: str | None
) -> Page[QueueItem]:
    query = QueueItem.filter(await item_scope(ctx), state=filters.state)
    if filters.target_type is not None:
        query = query.filter(target_type=filters.target_type)
    if filters.group_id is not None:
        query = query.filter(group_id=filters.group_id)
    if filters.older_than is not None:
        query = query.filter(created_at__lte=datetime.now(UTC) - filters.older_than)
    if filters.claimed_by_me:
        query = query.filter(claimed_by_id=ctx.viewer.id if ctx.viewer else None)
    if filters.reason is not None:
        # Reasons are few per item; a JSON containment test differs per database.
        query = query.filter(id__in=await _ids_with_reason(query, filters.reason))
    return await keyset_page(query, QUEUE, first=first, after=after)


async def _ids_with_reason(query: Any, reason: str) -> list[int]:
    rows = await query.values_list("id", "reasons")
    return [item_id for item_id, reasons in rows if reason in (reasons or [])]


async def pending_count(ctx: Context) -> int:
    return await QueueItem.filter(await item_scope(ctx), state__in=OPEN_STATES).count()


async def visible_item(ctx: Context, item_id: int) -> QueueItem | None:
    """The item if the viewer works it; None otherwise (missing and not theirs alike)."""
    if ctx.viewer is None:
        return None
    try:
        scope = await item_scope(ctx)
    except Forbidden:
        return None
    return await QueueItem.filter(scope, id=item_id).first()


async def item_target(ctx: Context, item: QueueItem) -> Post | Comment | User | Group | None:
    """What an item is about, as it is now and whatever its state (moderators decide about
    hidden and held content), for whoever works the item. Reading a members-only group's post
    or comment this way without being a member is audited."""
    loaders = ctx.loaders
    kind = item.target_type
    if kind == ModerationTarget.USER:
        return await loaders.user_by_id.load(item.target_id)
    if kind == ModerationTarget.GROUP:
        return await loaders.group_by_id.load(item.target_id)
    row: Post | Comment | None
    if kind == ModerationTarget.POST:
        row = post = await loaders.post_by_id.load(item.target_id)
    else:
        row = await loaders.comment_by_id.load(item.target_id)
        post = await loaders.post_by_id.load(row.post_id) if row else None
    if row is not None and post is not None and post.group_id is not None:
        group = await loaders.group_by_id.load(post.group_id)
        if not policies.can_see_group_posts(group, await ctx.member_group_ids()):
            await record_private_read(ctx, kind, item.target_id, post.group_id)
    return row


async def _item_to_work(ctx: Context, item_id: int) -> tuple[User, QueueItem]:
    viewer = policies.require_viewer(ctx.viewer)
    scope = await item_scope(ctx)  # refuses, as a whole, anyone who moderates nothing
    item = await QueueItem.filter(scope, id=item_id).first()
    if item is None:
        raise NotFound("No such queue item.")
    return viewer, item


# --- claims and notes ------------------------------------------------------------------------


def claimed_by_other(item: QueueItem, viewer: User, now: datetime) -> bool:
    return (
        item.claimed_by_id is not None
        and item.claimed_by_id != viewer.id
        and item.claimed_until is not None
        and item.claimed_until > now
    )


async def claim_item(ctx: Context, item_id: int, *, take_over: bool = False) -> QueueItem:
    """Take an item for a while; others see it claimed. Of concurrent claims exactly one wins:
    the claim is a conditional update. Platform staff may take over someone else's claim
    (`take_over`), which is audited; nobody else can, so a claim cannot lock staff out."""
    viewer, item = await _item_to_work(ctx, item_id)
    now = datetime.now(UTC)
    until = now + timedelta(minutes=ctx.settings.claim_minutes)
    async with writing(ctx.hub) as log:
        free = Q(claimed_by_id=None) | Q(claimed_until__lte=now) | Q(claimed_by_id=viewer.id)
        won = await QueueItem.filter(free, id=item.id, state__in=OPEN_STATES).update(
            claimed_by_id=viewer.id, claimed_until=until
        )
        holder_id = None
        if not won:
            await item.refresh_from_db()
            if item.state not in OPEN_STATES:
                raise Conflict("This item is decided already.")
            holder_id = item.claimed_by_id
            if take_over and policies.is_staff(viewer) and holder_id is not None:
                won = await QueueItem.filter(
                    id=item.id, state__in=OPEN_STATES, claimed_by_id=holder_id
                ).update(claimed_by_id=viewer.id, claimed_until=until)
            if not won:
                holder = await User.get_or_none(id=holder_id)
                raise Conflict(f"@{holder.handle if holder else '?'} is working on this item.")
            await record(
                AuditKind.CLAIM_TAKEN_OVER,
                viewer.id,
                item=item,
                affected_user_id=holder_id,
                detail={"from": holder_id},
            )
        await item.refresh_from_db()
        await timeline(
            log,
            item,
            ItemEventKind.CLAIMED,
            viewer.id,
            "taken over" if holder_id is not None else "",
            until=until.isoformat(),
        )
    return item


async def release_item(ctx: Context, item_id: int) -> QueueItem:
    viewer, item = await _item_to_work(ctx, item_id)
    if item.claimed_by_id != viewer.id:
        raise Conflict("You have not claimed this item.")
    async with writing(ctx.hub) as log:
        await QueueItem.filter(id=item.id, claimed_by_id=viewer.id).update(
            claimed_by_id=None, claimed_until=None
        )
        await item.refresh_from_db()
        await timeline(log, item, ItemEventKind.RELEASED, viewer.id)
    return item


async def add_note(ctx: Context, item_id: int, text: str) -> QueueItemEvent:
    viewer, item = await _item_to_work(ctx, item_id)
    note = validation.text(text, "text", minimum=0, maximum=MAX_NOTE, label="A note")
    if not note:
        raise InvalidInput(f"A note has 1 to {MAX_NOTE} characters.", field="text")
    async with writing(ctx.hub) as log:
        return await timeline(log, item, ItemEventKind.NOTE, viewer.id, note)


# --- deciding --------------------------------------------------------------------------------


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


async def resolve_item(ctx: Context, item_id: int, decision: Decision) -> QueueItem:
    """Decide an item with one or more actions. The item closes (RESOLVED, IGNORED) or moves
    to the platform moderators (ESCALATED); each action is audited and the affected user told."""
    viewer, item = await _item_to_work(ctx, item_id)
    decision = clean_decision(decision)
    if item.author_id == viewer.id:
        raise Forbidden("Someone else decides about you or what you wrote.")
    if item.state == QueueState.ESCALATED and not policies.is_staff(viewer):
        raise Forbidden("Escalated items are decided by platform moderators.")
    if await Appeal.filter(item_id=item.id, state=AppealState.PENDING).exists():
        raise Conflict("This item waits on an appeal: decide the appeal.")
    for action in decision.actions:
        if not policies.can_take_action(viewer, action):
            raise Forbidden(f"Group admins cannot {action.lower()}; escalate to moderators.")
    if set(decision.actions) & policies.SANCTIONS:
        account = await User.get_or_none(id=item.author_id) if item.author_id else None
        if account is not None and not policies.can_sanction(viewer, account):
            raise Forbidden("Sanctions on a moderator's or an admin's account are for admins.")
    now = datetime.now(UTC)
    if claimed_by_other(item, viewer, now):
        raise Conflict("Another moderator has claimed this item.")
    target = await load_target(item.target_type, item.target_id)
    if target is None:
        target = Target(item.target_type, item.target_id, item.author_id, item.group_id)
    chosen = set(decision.actions)
    state = (
        QueueState.ESCALATED
        if A.ESCALATE in chosen
        else QueueState.IGNORED
        if A.IGNORE in chosen
        else QueueState.RESOLVED
    )
    closing = state != QueueState.ESCALATED
    async with writing(ctx.hub) as log:
        changed = await QueueItem.filter(id=item.id, state__in=OPEN_STATES).update(
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
            if action in (A.IGNORE, A.ESCALATE):
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
        if closing:
            outcome = ReportOutcome.UPHELD if chosen & UPHOLDING else ReportOutcome.REJECTED
            if chosen & UPHOLDING or A.APPROVE in chosen:
                await Report.filter(item_id=item.id, outcome=ReportOutcome.OPEN).update(
                    outcome=outcome
                )
            if item.target_hidden and not chosen & {A.HIDE, A.REMOVE} and A.IGNORE not in chosen:
                item.target_hidden = False
                await item.save(update_fields=["target_hidden", "updated_at"])
        await timeline(
            log,
            item,
            ItemEventKind.ACTION,
            viewer.id,
            decision.reason,
            actions=[str(a) for a in decision.actions],
            state=str(state),
        )
    return item


async def resolve_items(
    ctx: Context, item_ids: list[int], decision: Decision
) -> list[tuple[int, QueueItem | Exception]]:
    """Decide many items alike; each succeeds or fails on its own."""
    await item_scope(ctx)  # refuses, as a whole, anyone who moderates nothing
    if not 1 <= len(item_ids) <= MAX_BULK:
        raise InvalidInput(f"Decide 1 to {MAX_BULK} items at once.", field="itemIds")
    decision = clean_decision(decision)
    outcomes: list[tuple[int, QueueItem | Exception]] = []
    for item_id in dict.fromkeys(item_ids):
        try:
            outcomes.append((item_id, await resolve_item(ctx, item_id, decision)))
        except (Conflict, NotFound, Forbidden, InvalidInput) as exc:
            outcomes.append((item_id, exc))
    return outcomes
