"""Search for one server process: the engine the requests use and the sync that feeds it.

    async with running_search(settings) as engine:   # None when search is off or failed
        ...

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


def engine_for(settings: Settings, endpoint: MeilisearchEndpoint) -> SearchEngine:
    return SearchEngine(endpoint.url, endpoint.api_key, prefix=settings.search_index_prefix)


@contextlib.asynccontextmanager
async def running_search(settings: Settings) -> AsyncIterator[SearchEngine | None]:
    async with meilisearch_endpoint(settings) as endpoint:
        if endpoint is None:
            yield None
            return
        engine = engine_for(settings, endpoint)
        sync = SearchSync(engine, interval=settings.search_sync_interval_seconds)
        task = asyncio.create_task(sync.run())
        try:
            yield engine
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
