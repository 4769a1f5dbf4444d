"""The Strawberry ASGI app: builds each request's or connection's Context from its token.

Over HTTP the account is read with the request (one request, one operation). A WebSocket is
signed in once, at `connection_init`, but keeps only its credentials: every operation sent on it
reads the account afresh (schema.guard), every subscription event too (resolvers.sessions), and
a watchdog closes the socket with 4403 when the token runs out or the account is banned or
suspended while the socket idles.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from typing import Any

from cross_web import HTTPException
from starlette.websockets import WebSocket, WebSocketState
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types.unset import UNSET, UnsetType

from resolvers.context import Context, Resources
from resolvers.sessions import session_problem
from server.auth import InvalidToken, credentials_for_token, viewer_for_request
from server.models import User
from server.settings import Settings

log = logging.getLogger(__name__)


def client_address(request: Any) -> str:
    """The caller's address as uvicorn reports it (the proxy's client when the proxy is listed
    in FORWARDED_ALLOW_IPS)."""
    client = getattr(request, "client", None)
    return client.host if client and client.host else "-"


def resources_of(request: Any) -> Resources:
    """The process's resources, handed down by the app's lifespan as lifespan state."""
    resources: Resources = request.state.resources
    return resources


def closer(websocket: WebSocket) -> Any:
    """Close `websocket` with 4403 once, from whichever operation finds the session over."""
    closing: list[bool] = []

    async def close(reason: str) -> None:
        if closing or websocket.application_state == WebSocketState.DISCONNECTED:
            return
        closing.append(True)
        with contextlib.suppress(RuntimeError, OSError):
            await websocket.close(code=4403, reason=reason[:120])

    return close


async def watch_session(context: Context, every_seconds: float) -> None:
    """Close an idle signed-in socket when its token runs out or its account is banned,
    suspended or deleted (operations and events check for themselves; this covers the quiet)."""
    credentials = context.credentials
    assert credentials is not None and context.end_session is not None
    while True:
        # Spread the checks of many sockets over time.
        pause = min(every_seconds * random.uniform(0.8, 1.2), credentials.seconds_left())
        await asyncio.sleep(max(pause, 0))
        if credentials.expired():
            await context.end_session("TOKEN_EXPIRED")
            return
        problem = session_problem(await User.get_or_none(id=credentials.user_id))
        if problem is not None:
            await context.end_session(problem.reason)
            return


class SessionWatch:
    """Starts and stops the watchdog of a connection (both protocols)."""

    watchdog: asyncio.Task[None] | None = None

    def start_watch(self, view: CommunityGraphQL, context: Context) -> None:
        if context.credentials is not None and self.watchdog is None:
            every = view.settings.websocket_account_check_seconds
            self.watchdog = asyncio.create_task(watch_session(context, every))

    async def stop_watch(self) -> None:
        if self.watchdog is not None:
            self.watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.watchdog


class TransportWebSocketHandler(SessionWatch, BaseGraphQLTransportWSHandler[Context, None]):
    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged:
            self.start_watch(self.view, self.context)  # type: ignore[arg-type]

    async def shutdown(self) -> None:
        await self.stop_watch()
        await super().shutdown()


class LegacyWebSocketHandler(SessionWatch, BaseGraphQLWSHandler[Context, None]):
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
        if self.connection_acknowledged:
            self.start_watch(self.view, self.context)  # type: ignore[arg-type]

    async def cleanup(self) -> None:
        await self.stop_watch()
        await super().cleanup()


async def authenticate_connection(view: Any, context: Context, params: Any) -> None:
    """Sign a WebSocket connection in with `{"authToken": ...}` from connection_init: the token
    must be valid and its account neither banned nor suspended."""
    if context.credentials is not None:
        return  # the legacy handler has signed the connection in already
    token = params.get("authToken") if isinstance(params, dict) else None
    if not token:
        return
    try:
        credentials = credentials_for_token(view.settings, str(token))
    except InvalidToken as exc:
        raise ConnectionRejectionError({"message": str(exc)}) from None
    problem = session_problem(await User.get_or_none(id=credentials.user_id))
    if problem is not None:
        raise ConnectionRejectionError({"message": problem.message, "reason": problem.reason})
    context.credentials = credentials


class CommunityGraphQL(GraphQL[Context, None]):
    graphql_ws_handler_class = LegacyWebSocketHandler
    graphql_transport_ws_handler_class = TransportWebSocketHandler

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

    async def get_context(self, request: Any, response: Any = None) -> Context:
        context = Context(
            resources_of(request), request=request, client_address=client_address(request)
        )
        if isinstance(request, WebSocket):
            context.is_connection = True
            context.end_session = closer(request)
            return context
        try:
            signed_in = await viewer_for_request(
                self.settings, request.headers.get("authorization")
            )
        except InvalidToken as exc:
            raise HTTPException(401, str(exc)) from None
        if signed_in is not None:
            context.credentials, viewer = signed_in
            context.renew(viewer)
        return context

    def decode_json(self, data: str | bytes) -> object:
        """A request body as JSON; 400 for what Strawberry's own parsing lets through as a
        crash: nesting too deep to parse, and a body that is not an object (or a batch)."""
        try:
            decoded = json.loads(data)
        except RecursionError:
            raise HTTPException(400, "The request body is nested too deeply.") from None
        if not isinstance(decoded, dict | list):
            raise HTTPException(400, "The request body must be a JSON object.")
        return decoded

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        await authenticate_connection(self, context, context.connection_params)
        return UNSET
