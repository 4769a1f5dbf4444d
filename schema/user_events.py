"""What a user's profile shows of events: `User` takes these fields."""

from __future__ import annotations

import strawberry


@strawberry.type
class UserEventFields:
    pk: strawberry.Private[int]
