"""The loaders of events, their signups and ratings: `Loaders` takes these."""

from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from resolvers.batching import by_id, one_by
from server.models import Event, EventSignup


class EventLoaders:
    viewer_id: int | None

    @cached_property
    def event_by_id(self) -> DataLoader[int, Event | None]:
        return DataLoader(by_id(Event))

    @cached_property
    def viewer_signup_by_event_id(self) -> DataLoader[int, EventSignup | None]:
        """The viewer's signup for each event, in any state (one row per person and event)."""
        return DataLoader(self._viewer_signups)

    async def _viewer_signups(self, event_ids: list[int]) -> list[EventSignup | None]:
        if self.viewer_id is None:
            return [None] * len(event_ids)
        return list(await one_by(EventSignup, "event_id", user_id=self.viewer_id)(event_ids))
