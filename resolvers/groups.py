"""Groups: create, join, leave, list, members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from moderation import policies
from resolvers import validation
from resolvers.changes import ChangeLog, writing
from resolvers.context import Context
from resolvers.lookups import require_group
from resolvers.moderation_items import Target
from resolvers.notifications import notify
from resolvers.pagination import Key, Listing, Page, id_key, keyset_page, time_key
from resolvers.screening import Verdict, review_if_needed, screen
from server.errors import Conflict, Forbidden
from server.models import (
    Group,
    GroupKind,
    GroupMembership,
    GroupRole,
    GroupVisibility,
    Industry,
    ModerationTarget,
    NotificationKind,
    SearchEntity,
)

GROUPS = Listing("groups", Key("member_count"), id_key())
MEMBERS = Listing("members", time_key("joined_at", descending=False), id_key(descending=False))


async def create_group(
    ctx: Context,
    *,
    slug: str,
    name: str,
    description: str,
    kind: GroupKind,
    visibility: GroupVisibility,
    industry: Industry | None = None,
) -> Group:
    viewer = policies.require_writer(ctx.viewer)
    clean_slug = validation.slug(slug)
    clean_name = validation.name(name, "name", minimum=2, maximum=80, label="A group name")
    verdict = await screen(
        ctx,
        viewer,
        "group",
        {
            "name": clean_name,
            "description": clean_description(description),
        },
    )
    clean_name, described = verdict.fields["name"], verdict.fields["description"]
    if kind == GroupKind.INDUSTRY and not policies.is_admin(viewer):
        raise Forbidden("Industry groups are created by admins.")
    if await Group.filter(slug=clean_slug).exists():
        raise Conflict(f"The slug '{clean_slug}' is taken.")
    try:
        async with writing(ctx.hub) as log:
            group = await Group.create(
                slug=clean_slug,
                name=clean_name,
                description=described,
                kind=kind,
                visibility=visibility,
                created_by_id=viewer.id,
                member_count=1,
                industry=industry,
            )
            await GroupMembership.create(group_id=group.id, user_id=viewer.id, role=GroupRole.OWNER)
            await log.changed(SearchEntity.GROUP, group.id)
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
    return validation.text(
        description, "description", minimum=0, maximum=2000, label="A description"
    )


async def update_group(ctx: Context, slug: str, changes: GroupChanges) -> Group:
    """Rename, describe or change who sees a group's posts: its owners and admins, or a
    platform admin. Search follows: a group turning members-only takes its posts out."""
    viewer = policies.require_writer(ctx.viewer)
    group = await require_group(slug)
    membership = await GroupMembership.get_or_none(group_id=group.id, user_id=viewer.id)
    if not policies.can_manage_group(viewer, membership):
        raise Forbidden("Only the group's owners and admins can change it.")
    new: dict[str, Any] = {}
    if changes.name is not None:
        new["name"] = validation.name(
            changes.name, "name", minimum=2, maximum=80, label="A group name"
        )
    if changes.description is not None:
        new["description"] = clean_description(changes.description)
    if changes.visibility is not None:
        new["visibility"] = changes.visibility
    changed = {key: value for key, value in new.items() if getattr(group, key) != value}
    if not changed:
        return group
    texts: dict[str, str] = {
        key: str(changed[key]) for key in ("name", "description") if key in changed
    }
    verdict = await screen(ctx, viewer, "group", texts) if texts else None
    if verdict is not None:
        changed.update(verdict.fields)
    # Posts carry the group's name and depend on its visibility.
    posts_change = "name" in changed or "visibility" in changed
    async with writing(ctx.hub) as log:
        # Only the columns changed here: another admin's change of the rest stands.
        await Group.filter(id=group.id).update(**changed)
        await log.changed(SearchEntity.GROUP, group.id, with_posts=posts_change)
        if verdict is not None:
            await _review(log, verdict, group, viewer.id)
    await group.refresh_from_db()
    return group


async def _review(log: ChangeLog, verdict: Verdict, group: Group, actor_id: int) -> None:
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
    async with writing(ctx.hub):
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
    return await keyset_page(queryset, GROUPS, first=first, after=after)


async def list_members(group: Group, first: int, after: str | None) -> Page[GroupMembership]:
    return await keyset_page(
        GroupMembership.filter(group_id=group.id),
        MEMBERS,
        first=first,
        after=after,
    )
