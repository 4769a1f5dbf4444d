"""The loaders of polls, their options and the viewer's votes: `Loaders` takes these."""

from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from resolvers.batching import by_id, many_by, one_by
from server.models import Poll, PollOption, PollVote


class PollLoaders:
    viewer_id: int | None

    @cached_property
    def poll_by_id(self) -> DataLoader[int, Poll | None]:
        return DataLoader(by_id(Poll))

    @cached_property
    def options_by_poll_id(self) -> DataLoader[int, list[PollOption]]:
        """Each poll's options in their order: a page of polls reads them in one statement."""
        return DataLoader(many_by(PollOption, "poll_id", "position", "id"))

    @cached_property
    def viewer_vote_by_poll_id(self) -> DataLoader[int, PollVote | None]:
        """The viewer's vote in each poll, if they cast one."""
        return DataLoader(self._viewer_votes)

    async def _viewer_votes(self, poll_ids: list[int]) -> list[PollVote | None]:
        if self.viewer_id is None:
            return [None] * len(poll_ids)
        votes: list[PollVote | None] = await one_by(PollVote, "poll_id", user_id=self.viewer_id)(
            poll_ids
        )
        return votes

    def forget_poll(self, poll_id: int) -> None:
        """Drop what this operation read of a poll, after a write changed it."""
        for loader in (self.poll_by_id, self.options_by_poll_id, self.viewer_vote_by_poll_id):
            if loader.cache_map.get(poll_id) is not None:
                loader.clear(poll_id)
