"""Works: the `Work` union of posts and radio episodes, what credits, collections and featured
marks point at."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers import works
from schema.posts import Post
from schema.radio import RadioEpisode
from server import models

Work = Annotated[
    Post | RadioEpisode,
    strawberry.union("Work", description="Something people make: a post or a radio episode."),
]


def work_from_row(row: works.Work) -> Post | RadioEpisode:
    if isinstance(row, models.Post):
        return Post.from_row(row)
    return RadioEpisode.from_row(row)
