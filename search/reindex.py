"""Rebuilding every index from the database without a moment of empty results.

For each index: a fresh index is filled from the database beside the live one, then swapped in
atomically (Meilisearch's index swap), and the old one is deleted. Searches keep answering from
the old index until the swap. Changes that happen during the rebuild reach the live index
through the sync as usual; after the swap, every object named in the outbox since the rebuild
began is sent again, so the new index misses none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from search import sources
from search.engine import SearchEngine, SearchRejected
from search.indexes import SPECS
from server.models import SearchEntity, SearchOutbox

# Outbox rows may commit a little after they were stamped: look back this far as well.
CLOCK_MARGIN = timedelta(seconds=60)
REBUILD_SUFFIX = "__rebuild"

Progress = Callable[[str, int, int], object]  # index name, rows read, rows in all


async def rebuild_index(
    engine: SearchEngine, entity: SearchEntity, progress: Progress | None = None
) -> int:
    """Rebuild one index; the number of documents it holds afterwards."""
    source = sources.SOURCES[entity]
    spec = SPECS[source.index]
    live, fresh = engine.uid(source.index), engine.uid(source.index) + REBUILD_SUFFIX
    try:
        await engine.wait((await engine.call(lambda c: c.delete_index(fresh))).task_uid)
    except SearchRejected as exc:
        if exc.code != "index_not_found":
            raise
    # Settings first: documents added afterwards are indexed once, the right way.
    await engine.ensure_index(fresh, spec)
    await engine.ensure_index(live, spec)
    total = await sources.count_rows(entity)
    read = documents = 0
    last_task: int | None = None
    if progress:
        progress(source.index, 0, total)
    async for batch, rows in sources.all_documents(entity):
        if batch:
            last_task = await engine.upsert(fresh, batch)
        read += rows
        documents += len(batch)
        if progress:
            progress(source.index, min(read, total), total)
    if last_task is not None:
        await engine.wait(last_task, within=600)
    swap = await engine.call(lambda c: c.swap_indexes([{"indexes": [live, fresh]}]))
    await engine.wait(swap.task_uid)
    await engine.wait((await engine.call(lambda c: c.delete_index(fresh))).task_uid)
    return documents


async def reindex(engine: SearchEngine, progress: Progress | None = None) -> dict[str, int]:
    """Rebuild every index; documents per index."""
    started = datetime.now(UTC)
    counts = {}
    for entity, source in sources.SOURCES.items():
        counts[source.index] = await rebuild_index(engine, entity, progress)
    # What changed while rebuilding may have been read before it changed: send it again.
    changed = await SearchOutbox.filter(created_at__gte=started - CLOCK_MARGIN).values_list(
        "entity", "entity_id", "with_posts"
    )
    again = [
        SearchOutbox(entity=SearchEntity(entity), entity_id=entity_id, with_posts=with_posts)
        for entity, entity_id, with_posts in set(changed)
    ]
    if again:
        await SearchOutbox.bulk_create(again)
    return counts
