"""The ASGI entry point for launchers other than `python -m server serve`, and the tuning a serving
process gets whichever launcher starts it.

    uvicorn --factory server.asgi:app <the flags in the README>
    gunicorn -k server.worker.UvicornWorker 'server.asgi:app()'

`app` is a factory, not a module-level app: building the app reads the environment and builds the
schema, which importing a module should not do. Unlike `serve`, it neither migrates nor seeds:
run `python -m server migrate` before starting it.
"""

from __future__ import annotations

import gc
from typing import Any

from starlette.applications import Starlette

from server.app import create_app
from server.settings import Settings


def tune_garbage_collector() -> None:
    """Every live subscription holds a few hundred container objects, so a full collection walks
    millions of them with 10,000 subscribers, and one fan-out to all of them allocated enough to
    set off several such walks (seconds of CPU, default thresholds). What start-up made is frozen
    out of the collector's sight, and young collections run far less often, so the short-lived
    objects of a fan-out are mostly freed by reference counting before any collection sees them.
    """
    gc.freeze()
    gc.set_threshold(100_000, 50, 10)


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for this server besides where it listens: what `serve` passes to
    `uvicorn.run` and the gunicorn worker to its Config. The app cannot set them itself, so the
    uvicorn command line needs them as flags (README, "Serving under uvicorn or gunicorn")."""
    return {
        # websockets' Sans-I/O protocol: the same CPU per message as the legacy one and about
        # 6 KB less per connection (uvicorn's "auto" picks it too, unless only wsproto is there).
        "ws": "websockets-sansio",
        # Compression would more than double each subscription's memory; protocol pings find
        # dead peers whichever subscription protocol they speak.
        "ws_per_message_deflate": False,
        "ws_ping_interval": settings.websocket_keepalive_seconds,
        "ws_ping_timeout": settings.websocket_keepalive_seconds * 2,
        # The client address (sign-in throttles, registration and cost limits of anonymous
        # callers) comes from X-Forwarded-For only when a listed proxy sends it.
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
    }


def app() -> Starlette:
    """The app of the environment's settings, in a process tuned for serving it."""
    application = create_app(Settings.from_env())
    # Here rather than in create_app, which tests call many times in one process; after it, so
    # that the schema is among what the collector no longer walks.
    tune_garbage_collector()
    return application
