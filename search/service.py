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
from search.process import EmbeddedMeilisearch, MeilisearchEndpoint, MeilisearchStartupFailed
from search.sync import SearchSync
from server.settings import Settings

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def running_search(settings: Settings) -> AsyncIterator[SearchEngine | None]:
    async with contextlib.AsyncExitStack() as stack:
        endpoint: MeilisearchEndpoint | None = None
        if settings.meili_url:
            endpoint = MeilisearchEndpoint(settings.meili_url, settings.meili_api_key)
        elif settings.meili_embedded:
            try:
                embedded = EmbeddedMeilisearch(Path(settings.meili_data_dir))
                endpoint = await stack.enter_async_context(embedded)
                log.info("embedded Meilisearch at %s", endpoint.url)
            except (MeilisearchNotFound, MeilisearchStartupFailed) as exc:
                log.error("search is off: %s", exc)
        if endpoint is None:
            yield None
            return
        engine = SearchEngine(endpoint.url, endpoint.api_key, prefix=settings.search_index_prefix)
        sync = SearchSync(engine, interval=settings.search_sync_interval_seconds)
        task = asyncio.create_task(sync.run())
        try:
            yield engine
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
