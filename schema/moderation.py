"""Moderation as clients see it: queue items with their target, reports, hits, notes and
timeline; the audit log; appeals; watched-word rules; and the queries that read them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import Info

from moderation import policies
from resolvers.audit import may_see_actor
from resolvers.context import Context
from resolvers.queue import item_target
from schema.comments import Comment
from schema.groups import Group
from schema.relay import Node, encode_id
from schema.users import User
from server import models

if TYPE_CHECKING:
    from schema.posts import Post

ModerationTarget = strawberry.enum(
    models.ModerationTarget, description="What can be reported and moderated."
)
ReportReason = strawberry.enum(models.ReportReason, description="Why something is reported.")
QueueState = strawberry.enum(
    models.QueueState,
    description="PENDING: waiting; RESOLVED: decided; IGNORED: closed without action; "
    "ESCALATED: handed to platform moderators.",
)
ReportOutcome = strawberry.enum(
    models.ReportOutcome, description="Whether the moderators agreed with a report."
)
ModerationAction = strawberry.enum(
    models.ModerationAction,
    description="What a moderator does: APPROVE (keep or restore), HIDE, REMOVE, LOCK_COMMENTS, "
    "WARN, SILENCE and SUSPEND (for `days`), BAN, IGNORE, ESCALATE; RESTORE and LIFT_SANCTION "
    "undo on appeal.",
)
AuditKind = strawberry.enum(models.AuditKind, description="What an audit entry records.")
AppealState = strawberry.enum(models.AppealState, description="Where an appeal stands.")
ItemEventKind = strawberry.enum(models.ItemEventKind, description="A step of an item's history.")
RuleAction = strawberry.enum(
    models.RuleAction,
    description="BLOCK: refuse the text; HOLD: keep it from others until approved; FLAG: "
    "publish and open a queue item; REPLACE: mask the word.",
)
MatchKind = strawberry.enum(
    models.MatchKind,
    description="WORD: a whole word (`*` is a wildcard); SUBSTRING: anywhere in the text.",
)

# Timeline steps whose actor is a reporter: who reported is for platform staff only.
REPORTER_STEPS = (models.ItemEventKind.OPENED, models.ItemEventKind.REPORTED)

ModerationTargetNode = Annotated[
    Annotated["Post", strawberry.lazy("schema.posts")] | Comment | User | Group,
    strawberry.union("ModerationTargetNode", description="What a queue item is about."),
]


async def _user(info: Info[Context, None], user_id: int | None) -> User | None:
    if user_id is None:
        return None
    row = await info.context.loaders.user_by_id.load(user_id)
    return User.from_row(row) if row else None


async def _group(info: Info[Context, None], group_id: int | None) -> Group | None:
    if group_id is None:
        return None
    row = await info.context.loaders.group_by_id.load(group_id)
    return Group.from_row(row) if row else None


def target_node(row: Any) -> Any:
    """A queue item's target row as its GraphQL type."""
    from schema.posts import Post

    if isinstance(row, models.Post):
        return Post.from_row(row)
    if isinstance(row, models.Comment):
        return Comment.from_row(row)
    if isinstance(row, models.User):
        return User.from_row(row)
    return Group.from_row(row) if row is not None else None


@strawberry.type(description="One user's report of something.")
class Report:
    row: strawberry.Private[models.Report]
    id: strawberry.ID = strawberry.field(description="The report's id.")
    reason: ReportReason = strawberry.field(description="Why it was reported.")  # type: ignore[valid-type]
    note: str = strawberry.field(description="What the reporter wrote.")
    weight: float = strawberry.field(
        description="What the report added to the item's score (the reporter's standing)."
    )
    outcome: ReportOutcome = strawberry.field(description="Whether moderators agreed.")  # type: ignore[valid-type]
    created_at: datetime = strawberry.field(description="When it was made.")

    @classmethod
    def from_row(cls, row: models.Report) -> Report:
        return cls(
            row=row,
            id=encode_id("Report", row.id),
            reason=row.reason,
            note=row.note,
            weight=row.weight,
            outcome=row.outcome,
            created_at=row.created_at,
        )

    @strawberry.field(
        description="Who reported it: shown to platform moderators and admins only (group "
        "admins, and the reported author, never learn it)."
    )
    async def reporter(self, info: Info[Context, None]) -> User | None:
        if not policies.is_staff(info.context.viewer):
            return None
        return await _user(info, self.row.reporter_id)


