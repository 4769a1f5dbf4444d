"""Curated collections: reading them and their works in the curators' order; opening and
describing them (admins), naming curators (admins), and curating (curators and admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import collections as cases
from resolvers.context import Context
from resolvers.pagination import Page
from resolvers.works import Placed, WorkRef
from schema.errors import (
    ConflictError,
    ContentRejectedError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.refs import work_from_row
from schema.relay import (
    Connection,
    Node,
    PageInfo,
    encode_id,
    page_info,
    page_size,
    parse_id,
    to_connection,
)
from schema.users import User
from schema.works import Work
from server import models
from server.errors import NotFound


def work_ref(global_id: str) -> WorkRef:
    """The work a `workId` names: NotFound for no id of ours, InvalidInput for one that is
    not a post's or an episode's."""
    parsed = parse_id(global_id)
    if parsed is None:
        raise NotFound("No such work.")
    return WorkRef.of(*parsed)


@strawberry.type(description="A work in a collection, with its curators' note.")
class CollectionItemEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this work.")
    node: Work = strawberry.field(description="The work: a post or a radio episode.")
    note: str = strawberry.field(description="What the curators say about it; may be empty.")
    added_at: datetime = strawberry.field(description="When it was put in the collection.")

    @classmethod
    def from_placed(cls, cursor: str, placed: Placed[models.CollectionItem]) -> CollectionItemEdge:
        return cls(
            cursor=cursor,
            node=work_from_row(placed.work),
            note=placed.row.note,
            added_at=placed.row.created_at,
        )


@strawberry.type(description="A page of a collection's works, in the curators' order.")
class CollectionItemConnection:
    edges: list[CollectionItemEdge] = strawberry.field(description="The works of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page lies in the list.")

    @classmethod
    def from_page(cls, page: Page[Placed[models.CollectionItem]]) -> CollectionItemConnection:
        return cls(
            edges=[CollectionItemEdge.from_placed(cursor, placed) for cursor, placed in page.edges],
            page_info=page_info(page),
        )


@strawberry.type(description="A curated collection of works (NIO BOOK and the like).")
class Collection(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.Collection]
    slug: str = strawberry.field(description="The unique, URL-safe name.")
    title: str = strawberry.field(description="The title.")
    description: str = strawberry.field(description="What the collection gathers.")
    cover_url: str | None = strawberry.field(description="Its cover image.")
    created_at: datetime = strawberry.field(description="When it was opened.")

    @classmethod
    def from_row(cls, row: models.Collection) -> Collection:
        return cls(
            id=encode_id("Collection", row.id),
            pk=row.id,
            row=row,
            slug=row.slug,
            title=row.title,
            description=row.description,
            cover_url=row.cover_url,
            created_at=row.created_at,
        )

    @strawberry.field(description="Who curates it, in the order they were named.")
    async def curators(self, info: Info[Context, None]) -> list[User]:
        return [User.from_row(row) for row in await cases.curators_of(info.context, self.row)]

    @strawberry.field(
        description="Its public works in the curators' order; a work hidden or unpublished "
        "since drops out until it is public again."
    )
    async def items(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> CollectionItemConnection:
        ctx = info.context
        page = await cases.list_items(ctx, self.row, page_size(ctx.settings, first), after)
        return CollectionItemConnection.from_page(page)

    @strawberry.field(description="How many works `items` lists now.")
    async def item_count(self, info: Info[Context, None]) -> int:
        return await cases.listed_count(info.context, self.row)


# --- mutations -------------------------------------------------------------------------------


@strawberry.input(description="A new collection (admins).")
class CreateCollectionInput:
    slug: str = strawberry.field(description="3 to 50 characters: lowercase letters, digits, '-'.")
    title: str = strawberry.field(description="The title, 2 to 200 characters.")
    description: str = strawberry.field(default="", description="What it gathers.")
    cover_url: str | None = strawberry.field(default=None, description="An https cover image.")


@strawberry.type(description="The collection was opened.")
class CreateCollectionSuccess:
    collection: Collection = strawberry.field(description="The new collection.")


CreateCollectionResult = Annotated[
    CreateCollectionSuccess
    | ValidationError
    | ConflictError
    | RateLimitedError
    | ContentRejectedError,
    strawberry.union("CreateCollectionResult"),
]


@strawberry.input(description="Changes to a collection (admins); fields left out stay.")
class UpdateCollectionInput:
    slug: str = strawberry.field(description="The collection to change.")
    title: str | None = strawberry.field(default=None, description="A new title.")
    description: str | None = strawberry.field(default=None, description="A new description.")
    cover_url: str | None = strawberry.field(
        default=None, description="A new cover image; an empty string removes the cover."
    )


@strawberry.type(description="The collection as it is after the change.")
class UpdateCollectionSuccess:
    collection: Collection = strawberry.field(description="The changed collection.")


UpdateCollectionResult = Annotated[
    UpdateCollectionSuccess
    | ValidationError
    | NotFoundError
    | RateLimitedError
    | ContentRejectedError,
    strawberry.union("UpdateCollectionResult"),
]


@strawberry.input(description="Someone to curate a collection (admins name them).")
class AddCollectionCuratorInput:
    collection_slug: str = strawberry.field(description="The collection.")
    handle: str = strawberry.field(description="The new curator's handle.")


@strawberry.type(description="The user curates the collection now.")
class AddCollectionCuratorSuccess:
    collection: Collection = strawberry.field(description="The collection.")
    curator: User = strawberry.field(description="The new curator.")


AddCollectionCuratorResult = Annotated[
    AddCollectionCuratorSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("AddCollectionCuratorResult"),
]


@strawberry.input(description="A curator to take off a collection (admins).")
class RemoveCollectionCuratorInput:
    collection_slug: str = strawberry.field(description="The collection.")
    handle: str = strawberry.field(description="The curator's handle.")


@strawberry.type(description="The user no longer curates the collection.")
class RemoveCollectionCuratorSuccess:
    collection: Collection = strawberry.field(description="The collection.")
    former_curator: User = strawberry.field(description="Who curated it until now.")


RemoveCollectionCuratorResult = Annotated[
    RemoveCollectionCuratorSuccess | ValidationError | NotFoundError,
    strawberry.union("RemoveCollectionCuratorResult"),
]


@strawberry.input(description="A public work to put last in a collection, with a note.")
class AddToCollectionInput:
    collection_slug: str = strawberry.field(description="The collection.")
    work_id: strawberry.ID = strawberry.field(description="A post's or a radio episode's id.")
    note: str = strawberry.field(default="", description="The curators' note, up to 500 chars.")


@strawberry.type(description="The work is in the collection, last.")
class AddToCollectionSuccess:
    collection: Collection = strawberry.field(description="The collection.")
    work: Work = strawberry.field(description="The work added.")


AddToCollectionResult = Annotated[
    AddToCollectionSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | RateLimitedError
    | ContentRejectedError,
    strawberry.union("AddToCollectionResult"),
]


@strawberry.input(description="A work to take out of a collection.")
class RemoveFromCollectionInput:
    collection_slug: str = strawberry.field(description="The collection.")
    work_id: strawberry.ID = strawberry.field(description="The work's id.")


@strawberry.type(description="The work is out of the collection.")
class RemoveFromCollectionSuccess:
    collection: Collection = strawberry.field(description="The collection.")
    removed_work_id: strawberry.ID = strawberry.field(description="The id of the work removed.")


RemoveFromCollectionResult = Annotated[
    RemoveFromCollectionSuccess | ValidationError | NotFoundError,
    strawberry.union("RemoveFromCollectionResult"),
]


@strawberry.input(description="Where a work should stand in a collection.")
class MoveInCollectionInput:
    collection_slug: str = strawberry.field(description="The collection.")
    work_id: strawberry.ID = strawberry.field(description="The work to move.")
    position: int = strawberry.field(
        description="Its new place, from 0, among the works `items` lists; past the end: last."
    )


@strawberry.type(description="The work stands at its new place.")
class MoveInCollectionSuccess:
    collection: Collection = strawberry.field(description="The collection, in its new order.")


MoveInCollectionResult = Annotated[
    MoveInCollectionSuccess | ValidationError | NotFoundError,
    strawberry.union("MoveInCollectionResult"),
]


@strawberry.type
class CollectionQueries:
    @strawberry.field(description="A collection by slug, or null.")
    async def collection(self, slug: str) -> Collection | None:
        row = await cases.collection_by_slug(slug)
        return Collection.from_row(row) if row else None

    @strawberry.field(description="Every collection, newest first.")
    async def collections(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Collection]:
        page = await cases.list_collections(page_size(info.context.settings, first), after)
        return to_connection(page, Collection.from_row)


@strawberry.type
class CollectionMutations:
    @strawberry.mutation(description="Open a collection. Admins only.")
    async def create_collection(
        self, info: Info[Context, None], input: CreateCollectionInput
    ) -> CreateCollectionResult:
        row = await cases.create_collection(
            info.context,
            slug=input.slug,
            title=input.title,
            description=input.description,
            cover_url=input.cover_url,
        )
        return CreateCollectionSuccess(collection=Collection.from_row(row))

    @strawberry.mutation(
        description="Retitle or describe a collection, or change its cover. Admins only."
    )
    async def update_collection(
        self, info: Info[Context, None], input: UpdateCollectionInput
    ) -> UpdateCollectionResult:
        changes = cases.CollectionChanges(
            title=input.title, description=input.description, cover_url=input.cover_url
        )
        row = await cases.update_collection(info.context, input.slug, changes)
        return UpdateCollectionSuccess(collection=Collection.from_row(row))

    @strawberry.mutation(description="Name a curator of a collection. Admins only.")
    async def add_collection_curator(
        self, info: Info[Context, None], input: AddCollectionCuratorInput
    ) -> AddCollectionCuratorResult:
        row, user = await cases.add_curator(info.context, input.collection_slug, input.handle)
        return AddCollectionCuratorSuccess(
            collection=Collection.from_row(row), curator=User.from_row(user)
        )

    @strawberry.mutation(description="Take a curator off a collection. Admins only.")
    async def remove_collection_curator(
        self, info: Info[Context, None], input: RemoveCollectionCuratorInput
    ) -> RemoveCollectionCuratorResult:
        row, user = await cases.remove_curator(info.context, input.collection_slug, input.handle)
        return RemoveCollectionCuratorSuccess(
            collection=Collection.from_row(row), former_curator=User.from_row(user)
        )

    @strawberry.mutation(
        description="Put a public work last in a collection. Its curators and admins."
    )
    async def add_to_collection(
        self, info: Info[Context, None], input: AddToCollectionInput
    ) -> AddToCollectionResult:
        row, placed = await cases.add_to_collection(
            info.context, input.collection_slug, work_ref(input.work_id), input.note
        )
        return AddToCollectionSuccess(
            collection=Collection.from_row(row), work=work_from_row(placed.work)
        )

    @strawberry.mutation(description="Take a work out of a collection. Its curators and admins.")
    async def remove_from_collection(
        self, info: Info[Context, None], input: RemoveFromCollectionInput
    ) -> RemoveFromCollectionResult:
        row = await cases.remove_from_collection(
            info.context, input.collection_slug, work_ref(input.work_id)
        )
        return RemoveFromCollectionSuccess(
            collection=Collection.from_row(row), removed_work_id=input.work_id
        )

    @strawberry.mutation(
        description="Move a work to another place in a collection. Its curators and admins."
    )
    async def move_in_collection(
        self, info: Info[Context, None], input: MoveInCollectionInput
    ) -> MoveInCollectionResult:
        row = await cases.move_in_collection(
            info.context, input.collection_slug, work_ref(input.work_id), input.position
        )
        return MoveInCollectionSuccess(collection=Collection.from_row(row))
