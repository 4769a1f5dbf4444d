"""Loading, in one batch per relation, what a page of posts will show: authors, badges,
groups, the viewer's reactions and reaction counts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from resolvers.context import Context
from server.models import Post


@dataclass(frozen=True)
class PostRelations:
    """Which relations of a page of posts a query reads."""

    authors: bool = False
    badges: bool = False
    groups: bool = False
    viewer_reactions: bool = False
    reaction_summaries: bool = False


async def prefetch_post_relations(ctx: Context, posts: list[Post], wanted: PostRelations) -> None:
    """Load, in one batch per relation, what the page's fields will read."""
    loaders = ctx.loaders
    author_ids = list(dict.fromkeys(p.author_id for p in posts))
    post_ids = [p.id for p in posts]
    batches: list[Any] = []
    if wanted.authors:
        batches.append(loaders.user_by_id.load_many(author_ids))
    if wanted.badges:
        batches.append(loaders.badge_by_user_id.load_many(author_ids))
    if wanted.groups:
        group_ids = list(dict.fromkeys(p.group_id for p in posts if p.group_id is not None))
        batches.append(loaders.group_by_id.load_many(group_ids))
    if wanted.viewer_reactions:
        batches.append(loaders.viewer_reactions_by_post_id.load_many(post_ids))
    if wanted.reaction_summaries:
        batches.append(loaders.post_reaction_summary_by_post_id.load_many(post_ids))
    await asyncio.gather(*batches)
