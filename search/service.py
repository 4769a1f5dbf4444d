"""Search for one server process: the engine the requests use and the sync that feeds it.

    async with running_search(settings) as search:   # a Search, whether Meilisearch runs or not
        engine = search.engine()                      # ServiceUnavailable unless it is ready

With `MEILI_URL` it uses that server; otherwise, if embedded search is on, it starts a local
Meilisearch child process over `MEILI_DATA_DIR` and stops it afterwards. A Meilisearch that
cannot start leaves search off (logged); the server serves everything else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from search.binary import MeilisearchNotFound
from search.engine import SearchEngine
from search.process import (
    EmbeddedMeilisearch,
    MeilisearchEndpoint,
    MeilisearchStartupFailed,
    running_endpoint,
)
from search.reindex import Progress, reindex
from search.sync import SearchSync
from server.errors import ServiceUnavailable
from server.settings import Settings

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def meilisearch_endpoint(
    settings: Settings, *, reuse_running: bool = False
) -> AsyncIterator[MeilisearchEndpoint | None]:
    """Where Meilisearch answers: `MEILI_URL`, or the embedded child (started for the block;
    with `reuse_running`, one a server already runs over the data directory). None when
    search is off or the child cannot start."""
    if settings.meili_url:
        yield MeilisearchEndpoint(settings.meili_url, settings.meili_api_key)
        return
    if not settings.meili_embedded:
        yield None
        return
    data_dir = Path(settings.meili_data_dir)
    running = running_endpoint(data_dir) if reuse_running else None
    if running is not None:
        yield running
        return
    async with contextlib.AsyncExitStack() as stack:
        started: MeilisearchEndpoint | None = None
        try:
            started = await stack.enter_async_context(EmbeddedMeilisearch(data_dir))
            log.info("embedded Meilisearch at %s", started.url)
        except (MeilisearchNotFound, MeilisearchStartupFailed) as exc:
            log.error("search is off: %s", exc)
        yield started


UNAVAILABLE = "Search is unavailable right now; try again in a moment."


class Search:
    """Search as this process has it: the engine while Meilisearch answers and the indexes are
    set up, nothing (reads answer SERVICE_UNAVAILABLE) when search is off or failed to start.
    Writes never depend on it: they leave outbox rows the sync drains later."""

    def __init__(self, engine: SearchEngine | None = None) -> None:
        self._engine = engine

    @property
    def status(self) -> str:
        """off, starting or ready (for /healthz)."""
        if self._engine is None:
            return "off"
        return "ready" if self._engine.ready else "starting"

    def engine(self) -> SearchEngine:
        """The engine to ask; ServiceUnavailable while there is none ready."""
        if self._engine is None or not self._engine.ready:
            raise ServiceUnavailable(UNAVAILABLE)
        return self._engine


def engine_for(settings: Settings, endpoint: MeilisearchEndpoint) -> SearchEngine:
    return SearchEngine(endpoint.url, endpoint.api_key, prefix=settings.search_index_prefix)


@contextlib.asynccontextmanager
async def running_search(settings: Settings) -> AsyncIterator[Search]:
    async with meilisearch_endpoint(settings) as endpoint:
        if endpoint is None:
            yield Search()
            return
        engine = engine_for(settings, endpoint)
        sync = SearchSync(engine, interval=settings.search_sync_interval_seconds)
        task = asyncio.create_task(sync.run())
        try:
            yield Search(engine)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def reindex_all(settings: Settings, progress: Progress | None = None) -> dict[str, int]:
    """Rebuild every index from the database (the `reindex` command). Uses the server's
    embedded Meilisearch if one is running, else starts one for the rebuild."""
    async with meilisearch_endpoint(settings, reuse_running=True) as endpoint:
        if endpoint is None:
            raise RuntimeError(
                "no Meilisearch: set MEILI_URL (and MEILI_API_KEY), or leave it unset for the "
                "embedded one (see the server log for why it did not start)"
            )
        return await reindex(engine_for(settings, endpoint), progress)
