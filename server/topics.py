"""The only place channel names are spelled."""

from __future__ import annotations


def posts() -> str:
    """Every post that goes live (feeds filter per subscriber)."""
    return "posts"


def post(post_id: int) -> str:
    """Edits, counts, removals and new comments of one post."""
    return f"post:{post_id}"


def user(user_id: int) -> str:
    """One user's notifications."""
    return f"user:{user_id}"


def featured() -> str:
    """Works staff featured (what the points and contribution rules will reward)."""
    return "featured"


def radio() -> str:
    """Every radio episode that goes on air (feeds filter per subscriber)."""
    return "radio"


def episode(episode_id: int) -> str:
    """Edits, counts, removals and new comments of one radio episode."""
    return f"episode:{episode_id}"


def moderation() -> str:
    """Changes to the moderation queue (moderators filter by what they may see)."""
    return "moderation"


def event(event_id: int) -> str:
    """Signup counts and state of one event."""
    return f"event:{event_id}"


def poll(poll_id: int) -> str:
    """Results and state of one poll."""
    return f"poll:{poll_id}"
