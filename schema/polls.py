"""Community votes: polls, casting a vote, and results by the poll's weighting."""

from __future__ import annotations

import strawberry


@strawberry.type
class PollQueries:
    pass


@strawberry.type
class PollMutations:
    pass


@strawberry.type
class PollSubscription:
    pass
