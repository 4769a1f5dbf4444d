"""Collections as use cases: admins open them and name curators; curators (and admins) put
public works in, take them out and order them; who is refused; what a listing shows as works
are hidden and restored."""

from __future__ import annotations

import asyncio

import pytest

from resolvers import collections as cases
from resolvers.collections import CollectionChanges
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
    Collection,
    CollectionCurator,
    CollectionItem,
    EpisodeState,
    Group,
    GroupVisibility,
    PlatformRole,
    Post,
    PostState,
    SearchEntity,
)
from tests.helpers import make_group, make_post
from tests.resolvers.conftest import outbox
from tests.resolvers.work_helpers import make_episode

ADMIN, MODERATOR, USER = PlatformRole.ADMIN, PlatformRole.MODERATOR, PlatformRole.USER
SLUG = "nio-book"


async def open_collection(people, admin, slug=SLUG, **fields):
    values = {"title": "NIO Book", "description": "The year's best stories"} | fields
    return await cases.create_collection(await people.context(admin), slug=slug, **values)


async def curated(people):
    """An admin (chief), a collection, and its curator (lin)."""
    chief = await people.make("chief", ADMIN)
    lin = await people.make("lin")
    collection = await open_collection(people, chief)
    await cases.add_curator(await people.context(chief), SLUG, "lin")
    return chief, lin, collection


async def add(people, user, work, note="", slug=SLUG):
    ref = WorkRef.of_row(work)
    _, placed = await cases.add_to_collection(await people.context(user), slug, ref, note)
    return placed


async def listed(people, collection, viewer=None, first=50):
    page = await cases.list_items(await people.context(viewer), collection, first, None)
    return [placed.work.id for _, placed in page.edges]


async def count(people, collection, viewer=None):
    return await cases.listed_count(await people.context(viewer), collection)


async def positions(collection):
    return (
        await CollectionItem.filter(collection_id=collection.id)
        .order_by("position", "id")
        .values_list("position", flat=True)
    )


# --- opening and describing ----------------------------------------------------------------


async def test_an_admin_opens_a_collection_and_search_hears_of_it(people):
    chief = await people.make("chief", ADMIN)
    collection = await open_collection(people, chief, " NIO-Book ", title="  NIO   Book ")
    assert (collection.slug, collection.title, collection.created_by_id) == (
        SLUG,
        "NIO Book",
        chief.id,
    )
    assert len(await outbox(SearchEntity.COLLECTION, collection.id)) == 1
    assert (await cases.collection_by_slug(SLUG)).id == collection.id


@pytest.mark.parametrize(
    ("role", "state", "refusal"),
    [
        (None, None, NotAuthenticated),
        (USER, AccountState.ACTIVE, Forbidden),
        (MODERATOR, AccountState.ACTIVE, Forbidden),
        (ADMIN, AccountState.SILENCED, AccountSuspended),
        (ADMIN, AccountState.SUSPENDED, AccountSuspended),
        (ADMIN, AccountState.BANNED, AccountSuspended),
    ],
)
async def test_only_admins_in_good_standing_open_collections(people, role, state, refusal):
    user = await people.make("mia", role, state, until_days=3) if role else None
    with pytest.raises(refusal):
        await cases.create_collection(await people.context(user), slug=SLUG, title="NIO Book")
    assert await Collection.all().count() == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"slug": "Bad Slug!"}, "slug"),
        ({"title": "x"}, "title"),
        ({"title": "NIO\u202eBook"}, "title"),
        ({"description": "x" * 2001}, "description"),
        ({"cover_url": "http://localhost/cover.jpg"}, "coverUrl"),
        ({"cover_url": "ftp://img.example.com/cover.jpg"}, "coverUrl"),
    ],
)
async def test_open_collection_refuses_bad_input_naming_the_field(people, fields, field):
    chief = await people.make("chief", ADMIN)
    values = {"slug": SLUG, "title": "NIO Book"} | fields
    with pytest.raises(InvalidInput) as refused:
        await cases.create_collection(await people.context(chief), **values)
    assert refused.value.field == field
    assert await Collection.all().count() == 0


