"""Admin-only use cases: employee badges, persona accounts, group certification, identities."""

from __future__ import annotations

from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from moderation import policies
from resolvers import validation
from resolvers.context import Context
from resolvers.groups import require_group
from resolvers.identity import check_display_name, check_new_handle
from resolvers.users import require_user
from search.outbox import mark_changed
from server.errors import Conflict, InvalidInput, NotFound
from server.models import (
    EmployeeBadge,
    Group,
    IdentityKind,
    PersonaAccount,
    PersonaDomain,
    PersonaOperator,
    PlatformRole,
    SearchEntity,
    User,
)


async def grant_employee_badge(
    ctx: Context, handle: str, department: str, title: str, executive: bool
) -> User:
    admin = policies.require_admin(ctx.viewer)
    user = await require_user(handle)
    values = {
        "department": validation.name(department, "department", maximum=80, label="Department"),
        "title": validation.name(title, "title", maximum=80, label="Title"),
        "executive": executive,
        "granted_by_id": admin.id,
    }
    async with in_transaction() as connection:
        await EmployeeBadge.update_or_create(defaults=values, user_id=user.id, using_db=connection)
        await mark_changed(SearchEntity.USER, user.id, with_posts=True, connection=connection)
    return user


async def revoke_employee_badge(ctx: Context, handle: str) -> User:
    policies.require_admin(ctx.viewer)
    user = await require_user(handle)
    async with in_transaction() as connection:
        if not await EmployeeBadge.filter(user_id=user.id).delete():
            raise NotFound(f"@{user.handle} has no employee badge.")
        # An employee who leaves stops operating persona accounts too.
        await PersonaOperator.filter(operator_id=user.id).delete()
        await mark_changed(SearchEntity.USER, user.id, with_posts=True, connection=connection)
    return user


async def create_persona_account(
    ctx: Context, handle: str, display_name: str, domain: PersonaDomain, bio: str | None
) -> User:
    policies.require_admin(ctx.viewer)
    clean_handle = validation.handle(handle)
    name = validation.name(display_name, "displayName", maximum=64, label="Display name")
    # Admins may give a persona an official-sounding handle, not one that passes for another.
    await check_new_handle(clean_handle, reserved_allowed=True)
    await check_display_name(name)
    if await User.filter(handle=clean_handle).exists():
        raise Conflict(f"The handle @{clean_handle} is taken.")
    async with in_transaction() as connection:
        user = await User.create(
            handle=clean_handle,
            display_name=name,
            bio=validation.text(bio, "bio", minimum=0, maximum=500, label="A bio"),
        )
        await PersonaAccount.create(user_id=user.id, domain=domain)
        await mark_changed(SearchEntity.USER, user.id, connection=connection)
    return user


async def _persona(handle: str) -> PersonaAccount:
    user = await require_user(handle, "personaHandle")
    persona = await PersonaAccount.get_or_none(user_id=user.id)
    if persona is None:
        raise NotFound(f"@{user.handle} is not a persona account.")
    return persona


async def add_persona_operator(ctx: Context, persona_handle: str, operator_handle: str) -> User:
    policies.require_admin(ctx.viewer)
    persona = await _persona(persona_handle)
    operator = await require_user(operator_handle, "operatorHandle")
    if not await EmployeeBadge.filter(user_id=operator.id).exists():
        raise InvalidInput(
            "Only employees with a badge can operate a persona account.", field="operatorHandle"
        )
    await PersonaOperator.get_or_create(persona_id=persona.id, operator_id=operator.id)
    return await User.get(id=persona.user_id)


async def remove_persona_operator(ctx: Context, persona_handle: str, operator_handle: str) -> User:
    policies.require_admin(ctx.viewer)
    persona = await _persona(persona_handle)
    operator = await require_user(operator_handle, "operatorHandle")
    await PersonaOperator.filter(persona_id=persona.id, operator_id=operator.id).delete()
    return await User.get(id=persona.user_id)


async def list_persona_operators(persona_user_id: int) -> list[User]:
    ids = Subquery(PersonaOperator.filter(persona__user_id=persona_user_id).values("operator_id"))
    return await User.filter(id__in=ids).order_by("handle")


async def set_group_certified(ctx: Context, slug: str, certified: bool) -> Group:
    policies.require_admin(ctx.viewer)
    group = await require_group(slug)
    group.certified = certified
    async with in_transaction() as connection:
        await group.save(update_fields=["certified"], using_db=connection)
        await mark_changed(SearchEntity.GROUP, group.id, connection=connection)
    return group


async def set_user_identity(
    ctx: Context, handle: str, identity: IdentityKind, vehicle_models: list[str] | None
) -> User:
    policies.require_admin(ctx.viewer)
    user = await require_user(handle)
    user.identity = identity
    if identity != IdentityKind.OWNER:
        user.vehicle_models = []
    elif vehicle_models is not None:
        user.vehicle_models = validation.string_list(
            vehicle_models,
            "vehicleModels",
            maximum_items=10,
            maximum_length=40,
            label="vehicle models",
        )
    async with in_transaction() as connection:
        await user.save(
            update_fields=["identity", "vehicle_models", "updated_at"], using_db=connection
        )
        await mark_changed(SearchEntity.USER, user.id, with_posts=True, connection=connection)
    return user


async def set_user_role(ctx: Context, handle: str, role: PlatformRole) -> User:
    admin = policies.require_admin(ctx.viewer)
    user = await require_user(handle)
    if user.id == admin.id and role != PlatformRole.ADMIN:
        raise Conflict("Admins cannot take away their own admin role.")
    user.role = role
    await user.save(update_fields=["role", "updated_at"])
    return user
