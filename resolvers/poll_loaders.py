"""The loaders of polls, their options and the viewer's votes: `Loaders` takes these."""

from __future__ import annotations


class PollLoaders:
    viewer_id: int | None
