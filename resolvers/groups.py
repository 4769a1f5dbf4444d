"""Groups: create, join, leave, list, members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from moderation import policies
from resolvers import validation
from resolvers.context import Context
from resolvers.events import EventLog, writing
from resolvers.moderation import Target
from resolvers.notifications import notify
from resolvers.pagination import Key, Page, id_key, keyset_page, time_key
from resolvers.screening import Verdict, review_if_needed, screen
from search.outbox import mark_changed
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    Group,
    GroupKind,
    GroupMembership,
    GroupRole,
    GroupVisibility,
    ModerationTarget,
    NotificationKind,
    SearchEntity,
)


async def get_group(slug: str) -> Group | None:
    return await Group.get_or_none(slug=slug.strip().lower())


async def require_group(slug: str, field: str = "slug") -> Group:
    group = await get_group(slug)
    if group is None:
        raise NotFound(f"No group with the slug '{slug}'.")
    return group


async def create_group(
    ctx: Context,
    *,
    slug: str,
    name: str,
    description: str,
    kind: GroupKind,
    visibility: GroupVisibility,
    industry: str | None = None,
) -> Group:
    viewer = policies.require_writer(ctx.viewer)
    clean_slug = validation.slug(slug)
    clean_name = validation.text(name, "name", minimum=2, maximum=80, label="A group name")
    verdict = await screen(
        ctx, viewer, "group", {"name": clean_name, "description": clean_description(description)}
    )
    clean_name, described = verdict.fields["name"], verdict.fields["description"]
    if kind == GroupKind.INDUSTRY and not policies.is_admin(viewer):
        raise Forbidden("Industry groups are created by admins.")
    if await Group.filter(slug=clean_slug).exists():
        raise Conflict(f"The slug '{clean_slug}' is taken.")
    try:
        async with writing(ctx.hub) as log:
            connection = log.connection
            group = await Group.create(
                slug=clean_slug,
                name=clean_name,
                description=described,
                kind=kind,
                visibility=visibility,
                created_by_id=viewer.id,
                member_count=1,
                industry=validation.optional_text(
                    industry, "industry", maximum=40, label="Industry"
                ),
            )
            await GroupMembership.create(group_id=group.id, user_id=viewer.id, role=GroupRole.OWNER)
            await mark_changed(SearchEntity.GROUP, group.id, connection=connection)
            await _review(log, verdict, group, viewer.id)
    except IntegrityError:
        raise Conflict(f"The slug '{clean_slug}' is taken.") from None
    return group


@dataclass
class GroupChanges:
    name: str | None = None
    description: str | None = None
    visibility: GroupVisibility | None = None


def clean_description(description: str | None) -> str:
    cleaned = (description or "").strip()
    if len(cleaned) > 2000:
        raise InvalidInput("A description has at most 2000 characters.", field="description")
    return cleaned


async def update_group(ctx: Context, slug: str, changes: GroupChanges) -> Group:
    """Rename, describe or change who sees a group's posts: its owners and admins, or a
    platform admin. Search follows: a group turning members-only takes its posts out."""
    viewer = policies.require_writer(ctx.viewer)
    group = await require_group(slug)
    membership = await GroupMembership.get_or_none(group_id=group.id, user_id=viewer.id)
    if not policies.can_manage_group(viewer, membership):
        raise Forbidden("Only the group's owners and admins can change it.")
    new = {
        "name": group.name
        if changes.name is None
        else validation.text(changes.name, "name", minimum=2, maximum=80, label="A group name"),
        "description": group.description
        if changes.description is None
        else clean_description(changes.description),
        "visibility": changes.visibility or group.visibility,
    }
    if all(getattr(group, key) == value for key, value in new.items()):
        return group
    verdict = await screen(
        ctx, viewer, "group", {"name": str(new["name"]), "description": str(new["description"])}
    )
    new["name"], new["description"] = verdict.fields["name"], verdict.fields["description"]
    # Posts carry the group's name and depend on its visibility.
    posts_change = new["name"] != group.name or new["visibility"] != group.visibility
    for key, value in new.items():
        setattr(group, key, value)
    async with writing(ctx.hub) as log:
        connection = log.connection
        await group.save(update_fields=list(new), using_db=connection)
        await mark_changed(
            SearchEntity.GROUP, group.id, with_posts=posts_change, connection=connection
        )
        await _review(log, verdict, group, viewer.id)
    return group


async def _review(log: EventLog, verdict: Verdict, group: Group, actor_id: int) -> None:
    """A group's name or description that trips a rule goes to the queue (the group stays)."""
    verdict.hold_reasons.clear()
    target = Target(ModerationTarget.GROUP, group.id, actor_id, group.id)
    await review_if_needed(log, verdict, target, actor_id)


async def join_group(ctx: Context, slug: str) -> Group:
    viewer = policies.require_writer(ctx.viewer)
    group = await require_group(slug)
    async with writing(ctx.hub) as log:
        _, created = await GroupMembership.get_or_create(
            group_id=group.id, user_id=viewer.id, defaults={"role": GroupRole.MEMBER}
        )
        if created:
            await Group.filter(id=group.id).update(member_count=F("member_count") + 1)
            managers = await GroupMembership.filter(
                group_id=group.id, role__in=[GroupRole.OWNER, GroupRole.ADMIN]
            ).values_list("user_id", flat=True)
            for manager_id in cast(list[int], managers):
                await notify(
                    log, manager_id, NotificationKind.GROUP_JOIN, viewer.id, group_id=group.id
                )
    await group.refresh_from_db()
    return group


async def leave_group(ctx: Context, slug: str) -> Group:
    viewer = policies.require_writer(ctx.viewer)
    group = await require_group(slug)
    async with in_transaction():
        membership = await GroupMembership.get_or_none(group_id=group.id, user_id=viewer.id)
        if membership is None:
            return group
        if membership.role == GroupRole.OWNER:
            owners = await GroupMembership.filter(group_id=group.id, role=GroupRole.OWNER).count()
            if owners == 1:
                raise Conflict("You are the group's only owner: hand ownership to someone first.")
        await membership.delete()
        await Group.filter(id=group.id).update(member_count=F("member_count") - 1)
    await group.refresh_from_db()
    return group


async def list_groups(
    *, first: int, after: str | None, kind: GroupKind | None = None, certified: bool | None = None
) -> Page[Group]:
    queryset = Group.all()
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    if certified is not None:
        queryset = queryset.filter(certified=certified)
    return await keyset_page(queryset, [Key("member_count"), id_key()], first=first, after=after)


async def list_members(group: Group, first: int, after: str | None) -> Page[GroupMembership]:
    return await keyset_page(
        GroupMembership.filter(group_id=group.id),
        [time_key("joined_at", descending=False), id_key(descending=False)],
        first=first,
        after=after,
    )
