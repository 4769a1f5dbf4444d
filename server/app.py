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

from resolvers.context import Resources
from schema.schema import build_schema
from server.db import Database
from server.graphql_app import CommunityGraphQL, resources_of
from server.request_ids import RequestIdMiddleware
from server.resources import open_resources
from server.scheduler import run_scheduler
from server.settings import Settings


def create_app(settings: Settings, database: Database | None = None) -> Starlette:
    """The ASGI app. Pass an open `database` to share one (tests do); otherwise the lifespan
    opens and closes its own."""
    schema = build_schema(settings)
    graphql = CommunityGraphQL(schema, settings)
    sdl = schema.as_str() + "\n"

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Resources]]:
        """Opens the database (unless given), then the process's resources, and hands them to
        every request and WebSocket as lifespan state (`request.state.resources`)."""
        async with contextlib.AsyncExitStack() as stack:
            if database is None:
                db = Database(settings.database_url)
                await db.open()
                stack.push_async_callback(db.close)
            resources = await stack.enter_async_context(open_resources(settings))
            scheduler = asyncio.create_task(
                run_scheduler(settings.scheduler_interval_seconds, resources)
            )
            stack.callback(scheduler.cancel)
            yield {"resources": resources}

    async def healthz(request: Request) -> JSONResponse:
        resources = resources_of(request)
        return JSONResponse(
            {
                "status": "ok",
                "subscribers": resources.hub.subscriber_count(),
                "search": resources.search.status,
            }
        )

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
