"""Notifications: the list, the unread count, marking read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import notifications as cases
from resolvers.context import Context
from resolvers.credits import visible_credit
from resolvers.visibility import visible_episode, visible_post
from schema.credits import Credit
from schema.enums import NotificationKind
from schema.groups import Group
from schema.posts import Post
from schema.radio import RadioEpisode
from schema.relay import Connection, encode_id, page_size, parse_id, to_connection
from schema.users import User
from server import models


@strawberry.type(description="Something that happened that the viewer should know about.")
class Notification:
    row: strawberry.Private[models.Notification]
    id: strawberry.ID = strawberry.field(description="The notification's id.")
    kind: NotificationKind = strawberry.field(
        description="What it is about (see the enum); a client shows the kinds it knows and "
        "`text` for the others."
    )
    text: str = strawberry.field(
        description="What a notification about a decision says (MODERATION, KOC, "
        "GROUP_JOIN_DECIDED, GROUP_ROLE, GROUP_REMOVED, GROUP_CERTIFICATION, FEEDBACK_ADOPTED, "
        "GROUP_INVITATION: what was decided and why); empty for the others."
    )
    actor_count: int = strawberry.field(
        description="How many people acted: reactions to one post gather in one notification."
    )
    read: bool = strawberry.field(description="Marked read.")
    created_at: datetime = strawberry.field(description="When it first happened.")
    updated_at: datetime = strawberry.field(description="When it last grew (a new reaction).")

    @classmethod
    def from_row(cls, row: models.Notification) -> Notification:
        return cls(
            row=row,
            id=encode_id("Notification", row.id),
            kind=row.kind,
            text=row.text,
            actor_count=row.actor_count,
            read=row.read_at is not None,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="Who acted (the latest, for grouped notifications).")
    async def actor(self, info: Info[Context, None]) -> User | None:
        if self.row.actor_id is None:
            return None
        row = await info.context.loaders.user_by_id.load(self.row.actor_id)
        return User.from_row(row) if row else None

    @strawberry.field(description="The post it is about, if any and still visible.")
    async def post(self, info: Info[Context, None]) -> Post | None:
        if self.row.post_id is None:
            return None
        row = await visible_post(info.context, self.row.post_id)
        return Post.from_row(row) if row else None

    @strawberry.field(description="The radio episode it is about, if any and still visible.")
    async def episode(self, info: Info[Context, None]) -> RadioEpisode | None:
        if self.row.episode_id is None:
            return None
        row = await visible_episode(info.context, self.row.episode_id)
        return RadioEpisode.from_row(row) if row else None

    @strawberry.field(
        description="The credit it is about (an invitation to answer, or an answer), if the "
        "viewer may still see it."
    )
    async def credit(self, info: Info[Context, None]) -> Credit | None:
        if self.row.credit_id is None:
            return None
        row = await visible_credit(info.context, self.row.credit_id)
        return Credit.from_row(row) if row else None

    @strawberry.field(description="The group it is about, for group joins.")
    async def group(self, info: Info[Context, None]) -> Group | None:
        if self.row.group_id is None:
            return None
        row = await info.context.loaders.group_by_id.load(self.row.group_id)
        return Group.from_row(row) if row else None


@strawberry.input(description="Notifications to mark read.")
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] = strawberry.field(description="The notifications' ids.")


@strawberry.type(description="The notifications are marked read.")
class MarkNotificationsReadSuccess:
    marked: int = strawberry.field(description="How many were unread and are now read.")
    unread_count: int = strawberry.field(description="How many unread notifications are left.")


MarkNotificationsReadResult = Annotated[
    MarkNotificationsReadSuccess, strawberry.union("MarkNotificationsReadResult")
]


@strawberry.input(
    description="Which of the viewer's unread notifications to mark read: all, or those up to "
    "a time."
)
class MarkAllNotificationsReadInput:
    up_to: datetime | None = strawberry.field(
        default=None,
        description="Only those last changed at or before this time (what the viewer has "
        "seen): one that arrives or grows meanwhile stays unread. Null: every one.",
    )


@strawberry.type(description="The notifications are marked read.")
class MarkAllNotificationsReadSuccess:
    marked: int = strawberry.field(description="How many were unread and are now read.")
    unread_count: int = strawberry.field(
        description="How many unread notifications are left (0 without `upTo`)."
    )


EVERY_NOTIFICATION = MarkAllNotificationsReadInput()

MarkAllNotificationsReadResult = Annotated[
    MarkAllNotificationsReadSuccess, strawberry.union("MarkAllNotificationsReadResult")
]


@strawberry.type
class NotificationQueries:
    @strawberry.field(description="The viewer's notifications, most recently changed first.")
    async def notifications(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Notification]:
        ctx = info.context
        page = await cases.list_notifications(ctx, page_size(ctx.settings, first), after)
        return to_connection(page, Notification.from_row)

    @strawberry.field(description="How many of the viewer's notifications are unread.")
    async def unread_notification_count(self, info: Info[Context, None]) -> int:
        return await cases.unread_count(info.context)


@strawberry.type
class NotificationMutations:
    @strawberry.mutation(description="Mark some of the viewer's notifications read.")
    async def mark_notifications_read(
        self, info: Info[Context, None], input: MarkNotificationsReadInput
    ) -> MarkNotificationsReadResult:
        ids = [pk for pk in (_notification_pk(i) for i in input.ids) if pk is not None]
        marked = await cases.mark_read(info.context, ids)
        unread = await cases.unread_count(info.context)
        return MarkNotificationsReadSuccess(marked=marked, unread_count=unread)

    @strawberry.mutation(
        description="Mark all the viewer's notifications read (`input` may be left out)."
    )
    async def mark_all_notifications_read(
        self,
        info: Info[Context, None],
        input: MarkAllNotificationsReadInput = EVERY_NOTIFICATION,
    ) -> MarkAllNotificationsReadResult:
        marked = await cases.mark_all_read(info.context, input.up_to)
        unread = await cases.unread_count(info.context) if input.up_to is not None else 0
        return MarkAllNotificationsReadSuccess(marked=marked, unread_count=unread)


def _notification_pk(global_id: str) -> int | None:
    """Ids that are not notifications are ignored: marking them read changes nothing."""
    parsed = parse_id(global_id)
    return parsed[1] if parsed and parsed[0] == "Notification" else None
