"""Collections and featured works through GraphQL: the flows, the typed results, the refusals
as top-level errors, `node(id:)`, and pages that cost the same SQL whatever their size."""

from __future__ import annotations

from typing import Any

import pytest

from schema.relay import encode_id
from server.models import (
    AccountState,
    Collection,
    CollectionItem,
    FeaturedWork,
    Notification,
    NotificationKind,
    PlatformRole,
    Post,
    PostState,
    User,
)
from tests.helpers import make_post, make_role
from tests.resolvers.work_helpers import credit, make_episode

WORK = """__typename ... on Post { id body } ... on RadioEpisode { id title }"""
COLLECTION = f"""id slug title description coverUrl itemCount curators {{ handle }}
  items(first: $first, after: $after) {{
    edges {{ cursor note addedAt node {{ {WORK} }} }}
    pageInfo {{ hasNextPage endCursor }} }}"""
READ = f"""query($slug: String!, $first: Int, $after: String) {{
  collection(slug: $slug) {{ {COLLECTION} }} }}"""


def mutation(name: str, success: str) -> str:
    stem = name[0].upper() + name[1:]
    return f"""mutation($input: {stem}Input!) {{ {name}(input: $input) {{
      __typename ... on {stem}Success {{ {success} }}
      ... on ValidationError {{ field }} ... on Error {{ message code }} }} }}"""


