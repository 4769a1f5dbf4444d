"""The Strawberry ASGI app: builds each request's Context from its token."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from resolvers.context import Context
from server.auth import InvalidToken, bearer_token, viewer_for_token
from server.settings import Settings


class CommunityGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: Schema, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.development else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
        )
        self.settings = settings

    async def get_context(self, request: Any, response: Any = None) -> Context:
        try:
            token = bearer_token(request.headers.get("authorization"))
            viewer = await viewer_for_token(self.settings, token)
        except InvalidToken as exc:
            raise HTTPException(401, str(exc)) from None
        return Context(settings=self.settings, viewer=viewer, request=request)
