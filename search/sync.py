"""Draining the search outbox into Meilisearch, in batches, with backoff while it is away.

Each batch reads the outbox rows in id order, reloads the current state of the objects they
name (the database is the source of truth, so several rows for one object make one update),
sends the documents that are public and deletes the others from the index, and only then
marks the rows it handled as drained (they are forgotten an hour later). If Meilisearch is
unreachable the rows stay, and the next attempt, after a growing pause, sends them: nothing is
lost, and no write ever waits for the index.

On PostgreSQL several server processes may drain the same outbox; a transaction-level advisory
lock lets one drain at a time, so two processes cannot send one object's states out of order.
SQLite serves one process, where a local lock does the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from search import sources
from search.engine import SearchEngine, SearchRejected, SearchUnreachable
from search.outbox import mark_all_changed
from server.models import SearchEntity, SearchOutbox

log = logging.getLogger(__name__)
DRAIN_LOCK = 7_231_115  # any constant: the PostgreSQL advisory lock of the outbox drain
KEEP_DRAINED = timedelta(hours=1)
PURGE_EVERY = timedelta(minutes=1)


class SearchSync:
    def __init__(
        self,
        engine: SearchEngine,
        *,
        batch_size: int = 500,
        interval: float = 0.5,
        max_backoff: float = 30.0,
    ) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self.interval = interval
        self.max_backoff = max_backoff
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self.reachable = True
        self.prepared = False
        self._purged_at = datetime.min.replace(tzinfo=UTC)

    def wake(self) -> None:
        """Drain now rather than at the next interval (after a local write, say)."""
        self._wake.set()

    async def drain_once(self) -> int:
        """Handle one batch; the number of outbox rows handled (0: nothing to do, or another
        process is draining). Raises SearchUnreachable, leaving the rows in place."""
        async with self._lock:
            db: Any = SearchOutbox._meta.db
            if db.capabilities.dialect != "postgres":
                return await self._drain()
            async with in_transaction() as connection:
                rows = await connection.execute_query_dict(
                    "SELECT pg_try_advisory_xact_lock($1) AS locked", [DRAIN_LOCK]
                )
                if not rows[0]["locked"]:
                    return 0
                return await self._drain()

    async def _drain(self) -> int:
        rows = await SearchOutbox.filter(drained_at=None).order_by("id").limit(self.batch_size)
        if not rows:
            await self._purge()
            return 0
        wanted: dict[SearchEntity, set[int]] = defaultdict(set)
        for row in rows:
            wanted[row.entity].add(row.entity_id)
            if row.with_posts:
                for dependent, ids in (await sources.dependents(row.entity, row.entity_id)).items():
                    wanted[dependent].update(ids)
        for entity, wanted_ids in wanted.items():
            await self._send(entity, sorted(wanted_ids))
        now = datetime.now(UTC)
        await SearchOutbox.filter(id__in=[row.id for row in rows]).update(drained_at=now)
        return len(rows)

    async def _purge(self) -> None:
        """Forget drained rows once no reindex can still need them (see search.reindex)."""
        now = datetime.now(UTC)
        if now - self._purged_at < PURGE_EVERY:
            return
        self._purged_at = now
        await SearchOutbox.filter(drained_at__lt=now - KEEP_DRAINED).delete()

    async def _send(self, entity: SearchEntity, ids: list[int]) -> None:
        uid = self.engine.uid(sources.SOURCES[entity].index)
        found = await sources.documents(entity, ids)
        public = [doc for doc in found.values() if doc is not None]
        gone = [i for i, doc in found.items() if doc is None]
        if public:
            await self.engine.upsert(uid, public)
        if gone:
            await self.engine.delete(uid, gone)

    async def prepare(self) -> None:
        """Create the indexes and apply their settings; fill an index that had to be created
        (a new Meilisearch, or a first start) or whose settings changed (a new version, whose
        documents carry what the new settings filter and count by: `koc` on people, say) from
        the database through the outbox. Searches answer from the documents already there
        meanwhile."""
        for name in await self.engine.ensure_indexes():
            entity = next(e for e, s in sources.SOURCES.items() if s.index == name)
            queued = await mark_all_changed(entity)
            log.info("search index %s created or set up anew; %d documents queued", name, queued)
        self.prepared = self.engine.ready = True

    async def run(self) -> None:
        """Prepare the indexes, then drain forever: at once while there is a backlog, every
        `interval` otherwise, and with exponential backoff while Meilisearch is unreachable."""
        backoff = self.interval
        while True:
            try:
                if not self.prepared:
                    await self.prepare()
                handled = await self.drain_once()
                if not self.reachable:
                    log.info("search is reachable again; catching up from the outbox")
                self.reachable, backoff = True, self.interval
                if handled >= self.batch_size:
                    continue
                pause = self.interval
            except SearchUnreachable as exc:
                if self.reachable:
                    log.warning("search unreachable (%s); the index will catch up later", exc)
                self.reachable = False
                pause, backoff = backoff, min(backoff * 2, self.max_backoff)
            except SearchRejected:
                log.exception("search refused a batch; retrying it later")
                pause = self.max_backoff
            except Exception:  # the database away, say: the sync must outlive it
                log.exception("search sync failed; retrying")
                pause = self.max_backoff
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), pause)
