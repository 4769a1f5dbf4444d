"""The root Schema: the domain mixins, the error handlers and the query limits."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from schema.admin import AdminMutations
from schema.comments import Comment, CommentMutations
from schema.errors import ERROR_TYPES, EXCEPTION_HANDLERS
from schema.groups import GroupMutations, GroupQueries
from schema.nodes import NodeQueries
from schema.posts import PostMutations, PostQueries
from schema.reactions import ReactionMutations
from schema.users import UserMutations, UserQueries
from server.errors import DomainError
from server.settings import Settings


@strawberry.type(description="Everything a client can read.")
class Query(NodeQueries, UserQueries, GroupQueries, PostQueries):
    pass


@strawberry.type(description="Everything a client can change.")
class Mutation(
    UserMutations,
    GroupMutations,
    PostMutations,
    CommentMutations,
    ReactionMutations,
    AdminMutations,
):
    pass


def expected_error(error: GraphQLError) -> bool:
    """Errors a client should see as they are: syntax and validation errors, and domain errors
    (not signed in, forbidden, bad arguments). Anything else is a bug and gets masked."""
    original = error.original_error
    return original is None or isinstance(original, DomainError)


def build_schema(settings: Settings | None = None) -> Schema:
    settings = settings or Settings()
    # Factories: a fresh extension per request. The parser and validation caches live at
    # module level, so they are shared by every request all the same.
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=1024),
        lambda: ValidationCache(maxsize=1024),
    ]
    if not settings.development:
        extensions.append(lambda: MaskErrors(should_mask_error=lambda e: not expected_error(e)))
    return Schema(
        query=Query,
        mutation=Mutation,
        types=[Comment, *ERROR_TYPES],
        extensions=extensions,
        exception_handlers=EXCEPTION_HANDLERS,
    )
