"""Satisfaction ratings: rating an experience, and what staff read of them."""

from __future__ import annotations

import strawberry


@strawberry.type
class RatingQueries:
    pass


@strawberry.type
class RatingMutations:
    pass
