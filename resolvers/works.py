"""Works: what people make and are credited on, what curators collect and staff feature.

A work is a post or a radio episode. `WorkRef` names one without loading it; `visible_work`
loads it through the visibility gate (what the viewer may not see reads as missing), and
`public_work` through the anonymous viewer's eyes: only public works are collected or featured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resolvers.context import Context
from resolvers.visibility import visible_episode, visible_post
from server.errors import InvalidInput
from server.models import EpisodeState, GroupVisibility, Post, PostState, RadioEpisode

Work = Post | RadioEpisode
WORK_TYPES = ("Post", "RadioEpisode")


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

    def filter(self) -> dict[str, int | None]:
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
