"""Works: what people make and are credited on, what curators collect and staff feature.

A work is a post or a radio episode. `WorkRef` names one without loading it; `visible_work`
loads it through the visibility gate (what the viewer may not see reads as missing), and
`public_work` through the anonymous viewer's eyes: only public works are collected or featured.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from resolvers.context import Context
from resolvers.pagination import Page
from resolvers.visibility import visible_episode, visible_post
from server.errors import Conflict, InvalidInput, NotFound
from server.models import EpisodeState, GroupVisibility, Post, PostState, RadioEpisode

Work = Post | RadioEpisode
WORK_TYPES = ("Post", "RadioEpisode")
R = TypeVar("R")


@dataclass(frozen=True)
class WorkRef:
    """A post or an episode, by id: exactly one of the two is set."""

    post_id: int | None = None
    episode_id: int | None = None

    @classmethod
    def of(cls, type_name: str, pk: int) -> WorkRef:
        """The work a decoded global id names ("Post" or "RadioEpisode")."""
        if type_name == "Post":
            return cls(post_id=pk)
        if type_name == "RadioEpisode":
            return cls(episode_id=pk)
        raise InvalidInput("A work is a post or a radio episode.", field="workId")

    @classmethod
    def of_row(cls, row: Work) -> WorkRef:
        if isinstance(row, Post):
            return cls(post_id=row.id)
        return cls(episode_id=row.id)

    @classmethod
    def of_fields(cls, row: Any) -> WorkRef:
        """The work a credit, collection item or featured mark points at."""
        return cls(post_id=row.post_id, episode_id=row.episode_id)

    def filter(self) -> dict[str, Any]:
        """The columns that point at it, for `Model.filter(**ref.filter())`."""
        return {"post_id": self.post_id, "episode_id": self.episode_id}


async def visible_work(ctx: Context, ref: WorkRef) -> Work | None:
    """The work, if the viewer may see it now."""
    if ref.post_id is not None:
        return await visible_post(ctx, ref.post_id)
    assert ref.episode_id is not None
    return await visible_episode(ctx, ref.episode_id)


async def work_is_public(ctx: Context, row: Work) -> bool:
    """Whether anyone, signed in or not, may see the work: published, and a post outside
    members-only groups."""
    if isinstance(row, RadioEpisode):
        return row.state == EpisodeState.PUBLISHED
    if row.state != PostState.PUBLISHED:
        return False
    if row.group_id is None:
        return True
    group = await ctx.loaders.group_by_id.load(row.group_id)
    return group is not None and group.visibility == GroupVisibility.PUBLIC


async def public_work(ctx: Context, ref: WorkRef) -> Work:
    """The work, if it is public now: NotFound when the viewer cannot see it (so a draft or a
    members-only post of others reads as missing), Conflict when they can but it is not public
    (their own draft, a hidden post a moderator sees, a post of their members-only group)."""
    row = await visible_work(ctx, ref)
    if row is None:
        raise NotFound("No such work.")
    if not await work_is_public(ctx, row):
        raise Conflict("Only published, public works can be collected or featured.")
    return row


async def load_works(ctx: Context, refs: Sequence[WorkRef]) -> list[Work | None]:
    """The works of a page of rows that point at works, through the loaders: one statement
    for the posts and one for the episodes, whatever the page size."""

    async def load(ref: WorkRef) -> Work | None:
        if ref.post_id is not None:
            return await ctx.loaders.post_by_id.load(ref.post_id)
        assert ref.episode_id is not None
        return await ctx.loaders.episode_by_id.load(ref.episode_id)

    return list(await asyncio.gather(*(load(ref) for ref in refs)))


@dataclass(frozen=True)
class Placed(Generic[R]):
    """A row that places a work somewhere (a collection item, a featured mark), with the work."""

    row: R
    work: Work


async def place_works(ctx: Context, page: Page[R]) -> Page[Placed[R]]:
    """A page of such rows with their works, loaded in one batch; a row whose work was deleted
    a moment ago is left out."""
    works = await load_works(ctx, [WorkRef.of_fields(row) for _, row in page.edges])
    edges = [
        (cursor, Placed(row, work))
        for (cursor, row), work in zip(page.edges, works, strict=True)
        if work is not None
    ]
    return Page(edges, page.has_next_page, page.has_previous_page)
