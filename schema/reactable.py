"""What users react to: the `Reactable` interface of posts and comments, and reaction counts.

Apart from the reaction mutations (schema.reactions), so that posts and comments can implement
the interface without importing the mutations that build them.
"""

from __future__ import annotations

import strawberry

from schema.enums import ReactionKind
from schema.relay import Node


@strawberry.type(description="How many reactions of one kind something has.")
class ReactionCount:
    kind: ReactionKind = strawberry.field(description="The kind of reaction.")
    count: int = strawberry.field(description="How many users reacted so.")


def summary(counts: dict[str, int]) -> list[ReactionCount]:
    return [
        ReactionCount(kind=ReactionKind(kind), count=n)
        for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


@strawberry.interface(description="Something users can react to: a post or a comment.")
class Reactable(Node):
    reaction_count: int = strawberry.field(description="All reactions, of every kind.")

    @strawberry.field(description="The kinds of reaction the viewer gave it.")
    async def viewer_reactions(self) -> list[ReactionKind]:
        raise NotImplementedError

    @strawberry.field(description="Reaction counts by kind, most frequent first.")
    async def reaction_summary(self) -> list[ReactionCount]:
        raise NotImplementedError
