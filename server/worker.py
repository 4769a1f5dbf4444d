"""gunicorn's worker class for this server (the `gunicorn` extra):

    gunicorn -k server.worker.UvicornWorker 'server.asgi:app()'

gunicorn has no flags for uvicorn's WebSocket options, and uvicorn-worker's own class leaves them
at uvicorn's defaults (per-message compression on, other pings). This one sets `CONFIG_KWARGS`,
uvicorn-worker's way to pass options to uvicorn, from the same `uvicorn_options` that
`python -m server serve` passes.
"""

from __future__ import annotations

from typing import Any

from uvicorn_worker import UvicornWorker as BaseWorker

from server.asgi import uvicorn_options
from server.settings import Settings


class UvicornWorker(BaseWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Read when gunicorn makes each worker (in the arbiter, before it forks).
        self.CONFIG_KWARGS = {**BaseWorker.CONFIG_KWARGS, **uvicorn_options(Settings.from_env())}
        super().__init__(*args, **kwargs)
