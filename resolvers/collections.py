"""Curated collections (NIO BOOK and the like): admins open them and name their curators;
curators gather public works in them, in their own order, each with a note.

Only public works go in (`resolvers.works.public_work`). A work hidden, unpublished or moved
into a members-only group later keeps its row but drops out of the listing and the count,
filtered when read, and comes back when it is public again.

Every change to what a collection holds takes the collection's lock and checks the curator's
rights again inside its transaction: two moves never leave two works at one position, and a
curator removed (or an admin who names and removes curators) a moment ago changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from moderation import policies
from resolvers import validation
from resolvers.changes import ChangeLog, writing
from resolvers.context import Context
from resolvers.lookups import require_user
from resolvers.pagination import Key, Listing, Page, id_key, keyset_page, time_key
from resolvers.screening import screen
from resolvers.works import Placed, WorkRef, place_works, public_work
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    Collection,
    CollectionCurator,
    CollectionItem,
    PlatformRole,
    SearchEntity,
    User,
)

MAX_ITEMS = 500  # a move renumbers the collection in one transaction: keep it a curated few
MAX_CURATORS = 50
COLLECTIONS = Listing("collections", time_key("created_at"), id_key())
ITEMS = Listing("collectionItems", Key("position", descending=False), id_key(descending=False))


# --- reading ---------------------------------------------------------------------------------


async def collection_by_slug(slug: str) -> Collection | None:
    try:
        return await Collection.get_or_none(slug=validation.slug(slug))
    except InvalidInput:
        return None


async def require_collection(slug: str) -> Collection:
    collection = await collection_by_slug(slug)
    if collection is None:
        raise NotFound(f"No collection with the slug '{slug}'.")
    return collection


async def list_collections(first: int, after: str | None) -> Page[Collection]:
    """Every collection, newest first (collections are public)."""
    return await keyset_page(Collection.all(), COLLECTIONS, first=first, after=after)


async def list_items(
    ctx: Context, collection: Collection, first: int, after: str | None
) -> Page[Placed[CollectionItem]]:
    """The collection's public works in the curators' order, with their items."""
    public = CollectionItem.filter(policies.visible_works(()), collection_id=collection.id)
    page: Page[CollectionItem] = await keyset_page(public, ITEMS, first=first, after=after)
    return await place_works(ctx, page)


async def listed_count(ctx: Context, collection: Collection) -> int:
    count: int = await ctx.loaders.listed_count_by_collection_id.load(collection.id)
    return count


async def curators_of(ctx: Context, collection: Collection) -> list[User]:
    """The collection's curators, in the order they were named."""
    rows = await ctx.loaders.curators_by_collection_id.load(collection.id)
    users = await ctx.loaders.user_by_id.load_many([row.user_id for row in rows])
    return [user for user in users if user is not None]


# --- opening and describing collections (admins) ---------------------------------------------


def clean_title(title: str) -> str:
    return validation.name(title, "title", minimum=2, maximum=200, label="A title")


def clean_description(description: str | None) -> str:
    return validation.text(
        description, "description", minimum=0, maximum=2000, label="A description"
    )


def clean_note(note: str | None) -> str:
    return validation.text(note, "note", minimum=0, maximum=500, label="A note")


def clean_cover(ctx: Context, cover_url: str | None) -> str | None:
    return validation.url(cover_url, "coverUrl", maximum=500, allow_http=ctx.settings.development)


async def _screened(ctx: Context, viewer: User, texts: dict[str, str]) -> dict[str, str]:
    """The texts as screening lets them through (a BLOCK rule refuses them, REPLACE masks).
    A collection has no review queue of its own yet: HOLD and FLAG hits do not hold it."""
    wanted = {name: text for name, text in texts.items() if text}
    if not wanted:
        return texts
    verdict = await screen(ctx, viewer, "collection", wanted)
    return texts | verdict.fields


