"""Featured works: the featured feed, and staff featuring and unfeaturing works."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import featured as cases
from resolvers.context import Context
from resolvers.pagination import Page
from resolvers.works import Placed
from schema.collections import work_ref
from schema.errors import (
    ConflictError,
    ContentRejectedError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.refs import work_from_row
from schema.relay import PageInfo, page_info, page_size
from schema.works import Work
from server import models


@strawberry.type(description="A featured work, with what staff said about it.")
class FeaturedWorkEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this work.")
    node: Work = strawberry.field(description="The work: a post or a radio episode.")
    note: str = strawberry.field(description="Why it was featured; may be empty.")
    featured_at: datetime = strawberry.field(description="When it was featured.")

    @classmethod
    def from_placed(cls, cursor: str, placed: Placed[models.FeaturedWork]) -> FeaturedWorkEdge:
        return cls(
            cursor=cursor,
            node=work_from_row(placed.work),
            note=placed.row.note,
            featured_at=placed.row.featured_at,
        )


@strawberry.type(description="A page of featured works, newest featured first.")
class FeaturedWorkConnection:
    edges: list[FeaturedWorkEdge] = strawberry.field(description="The works of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page lies in the list.")

    @classmethod
    def from_page(cls, page: Page[Placed[models.FeaturedWork]]) -> FeaturedWorkConnection:
        return cls(
            edges=[FeaturedWorkEdge.from_placed(cursor, placed) for cursor, placed in page.edges],
            page_info=page_info(page),
        )


@strawberry.input(description="A public work to feature (moderators and admins).")
class FeatureWorkInput:
    work_id: strawberry.ID = strawberry.field(description="A post's or a radio episode's id.")
    note: str = strawberry.field(default="", description="Why it is featured, up to 500 chars.")


@strawberry.type(description="The work is featured; its author and co-creators were told.")
class FeatureWorkSuccess:
    work: Work = strawberry.field(description="The featured work.")
    featured_at: datetime = strawberry.field(description="When it was featured.")


FeatureWorkResult = Annotated[
    FeatureWorkSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | RateLimitedError
    | ContentRejectedError,
    strawberry.union("FeatureWorkResult"),
]


@strawberry.input(description="A featured work to take out of the featured feed.")
class UnfeatureWorkInput:
    work_id: strawberry.ID = strawberry.field(description="The work's id.")


@strawberry.type(description="The work is no longer featured.")
class UnfeatureWorkSuccess:
    unfeatured_work_id: strawberry.ID = strawberry.field(description="The work's id.")


UnfeatureWorkResult = Annotated[
    UnfeatureWorkSuccess | ValidationError | NotFoundError,
    strawberry.union("UnfeatureWorkResult"),
]


@strawberry.type
class FeaturedQueries:
    @strawberry.field(
        description="Works staff featured that are public now, newest featured first."
    )
    async def featured_feed(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> FeaturedWorkConnection:
        ctx = info.context
        page = await cases.list_featured(ctx, page_size(ctx.settings, first), after)
        return FeaturedWorkConnection.from_page(page)


@strawberry.type
class FeaturedMutations:
    @strawberry.mutation(
        description="Feature a public work; its author and co-creators are told. Moderators "
        "and admins; a work is featured once (again: ConflictError)."
    )
    async def feature_work(
        self, info: Info[Context, None], input: FeatureWorkInput
    ) -> FeatureWorkResult:
        placed = await cases.feature_work(info.context, work_ref(input.work_id), input.note)
        return FeatureWorkSuccess(
            work=work_from_row(placed.work), featured_at=placed.row.featured_at
        )

    @strawberry.mutation(description="Stop featuring a work. Moderators and admins.")
    async def unfeature_work(
        self, info: Info[Context, None], input: UnfeatureWorkInput
    ) -> UnfeatureWorkResult:
        await cases.unfeature_work(info.context, work_ref(input.work_id))
        return UnfeatureWorkSuccess(unfeatured_work_id=input.work_id)
