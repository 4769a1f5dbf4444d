"""The feeds as use cases: each lists only what its viewer may see, newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resolvers.feeds import global_feed, group_feed, home_feed, user_drafts, user_posts
from server.errors import NotAuthenticated
from server.models import Follow, GroupVisibility, PostState
from tests.helpers import make_group, make_post


def ids(page) -> list[int]:
    return [post.id for _, post in page.edges]


async def test_the_global_feed_shows_published_posts_outside_groups_one_has_not_joined(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    club = await make_group("inner-circle", ann, visibility=GroupVisibility.MEMBERS_ONLY)
    now = datetime.now(UTC)
    older = await make_post(ann, published_at=now - timedelta(minutes=2))
    newer = await make_post(ann, published_at=now - timedelta(minutes=1))
    private = await make_post(ann, group=club, published_at=now)
    for state in (PostState.DRAFT, PostState.HELD, PostState.HIDDEN, PostState.REMOVED):
        await make_post(ann, state=state)
    assert ids(await global_feed(await people.context(ben), 10, None)) == [newer.id, older.id]
    assert ids(await global_feed(await people.context(None), 10, None)) == [newer.id, older.id]
    member_view = ids(await global_feed(await people.context(ann), 10, None))
    assert member_view == [private.id, newer.id, older.id]


async def test_the_home_feed_is_ones_own_posts_follows_and_groups(people):
    ann, ben, cat = await people.make("ann"), await people.make("ben"), await people.make("cat")
    dan = await people.make("dan")
    club = await make_group("road-trips", dan, ann)
    mine, followed, grouped = (
        await make_post(ann),
        await make_post(ben),
        await make_post(dan, group=club),
    )
    await make_post(cat)
    await Follow.create(follower=ann, followee=ben)
    home = await home_feed(await people.context(ann), 10, None)
    assert sorted(ids(home)) == sorted([mine.id, followed.id, grouped.id])
    with pytest.raises(NotAuthenticated):
        await home_feed(await people.context(None), 10, None)


async def test_a_members_only_groups_feed_is_empty_to_outsiders(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    club = await make_group("inner-circle", ann, visibility=GroupVisibility.MEMBERS_ONLY)
    post = await make_post(ann, group=club)
    assert ids(await group_feed(await people.context(ben), club, 10, None)) == []
    assert ids(await group_feed(await people.context(ann), club, 10, None)) == [post.id]
    assert ids(await user_posts(await people.context(ben), ann.id, 10, None)) == []


async def test_drafts_are_listed_for_their_author_alone(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    draft = await make_post(ann, state=PostState.DRAFT, published_at=None)
    page = await user_drafts(await people.context(ann), ann.id, 10, None)
    assert page is not None and ids(page) == [draft.id]
    assert await user_drafts(await people.context(ben), ann.id, 10, None) is None
    assert await user_drafts(await people.context(None), ann.id, 10, None) is None


async def test_a_feed_pages_on_with_its_cursor(people):
    ann = await people.make("ann")
    now = datetime.now(UTC)
    posts = [await make_post(ann, published_at=now - timedelta(minutes=i)) for i in range(5)]
    ctx = await people.context(ann)
    first = await global_feed(ctx, 3, None)
    assert first.has_next_page
    rest = await global_feed(ctx, 3, first.end_cursor)
    assert ids(first) + ids(rest) == [p.id for p in posts]
    assert not rest.has_next_page
