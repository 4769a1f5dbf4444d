"""Recording, inside a write's transaction, which indexed objects it changed.

    async with in_transaction() as connection:
        await post.save(...)
        await mark_changed(SearchEntity.POST, post.id, connection=connection)

Call it inside the transaction of the change, so that the change and its outbox row commit
together or not at all. The sync (search.sync) brings the index up to date from the rows.
"""

from __future__ import annotations

from typing import Any, cast

from server.models import SearchEntity, SearchOutbox


async def mark_changed(
    entity: SearchEntity, *ids: int, with_posts: bool = False, connection: Any = None
) -> None:
    """`with_posts`: the documents that show something of this object change with it
    (`search.sources.dependents`): the posts and events of a group; the posts of a person and
    the radio episodes they made or are credited on; the episodes of a radio station (its
    name)."""
    rows = [SearchOutbox(entity=entity, entity_id=i, with_posts=with_posts) for i in ids]
    if len(rows) == 1:
        await rows[0].save(using_db=connection)
    elif rows:
        await SearchOutbox.bulk_create(rows, using_db=connection)


async def mark_all_changed(entity: SearchEntity, batch: int = 5_000) -> int:
    """Queue every object of a kind (a new, empty index; data loaded in bulk). Returns how
    many were queued."""
    from search.sources import SOURCES

    query = SOURCES[entity].model.all().order_by("id")
    ids = cast(list[int], await query.values_list("id", flat=True))
    for start in range(0, len(ids), batch):
        await mark_changed(entity, *ids[start : start + batch])
    return len(ids)