async def create_collection(
    ctx: Context, *, slug: str, title: str, description: str = "", cover_url: str | None = None
) -> Collection:
    viewer = policies.require_admin(ctx.viewer)
    clean_slug = validation.slug(slug)
    texts = {"title": clean_title(title), "description": clean_description(description)}
    cover = clean_cover(ctx, cover_url)
    texts = await _screened(ctx, viewer, texts)
    taken = Conflict(f"The slug '{clean_slug}' is taken.")
    if await Collection.filter(slug=clean_slug).exists():
        raise taken
    try:
        async with writing(ctx.hub) as log:
            collection = await Collection.create(
                slug=clean_slug,
                title=texts["title"],
                description=texts["description"],
                cover_url=cover,
                created_by_id=viewer.id,
            )
            await log.changed(SearchEntity.COLLECTION, collection.id)
    except IntegrityError:
        raise taken from None
    return collection


@dataclass
class CollectionChanges:
    """What to change; None leaves a field as it is ("" removes the cover)."""

    title: str | None = None
    description: str | None = None
    cover_url: str | None = None


async def update_collection(ctx: Context, slug: str, changes: CollectionChanges) -> Collection:
    viewer = policies.require_admin(ctx.viewer)
    collection = await require_collection(slug)
    new: dict[str, Any] = {}
    if changes.title is not None:
        new["title"] = clean_title(changes.title)
    if changes.description is not None:
        new["description"] = clean_description(changes.description)
    if changes.cover_url is not None:
        new["cover_url"] = clean_cover(ctx, changes.cover_url)
    changed = {key: value for key, value in new.items() if getattr(collection, key) != value}
    if not changed:
        return collection
    texts: dict[str, str] = {
        key: changed[key] for key in ("title", "description") if key in changed
    }
    changed.update(await _screened(ctx, viewer, texts))
    async with writing(ctx.hub) as log:
        # Only the columns changed here: another admin's change of the rest stands.
        await Collection.filter(id=collection.id).update(**changed, updated_at=datetime.now(UTC))
        await log.changed(SearchEntity.COLLECTION, collection.id)
    await collection.refresh_from_db()
    return collection


async def add_curator(ctx: Context, slug: str, handle: str) -> tuple[Collection, User]:
    policies.require_admin(ctx.viewer)
    collection = await require_collection(slug)
    user = await require_user(handle)
    if policies.is_suspended(user):
        raise InvalidInput(f"@{user.handle} cannot curate now.", field="handle")
    already = Conflict(f"@{user.handle} already curates this collection.")
    try:
        async with writing(ctx.hub) as log:
            await log.lock(_lock_key(collection))
            curators = CollectionCurator.filter(collection_id=collection.id)
            if await curators.filter(user_id=user.id).exists():
                raise already
            if await curators.count() >= MAX_CURATORS:
                raise Conflict(f"A collection has at most {MAX_CURATORS} curators.")
            await CollectionCurator.create(collection_id=collection.id, user_id=user.id)
            await log.changed(SearchEntity.COLLECTION, collection.id)
    except IntegrityError:
        raise already from None
    return collection, user


async def remove_curator(ctx: Context, slug: str, handle: str) -> tuple[Collection, User]:
    policies.require_admin(ctx.viewer)
    collection = await require_collection(slug)
    user = await require_user(handle)
    async with writing(ctx.hub) as log:
        # Under the lock the curators' own changes take: once this commits, they can't.
        await log.lock(_lock_key(collection))
        removed = await CollectionCurator.filter(
            collection_id=collection.id, user_id=user.id
        ).delete()
        if not removed:
            raise NotFound(f"@{user.handle} does not curate this collection.")
        await log.changed(SearchEntity.COLLECTION, collection.id)
    return collection, user


# --- curating: what a collection holds, in which order ---------------------------------------


def _lock_key(collection: Collection) -> str:
    return f"collection:{collection.id}"