async def test_a_taken_slug_is_a_conflict(people):
    chief = await people.make("chief", ADMIN)
    await open_collection(people, chief)
    with pytest.raises(Conflict):
        await open_collection(people, chief, "NIO-BOOK")
    assert await Collection.all().count() == 1


async def test_update_collection_writes_only_the_columns_it_changes(people, monkeypatch):
    chief = await people.make("chief", ADMIN)
    collection = await open_collection(people, chief)
    stale = await Collection.get(id=collection.id)
    # Another admin changes the description after this one read the collection.
    await Collection.filter(id=collection.id).update(description="by another admin")

    async def read_stale(slug):
        return stale

    monkeypatch.setattr(cases, "require_collection", read_stale)
    changes = CollectionChanges(title="NIO Book 2026", cover_url="https://img.example.com/c.jpg")
    updated = await cases.update_collection(await people.context(chief), SLUG, changes)
    assert (updated.title, updated.cover_url, updated.description) == (
        "NIO Book 2026",
        "https://img.example.com/c.jpg",
        "by another admin",
    )
    assert len(await outbox(SearchEntity.COLLECTION, collection.id)) == 2
    removed = await cases.update_collection(
        await people.context(chief), SLUG, CollectionChanges(cover_url="")
    )
    assert removed.cover_url is None


@pytest.mark.parametrize("role", [USER, MODERATOR])
async def test_curators_and_moderators_do_not_describe_collections(people, role):
    chief, lin, collection = await curated(people)
    who = lin if role == USER else await people.make("mia", role)
    with pytest.raises(Forbidden):
        await cases.update_collection(
            await people.context(who), SLUG, CollectionChanges(title="Mine now")
        )
    assert (await Collection.get(id=collection.id)).title == "NIO Book"


# --- naming curators -----------------------------------------------------------------------


async def test_admins_name_and_remove_curators(people):
    chief, lin, collection = await curated(people)
    ctx = await people.context(chief)
    ben = await people.make("ben")
    await cases.add_curator(ctx, SLUG, "@Ben")
    assert [u.handle for u in await cases.curators_of(await people.context(None), collection)] == [
        "lin",
        "ben",
    ]
    with pytest.raises(Conflict):
        await cases.add_curator(ctx, SLUG, "lin")
    _, removed = await cases.remove_curator(ctx, SLUG, "lin")
    assert removed.id == lin.id
    assert await CollectionCurator.filter(collection_id=collection.id).values_list(
        "user_id", flat=True
    ) == [ben.id]
    with pytest.raises(NotFound):
        await cases.remove_curator(ctx, SLUG, "lin")


@pytest.mark.parametrize(
    ("slug", "handle", "refusal", "field"),
    [
        ("no-such-book", "lin", NotFound, None),
        (SLUG, "nobody", NotFound, None),
        (SLUG, "not a handle", InvalidInput, "handle"),
        (SLUG, "banned_ben", InvalidInput, "handle"),
    ],
)
async def test_naming_a_curator_needs_a_collection_and_an_account_in_good_standing(
    people, slug, handle, refusal, field
):
    chief, _, collection = await curated(people)
    await people.make("banned_ben", state=AccountState.BANNED)
    with pytest.raises(refusal) as refused:
        await cases.add_curator(await people.context(chief), slug, handle)
    if field:
        assert refused.value.field == field
    assert await CollectionCurator.filter(collection_id=collection.id).count() == 1


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("anonymous", NotAuthenticated),
        ("member", Forbidden),
        ("curator", Forbidden),
        ("moderator", Forbidden),
        ("silenced admin", AccountSuspended),
    ],
)
async def test_only_admins_name_or_remove_curators(people, who, refusal):
    chief, lin, collection = await curated(people)
    users = {
        "anonymous": None,
        "member": await people.make("ben"),
        "curator": lin,
        "moderator": await people.make("mia", MODERATOR),
        "silenced admin": await people.make("ada", ADMIN, AccountState.SILENCED, until_days=3),
    }
    ctx = await people.context(users[who])
    await people.make("kai")
    with pytest.raises(refusal):
        await cases.add_curator(ctx, SLUG, "kai")
    with pytest.raises(refusal):
        await cases.remove_curator(ctx, SLUG, "lin")
    assert await CollectionCurator.filter(collection_id=collection.id).values_list(
        "user_id", flat=True
    ) == [lin.id]


