"""The application factory and its one lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route, WebSocketRoute

from resolvers.accounts import AccountReader
from resolvers.screening import ModerationServices
from schema.schema import build_schema
from search.service import running_search
from server.broadcast import Hub
from server.db import Database
from server.graphql_app import CommunityGraphQL
from server.request_ids import RequestIdMiddleware
from server.scheduler import run_scheduler
from server.settings import Settings


def create_app(settings: Settings, database: Database | None = None) -> Starlette:
    """The ASGI app. Pass an open `database` to share one (tests do); otherwise the lifespan
    opens and closes its own."""
    schema = build_schema(settings)
    graphql = CommunityGraphQL(schema, settings)
    sdl = schema.as_str() + "\n"

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            if database is None:
                db = Database(settings.database_url)
                await db.open()
                stack.push_async_callback(db.close)
            hub = Hub(settings.broadcast_url, queue_size=settings.subscriber_queue_size)
            await hub.start()
            stack.push_async_callback(hub.stop)
            graphql.hub = hub
            graphql.search = await stack.enter_async_context(running_search(settings))
            graphql.moderation = ModerationServices(settings, settings.redis_url)
            stack.push_async_callback(graphql.moderation.close)
            graphql.accounts = AccountReader()
            scheduler = asyncio.create_task(run_scheduler(settings.scheduler_interval_seconds, hub))
            stack.callback(scheduler.cancel)
            yield

    async def healthz(_: Request) -> JSONResponse:
        subscribers = graphql.hub.subscriber_count() if graphql.hub else 0
        engine = graphql.search
        search = "off" if engine is None else "ready" if engine.ready else "starting"
        return JSONResponse({"status": "ok", "subscribers": subscribers, "search": search})

    async def schema_sdl(_: Request) -> PlainTextResponse:
        return PlainTextResponse(sdl)

    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/schema.graphql", schema_sdl),
    ]
    return Starlette(
        debug=settings.development,
        routes=routes,
        middleware=[Middleware(RequestIdMiddleware)],
        lifespan=lifespan,
    )
