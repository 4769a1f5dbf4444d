"""The types other modules refer back to, named once.

The GraphQL types refer to each other in circles: a post has an author, a group and comments,
and a user, a group and a comment each lead back to posts (`User.posts`, `Group.posts`,
`Comment.post`); an appeal names the decision it appeals, and a decision its appeal
(`AuditEntry.appeal`). The modules follow one direction: `schema.posts` imports users, groups
and comments, `schema.appeals` imports audit. The way back goes through here: a lazy reference
that Strawberry resolves when it builds the schema, and the type itself for fields that build a
post or an appeal from a row, looked up the first time one runs.

This module imports no schema module, not even for type checkers (that would be the import
cycle again): the two lazy references are the only places that name `schema.posts` and
`schema.appeals` from below. Type checkers see the references as `Any`, and the two types
through the few class methods their back-referring fields call.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, ForwardRef, Protocol, get_args

import strawberry
from strawberry import Info

from resolvers.context import Context
from resolvers.pagination import Page
from server import models

if TYPE_CHECKING:
    PostRef = Any
    AppealRef = Any
    WorkRef = Any
else:
    # The names are looked up in the lazily named modules, not here.
    PostRef = Annotated[ForwardRef("Post"), strawberry.lazy("schema.posts")]
    AppealRef = Annotated[ForwardRef("Appeal"), strawberry.lazy("schema.appeals")]
    WorkRef = Annotated[ForwardRef("Work"), strawberry.lazy("schema.works")]


class PostType(Protocol):
    """What the fields that lead back to posts call on `Post`."""

    @classmethod
    def from_row(cls, row: models.Post) -> Any: ...

    @classmethod
    async def connection(cls, info: Info[Context, None], page: Page[models.Post]) -> Any: ...


class AppealType(Protocol):
    """What the fields that lead back to appeals call on `Appeal`."""

    @classmethod
    def from_row(cls, row: models.Appeal) -> Any: ...


def _resolve(ref: Any) -> Any:
    forward, lazy = get_args(ref)
    return lazy.resolve_forward_ref(forward).resolve_type()


# Cached: resolving a lazy type also compares files with __main__, too slow for every row.
@cache
def post_type() -> type[PostType]:
    """The `Post` type (schema.posts), for fields that build posts from rows."""
    post: type[PostType] = _resolve(PostRef)
    return post


@cache
def appeal_type() -> type[AppealType]:
    """The `Appeal` type (schema.appeals), for fields that build appeals from rows."""
    appeal: type[AppealType] = _resolve(AppealRef)
    return appeal
