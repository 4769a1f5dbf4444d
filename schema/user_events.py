"""What a user's profile shows of events: `User` takes these fields."""

from __future__ import annotations

import strawberry
from strawberry import Info

from resolvers import event_reads
from resolvers.context import Context
from schema.refs import EventSignupRef, event_signup_type
from schema.relay import Connection, page_size, to_connection


@strawberry.type
class UserEventFields:
    pk: strawberry.Private[int]

    @strawberry.field(
        description="The viewer's own event signups in any state, newest first; null for "
        "anyone else."
    )
    async def event_signups(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[EventSignupRef] | None:
        ctx = info.context
        page = await event_reads.list_own_signups(
            ctx, self.pk, page_size(ctx.settings, first), after
        )
        return to_connection(page, event_signup_type().from_row) if page is not None else None
