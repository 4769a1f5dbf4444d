"""Featured works as use cases: staff feature public works once, the makers are told and a
change event records it; who is refused; the featured feed as works are hidden and restored."""

from __future__ import annotations

import pytest

from resolvers import collections
from resolvers import featured as cases
from resolvers.works import WorkRef
from server.errors import (
    AccountSuspended,
    Conflict,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
)
from server.models import (
    AccountState,
    ChangeKind,
    CreditState,
    EpisodeState,
    FeaturedWork,
    GroupVisibility,
    Notification,
    NotificationKind,
    PlatformRole,
    Post,
    PostState,
    RadioEpisode,
)
from tests.helpers import make_group, make_post
from tests.resolvers.conftest import events
from tests.resolvers.work_helpers import credit, make_episode

ADMIN, MODERATOR, USER = PlatformRole.ADMIN, PlatformRole.MODERATOR, PlatformRole.USER


async def feature(people, user, work, note=""):
    return await cases.feature_work(await people.context(user), WorkRef.of_row(work), note)


async def feed(people, viewer=None, first=50, after=None):
    page = await cases.list_featured(await people.context(viewer), first, after)
    return [placed.work.id for _, placed in page.edges]


async def told(kind=NotificationKind.WORK_FEATURED):
    return sorted(
        await Notification.filter(kind=kind).values_list("recipient_id", "post_id", "episode_id")
    )


@pytest.mark.parametrize("role", [MODERATOR, ADMIN])
async def test_staff_feature_a_post_and_its_makers_are_told(people, role):
    mia = await people.make("mia", role)
    ann, lin, kai, ben = [await people.make(h) for h in ("ann", "lin", "kai", "ben")]
    post = await make_post(ann)
    await credit(lin, post_id=post.id)
    await credit(lin, post_id=post.id, role="WRITER")  # two roles, told once
    await credit(kai, post_id=post.id, state=CreditState.PENDING)
    await credit(ben, post_id=post.id, state=CreditState.DECLINED)
    placed = await feature(people, mia, post, "  A trip to remember  ")
    assert (placed.row.note, placed.row.featured_by_id, placed.work.id) == (
        "A trip to remember",
        mia.id,
        post.id,
    )
    assert await told() == sorted([(ann.id, post.id, None), (lin.id, post.id, None)])
    [event] = await events(ChangeKind.WORK_FEATURED)
    assert (event.post_id, event.episode_id) == (post.id, None)
    assert await feed(people) == [post.id]


async def test_featuring_an_episode_tells_its_author_and_co_hosts(people):
    mia, ann = await people.make("mia", MODERATOR), await people.make("ann")
    lin = await people.make("lin")
    episode = await make_episode(ann)
    await credit(lin, episode_id=episode.id, role="HOST")
    await feature(people, mia, episode)
    assert await told() == sorted([(ann.id, None, episode.id), (lin.id, None, episode.id)])
    [event] = await events(ChangeKind.WORK_FEATURED)
    assert (event.post_id, event.episode_id) == (None, episode.id)


async def test_staff_never_feature_a_work_they_made_or_are_credited_on(people):
    mia, chief = await people.make("mia", MODERATOR), await people.make("chief", ADMIN)
    lin, ann = await people.make("lin"), await people.make("ann")
    own = await make_post(mia)
    await credit(lin, post_id=own.id)
    credited = await make_post(ann)
    await credit(mia, post_id=credited.id)
    for post in (own, credited):
        with pytest.raises(Forbidden):
            await feature(people, mia, post)
    assert await FeaturedWork.all().count() == 0
    assert not await events(ChangeKind.WORK_FEATURED)
    await feature(people, chief, own)  # another member of staff may
    assert sorted(await told()) == sorted([(mia.id, own.id, None), (lin.id, own.id, None)])


async def test_a_work_is_featured_once(people):
    mia, chief = await people.make("mia", MODERATOR), await people.make("chief", ADMIN)
    post = await make_post(await people.make("ann"))
    await feature(people, mia, post)
    with pytest.raises(Conflict):
        await feature(people, chief, post)
    assert await FeaturedWork.all().count() == 1
    assert len(await events(ChangeKind.WORK_FEATURED)) == 1
    assert len(await told()) == 1


@pytest.mark.parametrize(
    ("role", "state", "refusal"),
    [
        (None, None, NotAuthenticated),
        (USER, AccountState.ACTIVE, Forbidden),
        (MODERATOR, AccountState.SILENCED, AccountSuspended),
        (MODERATOR, AccountState.SUSPENDED, AccountSuspended),
        (ADMIN, AccountState.BANNED, AccountSuspended),
    ],
)
async def test_only_staff_in_good_standing_feature_and_unfeature(people, role, state, refusal):
    chief = await people.make("chief", ADMIN)
    post, other = (
        await make_post(await people.make("ann")),
        await make_post(await people.make("kai")),
    )
    await feature(people, chief, other)
    user = await people.make("mia", role, state, until_days=3) if role else None
    with pytest.raises(refusal):
        await feature(people, user, post)
    with pytest.raises(refusal):
        await cases.unfeature_work(await people.context(user), WorkRef(post_id=other.id))
    assert await FeaturedWork.all().values_list("post_id", flat=True) == [other.id]
    assert len(await events(ChangeKind.WORK_FEATURED)) == 1


