"""Who is barred from a group (`Group.bans`): its own module so that `schema.groups` can list
bans while the mutations that make and lift them (schema.group_staff) refer to `Group`."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import Info

from resolvers import group_staff as cases
from resolvers.context import Context
from schema.loading import now_or_later
from schema.relay import Connection, page_size, to_connection
from schema.users import User
from server import models


@strawberry.type(
    description="Someone the group's staff removed and barred from rejoining, until the ban "
    "is lifted. Seen by the group's staff and platform admins."
)
class GroupBan:
    row: strawberry.Private[models.GroupBan]
    reason: str = strawberry.field(description="Why they were barred, as the staff wrote it.")
    created_at: datetime = strawberry.field(description="When they were barred.")

    @classmethod
    def from_row(cls, row: models.GroupBan) -> GroupBan:
        return cls(row=row, reason=row.reason, created_at=row.created_at)

    @strawberry.field(description="Who is barred.")
    def user(self, info: Info[Context, None]) -> User:
        return now_or_later(info.context.loaders.user_by_id, self.row.user_id, User.from_row)


async def group_bans(
    info: Info[Context, None], group: models.Group, first: int | None, after: str | None
) -> Connection[GroupBan] | None:
    """`Group.bans`: a page of the group's bans, newest first, or None for who may not see
    them."""
    ctx = info.context
    page = await cases.list_bans(ctx, group, page_size(ctx.settings, first), after)
    return None if page is None else to_connection(page, GroupBan.from_row)