@strawberry.type(description="A watched word that matched, and what it asked for.")
class ScreeningHit:
    rule_id: strawberry.ID = strawberry.field(description="The rule's id.")
    action: str = strawberry.field(description="The rule's action.")
    matched: str = strawberry.field(description="The text that matched.")
    reason: str = strawberry.field(description="The rule's reason.")


@strawberry.type(description="A step of a queue item's history.")
class QueueItemEvent:
    row: strawberry.Private[models.QueueItemEvent]
    kind: ItemEventKind = strawberry.field(description="What happened.")  # type: ignore[valid-type]
    text: str = strawberry.field(description="A note, a reason, or what was decided.")
    created_at: datetime = strawberry.field(description="When.")

    @classmethod
    def from_row(cls, row: models.QueueItemEvent) -> QueueItemEvent:
        return cls(row=row, kind=row.kind, text=row.text, created_at=row.created_at)

    @strawberry.field(
        description="Who did it; null for automatic steps, and for reports to anyone but "
        "platform staff."
    )
    async def actor(self, info: Info[Context, None]) -> User | None:
        if self.row.kind in REPORTER_STEPS and not policies.is_staff(info.context.viewer):
            return None
        return await _user(info, self.row.actor_id)

    @strawberry.field(description="The actions taken, for a decision.")
    def actions(self) -> list[ModerationAction]:  # type: ignore[valid-type]
        return [models.ModerationAction(a) for a in self.row.detail.get("actions", [])]


@strawberry.type(description="An appeal of a decision by the user it affected.")
class Appeal(Node):
    row: strawberry.Private[models.Appeal]
    text: str = strawberry.field(description="What the user wrote.")
    state: AppealState = strawberry.field(description="PENDING, UPHELD or OVERTURNED.")  # type: ignore[valid-type]
    created_at: datetime = strawberry.field(description="When it was made.")
    decided_at: datetime | None = strawberry.field(description="When it was decided.")

    @classmethod
    def from_row(cls, row: models.Appeal) -> Appeal:
        return cls(
            id=encode_id("Appeal", row.id),
            row=row,
            text=row.text,
            state=row.state,
            created_at=row.created_at,
            decided_at=row.decided_at,
        )

    @strawberry.field(description="The decision appealed.")
    async def decision(self, info: Info[Context, None]) -> AuditEntry | None:
        row = await info.context.loaders.audit_entry_by_id.load(self.row.decision_id)
        return AuditEntry.from_row(row) if row else None


@strawberry.type(description="Who did what to what, why and when.")
class AuditEntry(Node):
    row: strawberry.Private[models.AuditEntry]
    kind: AuditKind = strawberry.field(description="An action, a rule change, an appeal.")  # type: ignore[valid-type]
    action: ModerationAction | None = strawberry.field(description="The action taken.")  # type: ignore[valid-type]
    target_type: ModerationTarget | None = strawberry.field(description="What it was about.")  # type: ignore[valid-type]
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
        if not await may_see_actor(info.context, self.row):
            return None
        return await _user(info, self.row.actor_id)

    @strawberry.field(description="The user it affected.")
    async def affected_user(self, info: Info[Context, None]) -> User | None:
        return await _user(info, self.row.affected_user_id)

    @strawberry.field(description="The group it happened in.")
    async def group(self, info: Info[Context, None]) -> Group | None:
        return await _group(info, self.row.group_id)

    @strawberry.field(description="The target's id (global), when it had one.")
    def target_id(self) -> strawberry.ID | None:
        row = self.row
        if row.target_type is None or row.target_id is None:
            return None
        return encode_id(str(row.target_type).title(), row.target_id)

    @strawberry.field(description="The term's end, for a silence or suspension.")
    def until(self) -> datetime | None:
        value = self.row.detail.get("until")
        return datetime.fromisoformat(value) if value else None

    @strawberry.field(description="The appeal made against this decision, if any.")
    async def appeal(self, info: Info[Context, None]) -> Appeal | None:
        row = await info.context.loaders.appeal_by_decision_id.load(self.row.id)
        return Appeal.from_row(row) if row else None


