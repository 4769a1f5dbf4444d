"""Works: the `Work` union of posts and radio episodes, what credits, collections and featured
marks point at; `work_from_row` builds one from its row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import strawberry

from resolvers.pagination import Page
from schema.posts import Post
from schema.radio import RadioEpisode
from schema.refs import work_from_row
from schema.relay import PageInfo, page_info

T = TypeVar("T")

Work = Annotated[
    Post | RadioEpisode,
    strawberry.union("Work", description="Something people make: a post or a radio episode."),
]


@strawberry.type(description="One work of a list with its cursor.")
class WorkEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this work.")
    node: Work = strawberry.field(description="The work.")


# Written out rather than `Connection[Work]`: fields below this module (`User.works`) refer to
# it lazily, and a generic connection of a lazily referred union cannot be named.
@strawberry.type(description="A page of works, Relay style, paginated by keyset cursors.")
class WorkConnection:
    edges: list[WorkEdge] = strawberry.field(description="The works of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page lies in the list.")

    @classmethod
    def of(cls, page: Page[T], wrap: Callable[[T], Post | RadioEpisode]) -> WorkConnection:
        return cls(
            edges=[WorkEdge(cursor=cursor, node=wrap(item)) for cursor, item in page.edges],
            page_info=page_info(page),
        )


__all__ = ["Work", "WorkConnection", "WorkEdge", "work_from_row"]