# --- curating ------------------------------------------------------------------------------


async def test_a_curator_adds_public_works_last_with_a_note(people):
    chief, lin, collection = await curated(people)
    ann = await people.make("ann")
    post, episode = await make_post(ann), await make_episode(ann)
    first = await add(people, lin, post, "  The first charging trip  ")
    second = await add(people, chief, episode)  # admins curate every collection
    assert (first.row.position, first.row.note, first.row.added_by_id) == (
        0,
        "The first charging trip",
        lin.id,
    )
    assert (second.row.position, second.row.episode_id, second.row.post_id) == (1, episode.id, None)
    page = await cases.list_items(await people.context(None), collection, 10, None)
    assert [(type(p.work).__name__, p.work.id, p.row.note) for _, p in page.edges] == [
        ("Post", post.id, "The first charging trip"),
        ("RadioEpisode", episode.id, ""),
    ]
    assert await count(people, collection) == 2
    # Opened, a curator named, two works added.
    assert len(await outbox(SearchEntity.COLLECTION, collection.id)) == 4


async def test_a_work_goes_in_a_collection_once(people):
    _, lin, collection = await curated(people)
    post = await make_post(await people.make("ann"))
    await add(people, lin, post)
    with pytest.raises(Conflict):
        await add(people, lin, post, "again")
    assert await CollectionItem.filter(collection_id=collection.id).count() == 1


async def test_one_work_may_stand_in_several_collections(people):
    chief, lin, _ = await curated(people)
    other = await open_collection(people, chief, "road-book", title="Road book")
    await cases.add_curator(await people.context(chief), "road-book", "lin")
    post = await make_post(await people.make("ann"))
    await add(people, lin, post)
    await add(people, lin, post, slug="road-book")
    assert await listed(people, other) == [post.id]


async def test_a_full_collection_takes_no_more(people, monkeypatch):
    monkeypatch.setattr(cases, "MAX_ITEMS", 2)
    _, lin, collection = await curated(people)
    ann = await people.make("ann")
    for i in range(2):
        await add(people, lin, await make_post(ann, f"post {i}"))
    with pytest.raises(Conflict):
        await add(people, lin, await make_post(ann, "one too many"))
    assert await CollectionItem.filter(collection_id=collection.id).count() == 2


async def test_the_note_is_checked(people):
    _, lin, collection = await curated(people)
    post = await make_post(await people.make("ann"))
    with pytest.raises(InvalidInput) as refused:
        await add(people, lin, post, "x" * 501)
    assert refused.value.field == "note"
    assert await CollectionItem.all().count() == 0


CURATOR_REFUSALS = [
    ("anonymous", NotAuthenticated),
    ("member", Forbidden),
    ("curator of another collection", Forbidden),
    ("removed curator", Forbidden),
    ("banned curator", AccountSuspended),
    ("suspended curator", AccountSuspended),
    ("silenced curator", AccountSuspended),
    ("moderator", Forbidden),
    ("silenced admin", AccountSuspended),
]


async def refused_curator(people, chief, who):
    """An account that must not change the collection SLUG, as `who` describes it."""
    admin = await people.context(chief)
    if who == "anonymous":
        return None
    if who == "member":
        return await people.make("ben")
    if who == "moderator":
        return await people.make("mia", MODERATOR)
    if who == "silenced admin":
        return await people.make("ada", ADMIN, AccountState.SILENCED, until_days=3)
    if who == "curator of another collection":
        kai = await people.make("kai")
        await open_collection(people, chief, "road-book", title="Road book")
        await cases.add_curator(admin, "road-book", "kai")
        return kai
    kai = await people.make("kai")
    await cases.add_curator(admin, SLUG, "kai")
    if who == "removed curator":
        await cases.remove_curator(admin, SLUG, "kai")
        return kai
    state = {
        "banned curator": AccountState.BANNED,
        "suspended curator": AccountState.SUSPENDED,
        "silenced curator": AccountState.SILENCED,
    }[who]
    # Sanctioned after they were named: the sanction takes their powers.
    await type(kai).filter(id=kai.id).update(state=state)
    return kai


