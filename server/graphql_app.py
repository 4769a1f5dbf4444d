"""The Strawberry ASGI app: builds each request's Context from its token."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types.unset import UNSET, UnsetType

from resolvers.context import Context
from resolvers.screening import ModerationServices
from search.engine import SearchEngine
from server.auth import InvalidToken, viewer_for_request, viewer_for_token
from server.broadcast import Hub
from server.settings import Settings


class LegacyWebSocketHandler(BaseGraphQLWSHandler[Context, None]):
    """The legacy graphql-ws protocol, closing with 4403 on a refused token as the newer
    protocol does (Strawberry's own handler closes with 1011)."""

    async def handle_connection_init(self, message: Any) -> None:
        try:
            await authenticate_connection(self.view, self.context, message.get("payload"))
        except ConnectionRejectionError as exc:
            await self.send_message({"type": "connection_error", "payload": exc.payload})
            await self.websocket.close(code=4403, reason="Forbidden")
            return
        await super().handle_connection_init(message)


async def authenticate_connection(view: Any, context: Context, params: Any) -> None:
    """Sign a WebSocket connection in with `{"authToken": ...}` from connection_init."""
    token = params.get("authToken") if isinstance(params, dict) else None
    if not token:
        return
    try:
        viewer = await viewer_for_token(view.settings, str(token))
    except InvalidToken as exc:
        raise ConnectionRejectionError({"message": str(exc)}) from None
    context.sign_in(viewer)


class CommunityGraphQL(GraphQL[Context, None]):
    graphql_ws_handler_class = LegacyWebSocketHandler

    def __init__(self, schema: Schema, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.development else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
            keep_alive=True,
            keep_alive_interval=settings.websocket_keepalive_seconds,
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
        )
        self.settings = settings
        self.hub: Hub | None = None  # set by the app's lifespan
        self.search: SearchEngine | None = None  # set by the app's lifespan when search runs
        self.moderation: ModerationServices | None = None  # set by the app's lifespan

    async def get_context(self, request: Any, response: Any = None) -> Context:
        try:
            viewer = await viewer_for_request(self.settings, request.headers.get("authorization"))
        except InvalidToken as exc:
            raise HTTPException(401, str(exc)) from None
        return Context(
            settings=self.settings,
            viewer=viewer,
            request=request,
            hub=self.hub,
            search=self.search,
            moderation=self.moderation,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        if context.viewer is None:  # the legacy handler has signed the connection in already
            await authenticate_connection(self, context, context.connection_params)
        return UNSET
