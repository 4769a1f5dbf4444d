"""What a user's profile shows of satisfaction ratings: `User` takes these fields."""

from __future__ import annotations

import strawberry


@strawberry.type
class UserRatingFields:
    pk: strawberry.Private[int]