@pytest.mark.parametrize(("who", "refusal"), CURATOR_REFUSALS)
async def test_who_may_not_add_to_a_collection(people, who, refusal):
    chief, lin, collection = await curated(people)
    intruder = await refused_curator(people, chief, who)
    post = await make_post(await people.make("ann"))
    with pytest.raises(refusal):
        await add(people, intruder, post)
    assert await CollectionItem.all().count() == 0


@pytest.mark.parametrize(("who", "refusal"), CURATOR_REFUSALS)
async def test_who_may_not_remove_or_move_works(people, who, refusal):
    chief, lin, collection = await curated(people)
    ann = await people.make("ann")
    first, second = await make_post(ann, "one"), await make_post(ann, "two")
    await add(people, lin, first)
    await add(people, lin, second)
    intruder = await refused_curator(people, chief, who)
    ctx = await people.context(intruder)
    with pytest.raises(refusal):
        await cases.remove_from_collection(ctx, SLUG, WorkRef(post_id=first.id))
    with pytest.raises(refusal):
        await cases.move_in_collection(ctx, SLUG, WorkRef(post_id=second.id), 0)
    assert await listed(people, collection) == [first.id, second.id]


async def test_a_curator_removed_meanwhile_changes_nothing(people, monkeypatch):
    """The rights are checked again inside the write, under the collection's lock."""
    chief, lin, collection = await curated(people)
    post = await make_post(await people.make("ann"))
    ctx = await people.context(lin)
    checked = cases._curator

    async def then_removed(ctx_, slug):
        found = await checked(ctx_, slug)
        await cases.remove_curator(await people.context(chief), SLUG, "lin")
        return found

    monkeypatch.setattr(cases, "_curator", then_removed)
    with pytest.raises(Forbidden):
        await cases.add_to_collection(ctx, SLUG, WorkRef(post_id=post.id))
    assert await CollectionItem.all().count() == 0


async def test_a_curators_rights_come_back_when_the_suspension_ends(people):
    chief, lin, collection = await curated(people)
    post = await make_post(await people.make("ann"))
    await type(lin).filter(id=lin.id).update(state=AccountState.SUSPENDED)
    with pytest.raises(AccountSuspended):
        await add(people, lin, post)
    await type(lin).filter(id=lin.id).update(state=AccountState.ACTIVE)
    await add(people, lin, post)
    assert await listed(people, collection) == [post.id]


# --- only public works go in -----------------------------------------------------------------


async def not_public_work(people, kind, curator):
    ann = await people.make("ann")
    if kind == "draft of another":
        return await make_post(ann, state=PostState.DRAFT, published_at=None)
    if kind == "held post of another":
        return await make_post(ann, state=PostState.HELD, published_at=None)
    if kind == "hidden post":
        return await make_post(ann, state=PostState.HIDDEN)
    if kind == "removed post":
        return await make_post(ann, state=PostState.REMOVED)
    if kind == "members-only post, not a member":
        group = await make_group("inner-circle", ann, visibility=GroupVisibility.MEMBERS_ONLY)
        return await make_post(ann, group=group)
    if kind == "members-only post, a member":
        group = await make_group(
            "inner-circle", ann, curator, visibility=GroupVisibility.MEMBERS_ONLY
        )
        return await make_post(ann, group=group)
    if kind == "own draft":
        return await make_post(curator, state=PostState.DRAFT, published_at=None)
    if kind == "draft episode of another":
        return await make_episode(ann, state=EpisodeState.DRAFT, published_at=None)
    if kind == "submitted episode of another":
        return await make_episode(ann, state=EpisodeState.SUBMITTED, published_at=None)
    if kind == "hidden episode":
        return await make_episode(ann, state=EpisodeState.HIDDEN)
    assert kind == "own draft episode"
    return await make_episode(curator, state=EpisodeState.DRAFT, published_at=None)


