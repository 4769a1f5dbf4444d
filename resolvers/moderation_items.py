"""The review queue: reports and screening hits gather into one item per target; moderators
claim items and add notes (resolvers.moderation_decisions decides them); the live queue.

A target is a post, comment, user or group, a radio episode or station, a collection or a
credit. Its author is who answers for it: who wrote the post, comment or episode, the account
itself, who created the group, station or collection (None for what no account made), and for
a credit the author of the work, who gave it.

Authority: platform moderators and admins work every item; a group's owners and admins work
the items of their group and may take only content actions there (see moderation.policies).
Only posts and comments belong to a group: everything else is for platform staff alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from moderation import policies
from resolvers import validation
from resolvers.audit import admin_group_ids, item_scope, record, record_private_read
from resolvers.changes import ChangeLog, writing
from resolvers.context import Context
from resolvers.live import Delivery, stream_changes
from resolvers.pagination import Listing, Page, id_key, keyset_page, number_key
from server import topics
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    AuditKind,
    ChangeEvent,
    ChangeKind,
    Collection,
    Comment,
    Credit,
    Group,
    ModerationItem,
    ModerationItemEvent,
    ModerationItemEventKind,
    ModerationItemState,
    ModerationTarget,
    Post,
    RadioEpisode,
    RadioStation,
    User,
)

OPEN_STATES = (ModerationItemState.PENDING, ModerationItemState.ESCALATED)
MAX_NOTE = 2_000
QUEUE = Listing("moderationQueue", number_key("score"), id_key(descending=False))
# What reports past the threshold hide until a moderator looks.
HIDEABLE = (ModerationTarget.POST, ModerationTarget.COMMENT, ModerationTarget.EPISODE)


@dataclass(frozen=True)
class Target:
    """What a queue item or a decision is about, with who wrote it and where it belongs."""

    type: ModerationTarget
    id: int
    author_id: int | None
    group_id: int | None


async def load_target(target_type: ModerationTarget, target_id: int) -> Target | None:
    """The target as it is now, whatever its state; None once it is deleted."""
    if target_type == ModerationTarget.POST:
        post = await Post.get_or_none(id=target_id)
        return Target(target_type, post.id, post.author_id, post.group_id) if post else None
    if target_type == ModerationTarget.COMMENT:
        comment = await Comment.get_or_none(id=target_id)
        if comment is None:
            return None
        # A comment on an episode belongs to no group.
        post = await Post.get(id=comment.post_id) if comment.post_id is not None else None
        group_id = post.group_id if post is not None else None
        return Target(target_type, comment.id, comment.author_id, group_id)
    if target_type == ModerationTarget.USER:
        user = await User.get_or_none(id=target_id)
        return Target(target_type, user.id, user.id, None) if user else None
    if target_type == ModerationTarget.EPISODE:
        episode = await RadioEpisode.get_or_none(id=target_id)
        return Target(target_type, episode.id, episode.author_id, None) if episode else None
    if target_type == ModerationTarget.CREDIT:
        credit = await Credit.get_or_none(id=target_id)
        return Target(target_type, credit.id, await _credit_giver(credit), None) if credit else None
    # Reports about a group, a station or a collection go to platform moderators, not to the
    # group's own admins; who created it answers for it.
    row: Group | RadioStation | Collection | None
    if target_type == ModerationTarget.STATION:
        row = await RadioStation.get_or_none(id=target_id)
    elif target_type == ModerationTarget.COLLECTION:
        row = await Collection.get_or_none(id=target_id)
    else:
        row = await Group.get_or_none(id=target_id)
    return Target(target_type, row.pk, row.created_by_id, None) if row else None


async def _credit_giver(credit: Credit) -> int | None:
    """Who gave a credit: the author of the work it is on."""
    work: Post | RadioEpisode | None
    if credit.post_id is not None:
        work = await Post.get_or_none(id=credit.post_id)
    else:
        work = await RadioEpisode.get_or_none(id=credit.episode_id)
    return work.author_id if work else None


def open_key(target_type: ModerationTarget, target_id: int) -> str:
    return f"{target_type}:{target_id}"


async def timeline(
    log: ChangeLog,
    item: ModerationItem,
    kind: ModerationItemEventKind,
    actor_id: int | None,
    text: str = "",
    **detail: Any,
) -> ModerationItemEvent:
    """Add a line to the item's timeline and tell the live queue that the item changed."""
    event = await ModerationItemEvent.create(
        item_id=item.id, actor_id=actor_id, kind=kind, text=text, detail=detail
    )
    await log.add(ChangeKind.QUEUE_CHANGED, moderation_item_id=item.id, group_id=item.group_id)
    return event


