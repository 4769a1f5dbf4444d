"""Reading events: the listing, an event's attendees, a person's own signups, and who sees a
signup and the details on it."""

from __future__ import annotations

from datetime import UTC, datetime

from resolvers import validation
from resolvers.context import Context
from resolvers.event_access import staffs_event, visible_event, visible_events
from resolvers.lookups import group_by_slug
from resolvers.pagination import Listing, Page, id_key, keyset_page, time_key
from server.models import Event, EventSignup, EventState, SignupState

# Upcoming first: the soonest to start, then the older id.
EVENTS = Listing("eventList", time_key("starts_at", descending=False), id_key(descending=False))
# In the order they signed up.
ATTENDEES = Listing("eventAttendees", id_key(descending=False))
OWN_SIGNUPS = Listing("ownEventSignups", id_key())


def _empty() -> Page[Event]:
    return Page(edges=[], has_next_page=False, has_previous_page=False)


async def list_events(
    ctx: Context,
    *,
    city: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    group_slug: str | None = None,
    first: int,
    after: str | None = None,
) -> Page[Event]:
    """The events the viewer may see that are not cancelled and have not ended by `since`
    (now by default), starting by `until` if given; in a city (any case), of one group."""
    query = Event.filter(await visible_events(ctx)).exclude(state=EventState.CANCELLED)
    query = query.filter(ends_at__gte=since or datetime.now(UTC))
    if until is not None:
        query = query.filter(starts_at__lte=until)
    place = validation.optional_name(city, "city", maximum=50, label="The city")
    if place:
        query = query.filter(city__iexact=place)
    if group_slug is not None:
        group = await group_by_slug(group_slug)
        if group is None:
            return _empty()
        query = query.filter(group_id=group.id)  # a group the viewer may not see: nothing
    return await keyset_page(query, EVENTS, first=first, after=after)


async def list_attendees(
    ctx: Context, event: Event, first: int, after: str | None
) -> Page[EventSignup] | None:
    """The CONFIRMED and ATTENDED signups of an event, for who staffs it; None for anyone
    else."""
    if not await staffs_event(ctx, event):
        return None
    query = EventSignup.filter(
        event_id=event.id, state__in=[SignupState.CONFIRMED, SignupState.ATTENDED]
    )
    return await keyset_page(query, ATTENDEES, first=first, after=after)


async def list_own_signups(
    ctx: Context, user_id: int, first: int, after: str | None
) -> Page[EventSignup] | None:
    """The viewer's own signups in any state, newest first; None when they are someone
    else's."""
    if ctx.viewer is None or ctx.viewer.id != user_id:
        return None
    query = EventSignup.filter(user_id=user_id)
    return await keyset_page(query, OWN_SIGNUPS, first=first, after=after)


async def may_see_signup_details(ctx: Context, signup: EventSignup) -> bool:
    """Whose signup it is and its check-in code: its holder's, and the event's staff's."""
    if ctx.viewer is not None and signup.user_id == ctx.viewer.id:
        return True
    event = await ctx.loaders.event_by_id.load(signup.event_id)
    return event is not None and await staffs_event(ctx, event)


async def visible_signup(ctx: Context, signup_id: int) -> EventSignup | None:
    """A signup, for its holder and whoever staffs its event (while they may see the event);
    None for anyone else."""
    if ctx.viewer is None:
        return None
    signup = await EventSignup.get_or_none(id=signup_id)
    if signup is None:
        return None
    if signup.user_id == ctx.viewer.id:
        return signup
    event = await visible_event(ctx, signup.event_id)
    return signup if event is not None and await staffs_event(ctx, event) else None