@pytest.mark.parametrize(
    ("kind", "curator_sees", "admin_sees"),
    [
        ("draft of another", False, False),
        ("held post of another", False, True),
        ("hidden post", False, True),
        ("removed post", False, True),
        ("members-only post, not a member", False, False),
        ("members-only post, a member", True, False),
        ("own draft", True, False),
        ("draft episode of another", False, False),
        ("submitted episode of another", False, True),
        ("hidden episode", False, True),
        ("own draft episode", True, False),
    ],
)
async def test_only_public_works_go_in_and_others_read_as_missing(
    people, kind, curator_sees, admin_sees
):
    """What the curator cannot see is missing (NotFound); what they can see but is not public
    is a Conflict."""
    chief, lin, collection = await curated(people)
    work = await not_public_work(people, kind, lin)
    with pytest.raises(Conflict if curator_sees else NotFound):
        await add(people, lin, work)
    with pytest.raises(Conflict if admin_sees else NotFound):
        await add(people, chief, work)
    assert await CollectionItem.all().count() == 0


async def test_a_missing_work_is_not_found(people):
    _, lin, _ = await curated(people)
    for ref in (WorkRef(post_id=424242), WorkRef(episode_id=424242)):
        with pytest.raises(NotFound):
            await cases.add_to_collection(await people.context(lin), SLUG, ref)


async def test_an_unknown_collection_is_not_found(people):
    _, lin, _ = await curated(people)
    post = await make_post(await people.make("ann"))
    with pytest.raises(NotFound):
        await add(people, lin, post, slug="no-such-book")


# --- hidden works drop out, and come back ----------------------------------------------------


async def test_a_hidden_work_drops_out_of_the_listing_and_count_and_comes_back(people):
    _, lin, collection = await curated(people)
    ann = await people.make("ann")
    post, episode, last = await make_post(ann), await make_episode(ann), await make_post(ann)
    for work in (post, episode, last):
        await add(people, lin, work)
    await Post.filter(id=post.id).update(state=PostState.HIDDEN)
    await type(episode).filter(id=episode.id).update(state=EpisodeState.HIDDEN)
    for viewer in (None, lin):
        assert await listed(people, collection, viewer) == [last.id]
        assert await count(people, collection, viewer) == 1
    assert await CollectionItem.filter(collection_id=collection.id).count() == 3  # rows stay
    await Post.filter(id=post.id).update(state=PostState.PUBLISHED)
    await type(episode).filter(id=episode.id).update(state=EpisodeState.PUBLISHED)
    assert await listed(people, collection) == [post.id, episode.id, last.id]
    assert await count(people, collection) == 3


async def test_a_post_whose_group_turns_members_only_drops_out_even_for_members(people):
    _, lin, collection = await curated(people)
    ann = await people.make("ann")
    group = await make_group("road-trips", ann, lin)
    post = await make_post(ann, group=group)
    await add(people, lin, post)
    await Group.filter(id=group.id).update(visibility=GroupVisibility.MEMBERS_ONLY)
    assert await listed(people, collection, lin) == []
    assert await count(people, collection, lin) == 0
    await Group.filter(id=group.id).update(visibility=GroupVisibility.PUBLIC)
    assert await listed(people, collection) == [post.id]


async def test_a_deleted_work_leaves_the_collection(people):
    _, lin, collection = await curated(people)
    post = await make_post(await people.make("ann"))
    await add(people, lin, post)
    await post.delete()
    assert await listed(people, collection) == []
    assert await CollectionItem.all().count() == 0


async def test_items_page_by_position_and_id(people):
    _, lin, collection = await curated(people)
    ann = await people.make("ann")
    works = [await make_post(ann, f"post {i}") for i in range(5)]
    for work in works:
        await add(people, lin, work)
    ctx = await people.context(None)
    first = await cases.list_items(ctx, collection, 2, None)
    second = await cases.list_items(ctx, collection, 10, first.end_cursor)
    assert first.has_next_page and not second.has_next_page
    assert [p.work.id for _, p in first.edges + second.edges] == [w.id for w in works]
    with pytest.raises(InvalidInput):
        await cases.list_items(ctx, collection, 2, "not-a-cursor")