async def _check_curator(viewer: User, collection: Collection) -> None:
    is_curator = await CollectionCurator.filter(
        collection_id=collection.id, user_id=viewer.id
    ).exists()
    if policies.can_curate(viewer, is_curator):
        return
    if is_curator or viewer.role == PlatformRole.ADMIN:
        policies.refuse_if_sanctioned(viewer)  # their power, gone while a sanction runs
    raise Forbidden("Only the collection's curators can change what it holds.")


async def _curator(ctx: Context, slug: str) -> tuple[User, Collection]:
    """The viewer and the collection, if the viewer may change what it holds now."""
    viewer = policies.require_writer(ctx.viewer)
    collection = await require_collection(slug)
    await _check_curator(viewer, collection)
    return viewer, collection


async def _still_curator(log: ChangeLog, viewer: User, collection: Collection) -> None:
    """The check again, in the write's transaction under the collection's lock."""
    await log.lock(_lock_key(collection))
    await _check_curator(viewer, collection)


def _items(collection: Collection) -> Any:
    return CollectionItem.filter(collection_id=collection.id)


async def add_to_collection(
    ctx: Context, slug: str, ref: WorkRef, note: str = ""
) -> tuple[Collection, Placed[CollectionItem]]:
    """Put a public work last in the collection, with the curator's note."""
    viewer, collection = await _curator(ctx, slug)
    work = await public_work(ctx, ref)
    clean = (await _screened(ctx, viewer, {"note": clean_note(note)}))["note"]
    already = Conflict("This work is already in the collection.")
    try:
        async with writing(ctx.hub) as log:
            await _still_curator(log, viewer, collection)
            if await _items(collection).filter(**ref.filter()).exists():
                raise already
            if await _items(collection).count() >= MAX_ITEMS:
                raise Conflict(f"A collection holds at most {MAX_ITEMS} works.")
            last = await _items(collection).order_by("-position").first()
            item = await CollectionItem.create(
                collection_id=collection.id,
                **ref.filter(),
                position=last.position + 1 if last else 0,
                note=clean,
                added_by_id=viewer.id,
            )
            await log.changed(SearchEntity.COLLECTION, collection.id)
    except IntegrityError:
        raise already from None
    return collection, Placed(item, work)


async def remove_from_collection(ctx: Context, slug: str, ref: WorkRef) -> Collection:
    """Take a work out of the collection (hidden or not: the curators put it there)."""
    viewer, collection = await _curator(ctx, slug)
    async with writing(ctx.hub) as log:
        await _still_curator(log, viewer, collection)
        if not await _items(collection).filter(**ref.filter()).delete():
            raise NotFound("That work is not in this collection.")
        await log.changed(SearchEntity.COLLECTION, collection.id)
    return collection


async def move_in_collection(ctx: Context, slug: str, ref: WorkRef, position: int) -> Collection:
    """Move a work to `position` (0-based) among the works the collection lists, before the
    one now there; a position past the end moves it last. Works not listed now (hidden ones)
    keep their places among the others, and the collection is numbered afresh from 0."""
    if position < 0:
        raise InvalidInput("Positions count from 0.", field="position")
    viewer, collection = await _curator(ctx, slug)
    async with writing(ctx.hub) as log:
        # Read and renumbered under the lock: a concurrent move waits for this one's numbers.
        await _still_curator(log, viewer, collection)
        items: list[CollectionItem] = await _items(collection).order_by("position", "id")
        moving = next((i for i in items if WorkRef.of_fields(i) == ref), None)
        if moving is None:
            raise NotFound("That work is not in this collection.")
        listed = set(
            await _items(collection).filter(policies.visible_works(())).values_list("id", flat=True)
        )
        order = [item for item in items if item.id != moving.id]
        shown = [item for item in order if item.id in listed]
        at = order.index(shown[position]) if position < len(shown) else len(order)
        order.insert(at, moving)
        for index, item in enumerate(order):
            if item.position != index:
                await CollectionItem.filter(id=item.id).update(position=index)
                item.position = index
        await log.changed(SearchEntity.COLLECTION, collection.id)
    return collection
