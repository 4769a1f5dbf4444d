"""Events: creating, changing and cancelling them, signing up, the waitlist and check-in."""

from __future__ import annotations

import strawberry


@strawberry.type
class EventQueries:
    pass


@strawberry.type
class EventMutations:
    pass


@strawberry.type
class EventSubscription:
    pass
