"""The Meilisearch adapter: the official client, kept off the event loop.

The official client is synchronous and keeps per-call state on the client object (its
Content-Type header), so each worker thread gets its own client and calls run through
`asyncio.to_thread`. Transport failures become `SearchUnreachable`; Meilisearch's own error
texts never leave this package except in logs.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import meilisearch
import requests
from meilisearch._httprequests import HttpRequests
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchTimeoutError,
)

from search.indexes import SPECS, IndexSpec

log = logging.getLogger(__name__)
T = TypeVar("T")


class SearchUnreachable(Exception):
    """Meilisearch did not answer (down, restarting, or too slow)."""


class KeptAliveHttp(HttpRequests):
    """The official client's requests over one kept-alive connection (it opens a new one per
    call), asking for uncompressed answers: Meilisearch streams a compressed answer in parts,
    and on a kept connection the last part waits about 40 ms for the delayed acknowledgement."""

    def __init__(self, config: Any) -> None:
        super().__init__(config, {"Accept-Encoding": "identity"})
        self.session = requests.Session()

    def get(self, path: str) -> Any:
        return self.send_request(self.session.get, path)

    def post(
        self,
        path: str,
        body: Any = None,
        content_type: str | None = "application/json",
        *,
        serializer: Any = None,
    ) -> Any:
        return self.send_request(self.session.post, path, body, content_type, serializer=serializer)


class SearchRejected(Exception):
    """Meilisearch refused a request: a bug in what we sent, or a task that failed."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class SearchEngine:
    """One deployment's indexes on one Meilisearch server. Index uids carry `prefix`, so that
    several deployments (or test runs) can share a server."""

    def __init__(self, url: str, api_key: str, *, prefix: str = "", timeout: int = 10) -> None:
        self.url = url
        self.prefix = prefix
        self._api_key = api_key
        self._timeout = timeout
        self._local = threading.local()
        # Set once the indexes exist with their settings (see SearchSync.prepare): searching
        # before that would meet indexes without their filterable attributes.
        self.ready = False

    def uid(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def _client(self) -> meilisearch.Client:
        client = getattr(self._local, "client", None)
        if client is None:
            client = meilisearch.Client(self.url, self._api_key, timeout=self._timeout)
            client.http = KeptAliveHttp(client.config)
            self._local.client = client
        return client

    def call_sync(self, fn: Callable[[meilisearch.Client], T]) -> T:
        try:
            return fn(self._client())
        except (MeilisearchCommunicationError, MeilisearchTimeoutError) as exc:
            raise SearchUnreachable(str(exc)) from exc
        except MeilisearchApiError as exc:
            if exc.status_code in (502, 503, 504):
                raise SearchUnreachable(str(exc)) from exc
            raise SearchRejected(str(exc), exc.code) from exc

    async def call(self, fn: Callable[[meilisearch.Client], T]) -> T:
        return await asyncio.to_thread(self.call_sync, fn)

    async def healthy(self) -> bool:
        try:
            return await self.call(lambda c: c.is_healthy())
        except (SearchUnreachable, SearchRejected):
            return False

    async def wait(self, task_uid: int, within: float = 60.0) -> None:
        """Wait for a task (at most `within` seconds); raise SearchRejected if it failed."""
        ms = int(within * 1000)
        task = await self.call(lambda c: c.wait_for_task(task_uid, ms, interval_in_ms=20))
        if task.status != "succeeded":
            error = task.error or {}
            raise SearchRejected(f"task {task_uid} {task.status}: {error}", error.get("code"))

    # --- indexes and settings ------------------------------------------------------------

    async def ensure_index(self, uid: str, spec: IndexSpec) -> bool:
        """Create the index if needed and apply the spec's settings where they differ (a
        settings change makes Meilisearch reindex, so unchanged ones are left alone).
        Returns whether the index was created or its settings changed: either way, its
        documents are to be sent (again), as they come with the settings that read them."""

        def ensure(client: meilisearch.Client) -> tuple[bool, int | None]:
            created = False
            try:
                current = client.index(uid).get_settings()
            except MeilisearchApiError as exc:
                if exc.code != "index_not_found":
                    raise
                client.wait_for_task(client.create_index(uid, {"primaryKey": "id"}).task_uid)
                current, created = {}, True
            wanted = spec.settings()
            if all(_same(current.get(key), value, key) for key, value in wanted.items()):
                return created, None
            return created, client.index(uid).update_settings(wanted).task_uid

        created, task_uid = await self.call(ensure)
        if task_uid is not None:
            log.info("search index %s: applying settings", uid)
            await self.wait(task_uid, within=120)
        return created or task_uid is not None

    async def ensure_indexes(self, specs: Iterable[IndexSpec] = SPECS.values()) -> list[str]:
        """Every index exists with its settings; the names of those that had to be created
        or set up anew."""
        return [spec.name for spec in specs if await self.ensure_index(self.uid(spec.name), spec)]

    # --- documents -----------------------------------------------------------------------

    async def upsert(self, uid: str, documents: Sequence[dict[str, Any]]) -> int:
        task = await self.call(lambda c: c.index(uid).add_documents(list(documents), "id"))
        return task.task_uid

    async def delete(self, uid: str, ids: Sequence[int]) -> int:
        expression = f"id IN [{', '.join(str(int(i)) for i in ids)}]"
        task = await self.call(lambda c: c.index(uid).delete_documents(filter=expression))
        return task.task_uid

    async def multi_search(
        self, queries: list[dict[str, Any]], federation: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return await self.call(lambda c: c.multi_search(queries, federation=federation))

    async def document_ids(self, uid: str) -> set[int]:
        """Every document id in an index (for checks and tests; pages through all)."""

        def read(client: meilisearch.Client) -> set[int]:
            ids: set[int] = set()
            offset = 0
            while True:
                page = client.index(uid).get_documents(
                    {"fields": ["id"], "limit": 1000, "offset": offset}
                )
                ids.update(int(doc.id) for doc in page.results)
                offset += len(page.results)
                if offset >= page.total or not page.results:
                    return ids

        return await self.call(read)

    async def wait_idle(self, within: float = 60.0) -> None:
        """Wait until Meilisearch has processed every task enqueued so far."""

        def latest(client: meilisearch.Client) -> int | None:
            tasks = client.get_tasks({"limit": 1}).results
            return tasks[0].uid if tasks else None

        task_uid = await self.call(latest)
        if task_uid is not None:
            await self.call(lambda c: c.wait_for_task(task_uid, int(within * 1000)))


# Settings whose order means something (priority); Meilisearch keeps their order as given.
ORDERED = {"searchableAttributes", "rankingRules", "displayedAttributes"}


def _same(current: Any, wanted: Any, key: str = "") -> bool:
    """Whether an applied setting equals the wanted one (Meilisearch sorts unordered lists)."""
    if isinstance(wanted, dict) and isinstance(current, dict):
        return all(_same(current.get(k), v, k) for k, v in wanted.items())
    if isinstance(wanted, list) and isinstance(current, list) and key not in ORDERED:
        return sorted(map(repr, current)) == sorted(map(repr, wanted))
    return bool(current == wanted)