async def test_a_curator_does_not_feature(people):
    chief, lin = await people.make("chief", ADMIN), await people.make("lin")
    await collections.create_collection(await people.context(chief), slug="nio-book", title="NB")
    await collections.add_curator(await people.context(chief), "nio-book", "lin")
    with pytest.raises(Forbidden):
        await feature(people, lin, await make_post(chief))


@pytest.mark.parametrize(
    ("kind", "refusal"),
    [
        ("draft", NotFound),
        ("hidden post", Conflict),  # moderators see it, but it is not public
        ("members-only post", NotFound),  # staff outside the group do not see it
        ("draft episode", NotFound),
        ("submitted episode", Conflict),  # staff review it, but it is not on air
        ("hidden episode", Conflict),
        ("missing post", NotFound),
    ],
)
async def test_only_public_works_are_featured(people, kind, refusal):
    mia, ann = await people.make("mia", MODERATOR), await people.make("ann")
    ref: WorkRef
    if kind == "draft":
        ref = WorkRef.of_row(await make_post(ann, state=PostState.DRAFT, published_at=None))
    elif kind == "hidden post":
        ref = WorkRef.of_row(await make_post(ann, state=PostState.HIDDEN))
    elif kind == "members-only post":
        group = await make_group("inner-circle", ann, visibility=GroupVisibility.MEMBERS_ONLY)
        ref = WorkRef.of_row(await make_post(ann, group=group))
    elif kind == "draft episode":
        ref = WorkRef.of_row(await make_episode(ann, state=EpisodeState.DRAFT))
    elif kind == "submitted episode":
        ref = WorkRef.of_row(await make_episode(ann, state=EpisodeState.SUBMITTED))
    elif kind == "hidden episode":
        ref = WorkRef.of_row(await make_episode(ann, state=EpisodeState.HIDDEN))
    else:
        ref = WorkRef(post_id=424242)
    with pytest.raises(refusal):
        await cases.feature_work(await people.context(mia), ref)
    assert await FeaturedWork.all().count() == 0
    assert await told() == []


async def test_the_note_is_checked(people):
    mia = await people.make("mia", MODERATOR)
    with pytest.raises(InvalidInput) as refused:
        await feature(people, mia, await make_post(mia), "x" * 501)
    assert refused.value.field == "note"


async def test_the_feed_lists_newest_picks_first_by_keyset(people):
    mia, ann = await people.make("mia", MODERATOR), await people.make("ann")
    works = [await make_post(ann, f"post {i}") for i in range(3)] + [await make_episode(ann)]
    for work in works:
        await feature(people, mia, work)
    newest_first = [w.id for w in reversed(works)]
    assert await feed(people) == newest_first
    ctx = await people.context(None)
    first = await cases.list_featured(ctx, 2, None)
    rest = await cases.list_featured(ctx, 10, first.end_cursor)
    assert first.has_next_page and not rest.has_next_page
    assert [p.work.id for _, p in first.edges + rest.edges] == newest_first
    assert [type(p.work) for _, p in first.edges + rest.edges][0] is RadioEpisode


async def test_a_hidden_work_drops_out_of_the_feed_and_comes_back(people):
    mia, ann = await people.make("mia", MODERATOR), await people.make("ann")
    post, episode, other = await make_post(ann), await make_episode(ann), await make_post(ann)
    for work in (post, episode, other):
        await feature(people, mia, work)
    await Post.filter(id=post.id).update(state=PostState.HIDDEN)
    await RadioEpisode.filter(id=episode.id).update(state=EpisodeState.HIDDEN)
    for viewer in (None, mia, ann):
        assert await feed(people, viewer) == [other.id]
    await Post.filter(id=post.id).update(state=PostState.PUBLISHED)
    await RadioEpisode.filter(id=episode.id).update(state=EpisodeState.PUBLISHED)
    assert await feed(people) == [other.id, episode.id, post.id]


async def test_unfeaturing_takes_the_mark_off(people):
    mia, chief = await people.make("mia", MODERATOR), await people.make("chief", ADMIN)
    post = await make_post(await people.make("ann"))
    await feature(people, mia, post)
    await Post.filter(id=post.id).update(state=PostState.HIDDEN)  # hidden or not
    await cases.unfeature_work(await people.context(chief), WorkRef(post_id=post.id))
    assert await FeaturedWork.all().count() == 0
    with pytest.raises(NotFound):
        await cases.unfeature_work(await people.context(chief), WorkRef(post_id=post.id))
    await Post.filter(id=post.id).update(state=PostState.PUBLISHED)
    await feature(people, mia, post)  # and it may be featured again
    assert await feed(people) == [post.id]
    # A work earns its reward once: no second event, nobody told twice.
    assert len(await events(ChangeKind.WORK_FEATURED)) == 1
    assert len(await told()) == 1
