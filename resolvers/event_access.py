"""Who sees an event, who runs it, and who checks its attendees in.

A platform event (no group) is public. A group's event is visible by the group's rules: to
everyone when the group is PUBLIC, to its members and platform staff when it is MEMBERS_ONLY.
What the viewer may not see reads as missing.

Who runs an event (changes it, cancels it, reads its attendees): platform staff in good
standing, and for a group's event the group's owners and admins in good standing. The
organiser is always one of them when the event is made; someone who later loses the role
loses the powers with it.

Who checks attendees in: whoever runs the event, the group's moderators, and a VOLUNTEER KOC
whose role is active and whose city (from their approved application) is the event's city.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.expressions import Q

from moderation import policies
from resolvers.context import Context
from resolvers.visibility import may_see_in_group, seen_in_groups
from server.models import (
    Event,
    GroupMembership,
    KocRole,
    KocRoleKind,
    KocRoleState,
)


def same_city(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


async def _membership(ctx: Context, group_id: int | None) -> GroupMembership | None:
    if group_id is None or ctx.viewer is None:
        return None
    return await ctx.loaders.viewer_membership_by_group_id.load(group_id)


async def visible_event(ctx: Context, event_id: int) -> Event | None:
    """The event, if the viewer may see it now."""
    event: Event | None = await ctx.loaders.event_by_id.load(event_id)
    if event is None or not await may_see_in_group(ctx, event.group_id):
        return None
    return event


async def visible_events(ctx: Context) -> Q:
    """What listings of events may show the viewer: platform events, events of public groups,
    and events of the groups they belong to (everything, for platform staff)."""
    return await seen_in_groups(ctx)


async def runs_event(ctx: Context, event: Event) -> bool:
    """Platform staff, or an owner or admin of the event's group, all in good standing."""
    if policies.is_staff(ctx.viewer):
        return True
    if event.group_id is None:
        return False
    return policies.runs_group(ctx.viewer, await _membership(ctx, event.group_id))


async def staffs_event(ctx: Context, event: Event) -> bool:
    """Whoever runs the event, and the moderators of its group (in good standing)."""
    if await runs_event(ctx, event):
        return True
    if event.group_id is None:
        return False
    return policies.staffs_group(ctx.viewer, await _membership(ctx, event.group_id))


async def volunteers_in(ctx: Context, city: str) -> bool:
    """Whether the viewer holds an active VOLUNTEER role for `city` (in good standing)."""
    viewer = ctx.viewer
    if viewer is None or policies.is_sanctioned(viewer) or not city.strip():
        return False
    roles = await KocRole.filter(
        user_id=viewer.id,
        kind=KocRoleKind.VOLUNTEER,
        state=KocRoleState.ACTIVE,
        ends_at__gt=datetime.now(UTC),
    ).prefetch_related("application")
    return any(
        role.application is not None and same_city(role.application.city, city) for role in roles
    )


async def checks_in(ctx: Context, event: Event) -> bool:
    """Who may check attendees of `event` in."""
    return await staffs_event(ctx, event) or await volunteers_in(ctx, event.city)
