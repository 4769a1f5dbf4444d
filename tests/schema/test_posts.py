"""Posts through GraphQL: writing, validation, visibility, editing, publishing, deleting."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from server.app import create_app
from server.db import Database
from server.models import AccountState, Post, PostRevision, PostState, User
from server.settings import Settings
from tests.conftest import Api, running
from tests.helpers import create_group, create_post, feed_ids, join_group, post_id

POST_BY_ID = "query($id: ID!) { post(id: $id) { id body state } node(id: $id) { id } }"


async def test_create_post_normalises_tags_and_shows_in_the_global_feed(api):
    token = await api.register("ann")
    result = await create_post(
        api,
        token,
        kind="ARTICLE",
        title=" 换电体验 ",
        body="第一次换电 in 3 minutes",
        tags=["#ES8", "es8", " 换电 "],
    )
    assert result["__typename"] == "CreatePostSuccess"
    assert result["post"]["title"] == "换电体验"
    assert result["post"]["tags"] == ["es8", "换电"]
    assert result["post"]["state"] == "PUBLISHED"
    assert await feed_ids(api) == [result["post"]["id"]]


@pytest.mark.parametrize(
    ("fields", "field", "message_part"),
    [
        ({"body": "   "}, "body", "cannot be empty"),
        ({"body": "x" * 5001}, "body", "too long"),
        ({"kind": "ARTICLE", "body": "x"}, "title", "title"),
        ({"title": "moments have none"}, "title", "no title"),
        ({"tags": [f"t{i}" for i in range(11)]}, "tags", "At most 10"),
        ({"tags": ["two words"]}, "tags", "without spaces"),
        ({"media": [{"url": "https://img.example.com/a.jpg"}] * 10}, "media", "At most 9"),
        ({"media": [{"url": "ftp://x/a.jpg"}]}, "media", "http"),
        ({"media": [{"url": "https://img.example.com/a.jpg", "width": 0}]}, "media", "Width"),
    ],
)
async def test_create_post_rejects_bad_input_and_stores_nothing(api, fields, field, message_part):
    token = await api.register("ann")
    result = await create_post(api, token, **fields)
    assert result["__typename"] == "ValidationError"
    assert result["field"] == field
    assert message_part in result["message"]
    assert await Post.all().count() == 0


async def test_create_post_in_an_unknown_group_is_not_found(api):
    token = await api.register("ann")
    result = await create_post(api, token, groupSlug="no-such-group")
    assert result["__typename"] == "NotFoundError"
    assert "no-such-group" in result["message"]
    assert await Post.all().count() == 0


async def test_posting_in_a_group_needs_membership(api):
    owner = await api.register("ann")
    other = await api.register("ben")
    await create_group(api, owner, "road-trips")
    body = await api.query(
        'mutation { createPost(input: {kind: MOMENT, body: "hi", groupSlug: "road-trips"}) { __typename } }',
        token=other,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await join_group(api, other, "road-trips")
    result = await create_post(api, other, groupSlug="road-trips")
    assert result["post"]["group"] == {"slug": "road-trips"}


async def test_drafts_are_seen_by_their_author_alone(api):
    ann = await api.register("ann")
    ben = await api.register("ben")
    draft = await post_id(api, ann, publish=False)
    assert (await api.data(POST_BY_ID, {"id": draft}, token=ann))["post"]["state"] == "DRAFT"
    for token in (ben, None):
        data = await api.data(POST_BY_ID, {"id": draft}, token=token)
        assert data == {"post": None, "node": None}
    assert await feed_ids(api, token=ann) == []
    drafts = await api.data("{ viewer { drafts { edges { node { id } } } } }", token=ann)
    assert [e["node"]["id"] for e in drafts["viewer"]["drafts"]["edges"]] == [draft]
    others = await api.data(
        '{ user(handle: "ann") { drafts { edges { node { id } } } posts { edges { node { id } } } } }',
        token=ben,
    )
    assert others["user"] == {"drafts": None, "posts": {"edges": []}}


@pytest.mark.parametrize("state", [PostState.HIDDEN, PostState.REMOVED])
async def test_hidden_and_removed_posts_never_reach_other_users(api, state):
    ann = await api.register("ann")
    ben = await api.register("ben")
    await api.data('mutation { followUser(input: {handle: "ann"}) { __typename } }', token=ben)
    pid = await post_id(api, ann)
    await Post.all().update(state=state)
    for token in (ann, ben, None):
        assert await api.data(POST_BY_ID, {"id": pid}, token=token) == {"post": None, "node": None}
        assert await feed_ids(api, token=token) == []
    assert await feed_ids(api, "homeFeed", token=ben) == []
    data = await api.data('{ user(handle: "ann") { posts { edges { node { id } } } } }', token=ben)
    assert data["user"]["posts"]["edges"] == []


async def test_members_only_group_posts_are_seen_by_members_alone(api):
    ann = await api.register("ann")
    ben = await api.register("ben")
    await api.register("cat")
    cat = await api.register("dan")
    await create_group(api, ann, "secret-club", visibility="MEMBERS_ONLY")
    await join_group(api, ben, "secret-club")
    pid = await post_id(api, ann, groupSlug="secret-club", body="members only")
    await api.data('mutation { followUser(input: {handle: "ann"}) { __typename } }', token=cat)
    for token in (ann, ben):
        assert await feed_ids(api, token=token) == [pid]
        assert await feed_ids(api, "homeFeed", token=token) == [pid]
        assert (await api.data(POST_BY_ID, {"id": pid}, token=token))["post"]["id"] == pid
    for token in (cat, None):
        assert await feed_ids(api, token=token) == []
        assert await api.data(POST_BY_ID, {"id": pid}, token=token) == {"post": None, "node": None}
        feed = await api.data(
            '{ groupFeed(slug: "secret-club") { edges { node { id } } } }', token=token
        )
        assert feed["groupFeed"]["edges"] == []
        posts = await api.data(
            '{ user(handle: "ann") { posts { edges { node { id } } } } }', token=token
        )
        assert posts["user"]["posts"]["edges"] == []
    assert await feed_ids(api, "homeFeed", token=cat) == []


async def test_home_feed_has_followed_users_joined_groups_and_own_posts(api):
    me = await api.register("myself")
    friend = await api.register("friend")
    stranger = await api.register("stranger")
    await create_group(api, stranger, "camping")
    await join_group(api, me, "camping")
    await api.data('mutation { followUser(input: {handle: "friend"}) { __typename } }', token=me)
    mine = await post_id(api, me, body="mine")
    friends = await post_id(api, friend, body="friend's")
    in_group = await post_id(api, stranger, body="group", groupSlug="camping")
    await post_id(api, stranger, body="not for me")
    assert await feed_ids(api, "homeFeed", token=me) == [in_group, friends, mine]
    body = await api.query("{ homeFeed { edges { cursor } } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_feed_pages_are_stable_while_new_posts_arrive(api):
    token = await api.register("ann")
    ids = [await post_id(api, token, body=f"post {i}") for i in range(5)]
    query = "query($after: String) { globalFeed(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"
    first = (await api.data(query))["globalFeed"]
    assert [e["node"]["id"] for e in first["edges"]] == ids[::-1][:2]
    await post_id(api, token, body="newer")
    second = (await api.data(query, {"after": first["pageInfo"]["endCursor"]}))["globalFeed"]
    assert [e["node"]["id"] for e in second["edges"]] == ids[::-1][2:4]
    third = (await api.data(query, {"after": second["pageInfo"]["endCursor"]}))["globalFeed"]
    assert [e["node"]["id"] for e in third["edges"]] == ids[:1]
    assert third["pageInfo"]["hasNextPage"] is False


async def test_page_size_is_capped_and_cursors_are_checked(api):
    body = await api.query("{ globalFeed(first: 101) { edges { cursor } } }")
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert "between 0 and 100" in body["errors"][0]["message"]
    body = await api.query('{ globalFeed(after: "garbage") { edges { cursor } } }')
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


UPDATE = """mutation($input: UpdatePostInput!) { updatePost(input: $input) {
  __typename ... on UpdatePostSuccess { post { body tags editedAt revisions { body tags } } }
  ... on Error { code message } } }"""


async def test_each_edit_keeps_a_revision_for_the_author(api):
    ann = await api.register("ann")
    ben = await api.register("ben")
    pid = await post_id(api, ann, body="v1", tags=["a"])
    await api.data(UPDATE, {"input": {"postId": pid, "body": "v2"}}, token=ann)
    data = await api.data(
        UPDATE, {"input": {"postId": pid, "body": "v3", "tags": ["b"]}}, token=ann
    )
    post = data["updatePost"]["post"]
    assert post["body"] == "v3" and post["tags"] == ["b"] and post["editedAt"]
    assert post["revisions"] == [{"body": "v2", "tags": ["a"]}, {"body": "v1", "tags": ["a"]}]
    others = await api.data(
        "query($id: ID!) { post(id: $id) { revisions { body } } }", {"id": pid}, token=ben
    )
    assert others["post"]["revisions"] is None


async def test_only_the_author_edits_and_bad_edits_change_nothing(api):
    ann = await api.register("ann")
    ben = await api.register("ben")
    pid = await post_id(api, ann, body="original")
    body = await api.query(UPDATE, {"input": {"postId": pid, "body": "hacked"}}, token=ben)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    data = await api.data(UPDATE, {"input": {"postId": pid, "body": ""}}, token=ann)
    assert data["updatePost"]["__typename"] == "ValidationError"
    data = await api.data(UPDATE, {"input": {"postId": "bm9wZTox", "body": "x"}}, token=ann)
    assert data["updatePost"]["__typename"] == "NotFoundError"
    assert (await Post.get()).body == "original"
    assert await PostRevision.all().count() == 0


async def test_publish_a_draft(api):
    ann = await api.register("ann")
    pid = await post_id(api, ann, publish=False)
    query = "mutation($id: ID!) { publishPost(input: {postId: $id}) { __typename ... on PublishPostSuccess { post { state publishedAt } } } }"
    data = await api.data(query, {"id": pid}, token=ann)
    assert data["publishPost"]["post"]["state"] == "PUBLISHED"
    assert await feed_ids(api) == [pid]
    again = await api.data(query, {"id": pid}, token=ann)
    assert again["publishPost"]["__typename"] == "ConflictError"


SCHEDULE = """mutation($input: SchedulePostInput!) { schedulePost(input: $input) {
  __typename ... on SchedulePostSuccess { post { state scheduledAt } } ... on Error { code message } } }"""


async def test_scheduled_post_publishes_itself_when_due(api, resources):
    from resolvers.scheduled import publish_due_posts

    ann = await api.register("ann")
    pid = await post_id(api, ann, publish=False)
    when = datetime.now(UTC) + timedelta(minutes=5)
    data = await api.data(
        SCHEDULE, {"input": {"postId": pid, "publishAt": when.isoformat()}}, token=ann
    )
    assert data["schedulePost"]["post"]["state"] == "DRAFT"
    assert await publish_due_posts(resources) == []
    assert await feed_ids(api) == []
    assert len(await publish_due_posts(resources, when + timedelta(seconds=1))) == 1
    assert await publish_due_posts(resources, when + timedelta(seconds=2)) == []
    assert await feed_ids(api) == [pid]


@pytest.mark.parametrize(
    "when", ["2020-01-01T00:00:00+00:00", "2099-01-01T00:00:00+00:00", "2030-01-01T00:00:00"]
)
async def test_schedule_refuses_past_far_or_zoneless_times(api, when):
    ann = await api.register("ann")
    pid = await post_id(api, ann, publish=False)
    data = await api.data(SCHEDULE, {"input": {"postId": pid, "publishAt": when}}, token=ann)
    assert data["schedulePost"]["__typename"] == "ValidationError"
    assert (await Post.get()).scheduled_at is None


async def test_delete_post_removes_it_for_everyone(api):
    ann = await api.register("ann")
    ben = await api.register("ben")
    pid = await post_id(api, ann)
    query = "mutation($id: ID!) { deletePost(input: {postId: $id}) { __typename ... on DeletePostSuccess { deletedPostId } } }"
    body = await api.query(query, {"id": pid}, token=ben)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    data = await api.data(query, {"id": pid}, token=ann)
    assert data["deletePost"] == {"__typename": "DeletePostSuccess", "deletedPostId": pid}
    assert await api.data(POST_BY_ID, {"id": pid}) == {"post": None, "node": None}


async def test_suspended_user_cannot_write_until_the_term_ends(api):
    ann = await api.register("ann")
    await User.filter(handle="ann").update(
        state=AccountState.SUSPENDED, suspended_until=datetime.now(UTC) + timedelta(days=1)
    )
    body = await api.query(
        'mutation { createPost(input: {kind: MOMENT, body: "x"}) { __typename } }', token=ann
    )
    error = body["errors"][0]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["reason"] == "ACCOUNT_SUSPENDED"
    assert "suspended" in error["message"]
    assert await Post.all().count() == 0
    viewer = await api.data("{ viewer { accountState suspendedUntil } }", token=ann)
    assert viewer["viewer"]["accountState"] == "SUSPENDED"
    await User.filter(handle="ann").update(suspended_until=datetime.now(UTC) - timedelta(seconds=1))
    assert (await create_post(api, ann))["__typename"] == "CreatePostSuccess"


async def test_writes_are_rate_limited_per_user_with_a_retry_time(
    settings: Settings, db: Database
) -> None:
    limited = replace(settings, rate_limits=(("post", 2, 60.0),))
    async with running(create_app(limited, database=db)) as client:
        api = Api(client)
        token = await api.register("eager")
        other = await api.register("calm")
        for _ in range(2):
            assert (await create_post(api, token))["__typename"] == "CreatePostSuccess"
        third = await api.data(
            """mutation { createPost(input: {kind: MOMENT, body: "third"}) { __typename
                 ... on RateLimitedError { retryAfterSeconds } } }""",
            token=token,
        )
        assert third["createPost"]["__typename"] == "RateLimitedError"
        assert 0 < third["createPost"]["retryAfterSeconds"] <= 60
        assert (await create_post(api, other))["__typename"] == "CreatePostSuccess"


@pytest.mark.parametrize("why", ["first posts", "repeats"])
async def test_new_accounts_and_repeated_text_are_held(
    settings: Settings, db: Database, why: str
) -> None:
    strict = replace(settings, new_account_held_posts=1, duplicate_threshold=2)
    async with running(create_app(strict, database=db)) as client:
        api = Api(client)
        token = await api.register("newcomer")
        if why == "first posts":
            first = await create_post(api, token, body="hello everyone")
            assert first["post"]["state"] == "HELD"
        else:
            await User.filter(handle="newcomer").update(
                created_at=datetime.now(UTC) - timedelta(days=90)
            )
            await Post.create(
                author=await User.get(handle="newcomer"),
                kind="MOMENT",
                body="x",
                state="PUBLISHED",
                published_at=datetime.now(UTC),
            )
            assert (await create_post(api, token, body="Buy now!"))["post"]["state"] == "PUBLISHED"
            assert (await create_post(api, token, body="buy   NOW!"))["post"]["state"] == "HELD"


async def test_new_accounts_may_not_post_many_links(api: Api) -> None:
    token = await api.register("linker")
    body = "see https://a.example.com and https://b.example.com and https://c.example.com"
    result = await create_post(api, token, body=body)
    assert result["__typename"] == "ValidationError" and "links" in result["message"]
