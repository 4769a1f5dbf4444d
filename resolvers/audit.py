"""The audit log: every moderation action and rule change, who did it, to what, why and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import Q

from moderation import policies
from resolvers.context import Context
from resolvers.pagination import Listing, Page, id_key, keyset_page
from server.errors import Forbidden, InvalidInput
from server.models import (
    AuditEntry,
    AuditKind,
    GroupMembership,
    ModerationAction,
    ModerationItem,
    ModerationTarget,
)


async def record(
    kind: AuditKind,
    actor_id: int | None,
    *,
    action: ModerationAction | None = None,
    item: ModerationItem | None = None,
    target_type: ModerationTarget | None = None,
    target_id: int | None = None,
    affected_user_id: int | None = None,
    group_id: int | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry (call it inside the transaction of what it records)."""
    return await AuditEntry.create(
        kind=kind,
        actor_id=actor_id,
        action=action,
        item_id=item.id if item else None,
        target_type=target_type or (item.target_type if item else None),
        target_id=target_id if target_id is not None else (item.target_id if item else None),
        affected_user_id=affected_user_id,
        group_id=group_id if group_id is not None else (item.group_id if item else None),
        reason=reason,
        detail=detail or {},
    )


async def admin_group_ids(ctx: Context) -> frozenset[int]:
    """The groups the viewer helps run (owner, admin or moderator): the scope of their
    moderation. None while a sanction runs on the account: a silenced owner moderates nothing.
    Read once per operation."""
    viewer = ctx.viewer
    if viewer is None or policies.is_sanctioned(viewer):
        return frozenset()

    async def read() -> frozenset[int]:
        rows = await GroupMembership.filter(
            user_id=viewer.id, role__in=policies.GROUP_STAFF_ROLES
        ).values_list("group_id", flat=True)
        return frozenset(int(r) for r in rows)  # type: ignore[call-overload]

    groups: frozenset[int] = await ctx.once("admin_group_ids", read)
    return groups


async def may_see_actor(ctx: Context, entry: AuditEntry) -> bool:
    """Who decided is for the moderators of that scope, and never for whom it affected
    (decisions are the community's, not a person's)."""
    viewer = ctx.viewer
    if viewer is None or entry.affected_user_id == viewer.id:
        return False
    if policies.is_staff(viewer):
        return True
    return entry.group_id is not None and entry.group_id in await admin_group_ids(ctx)


async def record_private_read(
    ctx: Context, target_type: ModerationTarget, target_id: int, group_id: int
) -> None:
    """Staff who read a members-only group's post or comment through the queue, without being
    members, leave an audit entry (once per operation and target)."""
    viewer = ctx.viewer
    if viewer is None:
        return

    async def write() -> None:
        await record(
            AuditKind.CONTENT_VIEWED,
            viewer.id,
            target_type=target_type,
            target_id=target_id,
            group_id=group_id,
        )

    await ctx.once(("content_viewed", target_type, target_id), write)


async def _groups_or_refuse(ctx: Context) -> frozenset[int]:
    """The groups a non-staff viewer moderates; Forbidden (saying why, for a sanctioned
    moderator or group admin) when there are none."""
    viewer = policies.require_viewer(ctx.viewer)
    groups = await admin_group_ids(ctx)
    if groups:
        return groups
    if policies.is_sanctioned(viewer) and (
        policies.holds_staff_role(viewer)
        or await GroupMembership.filter(
            user_id=viewer.id, role__in=policies.GROUP_STAFF_ROLES
        ).exists()
    ):
        policies.refuse_if_sanctioned(viewer)
    raise Forbidden("Only moderators and group admins can see this.")


async def moderation_scope(ctx: Context) -> Q | None:
    """What part of the moderation records the viewer may read: None for everything (platform
    staff), else a filter on `group_id`. Forbidden to anyone who moderates nothing."""
    viewer = policies.require_viewer(ctx.viewer)
    if policies.is_staff(viewer):
        return None
    return Q(group_id__in=sorted(await _groups_or_refuse(ctx)))


async def item_scope(ctx: Context) -> Q:
    """The queue items the viewer works: everything for platform staff, their groups' items
    for group admins, and never an item about themselves or what they (or a persona account
    they operate) wrote, which they may not claim, note, decide, or read the reports of."""
    viewer = policies.require_viewer(ctx.viewer)
    own = sorted(await ctx.acts_for())
    not_own = Q(author_id__isnull=True) | ~Q(author_id__in=own)
    if policies.is_staff(viewer):
        return not_own
    return Q(group_id__in=sorted(await _groups_or_refuse(ctx))) & not_own


AUDIT_LOG = Listing("auditLog", id_key())


@dataclass
class AuditFilter:
    actor_id: int | None = None
    action: ModerationAction | None = None
    target_type: ModerationTarget | None = None
    group_id: int | None = None
    affected_user_id: int | None = None
    since: datetime | None = None


async def list_audit_log(
    ctx: Context, filters: AuditFilter, first: int, after: str | None
) -> Page[AuditEntry]:
    scope = await moderation_scope(ctx)
    query = AuditEntry.all() if scope is None else AuditEntry.filter(scope)
    if filters.since is not None:
        if filters.since.tzinfo is None:
            raise InvalidInput("Give the time with its time zone.", field="since")
        query = query.filter(created_at__gte=filters.since)
    for name in ("actor_id", "action", "target_type", "group_id", "affected_user_id"):
        value = getattr(filters, name)
        if value is not None:
            query = query.filter(**{name: value})
    return await keyset_page(query, AUDIT_LOG, first=first, after=after)
