"""Admin mutations: employee badges, persona accounts, group certification, identities, roles."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import admin as cases
from resolvers.context import Context
from schema.enums import IdentityKind, PersonaDomain, PlatformRole
from schema.errors import ConflictError, NotFoundError, ValidationError
from schema.groups import Group
from schema.users import User


@strawberry.input(description="The employee badge to grant (replacing any earlier one).")
class GrantEmployeeBadgeInput:
    handle: str = strawberry.field(description="The employee's handle.")
    department: str = strawberry.field(description="Their department.")
    title: str = strawberry.field(description="Their job title.")
    executive: bool = strawberry.field(default=False, description="An executive.")


@strawberry.type(description="The badge is granted.")
class GrantEmployeeBadgeSuccess:
    user: User = strawberry.field(description="The employee.")


GrantEmployeeBadgeResult = Annotated[
    GrantEmployeeBadgeSuccess | ValidationError | NotFoundError,
    strawberry.union("GrantEmployeeBadgeResult"),
]


@strawberry.input(description="Whose badge to revoke.")
class RevokeEmployeeBadgeInput:
    handle: str = strawberry.field(description="The employee's handle.")


@strawberry.type(description="The badge is revoked, and with it any persona operator roles.")
class RevokeEmployeeBadgeSuccess:
    user: User = strawberry.field(description="The former employee.")


RevokeEmployeeBadgeResult = Annotated[
    RevokeEmployeeBadgeSuccess | NotFoundError, strawberry.union("RevokeEmployeeBadgeResult")
]


@strawberry.input(description="A new persona account.")
class CreatePersonaAccountInput:
    handle: str = strawberry.field(description="Its handle.")
    display_name: str = strawberry.field(description="Its display name.")
    domain: PersonaDomain = strawberry.field(description="The service it answers for.")
    bio: str | None = strawberry.field(default=None, description="A short description.")


@strawberry.type(description="The persona account exists; add operators next.")
class CreatePersonaAccountSuccess:
    user: User = strawberry.field(description="The persona account.")


CreatePersonaAccountResult = Annotated[
    CreatePersonaAccountSuccess | ValidationError | ConflictError,
    strawberry.union("CreatePersonaAccountResult"),
]


@strawberry.input(description="A persona account and the employee to let post as it.")
class AddPersonaOperatorInput:
    persona_handle: str = strawberry.field(description="The persona account's handle.")
    operator_handle: str = strawberry.field(description="The employee's handle.")


@strawberry.type(description="The employee may now post as the persona.")
class AddPersonaOperatorSuccess:
    persona: User = strawberry.field(description="The persona account.")


AddPersonaOperatorResult = Annotated[
    AddPersonaOperatorSuccess | ValidationError | NotFoundError,
    strawberry.union("AddPersonaOperatorResult"),
]


@strawberry.input(description="A persona account and the employee to stop posting as it.")
class RemovePersonaOperatorInput:
    persona_handle: str = strawberry.field(description="The persona account's handle.")
    operator_handle: str = strawberry.field(description="The employee's handle.")


@strawberry.type(description="The employee no longer operates the persona.")
class RemovePersonaOperatorSuccess:
    persona: User = strawberry.field(description="The persona account.")


RemovePersonaOperatorResult = Annotated[
    RemovePersonaOperatorSuccess | NotFoundError, strawberry.union("RemovePersonaOperatorResult")
]


@strawberry.input(description="Certify a group, or withdraw its certification.")
class SetGroupCertifiedInput:
    slug: str = strawberry.field(description="The group's slug.")
    certified: bool = strawberry.field(description="Certified or not.")


@strawberry.type(description="The group's certification is set.")
class SetGroupCertifiedSuccess:
    group: Group = strawberry.field(description="The group.")


SetGroupCertifiedResult = Annotated[
    SetGroupCertifiedSuccess | NotFoundError, strawberry.union("SetGroupCertifiedResult")
]


@strawberry.input(description="A verified identity for a user.")
class SetUserIdentityInput:
    handle: str = strawberry.field(description="The user's handle.")
    identity: IdentityKind = strawberry.field(description="Fan, deposit holder or owner.")
    vehicle_models: list[str] | None = strawberry.field(
        default=None, description="For owners: the models they own."
    )


@strawberry.type(description="The identity is set.")
class SetUserIdentitySuccess:
    user: User = strawberry.field(description="The user.")


SetUserIdentityResult = Annotated[
    SetUserIdentitySuccess | ValidationError | NotFoundError,
    strawberry.union("SetUserIdentityResult"),
]


@strawberry.input(description="A platform role for a user.")
class SetUserRoleInput:
    handle: str = strawberry.field(description="The user's handle.")
    role: PlatformRole = strawberry.field(description="USER, MODERATOR or ADMIN.")


@strawberry.type(description="The role is set.")
class SetUserRoleSuccess:
    user: User = strawberry.field(description="The user.")


SetUserRoleResult = Annotated[
    SetUserRoleSuccess | NotFoundError | ConflictError, strawberry.union("SetUserRoleResult")
]


@strawberry.type
class AdminMutations:
    @strawberry.mutation(description="Admins: grant a verified employee badge.")
    async def grant_employee_badge(
        self, info: Info[Context, None], input: GrantEmployeeBadgeInput
    ) -> GrantEmployeeBadgeResult:
        row = await cases.grant_employee_badge(
            info.context, input.handle, input.department, input.title, input.executive
        )
        return GrantEmployeeBadgeSuccess(user=User.from_row(row))

    @strawberry.mutation(description="Admins: revoke an employee badge.")
    async def revoke_employee_badge(
        self, info: Info[Context, None], input: RevokeEmployeeBadgeInput
    ) -> RevokeEmployeeBadgeResult:
        row = await cases.revoke_employee_badge(info.context, input.handle)
        return RevokeEmployeeBadgeSuccess(user=User.from_row(row))

    @strawberry.mutation(description="Admins: create an official persona account.")
    async def create_persona_account(
        self, info: Info[Context, None], input: CreatePersonaAccountInput
    ) -> CreatePersonaAccountResult:
        row = await cases.create_persona_account(
            info.context, input.handle, input.display_name, input.domain, input.bio
        )
        return CreatePersonaAccountSuccess(user=User.from_row(row))

    @strawberry.mutation(description="Admins: let an employee post as a persona account.")
    async def add_persona_operator(
        self, info: Info[Context, None], input: AddPersonaOperatorInput
    ) -> AddPersonaOperatorResult:
        row = await cases.add_persona_operator(
            info.context, input.persona_handle, input.operator_handle
        )
        return AddPersonaOperatorSuccess(persona=User.from_row(row))

    @strawberry.mutation(description="Admins: stop an employee posting as a persona account.")
    async def remove_persona_operator(
        self, info: Info[Context, None], input: RemovePersonaOperatorInput
    ) -> RemovePersonaOperatorResult:
        row = await cases.remove_persona_operator(
            info.context, input.persona_handle, input.operator_handle
        )
        return RemovePersonaOperatorSuccess(persona=User.from_row(row))

    @strawberry.mutation(
        description="Admins: certify a group or withdraw its certification directly, changing "
        "nothing else (audited). Certifying through `reviewGroupCertification` also sets its "
        "kind and industry."
    )
    async def set_group_certified(
        self, info: Info[Context, None], input: SetGroupCertifiedInput
    ) -> SetGroupCertifiedResult:
        row = await cases.set_group_certified(info.context, input.slug, input.certified)
        return SetGroupCertifiedSuccess(group=Group.from_row(row))

    @strawberry.mutation(
        description="Admins: record a user's verified identity (owner, deposit holder, fan)."
    )
    async def set_user_identity(
        self, info: Info[Context, None], input: SetUserIdentityInput
    ) -> SetUserIdentityResult:
        row = await cases.set_user_identity(
            info.context, input.handle, input.identity, input.vehicle_models
        )
        return SetUserIdentitySuccess(user=User.from_row(row))

    @strawberry.mutation(
        description="Admins: make a user a moderator or an admin, or take it back."
    )
    async def set_user_role(
        self, info: Info[Context, None], input: SetUserRoleInput
    ) -> SetUserRoleResult:
        row = await cases.set_user_role(info.context, input.handle, input.role)
        return SetUserRoleSuccess(user=User.from_row(row))
