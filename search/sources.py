"""Reading documents from the database: for a set of ids (the sync) or all of them (reindex).

`documents(entity, ids)` answers, for each id, its document or None when the object is gone or
no longer public, so that the sync deletes it from the index. `dependents(entity, id)` names
the documents of other kinds that show something of an object (a group's name on its posts, a
station's name on its episodes), for an outbox row that asks for them too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from tortoise.expressions import Q

from search import documents as docs
from server.models import (
    Collection,
    Credit,
    CreditState,
    EmployeeBadge,
    EpisodeState,
    Event,
    EventState,
    Group,
    KocRole,
    KocRoleState,
    PersonaAccount,
    Post,
    PostState,
    RadioEpisode,
    RadioStation,
    SearchEntity,
    User,
)

Document = dict[str, Any]


async def _people(user_ids: set[int]) -> tuple[dict[int, User], dict[int, Any], dict[int, Any]]:
    if not user_ids:
        return {}, {}, {}
    ids = list(user_ids)
    users = {u.id: u for u in await User.filter(id__in=ids)}
    badges = {b.user_id: b for b in await EmployeeBadge.filter(user_id__in=ids)}
    personas = {p.user_id: p for p in await PersonaAccount.filter(user_id__in=ids)}
    return users, badges, personas


async def post_documents(posts: list[Post]) -> dict[int, Document | None]:
    group_ids = {p.group_id for p in posts if p.group_id is not None}
    groups = {g.id: g for g in await Group.filter(id__in=list(group_ids))} if group_ids else {}
    users, badges, personas = await _people({p.author_id for p in posts})
    found: dict[int, Document | None] = {}
    for post in posts:
        group = groups.get(post.group_id) if post.group_id is not None else None
        author = users.get(post.author_id)
        if author is None or not docs.post_is_public(post, group, author):
            found[post.id] = None
            continue
        found[post.id] = docs.post_document(
            post, group, author, badges.get(author.id), personas.get(author.id)
        )
    return found


async def group_documents(groups: list[Group]) -> dict[int, Document | None]:
    return {g.id: docs.group_document(g) for g in groups}


async def _koc_roles(user_ids: list[int]) -> dict[int, list[KocRole]]:
    """The active KOC roles of each person, in one statement for a batch."""
    roles: dict[int, list[KocRole]] = defaultdict(list)
    if user_ids:
        for role in await KocRole.filter(user_id__in=user_ids, state=KocRoleState.ACTIVE):
            roles[role.user_id].append(role)
    return roles


async def user_documents(users: list[User]) -> dict[int, Document | None]:
    _, badges, personas = await _people({u.id for u in users})
    listed = [u for u in users if docs.author_is_listed(u)]
    roles = await _koc_roles([u.id for u in listed])
    found: dict[int, Document | None] = dict.fromkeys((u.id for u in users), None)
    for u in listed:
        found[u.id] = docs.user_document(u, badges.get(u.id), personas.get(u.id), roles[u.id])
    return found


async def _accepted_credits(episode_ids: list[int]) -> list[Credit]:
    if not episode_ids:
        return []
    return cast(
        list[Credit],
        await Credit.filter(episode_id__in=episode_ids, state=CreditState.ACCEPTED).order_by("id"),
    )


async def episode_documents(episodes: list[RadioEpisode]) -> dict[int, Document | None]:
    station_ids = list({e.station_id for e in episodes})
    stations = {s.id: s for s in await RadioStation.filter(id__in=station_ids)}
    credits = await _accepted_credits([e.id for e in episodes])
    users, badges, personas = await _people(
        {e.author_id for e in episodes} | {c.user_id for c in credits}
    )
    # Someone credited in two roles is named once; a suspended or banned one not at all, as
    # their profile is not listed either.
    credited: dict[int, dict[int, User]] = defaultdict(dict)
    for credit in credits:
        user = users.get(credit.user_id)
        if credit.episode_id is not None and user is not None and docs.author_is_listed(user):
            credited[credit.episode_id][user.id] = user
    found: dict[int, Document | None] = {}
    for episode in episodes:
        station = stations.get(episode.station_id)
        author = users.get(episode.author_id)
        if station is None or author is None or not docs.episode_is_public(episode, author):
            found[episode.id] = None
            continue
        found[episode.id] = docs.episode_document(
            episode,
            station,
            author,
            badges.get(author.id),
            personas.get(author.id),
            list(credited[episode.id].values()),
        )
    return found


async def station_documents(stations: list[RadioStation]) -> dict[int, Document | None]:
    return {s.id: docs.station_document(s) for s in stations}


async def collection_documents(collections: list[Collection]) -> dict[int, Document | None]:
    return {c.id: docs.collection_document(c) for c in collections}


async def event_documents(events: list[Event]) -> dict[int, Document | None]:
    group_ids = {e.group_id for e in events if e.group_id is not None}
    groups = {g.id: g for g in await Group.filter(id__in=list(group_ids))} if group_ids else {}
    found: dict[int, Document | None] = {}
    for event in events:
        group = groups.get(event.group_id) if event.group_id is not None else None
        if not docs.event_is_listed(event) or (event.group_id is not None and group is None):
            found[event.id] = None
            continue
        found[event.id] = docs.event_document(event, group)
    return found


@dataclass(frozen=True)
class Source:
    """Where the documents of one index come from."""

    index: str
    model: Any
    build: Callable[[list[Any]], Awaitable[dict[int, Document | None]]]
    listed: dict[str, Any]  # the rows worth reading when rebuilding (the rest are never public)


SOURCES: dict[SearchEntity, Source] = {
    SearchEntity.POST: Source("posts", Post, post_documents, {"state": PostState.PUBLISHED}),
    SearchEntity.GROUP: Source("groups", Group, group_documents, {}),
    SearchEntity.USER: Source("users", User, user_documents, {}),
    SearchEntity.EPISODE: Source(
        "episodes", RadioEpisode, episode_documents, {"state": EpisodeState.PUBLISHED}
    ),
    SearchEntity.STATION: Source("stations", RadioStation, station_documents, {}),
    SearchEntity.COLLECTION: Source("collections", Collection, collection_documents, {}),
    SearchEntity.EVENT: Source(
        "events",
        Event,
        event_documents,
        {"state__in": [EventState.SCHEDULED, EventState.FINISHED]},
    ),
}


async def documents(entity: SearchEntity, ids: list[int]) -> dict[int, Document | None]:
    """The current document of each id; None for what is gone or not public."""
    source = SOURCES[entity]
    found = await source.build(await source.model.filter(id__in=ids))
    return {i: found.get(i) for i in ids}


async def post_ids_of(*, group_id: int | None = None, author_id: int | None = None) -> list[int]:
    """The posts whose documents depend on a group or an author."""
    query = Post.filter(state=PostState.PUBLISHED)
    if group_id is not None:
        query = query.filter(group_id=group_id)
    if author_id is not None:
        query = query.filter(author_id=author_id)
    return cast(list[int], await query.values_list("id", flat=True))


async def episode_ids_of(*, station_id: int | None = None, user_id: int | None = None) -> list[int]:
    """The published episodes whose documents depend on a station, or on a person (who made
    them, or is credited on them)."""
    query = RadioEpisode.filter(state=EpisodeState.PUBLISHED)
    if station_id is not None:
        query = query.filter(station_id=station_id)
    if user_id is not None:
        credited = Credit.filter(
            user_id=user_id, state=CreditState.ACCEPTED, episode_id__isnull=False
        ).values_list("episode_id", flat=True)
        query = query.filter(Q(author_id=user_id) | Q(id__in=list(await credited)))
    return cast(list[int], await query.values_list("id", flat=True))


async def event_ids_of(*, group_id: int) -> list[int]:
    """The events of a group that are indexed (not cancelled)."""
    query = Event.filter(group_id=group_id, state__not=EventState.CANCELLED)
    return cast(list[int], await query.values_list("id", flat=True))


async def dependents(entity: SearchEntity, entity_id: int) -> dict[SearchEntity, list[int]]:
    """The documents of other kinds that show something of this object and must change with
    it: what an outbox row's `with_posts` asks for. A group's posts (its visibility and name);
    a person's posts and the episodes they made or are credited on (their listing and name);
    a station's episodes (its name and city). A group's events go with its posts: who may find
    them follows the group's visibility."""
    if entity == SearchEntity.GROUP:
        return {
            SearchEntity.POST: await post_ids_of(group_id=entity_id),
            SearchEntity.EVENT: await event_ids_of(group_id=entity_id),
        }
    if entity == SearchEntity.USER:
        return {
            SearchEntity.POST: await post_ids_of(author_id=entity_id),
            SearchEntity.EPISODE: await episode_ids_of(user_id=entity_id),
        }
    if entity == SearchEntity.STATION:
        return {SearchEntity.EPISODE: await episode_ids_of(station_id=entity_id)}
    return {}


async def all_documents(
    entity: SearchEntity, batch: int = 2_000
) -> AsyncIterator[tuple[list[Document], int]]:
    """Every public document of a kind, in batches by id, with the rows read for each batch
    (for reindex and its progress)."""
    source = SOURCES[entity]
    last = 0
    while True:
        rows = await source.model.filter(id__gt=last, **source.listed).order_by("id").limit(batch)
        if not rows:
            return
        last = rows[-1].id
        found = await source.build(rows)
        yield [doc for doc in found.values() if doc is not None], len(rows)


async def count_rows(entity: SearchEntity) -> int:
    """How many rows reindex will read (for its progress bar)."""
    source = SOURCES[entity]
    return int(await source.model.filter(**source.listed).count())
