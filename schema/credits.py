"""Credits: who a post or an episode was made with; answering and removing a credit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import Info

from resolvers import credits as cases
from resolvers.context import Context
from resolvers.works import WorkRef, visible_work
from schema.enums import CreditRole, CreditState
from schema.errors import ConflictError, NotFoundError
from schema.loading import now_or_later
from schema.refs import WorkRef as WorkType
from schema.refs import work_from_row
from schema.relay import Node, decode_pk, encode_id
from schema.users import User
from server import models


@strawberry.type(description="A person credited on a work, with their role, by their consent.")
class Credit(Node):
    row: strawberry.Private[models.Credit]
    role: CreditRole = strawberry.field(description="What they did on the work.")
    state: CreditState = strawberry.field(
        description="PENDING until they answer; the public sees ACCEPTED credits only."
    )
    created_at: datetime = strawberry.field(description="When the author credited them.")

    @classmethod
    def from_row(cls, row: models.Credit) -> Credit:
        return cls(
            id=encode_id("Credit", row.id),
            row=row,
            role=row.role,
            state=row.state,
            created_at=row.created_at,
        )

    @strawberry.field(description="The credited user.")
    def user(self, info: Info[Context, None]) -> User:
        return now_or_later(info.context.loaders.user_by_id, self.row.user_id, User.from_row)

    @strawberry.field(description="The work they are credited on, while the viewer may see it.")
    async def work(self, info: Info[Context, None]) -> WorkType | None:
        row = await visible_work(info.context, WorkRef.of_fields(self.row))
        return work_from_row(row) if row else None


async def work_credits(info: Info[Context, None], row: Any) -> list[Credit]:
    """A visible work's credits as the viewer may see them (for `Post.credits` and
    `RadioEpisode.credits`)."""
    rows = await cases.credits_of_work(info.context, WorkRef.of_row(row), row.author_id)
    return [Credit.from_row(r) for r in rows]


# --- mutations -------------------------------------------------------------------------------


@strawberry.input(description="A person to credit on a work.")
class CreditInput:
    handle: str = strawberry.field(description="Their handle.")
    role: CreditRole = strawberry.field(description="What they did.")


def credit_drafts(items: list[CreditInput] | None) -> list[cases.CreditDraft] | None:
    if items is None:
        return None
    return [cases.CreditDraft(handle=i.handle, role=i.role) for i in items]


@strawberry.input(description="An answer to a credit.")
class RespondToCreditInput:
    credit_id: strawberry.ID = strawberry.field(description="The credit.")
    accept: bool = strawberry.field(description="True to be credited, false to decline.")


@strawberry.type(description="The credit is answered.")
class RespondToCreditSuccess:
    credit: Credit = strawberry.field(description="The credit as it is now.")


RespondToCreditResult = Annotated[
    RespondToCreditSuccess | NotFoundError | ConflictError,
    strawberry.union("RespondToCreditResult"),
]


@strawberry.input(description="The viewer's credit to take off its work.")
class RemoveCreditInput:
    credit_id: strawberry.ID = strawberry.field(description="The credit.")


@strawberry.type(description="The viewer is no longer credited on the work.")
class RemoveCreditSuccess:
    removed_credit_id: strawberry.ID = strawberry.field(description="The id the credit had.")


RemoveCreditResult = Annotated[
    RemoveCreditSuccess | NotFoundError, strawberry.union("RemoveCreditResult")
]


@strawberry.type
class CreditMutations:
    @strawberry.mutation(description="Accept or decline a credit someone gave you.")
    async def respond_to_credit(
        self, info: Info[Context, None], input: RespondToCreditInput
    ) -> RespondToCreditResult:
        row = await cases.respond_to_credit(
            info.context, decode_pk(input.credit_id, "Credit"), input.accept
        )
        return RespondToCreditSuccess(credit=Credit.from_row(row))

    @strawberry.mutation(description="Take your name off a work you were credited on.")
    async def remove_credit(
        self, info: Info[Context, None], input: RemoveCreditInput
    ) -> RemoveCreditResult:
        await cases.remove_credit(info.context, decode_pk(input.credit_id, "Credit"))
        return RemoveCreditSuccess(removed_credit_id=input.credit_id)
