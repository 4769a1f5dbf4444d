"""What a user's profile shows of satisfaction ratings: `User` takes these fields."""

from __future__ import annotations

import strawberry
from strawberry import Info

from resolvers import ratings
from resolvers.context import Context
from schema.refs import SatisfactionRatingRef, satisfaction_rating_type
from schema.relay import Connection, page_size, to_connection


@strawberry.type
class UserRatingFields:
    pk: strawberry.Private[int]

    @strawberry.field(
        description="The viewer's own satisfaction ratings, newest first; null for anyone else."
    )
    async def ratings(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[SatisfactionRatingRef] | None:
        ctx = info.context
        page = await ratings.list_own_ratings(ctx, self.pk, page_size(ctx.settings, first), after)
        if page is None:
            return None
        return to_connection(page, satisfaction_rating_type().from_row)
