"""Moderation queries: the queue, one item, the pending count, the audit log, the viewer's own
decisions, and the rules."""

from __future__ import annotations

from datetime import datetime, timedelta

import strawberry
from strawberry import Info

from resolvers import appeals as appeal_cases
from resolvers import audit as audit_cases
from resolvers import queue as cases
from resolvers import rules as rule_cases
from resolvers.context import Context
from resolvers.groups import require_group
from resolvers.users import require_user
from schema.moderation import (
    AuditEntry,
    ModerationAction,
    ModerationItem,
    ModerationRule,
    ModerationTarget,
    QueueState,
)
from schema.relay import Connection, decode_pk, page_size, to_connection
from server import models


async def _group_id(slug: str | None) -> int | None:
    return (await require_group(slug, "groupSlug")).id if slug else None


@strawberry.type
class ModerationQueries:
    @strawberry.field(
        description="The review queue: highest score first, then oldest. Moderators see every "
        "item; group admins their groups' items."
    )
    async def moderation_queue(
        self,
        info: Info[Context, None],
        state: QueueState = models.QueueState.PENDING,  # type: ignore[valid-type]
        reason: str | None = None,
        target_type: ModerationTarget | None = None,  # type: ignore[valid-type]
        group_slug: str | None = None,
        older_than_hours: int | None = None,
        claimed_by_me: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ModerationItem]:
        filters = cases.QueueFilter(
            state=state,
            reason=reason,
            target_type=target_type,
            group_id=await _group_id(group_slug),
            older_than=timedelta(hours=older_than_hours) if older_than_hours else None,
            claimed_by_me=claimed_by_me,
        )
        ctx = info.context
        page = await cases.list_queue(ctx, filters, page_size(ctx.settings, first), after)
        return to_connection(page, ModerationItem.from_row)

    @strawberry.field(description="Items waiting (pending or escalated) that the viewer works.")
    async def moderation_pending_count(self, info: Info[Context, None]) -> int:
        return await cases.pending_count(info.context)

    @strawberry.field(description="One queue item, or null if missing or not the viewer's.")
    async def moderation_item(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> ModerationItem | None:
        await audit_cases.moderation_scope(info.context)
        row = await cases.visible_item(info.context, decode_pk(id, "ModerationItem"))
        return ModerationItem.from_row(row) if row else None

    @strawberry.field(description="The audit log, newest first, with filters.")
    async def audit_log(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        actor_handle: str | None = None,
        affected_handle: str | None = None,
        action: ModerationAction | None = None,  # type: ignore[valid-type]
        target_type: ModerationTarget | None = None,  # type: ignore[valid-type]
        group_slug: str | None = None,
        since: datetime | None = None,
    ) -> Connection[AuditEntry]:
        filters = audit_cases.AuditFilter(
            actor_id=(await require_user(actor_handle, "actorHandle")).id if actor_handle else None,
            affected_user_id=(await require_user(affected_handle, "affectedHandle")).id
            if affected_handle
            else None,
            action=action,
            target_type=target_type,
            group_id=await _group_id(group_slug),
            since=since,
        )
        ctx = info.context
        page = await audit_cases.list_audit_log(ctx, filters, page_size(ctx.settings, first), after)
        return to_connection(page, AuditEntry.from_row)

    @strawberry.field(
        description="Decisions about the viewer or what they wrote, newest first: each can be "
        "appealed once within the appeal window."
    )
    async def viewer_moderation_decisions(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[AuditEntry]:
        ctx = info.context
        page = await appeal_cases.list_own_decisions(ctx, page_size(ctx.settings, first), after)
        return to_connection(page, AuditEntry.from_row)

    @strawberry.field(description="The watched-word rules. Moderators only.")
    async def moderation_rules(self, info: Info[Context, None]) -> list[ModerationRule]:
        return [ModerationRule.from_row(r) for r in await rule_cases.list_rules(info.context)]
