"""Reading events as use cases: the listing (upcoming first, by city, time and group, page by
page, members-only groups' events for their members alone), attendees for the event's staff,
one's own signups, and who sees a signup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resolvers.event_reads import list_attendees, list_events, list_own_signups, visible_signup
from server.errors import InvalidInput
from server.models import (
    EventState,
    GroupVisibility,
    PlatformRole,
    SignupState,
)
from tests.helpers import make_group
from tests.resolvers.event_helpers import make_event, seat


def titles(page) -> list[str]:
    return [event.title for _, event in page.edges]


async def test_events_list_upcoming_first_page_by_page(people):
    staff = await people.make("max", PlatformRole.ADMIN)
    await make_event(staff, title="In three days", starts_in=timedelta(days=3))
    await make_event(staff, title="Tomorrow", starts_in=timedelta(days=1))
    await make_event(staff, title="Running now", starts_in=timedelta(hours=-1))
    await make_event(staff, title="Over", starts_in=timedelta(days=-2))
    await make_event(staff, title="Called off", state=EventState.CANCELLED)
    await make_event(staff, title="Next week", starts_in=timedelta(days=7))
    ctx = await people.context(None)
    first = await list_events(ctx, first=2)
    assert titles(first) == ["Running now", "Tomorrow"]
    assert first.has_next_page
    rest = await list_events(ctx, first=10, after=first.end_cursor)
    assert titles(rest) == ["In three days", "Next week"]
    assert not rest.has_next_page


async def test_events_filter_by_city_and_time(people):
    staff = await people.make("max", PlatformRole.ADMIN)
    await make_event(staff, title="Shanghai", city="Shanghai", starts_in=timedelta(days=1))
    await make_event(staff, title="Hefei", city="Hefei", starts_in=timedelta(days=2))
    await make_event(staff, title="Later", city="shanghai", starts_in=timedelta(days=20))
    await make_event(staff, title="Past", city="Shanghai", starts_in=timedelta(days=-5))
    ctx = await people.context(None)
    assert titles(await list_events(ctx, city=" SHANGHAI ", first=10)) == ["Shanghai", "Later"]
    until = datetime.now(UTC) + timedelta(days=10)
    assert titles(await list_events(ctx, until=until, first=10)) == ["Shanghai", "Hefei"]
    since = datetime.now(UTC) - timedelta(days=6)
    assert titles(await list_events(ctx, city="shanghai", since=since, until=until, first=10)) == [
        "Past",
        "Shanghai",
    ]


async def test_members_only_groups_events_are_listed_to_their_members_alone(people):
    lin, mia, kai = await people.make("lin"), await people.make("mia"), await people.make("kai")
    inner = await make_group("inner-circle", lin, mia, visibility=GroupVisibility.MEMBERS_ONLY)
    public = await make_group("night-drivers", lin)
    await make_event(lin, group=inner, title="Inner", starts_in=timedelta(days=1))
    await make_event(lin, group=public, title="Public", starts_in=timedelta(days=2))
    await make_event(lin, title="Platform", starts_in=timedelta(days=3))
    mod = await people.make("rui", PlatformRole.MODERATOR)
    for viewer, expected in (
        (None, ["Public", "Platform"]),
        (kai, ["Public", "Platform"]),
        (mia, ["Inner", "Public", "Platform"]),
        (mod, ["Inner", "Public", "Platform"]),
    ):
        ctx = await people.context(viewer)
        assert titles(await list_events(ctx, first=10)) == expected
    # A group the viewer cannot see reads as one that does not exist: nothing.
    outsider = await people.context(kai)
    assert titles(await list_events(outsider, group_slug="inner-circle", first=10)) == []
    assert titles(await list_events(outsider, group_slug="no-such-group", first=10)) == []
    assert titles(await list_events(outsider, group_slug="night-drivers", first=10)) == ["Public"]
    member = await people.context(mia)
    assert titles(await list_events(member, group_slug="inner-circle", first=10)) == ["Inner"]


async def test_a_cursor_of_another_list_is_refused(people):
    staff = await people.make("max", PlatformRole.ADMIN)
    event = await make_event(staff)
    mia = await people.make("mia")
    await seat(event, mia)
    ctx = await people.context(mia)
    own = await list_own_signups(ctx, mia.id, 10, None)
    assert own is not None
    with pytest.raises(InvalidInput):
        await list_events(ctx, first=10, after=own.end_cursor)


async def test_attendees_are_for_the_events_staff(people):
    lin, rui, mia = await people.make("lin"), await people.make("rui"), await people.make("mia")
    group = await make_group("night-drivers", lin, mia, moderators=(rui,))
    event = await make_event(lin, group=group, capacity=3)
    kai, ann, zoe = await people.make("kai"), await people.make("ann"), await people.make("zoe")
    confirmed = await seat(event, kai)
    attended = await seat(event, ann, SignupState.ATTENDED)
    await seat(event, zoe, SignupState.CANCELLED)
    await seat(event, await people.make("eva"), SignupState.WAITLISTED)
    staff = await people.make("max", PlatformRole.MODERATOR)
    for viewer in (lin, rui, staff):
        page = await list_attendees(await people.context(viewer), event, 10, None)
        assert page is not None
        assert [s.id for _, s in page.edges] == [confirmed.id, attended.id]
    for viewer in (None, mia, kai):
        assert await list_attendees(await people.context(viewer), event, 10, None) is None


async def test_own_signups_are_newest_first_and_the_holders_alone(people):
    staff = await people.make("max", PlatformRole.ADMIN)
    mia, kai = await people.make("mia"), await people.make("kai")
    first = await seat(await make_event(staff), mia)
    second = await seat(await make_event(staff), mia, SignupState.CANCELLED)
    page = await list_own_signups(await people.context(mia), mia.id, 10, None)
    assert page is not None
    assert [s.id for _, s in page.edges] == [second.id, first.id]
    assert await list_own_signups(await people.context(kai), mia.id, 10, None) is None
    assert await list_own_signups(await people.context(staff), mia.id, 10, None) is None


async def test_a_signup_is_seen_by_its_holder_and_its_events_staff(people):
    lin, rui, mia = await people.make("lin"), await people.make("rui"), await people.make("mia")
    group = await make_group("night-drivers", lin, mia, moderators=(rui,))
    event = await make_event(lin, group=group)
    kai = await people.make("kai")
    signup = await seat(event, kai)
    other_admin = await people.make("zoe")
    await make_group("day-drivers", other_admin)
    for viewer in (kai, lin, rui):
        assert await visible_signup(await people.context(viewer), signup.id) is not None
    for viewer in (None, mia, other_admin):
        assert await visible_signup(await people.context(viewer), signup.id) is None


async def test_the_viewers_signup_is_loaded_for_a_page_of_events(people):
    staff = await people.make("max", PlatformRole.ADMIN)
    mia = await people.make("mia")
    one, two = await make_event(staff), await make_event(staff)
    mine = await seat(one, mia, SignupState.WAITLISTED)
    ctx = await people.context(mia)
    found = await ctx.loaders.viewer_signup_by_event_id.load_many([one.id, two.id])
    assert [s.id if s else None for s in found] == [mine.id, None]
    anonymous = await people.context(None)
    assert await anonymous.loaders.viewer_signup_by_event_id.load(one.id) is None
