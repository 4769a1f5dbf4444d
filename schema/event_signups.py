"""Signing up for events, cancelling, the waitlist and checking attendees in."""

from __future__ import annotations

import strawberry


@strawberry.type
class EventSignupMutations:
    pass
