"""The audit log: who did what to what, why and when, and the query that reads it."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import Info

from resolvers import audit as cases
from resolvers.context import Context
from resolvers.lookups import require_group, require_user
from schema.enums import AuditKind, ModerationAction, ModerationTarget
from schema.groups import Group, load_group
from schema.refs import AppealRef, appeal_type
from schema.relay import Connection, Node, encode_id, page_size, to_connection
from schema.users import User, load_user
from server import models

# The GraphQL type whose global id a target of each kind has.
TARGET_TYPE_NAMES = {
    models.ModerationTarget.POST: "Post",
    models.ModerationTarget.COMMENT: "Comment",
    models.ModerationTarget.USER: "User",
    models.ModerationTarget.GROUP: "Group",
    models.ModerationTarget.EPISODE: "RadioEpisode",
    models.ModerationTarget.STATION: "RadioStation",
    models.ModerationTarget.COLLECTION: "Collection",
    models.ModerationTarget.CREDIT: "Credit",
}


@strawberry.type(description="Who did what to what, why and when.")
class AuditEntry(Node):
    row: strawberry.Private[models.AuditEntry]
    kind: AuditKind = strawberry.field(description="An action, a rule change, an appeal.")
    action: ModerationAction | None = strawberry.field(description="The action taken.")
    target_type: ModerationTarget | None = strawberry.field(description="What it was about.")
    reason: str = strawberry.field(description="Why, as the moderator said.")
    created_at: datetime = strawberry.field(description="When.")

    @classmethod
    def from_row(cls, row: models.AuditEntry) -> AuditEntry:
        return cls(
            id=encode_id("AuditEntry", row.id),
            row=row,
            kind=row.kind,
            action=row.action,
            target_type=row.target_type,
            reason=row.reason,
            created_at=row.created_at,
        )

    @strawberry.field(
        description="Who did it; null for automatic steps, and to the user it affected."
    )
    async def actor(self, info: Info[Context, None]) -> User | None:
        if not await cases.may_see_actor(info.context, self.row):
            return None
        return await load_user(info.context, self.row.actor_id)

    @strawberry.field(description="The user it affected.")
    async def affected_user(self, info: Info[Context, None]) -> User | None:
        return await load_user(info.context, self.row.affected_user_id)

    @strawberry.field(description="The group it happened in.")
    async def group(self, info: Info[Context, None]) -> Group | None:
        return await load_group(info.context, self.row.group_id)

    @strawberry.field(description="The target's id (global), when it had one.")
    def target_id(self) -> strawberry.ID | None:
        row = self.row
        if row.target_type is None or row.target_id is None:
            return None
        return encode_id(TARGET_TYPE_NAMES[row.target_type], row.target_id)

    @strawberry.field(description="The term's end, for a silence or suspension.")
    def until(self) -> datetime | None:
        value = self.row.detail.get("until")
        return datetime.fromisoformat(value) if value else None

    @strawberry.field(description="The appeal made against this decision, if any.")
    async def appeal(self, info: Info[Context, None]) -> AppealRef | None:
        row = await info.context.loaders.appeal_by_decision_id.load(self.row.id)
        return appeal_type().from_row(row) if row else None


@strawberry.type
class AuditQueries:
    @strawberry.field(description="The audit log, newest first, with filters.")
    async def audit_log(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        actor_handle: str | None = None,
        affected_handle: str | None = None,
        action: ModerationAction | None = None,
        target_type: ModerationTarget | None = None,
        group_slug: str | None = None,
        since: datetime | None = None,
    ) -> Connection[AuditEntry]:
        group = await require_group(group_slug, "groupSlug") if group_slug else None
        filters = cases.AuditFilter(
            actor_id=(await require_user(actor_handle, "actorHandle")).id if actor_handle else None,
            affected_user_id=(await require_user(affected_handle, "affectedHandle")).id
            if affected_handle
            else None,
            action=action,
            target_type=target_type,
            group_id=group.id if group else None,
            since=since,
        )
        ctx = info.context
        page = await cases.list_audit_log(ctx, filters, page_size(ctx.settings, first), after)
        return to_connection(page, AuditEntry.from_row)