CREATE = mutation("createCollection", "collection { id slug title coverUrl }")
UPDATE = mutation("updateCollection", "collection { title description coverUrl }")
ADD_CURATOR = mutation("addCollectionCurator", "collection { slug } curator { handle }")
REMOVE_CURATOR = mutation("removeCollectionCurator", "formerCurator { handle }")
ADD = mutation("addToCollection", f"collection {{ itemCount }} work {{ {WORK} }}")
REMOVE = mutation("removeFromCollection", "removedWorkId collection { itemCount }")
MOVE = mutation(
    "moveInCollection", "collection { items { edges { node { ... on Post { id } } } } }"
)
FEATURE = mutation("featureWork", f"featuredAt work {{ {WORK} }}")
UNFEATURE = mutation("unfeatureWork", "unfeaturedWorkId")
FEED = f"""query($first: Int, $after: String) {{ featuredFeed(first: $first, after: $after) {{
  edges {{ cursor note featuredAt node {{ {WORK} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""


async def call(api, query: str, name: str, token: str | None, **fields: Any) -> dict[str, Any]:
    return (await api.data(query, {"input": fields}, token=token))[name]


async def refusal(api, query: str, name: str, token: str | None, **fields: Any) -> str:
    body = await api.query(query, {"input": fields}, token=token)
    assert body["data"] is None or body["data"][name] is None, body
    return body["errors"][0]["extensions"]["code"]


async def staff(api, handle: str, role: PlatformRole) -> str:
    token = await api.register(handle)
    await make_role(handle, role)
    return token


async def book(api) -> tuple[str, str]:
    """An admin's token (chief) and a curator's (lin) of the collection nio-book."""
    chief = await staff(api, "chief", PlatformRole.ADMIN)
    lin = await api.register("lin")
    created = await call(api, CREATE, "createCollection", chief, slug="nio-book", title="NIO Book")
    assert created["__typename"] == "CreateCollectionSuccess", created
    named = await call(
        api, ADD_CURATOR, "addCollectionCurator", chief, collectionSlug="nio-book", handle="lin"
    )
    assert named == {
        "__typename": "AddCollectionCuratorSuccess",
        "collection": {"slug": "nio-book"},
        "curator": {"handle": "lin"},
    }
    return chief, lin


async def author() -> User:
    return await User.create(handle="ann", display_name="Ann")


async def read(api, slug: str = "nio-book", **variables: Any) -> dict[str, Any]:
    return (await api.data(READ, {"slug": slug, **variables}))["collection"]


def works(collection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in collection["items"]["edges"]]


async def test_a_curator_gathers_works_in_order_and_anyone_reads_them(api):
    chief, lin = await book(api)
    ann = await author()
    post, episode = await make_post(ann, "a trip"), await make_episode(ann, "on air")
    post_id, episode_id = encode_id("Post", post.id), encode_id("RadioEpisode", episode.id)
    added = await call(
        api, ADD, "addToCollection", lin, collectionSlug="nio-book", workId=post_id, note="Yes!"
    )
    assert added["__typename"] == "AddToCollectionSuccess", added
    assert added["work"] == {"__typename": "Post", "id": post_id, "body": "a trip"}
    assert added["collection"]["itemCount"] == 1
    await call(api, ADD, "addToCollection", chief, collectionSlug="nio-book", workId=episode_id)
    collection = await read(api)
    assert collection["curators"] == [{"handle": "lin"}]
    assert collection["itemCount"] == 2
    assert [(e["node"]["__typename"], e["note"]) for e in collection["items"]["edges"]] == [
        ("Post", "Yes!"),
        ("RadioEpisode", ""),
    ]
    moved = await call(
        api, MOVE, "moveInCollection", lin, collectionSlug="nio-book", workId=episode_id, position=0
    )
    assert moved["__typename"] == "MoveInCollectionSuccess", moved
    assert works(await read(api)) == [episode_id, post_id]
    page = await read(api, first=1)
    assert works(page) == [episode_id] and page["items"]["pageInfo"]["hasNextPage"]
    rest = await read(api, first=1, after=page["items"]["pageInfo"]["endCursor"])
    assert works(rest) == [post_id] and not rest["items"]["pageInfo"]["hasNextPage"]
    removed = await call(
        api, REMOVE, "removeFromCollection", lin, collectionSlug="nio-book", workId=episode_id
    )
    assert removed == {
        "__typename": "RemoveFromCollectionSuccess",
        "removedWorkId": episode_id,
        "collection": {"itemCount": 1},
    }


async def test_collections_are_listed_and_reached_by_node(api):
    chief, _ = await book(api)
    await call(api, CREATE, "createCollection", chief, slug="road-book", title="Road book")
    listed = await api.data("{ collections(first: 10) { edges { node { id slug } } } }")
    nodes = [edge["node"] for edge in listed["collections"]["edges"]]
    assert [n["slug"] for n in nodes] == ["road-book", "nio-book"]
    by_node = await api.data(
        "query($id: ID!) { node(id: $id) { __typename ... on Collection { slug itemCount } } }",
        {"id": nodes[1]["id"]},
    )
    assert by_node["node"] == {"__typename": "Collection", "slug": "nio-book", "itemCount": 0}
    assert (await api.data('{ collection(slug: "No Such!") { id } }'))["collection"] is None


async def test_admins_describe_collections_and_name_curators(api):
    chief, _ = await book(api)
    await api.register("ben")
    updated = await call(
        api,
        UPDATE,
        "updateCollection",
        chief,
        slug="nio-book",
        description="The best of 2026",
        coverUrl="https://img.example.com/book.jpg",
    )
    assert updated["collection"] == {
        "title": "NIO Book",
        "description": "The best of 2026",
        "coverUrl": "https://img.example.com/book.jpg",
    }
    again = await call(
        api, ADD_CURATOR, "addCollectionCurator", chief, collectionSlug="nio-book", handle="lin"
    )
    assert again["__typename"] == "ConflictError"
    removed = await call(
        api,
        REMOVE_CURATOR,
        "removeCollectionCurator",
        chief,
        collectionSlug="nio-book",
        handle="lin",
    )
    assert removed["formerCurator"] == {"handle": "lin"}
    missing = await call(
        api,
        REMOVE_CURATOR,
        "removeCollectionCurator",
        chief,
        collectionSlug="nio-book",
        handle="ben",
    )
    assert missing["__typename"] == "NotFoundError"
    assert (await read(api))["curators"] == []


@pytest.mark.parametrize(
    ("fields", "typename", "field"),
    [
        ({"slug": "Bad Slug!"}, "ValidationError", "slug"),
        ({"coverUrl": "http://10.0.0.1/cover.jpg"}, "ValidationError", "coverUrl"),
        ({"slug": "nio-book"}, "ConflictError", None),
    ],
)
async def test_create_collection_answers_with_typed_errors(api, fields, typename, field):
    chief, _ = await book(api)
    values = {"slug": "road-book", "title": "Road book"} | fields
    result = await call(api, CREATE, "createCollection", chief, **values)
    assert result["__typename"] == typename
    assert result.get("field") == field


async def test_adding_a_work_answers_with_typed_errors(api):
    chief, lin = await book(api)
    ann = await author()
    lin_user = await User.get(handle="lin")
    cases = {
        "not an id": ("NotFoundError", None),
        encode_id("User", ann.id): ("ValidationError", "workId"),
        encode_id("Post", 424242): ("NotFoundError", None),
        encode_id("Post", (await make_post(ann, state=PostState.DRAFT)).id): (
            "NotFoundError",
            None,
        ),
        encode_id("Post", (await make_post(lin_user, state=PostState.DRAFT)).id): (
            "ConflictError",
            None,
        ),
    }
    for work_id, (typename, field) in cases.items():
        result = await call(
            api, ADD, "addToCollection", lin, collectionSlug="nio-book", workId=work_id
        )
        assert (result["__typename"], result.get("field")) == (typename, field), work_id
    post_id = encode_id("Post", (await make_post(ann)).id)
    unknown = await call(api, ADD, "addToCollection", lin, collectionSlug="no-book", workId=post_id)
    assert unknown["__typename"] == "NotFoundError"
    await call(api, ADD, "addToCollection", lin, collectionSlug="nio-book", workId=post_id)
    twice = await call(api, ADD, "addToCollection", lin, collectionSlug="nio-book", workId=post_id)
    assert twice["__typename"] == "ConflictError"
    other = encode_id("Post", (await make_post(ann)).id)
    long_note = await call(
        api, ADD, "addToCollection", chief, collectionSlug="nio-book", workId=other, note="x" * 501
    )
    assert (long_note["__typename"], long_note["field"]) == ("ValidationError", "note")
    bad_move = await call(
        api, MOVE, "moveInCollection", lin, collectionSlug="nio-book", workId=post_id, position=-1
    )
    assert (bad_move["__typename"], bad_move["field"]) == ("ValidationError", "position")
    assert await CollectionItem.all().count() == 1


async def test_refusals_are_top_level_errors(api):
    chief, lin = await book(api)
    ben = await api.register("ben")
    mia = await staff(api, "mia", PlatformRole.MODERATOR)
    post_id = encode_id("Post", (await make_post(await author())).id)
    add = {"collectionSlug": "nio-book", "workId": post_id}
    assert await refusal(api, ADD, "addToCollection", None, **add) == "UNAUTHENTICATED"
    assert await refusal(api, ADD, "addToCollection", ben, **add) == "FORBIDDEN"
    assert await refusal(api, ADD, "addToCollection", mia, **add) == "FORBIDDEN"
    create = {"slug": "road-book", "title": "Road book"}
    for token in (ben, lin, mia):
        assert await refusal(api, CREATE, "createCollection", token, **create) == "FORBIDDEN"
    curator = {"collectionSlug": "nio-book", "handle": "ben"}
    assert await refusal(api, ADD_CURATOR, "addCollectionCurator", lin, **curator) == "FORBIDDEN"
    await User.filter(handle="lin").update(state=AccountState.SUSPENDED)
    body = await api.query(ADD, {"input": add}, token=lin)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["extensions"]["reason"] == "ACCOUNT_SUSPENDED"
    work = {"workId": post_id}
    assert await refusal(api, FEATURE, "featureWork", None, **work) == "UNAUTHENTICATED"
    for token in (ben, lin):
        assert await refusal(api, FEATURE, "featureWork", token, **work) == "FORBIDDEN"
        assert await refusal(api, UNFEATURE, "unfeatureWork", token, **work) == "FORBIDDEN"
    assert await CollectionItem.all().count() == 0
    assert await FeaturedWork.all().count() == 0


async def test_a_hidden_work_drops_out_of_the_listing_and_the_featured_feed(api):
    chief, lin = await book(api)
    mia = await staff(api, "mia", PlatformRole.MODERATOR)
    post = await make_post(await author())
    post_id = encode_id("Post", post.id)
    await call(api, ADD, "addToCollection", lin, collectionSlug="nio-book", workId=post_id)
    await call(api, FEATURE, "featureWork", mia, workId=post_id)
    await Post.filter(id=post.id).update(state=PostState.HIDDEN)
    collection = await read(api)
    assert (works(collection), collection["itemCount"]) == ([], 0)
    assert (await api.data(FEED, token=mia))["featuredFeed"]["edges"] == []
    await Post.filter(id=post.id).update(state=PostState.PUBLISHED)
    assert works(await read(api)) == [post_id]
    assert [e["node"]["id"] for e in (await api.data(FEED))["featuredFeed"]["edges"]] == [post_id]


async def test_staff_feature_works_and_the_makers_are_told(api):
    mia = await staff(api, "mia", PlatformRole.MODERATOR)
    ann = await author()
    lin = await User.create(handle="lin", display_name="Lin")
    episode = await make_episode(ann, "on air")
    await credit(lin, episode_id=episode.id, role="HOST")
    episode_id = encode_id("RadioEpisode", episode.id)
    featured = await call(api, FEATURE, "featureWork", mia, workId=episode_id, note="Listen!")
    assert featured["__typename"] == "FeatureWorkSuccess", featured
    assert featured["work"] == {"__typename": "RadioEpisode", "id": episode_id, "title": "on air"}
    again = await call(api, FEATURE, "featureWork", mia, workId=episode_id)
    assert again["__typename"] == "ConflictError"
    feed = (await api.data(FEED))["featuredFeed"]["edges"]
    assert [(e["node"]["id"], e["note"]) for e in feed] == [(episode_id, "Listen!")]
    told = await Notification.filter(kind=NotificationKind.WORK_FEATURED).values_list(
        "recipient_id", "episode_id"
    )
    assert sorted(told) == sorted([(ann.id, episode.id), (lin.id, episode.id)])
    unfeatured = await call(api, UNFEATURE, "unfeatureWork", mia, workId=episode_id)
    assert unfeatured == {"__typename": "UnfeatureWorkSuccess", "unfeaturedWorkId": episode_id}
    gone = await call(api, UNFEATURE, "unfeatureWork", mia, workId=episode_id)
    assert gone["__typename"] == "NotFoundError"
    wrong = await call(api, FEATURE, "featureWork", mia, workId=encode_id("Group", 1))
    assert (wrong["__typename"], wrong["field"]) == ("ValidationError", "workId")


# --- pages cost the same SQL whatever their size ---------------------------------------------

NESTED_WORK = """__typename
  ... on Post { id body author { handle } group { slug } }
  ... on RadioEpisode { id title author { handle } station { name } }"""
ITEMS_PAGE = f"""query($first: Int) {{ collection(slug: "nio-book") {{ itemCount curators {{ handle }}
  items(first: $first) {{ edges {{ note node {{ {NESTED_WORK} }} }} }} }} }}"""
FEED_PAGE = f"""query($first: Int) {{ featuredFeed(first: $first) {{
  edges {{ note node {{ {NESTED_WORK} }} }} }} }}"""
COLLECTIONS_PAGE = """query($first: Int) { collections(first: $first) {
  edges { node { slug itemCount curators { handle } } } } }"""


async def seed_works(count: int) -> None:
    """`count` posts and `count` episodes by distinct authors, each collected in nio-book and
    featured, and `count` more collections with a curator and a work each."""
    chief = await User.get(handle="chief")
    collection = await Collection.get(slug="nio-book")
    for i in range(count):
        maker = await User.create(handle=f"maker{i:02d}", display_name=f"Maker {i}")
        post = await make_post(maker, f"post {i}")
        episode = await make_episode(maker, f"episode {i}")
        for position, work in enumerate((post, episode)):
            ref = {"post_id": post.id} if work is post else {"episode_id": episode.id}
            await CollectionItem.create(
                collection_id=collection.id, position=2 * i + position, added_by_id=chief.id, **ref
            )
            await FeaturedWork.create(featured_by_id=chief.id, **ref)


async def test_pages_issue_the_same_statements_for_5_and_20_works(api, sql_statements):
    chief, _ = await book(api)
    await seed_works(12)
    for i in range(22):
        slug = f"book-{i:02d}"
        await call(api, CREATE, "createCollection", chief, slug=slug, title=f"Book {i}")
        await call(
            api, ADD_CURATOR, "addCollectionCurator", chief, collectionSlug=slug, handle="lin"
        )
        work = encode_id("Post", (await Post.all().order_by("id").first()).id)
        await call(api, ADD, "addToCollection", chief, collectionSlug=slug, workId=work)
    for query, path in (
        (ITEMS_PAGE, ("collection", "items")),
        (FEED_PAGE, ("featuredFeed",)),
        (COLLECTIONS_PAGE, ("collections",)),
    ):
        counts = {}
        for first in (5, 20):
            sql_statements.statements.clear()
            data = await api.data(query, {"first": first}, token=chief)
            page = data
            for key in path:
                page = page[key]
            assert len(page["edges"]) == first
            counts[first] = len(sql_statements.statements)
        assert counts[5] == counts[20], (path, counts)
