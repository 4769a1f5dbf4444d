"""KOC programmes (key opinion consumers): the programmes, applying for a role, staff reviewing
applications, and the roles granted, renewed and revoked."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import koc as cases
from resolvers import koc_programs
from resolvers.context import Context
from schema.enums import IdentityKind, KocApplicationState, KocRoleKind, KocRoleState
from schema.errors import (
    ConflictError,
    ContentRejectedError,
    NotEligibleError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.loading import now_or_later
from schema.relay import Connection, Node, decode_pk, encode_id, page_size, to_connection
from schema.users import User
from server import models


@strawberry.type(description="A KOC programme: one kind of role, who may apply, terms and seats.")
class KocProgram:
    kind: KocRoleKind = strawberry.field(description="The role the programme grants.")
    name: str = strawberry.field(description="Its name in Chinese, such as 车主志愿者.")
    name_en: str = strawberry.field(description="Its name in English.")
    description: str = strawberry.field(description="What its members do.")
    eligible_identities: list[IdentityKind] = strawberry.field(
        description="The identities that may apply."
    )
    open: bool = strawberry.field(description="Whether it takes applications now.")
    term_months: int = strawberry.field(description="How long a granted role lasts, in months.")
    seats: int = strawberry.field(description="How many roles it grants at most at one time.")
    seats_taken: int = strawberry.field(description="How many of them are held now.")

    @classmethod
    def from_row(cls, row: models.KocProgram) -> KocProgram:
        return cls(
            kind=row.kind,
            name=row.name_zh,
            name_en=row.name_en,
            description=row.description,
            eligible_identities=[IdentityKind(i) for i in row.eligible_identities],
            open=row.open,
            term_months=row.term_months,
            seats=row.seats,
            seats_taken=row.seats_taken,
        )


@strawberry.type(description="A KOC role held for a term: public while active.")
class KocRole(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.KocRole]
    kind: KocRoleKind = strawberry.field(description="Which programme's role it is.")
    state: KocRoleState = strawberry.field(description="ACTIVE, EXPIRED or REVOKED.")
    starts_at: datetime = strawberry.field(description="When it was granted.")
    ends_at: datetime = strawberry.field(description="When its term ends (or ended).")
    revoked_reason: str = strawberry.field(description="Why staff revoked it; empty otherwise.")

    @classmethod
    def from_row(cls, row: models.KocRole) -> KocRole:
        return cls(
            id=encode_id("KocRole", row.id),
            pk=row.id,
            row=row,
            kind=row.kind,
            state=row.state,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            revoked_reason=row.revoked_reason,
        )

    @strawberry.field(description="Who holds it.")
    def user(self, info: Info[Context, None]) -> User:
        return now_or_later(info.context.loaders.user_by_id, self.row.user_id, User.from_row)


@strawberry.type(
    description="An application for a KOC role: seen by its applicant and staff alone."
)
class KocApplication(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.KocApplication]
    kind: KocRoleKind = strawberry.field(description="The programme applied to.")
    state: KocApplicationState = strawberry.field(
        description="PENDING, APPROVED, REJECTED or WITHDRAWN."
    )
    statement: str = strawberry.field(description="Why the applicant wants the role.")
    city: str = strawberry.field(description="Where the applicant would serve.")
    note: str = strawberry.field(description="What the reviewer wrote; empty until decided.")
    decided_at: datetime | None = strawberry.field(description="When it was decided or withdrawn.")
    created_at: datetime = strawberry.field(description="When it was sent.")

    @classmethod
    def from_row(cls, row: models.KocApplication) -> KocApplication:
        return cls(
            id=encode_id("KocApplication", row.id),
            pk=row.id,
            row=row,
            kind=row.kind,
            state=row.state,
            statement=row.statement,
            city=row.city,
            note=row.note,
            decided_at=row.decided_at,
            created_at=row.created_at,
        )

    @strawberry.field(description="Who applied.")
    def user(self, info: Info[Context, None]) -> User:
        return now_or_later(info.context.loaders.user_by_id, self.row.user_id, User.from_row)


# --- programmes: admins edit them ---------------------------------------------------------------


@strawberry.input(description="Changes to a KOC programme; omitted fields stay.")
class UpdateKocProgramInput:
    kind: KocRoleKind = strawberry.field(description="The programme to change.")
    open: bool | None = strawberry.field(default=None, description="Take applications or not.")
    term_months: int | None = strawberry.field(
        default=None, description="The term of roles granted from now on, 1 to 24 months."
    )
    seats: int | None = strawberry.field(
        default=None, description="Seats in all; never fewer than the seats taken."
    )
    eligible_identities: list[IdentityKind] | None = strawberry.field(
        default=None, description="The identities that may apply (at least one)."
    )
    description: str | None = strawberry.field(default=None, description="What members do.")


@strawberry.type(description="The programme was changed.")
class UpdateKocProgramSuccess:
    program: KocProgram = strawberry.field(description="The programme as it is now.")


UpdateKocProgramResult = Annotated[
    UpdateKocProgramSuccess | ValidationError, strawberry.union("UpdateKocProgramResult")
]


# --- applying -----------------------------------------------------------------------------------


@strawberry.input(description="An application for a KOC role.")
class ApplyForKocRoleInput:
    kind: KocRoleKind = strawberry.field(description="The programme to apply to.")
    statement: str = strawberry.field(description="Why you, in 10 to 2000 characters.")
    city: str = strawberry.field(default="", description="Where you would serve.")


@strawberry.type(description="The application waits for staff review.")
class ApplyForKocRoleSuccess:
    application: KocApplication = strawberry.field(description="The new application.")


ApplyForKocRoleResult = Annotated[
    ApplyForKocRoleSuccess
    | ValidationError
    | NotEligibleError
    | ConflictError
    | ContentRejectedError
    | RateLimitedError,
    strawberry.union("ApplyForKocRoleResult"),
]


@strawberry.input(description="The application to take back.")
class WithdrawKocApplicationInput:
    application_id: strawberry.ID = strawberry.field(description="A pending application of yours.")


@strawberry.type(description="The application is withdrawn.")
class WithdrawKocApplicationSuccess:
    application: KocApplication = strawberry.field(description="The application, WITHDRAWN.")


WithdrawKocApplicationResult = Annotated[
    WithdrawKocApplicationSuccess | NotFoundError | ConflictError,
    strawberry.union("WithdrawKocApplicationResult"),
]


# --- staff: reviewing, renewing, revoking -------------------------------------------------------


@strawberry.input(description="A decision on a pending application.")
class ReviewKocApplicationInput:
    application_id: strawberry.ID = strawberry.field(description="The application.")
    approve: bool = strawberry.field(description="True grants the role; false rejects.")
    note: str = strawberry.field(
        default="", description="For the applicant (up to 500 characters)."
    )


@strawberry.type(description="The application was decided.")
class ReviewKocApplicationSuccess:
    application: KocApplication = strawberry.field(description="The decided application.")
    role: KocRole | None = strawberry.field(description="The role granted; null on rejection.")


ReviewKocApplicationResult = Annotated[
    ReviewKocApplicationSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | NotEligibleError,
    strawberry.union("ReviewKocApplicationResult"),
]


@strawberry.input(description="A longer term for an active role.")
class RenewKocRoleInput:
    role_id: strawberry.ID = strawberry.field(description="The role.")
    term_months: int = strawberry.field(description="Months added to its current end, 1 to 24.")


@strawberry.type(description="The role's term was extended.")
class RenewKocRoleSuccess:
    role: KocRole = strawberry.field(description="The role with its new end.")


RenewKocRoleResult = Annotated[
    RenewKocRoleSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("RenewKocRoleResult"),
]


@strawberry.input(description="An active role to end early.")
class RevokeKocRoleInput:
    role_id: strawberry.ID = strawberry.field(description="The role.")
    reason: str = strawberry.field(description="Why, told to the holder (1 to 500 characters).")


@strawberry.type(description="The role was revoked; its seat is free.")
class RevokeKocRoleSuccess:
    role: KocRole = strawberry.field(description="The role, REVOKED.")


RevokeKocRoleResult = Annotated[
    RevokeKocRoleSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("RevokeKocRoleResult"),
]


@strawberry.type
class KocQueries:
    @strawberry.field(description="The KOC programmes, with who may apply, terms and seats.")
    async def koc_programs(self, info: Info[Context, None]) -> list[KocProgram]:
        return [KocProgram.from_row(row) for row in await koc_programs.ensure_programs()]

    @strawberry.field(
        description="KOC applications, oldest first (pending ones by default). Moderators and "
        "admins only."
    )
    async def koc_applications(
        self,
        info: Info[Context, None],
        kind: KocRoleKind | None = None,
        state: KocApplicationState | None = KocApplicationState.PENDING,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[KocApplication]:
        ctx = info.context
        size = page_size(ctx.settings, first)
        page = await cases.list_applications(ctx, kind, state, size, after)
        return to_connection(page, KocApplication.from_row)


@strawberry.type
class KocMutations:
    @strawberry.mutation(description="Open, close or change a KOC programme. Admins only.")
    async def update_koc_program(
        self, info: Info[Context, None], input: UpdateKocProgramInput
    ) -> UpdateKocProgramResult:
        changes = koc_programs.ProgramChanges(
            open=input.open,
            term_months=input.term_months,
            seats=input.seats,
            eligible_identities=input.eligible_identities,
            description=input.description,
        )
        row = await koc_programs.update_program(info.context, input.kind, changes)
        return UpdateKocProgramSuccess(program=KocProgram.from_row(row))

    @strawberry.mutation(description="Apply for a KOC role; staff review the application.")
    async def apply_for_koc_role(
        self, info: Info[Context, None], input: ApplyForKocRoleInput
    ) -> ApplyForKocRoleResult:
        row = await cases.apply_for_role(info.context, input.kind, input.statement, input.city)
        return ApplyForKocRoleSuccess(application=KocApplication.from_row(row))

    @strawberry.mutation(description="Take back a pending application of yours.")
    async def withdraw_koc_application(
        self, info: Info[Context, None], input: WithdrawKocApplicationInput
    ) -> WithdrawKocApplicationResult:
        pk = decode_pk(input.application_id, "KocApplication")
        row = await cases.withdraw_application(info.context, pk)
        return WithdrawKocApplicationSuccess(application=KocApplication.from_row(row))

    @strawberry.mutation(
        description="Approve (granting the role, if a seat is free) or reject an application. "
        "Moderators and admins only."
    )
    async def review_koc_application(
        self, info: Info[Context, None], input: ReviewKocApplicationInput
    ) -> ReviewKocApplicationResult:
        pk = decode_pk(input.application_id, "KocApplication")
        review = await cases.review_application(info.context, pk, input.approve, input.note)
        return ReviewKocApplicationSuccess(
            application=KocApplication.from_row(review.application),
            role=KocRole.from_row(review.role) if review.role else None,
        )

    @strawberry.mutation(description="Extend an active KOC role. Moderators and admins only.")
    async def renew_koc_role(
        self, info: Info[Context, None], input: RenewKocRoleInput
    ) -> RenewKocRoleResult:
        pk = decode_pk(input.role_id, "KocRole")
        row = await cases.renew_role(info.context, pk, input.term_months)
        return RenewKocRoleSuccess(role=KocRole.from_row(row))

    @strawberry.mutation(
        description="End an active KOC role early, saying why. Moderators and admins only."
    )
    async def revoke_koc_role(
        self, info: Info[Context, None], input: RevokeKocRoleInput
    ) -> RevokeKocRoleResult:
        pk = decode_pk(input.role_id, "KocRole")
        row = await cases.revoke_role(info.context, pk, input.reason)
        return RevokeKocRoleSuccess(role=KocRole.from_row(row))