@strawberry.type(description="Everything about one target waiting for (or given) a decision.")
class ModerationItem(Node):
    row: strawberry.Private[models.QueueItem]
    target_type: ModerationTarget = strawberry.field(description="What kind of thing it is.")  # type: ignore[valid-type]
    state: QueueState = strawberry.field(description="Where the item stands.")  # type: ignore[valid-type]
    score: float = strawberry.field(
        description="Grows with each report, weighted by the reporter's standing."
    )
    reasons: list[str] = strawberry.field(
        description="Report reasons and automatic ones (SCREENING, NEW_ACCOUNT, SILENCED, "
        "DUPLICATE, APPEAL)."
    )
    target_hidden: bool = strawberry.field(
        description="The target is hidden or held until a moderator decides."
    )
    claimed_until: datetime | None = strawberry.field(description="When the claim runs out.")
    created_at: datetime = strawberry.field(description="When the item was opened.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    resolved_at: datetime | None = strawberry.field(description="When it was decided.")

    @classmethod
    def from_row(cls, row: models.QueueItem) -> ModerationItem:
        return cls(
            id=encode_id("ModerationItem", row.id),
            row=row,
            target_type=row.target_type,
            state=row.state,
            score=row.score,
            reasons=list(row.reasons),
            target_hidden=row.target_hidden,
            claimed_until=row.claimed_until,
            created_at=row.created_at,
            updated_at=row.updated_at,
            resolved_at=row.resolved_at,
        )

    @strawberry.field(description="The post, comment, user or group; null if deleted since.")
    async def target(self, info: Info[Context, None]) -> ModerationTargetNode | None:
        return target_node(await item_target(info.context, self.row))  # type: ignore[no-any-return]

    @strawberry.field(description="Who wrote it, or the account itself.")
    async def author(self, info: Info[Context, None]) -> User | None:
        return await _user(info, self.row.author_id)

    @strawberry.field(description="The group it belongs to, if any.")
    async def group(self, info: Info[Context, None]) -> Group | None:
        return await _group(info, self.row.group_id)

    @strawberry.field(description="The reports, oldest first.")
    async def reports(self, info: Info[Context, None]) -> list[Report]:
        rows = await info.context.loaders.reports_by_item_id.load(self.row.id)
        return [Report.from_row(r) for r in rows]

    @strawberry.field(description="Watched words that matched when it was written.")
    def auto_hits(self) -> list[ScreeningHit]:
        return [
            ScreeningHit(
                rule_id=encode_id("ModerationRule", int(h.get("rule", 0))),
                action=str(h.get("action", "")),
                matched=str(h.get("matched", "")),
                reason=str(h.get("reason", "")),
            )
            for h in self.row.auto_hits
        ]

    @strawberry.field(description="Moderators' notes, oldest first.")
    async def notes(self, info: Info[Context, None]) -> list[QueueItemEvent]:
        rows = await info.context.loaders.item_events_by_item_id.load(self.row.id)
        return [QueueItemEvent.from_row(r) for r in rows if r.kind == models.ItemEventKind.NOTE]

    @strawberry.field(description="Everything that happened to the item, oldest first.")
    async def timeline(self, info: Info[Context, None]) -> list[QueueItemEvent]:
        rows = await info.context.loaders.item_events_by_item_id.load(self.row.id)
        return [QueueItemEvent.from_row(r) for r in rows]

    @strawberry.field(description="Who has claimed it (while the claim lasts).")
    async def claimed_by(self, info: Info[Context, None]) -> User | None:
        claim = self.row.claimed_until
        if claim is None or claim <= datetime.now(claim.tzinfo):
            return None
        return await _user(info, self.row.claimed_by_id)

    @strawberry.field(description="Who decided it.")
    async def resolved_by(self, info: Info[Context, None]) -> User | None:
        return await _user(info, self.row.resolved_by_id)

    @strawberry.field(description="The appeal waiting on this item, if any.")
    async def pending_appeal(self, info: Info[Context, None]) -> Appeal | None:
        row = await info.context.loaders.pending_appeal_by_item_id.load(self.row.id)
        return Appeal.from_row(row) if row else None


@strawberry.type(description="A watched word or pattern and what it does.")
class ModerationRule(Node):
    pattern: str = strawberry.field(description="The word (lowercase; `*` is a wildcard).")
    match: MatchKind = strawberry.field(description="WORD or SUBSTRING.")  # type: ignore[valid-type]
    action: RuleAction = strawberry.field(description="BLOCK, HOLD, FLAG or REPLACE.")  # type: ignore[valid-type]
    reason: str = strawberry.field(description="Shown to the writer when a text is refused.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_row(cls, row: models.ModerationRule) -> ModerationRule:
        return cls(
            id=encode_id("ModerationRule", row.id),
            pattern=row.pattern,
            match=row.match,
            action=row.action,
            reason=row.reason,
            updated_at=row.updated_at,
        )