# --- removing and moving ---------------------------------------------------------------------


async def test_a_curator_removes_a_work_even_one_hidden_since(people):
    _, lin, collection = await curated(people)
    ann = await people.make("ann")
    post, other = await make_post(ann), await make_post(ann)
    await add(people, lin, post)
    await add(people, lin, other)
    await Post.filter(id=post.id).update(state=PostState.HIDDEN)
    await cases.remove_from_collection(await people.context(lin), SLUG, WorkRef(post_id=post.id))
    assert await CollectionItem.filter(collection_id=collection.id).count() == 1
    with pytest.raises(NotFound):
        await cases.remove_from_collection(
            await people.context(lin), SLUG, WorkRef(post_id=post.id)
        )
    assert await Post.filter(id=post.id).exists()  # the work itself stays


async def test_moving_a_work_renumbers_the_collection_in_its_new_order(people):
    _, lin, collection = await curated(people)
    ann = await people.make("ann")
    a, b, c, d = [await make_post(ann, name) for name in "abcd"]
    for work in (a, b, c, d):
        await add(people, lin, work, f"note {work.body}")
    await cases.remove_from_collection(await people.context(lin), SLUG, WorkRef(post_id=b.id))
    ctx = await people.context(lin)
    await cases.move_in_collection(ctx, SLUG, WorkRef(post_id=d.id), 0)
    assert await listed(people, collection) == [d.id, a.id, c.id]
    assert await positions(collection) == [0, 1, 2]
    await cases.move_in_collection(ctx, SLUG, WorkRef(post_id=d.id), 99)  # past the end: last
    assert await listed(people, collection) == [a.id, c.id, d.id]
    await cases.move_in_collection(ctx, SLUG, WorkRef(post_id=a.id), 1)
    assert await listed(people, collection) == [c.id, a.id, d.id]
    notes = await CollectionItem.filter(collection_id=collection.id).order_by("position")
    assert [n.note for n in notes] == ["note c", "note a", "note d"]  # only positions change


async def test_positions_count_among_the_listed_works_and_hidden_ones_keep_their_place(people):
    _, lin, collection = await curated(people)
    ann = await people.make("ann")
    a, hidden, b, c = [await make_post(ann, name) for name in ("a", "hidden", "b", "c")]
    for work in (a, hidden, b, c):
        await add(people, lin, work)
    await Post.filter(id=hidden.id).update(state=PostState.HIDDEN)
    await cases.move_in_collection(await people.context(lin), SLUG, WorkRef(post_id=c.id), 1)
    assert await listed(people, collection) == [a.id, c.id, b.id]
    await Post.filter(id=hidden.id).update(state=PostState.PUBLISHED)
    assert await listed(people, collection) == [a.id, hidden.id, c.id, b.id]


async def test_a_move_needs_a_position_from_0_and_a_work_in_the_collection(people):
    _, lin, collection = await curated(people)
    post = await make_post(await people.make("ann"))
    ctx = await people.context(lin)
    with pytest.raises(InvalidInput) as refused:
        await cases.move_in_collection(ctx, SLUG, WorkRef(post_id=post.id), -1)
    assert refused.value.field == "position"
    with pytest.raises(NotFound):
        await cases.move_in_collection(ctx, SLUG, WorkRef(post_id=post.id), 0)


async def test_concurrent_moves_never_share_a_position(people):
    chief, lin, collection = await curated(people)
    ann = await people.make("ann")
    works = [await make_post(ann, f"post {i}") for i in range(6)]
    for work in works:
        await add(people, lin, work)
    moves = [
        cases.move_in_collection(
            await people.context(lin if i % 2 else chief), SLUG, WorkRef(post_id=work.id), i % 3
        )
        for i, work in enumerate(reversed(works))
    ]
    await asyncio.gather(*moves)
    assert await positions(collection) == list(range(6))
    assert sorted(await listed(people, collection)) == sorted(w.id for w in works)
