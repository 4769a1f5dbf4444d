"""Works for the tests of collections and featured works: radio episodes written straight into
the database, and the credits that make their people co-creators."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from server.models import (
    Credit,
    CreditRole,
    CreditState,
    EpisodeState,
    RadioEpisode,
    RadioStation,
    User,
)


async def make_episode(author: User, title: str = "an episode", **fields: Any) -> RadioEpisode:
    """A published episode on a station of its own (unless `state` says otherwise)."""
    station, _ = await RadioStation.get_or_create(
        slug="shanghai", defaults={"name": "Radio Shanghai", "city": "Shanghai"}
    )
    values: dict[str, Any] = {
        "state": EpisodeState.PUBLISHED,
        "published_at": datetime.now(UTC),
    }
    return await RadioEpisode.create(
        station_id=station.id,
        author_id=author.id,
        title=title,
        audio_url="https://audio.example.com/a.mp3",
        duration_seconds=600,
        mime_type="audio/mpeg",
        **(values | fields),
    )


async def credit(
    user: User,
    *,
    post_id: int | None = None,
    episode_id: int | None = None,
    state: CreditState = CreditState.ACCEPTED,
    role: CreditRole = CreditRole.PHOTOGRAPHER,
) -> Credit:
    return await Credit.create(
        user_id=user.id, post_id=post_id, episode_id=episode_id, role=role, state=state
    )