async def open_item(
    log: ChangeLog,
    target: Target,
    *,
    reason: str,
    score: float,
    actor_id: int | None,
    hit: dict[str, Any] | None = None,
    hide: bool = False,
) -> ModerationItem:
    """The open item of a target, created if there is none, grown by one report or hit."""
    key = open_key(target.type, target.id)
    await log.lock(key)  # two first reports cannot open two items
    item = await ModerationItem.get_or_none(open_key=key)
    opened = item is None
    if item is None:
        item = await ModerationItem.create(
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
        await timeline(log, item, ModerationItemEventKind.OPENED, actor_id, reason=reason)
    return item


# --- reading the queue -----------------------------------------------------------------------


@dataclass
class QueueFilter:
    state: ModerationItemState = ModerationItemState.PENDING
    reason: str | None = None
    target_type: ModerationTarget | None = None
    group_id: int | None = None
    older_than: timedelta | None = None
    claimed_by_me: bool = False


async def list_queue(
    ctx: Context, filters: QueueFilter, first: int, after: str | None
) -> Page[ModerationItem]:
    query = ModerationItem.filter(await item_scope(ctx), state=filters.state)
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
    return await ModerationItem.filter(await item_scope(ctx), state__in=OPEN_STATES).count()


async def visible_item(ctx: Context, item_id: int) -> ModerationItem | None:
    """The item if the viewer works it; None otherwise (missing and not theirs alike)."""
    if ctx.viewer is None:
        return None
    try:
        scope = await item_scope(ctx)
    except Forbidden:
        return None
    return await ModerationItem.filter(scope, id=item_id).first()


ItemTarget = Post | Comment | User | Group | RadioEpisode | RadioStation | Collection | Credit


async def item_target(ctx: Context, item: ModerationItem) -> ItemTarget | None:
    """What an item is about, as it is now and whatever its state (moderators decide about
    hidden and held content), for whoever works the item. Reading a members-only group's post
    or comment this way without being a member is audited."""
    loaders = ctx.loaders
    kind = item.target_type
    if kind == ModerationTarget.USER:
        return await loaders.user_by_id.load(item.target_id)
    if kind == ModerationTarget.GROUP:
        return await loaders.group_by_id.load(item.target_id)
    if kind == ModerationTarget.EPISODE:
        return await loaders.episode_by_id.load(item.target_id)
    if kind == ModerationTarget.STATION:
        return await loaders.station_by_id.load(item.target_id)
    if kind == ModerationTarget.COLLECTION:
        return await loaders.collection_by_id.load(item.target_id)
    if kind == ModerationTarget.CREDIT:
        # The credit itself; its `work` still passes the visibility gate.
        return await loaders.credit_by_id.load(item.target_id)
    row: Post | Comment | None
    if kind == ModerationTarget.POST:
        row = post = await loaders.post_by_id.load(item.target_id)
    else:
        row = await loaders.comment_by_id.load(item.target_id)
        post = await loaders.post_by_id.load(row.post_id) if row and row.post_id else None
    if row is not None and post is not None and post.group_id is not None:
        group = await loaders.group_by_id.load(post.group_id)
        if not policies.can_see_group_posts(group, await ctx.member_group_ids()):
            await record_private_read(ctx, kind, item.target_id, post.group_id)
    return row


async def item_to_work(ctx: Context, item_id: int) -> tuple[User, ModerationItem]:
    viewer = policies.require_viewer(ctx.viewer)
    scope = await item_scope(ctx)  # refuses, as a whole, anyone who moderates nothing
    item = await ModerationItem.filter(scope, id=item_id).first()
    if item is None:
        raise NotFound("No such queue item.")
    return viewer, item


# Timeline steps whose actor is a reporter: who reported is for platform staff only.
REPORTER_STEPS = (ModerationItemEventKind.OPENED, ModerationItemEventKind.REPORTED)


def visible_actor_id(ctx: Context, event: ModerationItemEvent) -> int | None:
    """Who took a step of an item's timeline, as the viewer may know it: None for automatic
    steps, and for reports to anyone but platform staff."""
    if event.kind in REPORTER_STEPS and not policies.is_staff(ctx.viewer):
        return None
    return event.actor_id


def claim_holder_id(item: ModerationItem, now: datetime | None = None) -> int | None:
    """Who has claimed the item, while the claim lasts."""
    claim = item.claimed_until
    if claim is None or claim <= (now or datetime.now(claim.tzinfo)):
        return None
    return item.claimed_by_id


# --- claims and notes ------------------------------------------------------------------------


def claimed_by_other(item: ModerationItem, viewer: User, now: datetime) -> bool:
    return (
        item.claimed_by_id is not None
        and item.claimed_by_id != viewer.id
        and item.claimed_until is not None
        and item.claimed_until > now
    )


async def claim_item(ctx: Context, item_id: int, *, take_over: bool = False) -> ModerationItem:
    """Take an item for a while; others see it claimed. Of concurrent claims exactly one wins:
    the claim is a conditional update. Platform staff may take over someone else's claim
    (`take_over`), which is audited; nobody else can, so a claim cannot lock staff out."""
    viewer, item = await item_to_work(ctx, item_id)
    now = datetime.now(UTC)
    until = now + timedelta(minutes=ctx.settings.claim_minutes)
    async with writing(ctx.hub) as log:
        free = Q(claimed_by_id=None) | Q(claimed_until__lte=now) | Q(claimed_by_id=viewer.id)
        won = await ModerationItem.filter(free, id=item.id, state__in=OPEN_STATES).update(
            claimed_by_id=viewer.id, claimed_until=until
        )
        holder_id = None
        if not won:
            await item.refresh_from_db()
            if item.state not in OPEN_STATES:
                raise Conflict("This item is decided already.")
            holder_id = item.claimed_by_id
            if take_over and policies.is_staff(viewer) and holder_id is not None:
                won = await ModerationItem.filter(
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
            ModerationItemEventKind.CLAIMED,
            viewer.id,
            "taken over" if holder_id is not None else "",
            until=until.isoformat(),
        )
    return item


async def release_item(ctx: Context, item_id: int) -> ModerationItem:
    viewer, item = await item_to_work(ctx, item_id)
    if item.claimed_by_id != viewer.id:
        raise Conflict("You have not claimed this item.")
    async with writing(ctx.hub) as log:
        await ModerationItem.filter(id=item.id, claimed_by_id=viewer.id).update(
            claimed_by_id=None, claimed_until=None
        )
        await item.refresh_from_db()
        await timeline(log, item, ModerationItemEventKind.RELEASED, viewer.id)
    return item


async def add_note(ctx: Context, item_id: int, text: str) -> ModerationItemEvent:
    viewer, item = await item_to_work(ctx, item_id)
    note = validation.text(text, "text", minimum=0, maximum=MAX_NOTE, label="A note")
    if not note:
        raise InvalidInput(f"A note has 1 to {MAX_NOTE} characters.", field="text")
    async with writing(ctx.hub) as log:
        return await timeline(log, item, ModerationItemEventKind.NOTE, viewer.id, note)


async def add_item_note(
    ctx: Context, item_id: int, text: str
) -> tuple[ModerationItem, ModerationItemEvent]:
    """Add a note, and read the item as it is after it."""
    note = await add_note(ctx, item_id, text)
    return await ModerationItem.get(id=item_id), note


# --- the live queue --------------------------------------------------------------------------


async def queue_changes(ctx: Context, after: str | None) -> AsyncIterator[Delivery[ModerationItem]]:
    """Every change to an item the viewer works. The viewer's authority is read again for each
    event: a moderator demoted, or a group admin who lost the role or was sanctioned, sees the
    stream end with FORBIDDEN; items about themselves never come."""
    viewer = policies.require_viewer(ctx.viewer)
    await item_scope(ctx)  # refuses anyone who moderates nothing
    groups = frozenset() if policies.is_staff(viewer) else await admin_group_ids(ctx)
    events = Q(kind=ChangeKind.QUEUE_CHANGED)
    stream = "moderation"
    if groups:
        events &= Q(group_id__in=sorted(groups))
        stream = "moderation:" + ",".join(map(str, sorted(groups)))

    async def load(fresh: Context, event: ChangeEvent) -> ModerationItem | None:
        try:
            scope = await item_scope(fresh)
        except Forbidden:
            raise Forbidden(
                "You no longer moderate anything: the queue stream has ended."
            ) from None
        return await ModerationItem.filter(scope, id=event.moderation_item_id).first()

    async for delivery in stream_changes(ctx, (topics.moderation(),), events, load, after, stream):
        yield delivery
