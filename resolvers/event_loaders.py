"""The loaders of events, their signups and ratings: `Loaders` takes these."""

from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from resolvers.batching import by_id
from server.models import Event


class EventLoaders:
    viewer_id: int | None

    @cached_property
    def event_by_id(self) -> DataLoader[int, Event | None]:
        return DataLoader(by_id(Event))
