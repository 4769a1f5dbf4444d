"""Admin-only use cases: employee badges, persona accounts, group certification, identities."""

from __future__ import annotations

from tortoise.expressions import Subquery

from moderation import policies
from resolvers import audit, validation
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.identity import check_display_name, check_new_handle
from resolvers.lookups import require_group, require_user
from server.errors import Conflict, InvalidInput, NotFound
from server.models import (
    AuditKind,
    EmployeeBadge,
    Group,
    IdentityKind,
    PersonaAccount,
    PersonaDomain,
    PersonaOperator,
    PlatformRole,
    Post,
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
    async with writing(ctx.hub) as log:
        await EmployeeBadge.update_or_create(defaults=values, user_id=user.id)
        await log.changed(SearchEntity.USER, user.id, with_posts=True)
    return user


async def revoke_employee_badge(ctx: Context, handle: str) -> User:
    policies.require_admin(ctx.viewer)
    user = await require_user(handle)
    async with writing(ctx.hub) as log:
        if not await EmployeeBadge.filter(user_id=user.id).delete():
            raise NotFound(f"@{user.handle} has no employee badge.")
        # An employee who leaves stops operating persona accounts too.
        await PersonaOperator.filter(operator_id=user.id).delete()
        await log.changed(SearchEntity.USER, user.id, with_posts=True)
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
    async with writing(ctx.hub) as log:
        user = await User.create(
            handle=clean_handle,
            display_name=name,
            bio=validation.text(bio, "bio", minimum=0, maximum=500, label="A bio"),
        )
        await PersonaAccount.create(user_id=user.id, domain=domain)
        await log.changed(SearchEntity.USER, user.id)
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


async def visible_persona_operators(ctx: Context, persona_user_id: int) -> list[User] | None:
    """The employees who write as a persona account: for admins; None for anyone else."""
    if not policies.is_admin(ctx.viewer):
        return None
    return await list_persona_operators(persona_user_id)


async def visible_post_operator(ctx: Context, post: Post) -> User | None:
    """The employee who wrote a persona's post: for admins; None for anyone else."""
    if post.operator_id is None or not policies.is_admin(ctx.viewer):
        return None
    return await ctx.loaders.user_by_id.load(post.operator_id)


async def set_group_certified(ctx: Context, slug: str, certified: bool) -> Group:
    """Certify a group or take its certification away directly, outside the application
    flow (resolvers.group_certification): only the `certified` column changes, audited."""
    admin = policies.require_admin(ctx.viewer)
    group = await require_group(slug)
    async with writing(ctx.hub) as log:
        await Group.filter(id=group.id).update(certified=certified)
        await log.changed(SearchEntity.GROUP, group.id)
        await audit.record(
            AuditKind.GROUP_CERTIFIED_SET,
            admin.id,
            group_id=group.id,
            detail={"certified": certified},
        )
    await group.refresh_from_db()
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
    async with writing(ctx.hub) as log:
        await user.save(update_fields=["identity", "vehicle_models", "updated_at"])
        await log.changed(SearchEntity.USER, user.id, with_posts=True)
    return user


async def set_user_role(ctx: Context, handle: str, role: PlatformRole) -> User:
    admin = policies.require_admin(ctx.viewer)
    user = await require_user(handle)
    if user.id == admin.id and role != PlatformRole.ADMIN:
        raise Conflict("Admins cannot take away their own admin role.")
    user.role = role
    await user.save(update_fields=["role", "updated_at"])
    return user
