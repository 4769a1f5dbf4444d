"""Groups: create, change, join, leave, list, members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from moderation import policies
from resolvers import group_joins, validation
from resolvers.changes import ChangeLog, writing
from resolvers.context import Context
from resolvers.group_admission import release_place
from resolvers.group_joins import MembershipState
from resolvers.lookups import require_group
from resolvers.moderation_items import Target
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
    JoinPolicy,
    ModerationTarget,
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
    join_policy: JoinPolicy = JoinPolicy.OPEN,
    join_question: str = "",
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
            "joinQuestion": clean_question(join_question),
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
                join_policy=join_policy,
                join_question=verdict.fields["joinQuestion"],
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
    join_policy: JoinPolicy | None = None
    join_question: str | None = None


def clean_description(description: str | None) -> str:
    return validation.text(
        description, "description", minimum=0, maximum=2000, label="A description"
    )


def clean_question(question: str | None) -> str:
    return validation.text(
        question, "joinQuestion", minimum=0, maximum=300, label="A join question"
    )


# The texts of a group that are screened: their columns, and their names in the API.
TEXTS = {"name": "name", "description": "description", "join_question": "joinQuestion"}


async def update_group(ctx: Context, slug: str, changes: GroupChanges) -> Group:
    """Rename, describe, change who sees a group's posts or how people join: its owners and
    admins, or a platform admin. Search follows: a group turning members-only takes its posts
    out. A change of join policy leaves pending requests pending (its staff still decide
    them)."""
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
    if changes.join_policy is not None:
        new["join_policy"] = changes.join_policy
    if changes.join_question is not None:
        new["join_question"] = clean_question(changes.join_question)
    changed = {key: value for key, value in new.items() if getattr(group, key) != value}
    if not changed:
        return group
    texts = {TEXTS[column]: str(changed[column]) for column in TEXTS if column in changed}
    verdict = await screen(ctx, viewer, "group", texts) if texts else None
    if verdict is not None:
        changed.update(
            {column: verdict.fields[name] for column, name in TEXTS.items() if name in texts}
        )
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


@dataclass
class Joined:
    """The group as it is after asking to join it, and where the viewer stands with it."""

    group: Group
    state: MembershipState


async def join_group(ctx: Context, slug: str, answer: str | None = None) -> Joined:
    """Join as the group's join policy says (resolvers.group_joins): at once (OPEN, or with an
    open invitation), by a request its staff decide (APPROVAL, with `answer` to its question),
    or not without an invitation (INVITE_ONLY)."""
    viewer = policies.require_writer(ctx.viewer)
    group = await require_group(slug)
    text = group_joins.clean_answer(answer)
    state = await group_joins.join(ctx, viewer, group, text)
    await group.refresh_from_db()
    return Joined(group=group, state=state)


async def leave_group(ctx: Context, slug: str) -> Group:
    """Leave the group, or take back a pending request to join it. Its only owner stays until
    they hand ownership over."""
    viewer = policies.require_writer(ctx.viewer)
    group = await require_group(slug)
    async with writing(ctx.hub):
        membership = await GroupMembership.get_or_none(group_id=group.id, user_id=viewer.id)
        if membership is None:
            await group_joins.withdraw_pending(group.id, viewer.id)
            return group
        if membership.role == GroupRole.OWNER:
            owners = await GroupMembership.filter(group_id=group.id, role=GroupRole.OWNER).count()
            if owners == 1:
                raise Conflict("You are the group's only owner: hand ownership to someone first.")
        # Filtered: of two concurrent leaves, one deletes the row and frees the place.
        if await GroupMembership.filter(id=membership.id).delete():
            await release_place(group.id)
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
