"""The audit log: every moderation action and rule change, who did it, to what, why and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import Q

from moderation import policies
from resolvers.context import Context
from resolvers.pagination import Page, id_key, keyset_page
from server.errors import Forbidden, InvalidInput
from server.models import (
    AuditEntry,
    AuditKind,
    GroupMembership,
    GroupRole,
    ModerationAction,
    ModerationTarget,
    QueueItem,
)


async def record(
    kind: AuditKind,
    actor_id: int | None,
    *,
    action: ModerationAction | None = None,
    item: QueueItem | None = None,
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
    """The groups the viewer runs (owner or admin): the scope of their moderation."""
    if ctx.viewer is None:
        return frozenset()
    rows = await GroupMembership.filter(
        user_id=ctx.viewer.id, role__in=[GroupRole.OWNER, GroupRole.ADMIN]
    ).values_list("group_id", flat=True)
    return frozenset(int(r) for r in rows)  # type: ignore[call-overload]


async def moderation_scope(ctx: Context) -> Q | None:
    """What part of the moderation data the viewer may read: None for everything (platform
    staff), else a filter on `group_id`. Forbidden to anyone who moderates nothing."""
    viewer = policies.require_viewer(ctx.viewer)
    if policies.is_staff(viewer):
        return None
    groups = await admin_group_ids(ctx)
    if not groups:
        raise Forbidden("Only moderators and group admins can see this.")
    return Q(group_id__in=list(groups))


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
    return await keyset_page(query, [id_key()], first=first, after=after)
