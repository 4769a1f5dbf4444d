"""Query limits, error masking and node lookups."""

from __future__ import annotations

import pytest

import resolvers.feeds
from server.app import create_app
from server.settings import Settings
from tests.conftest import TEST_SECRET, Api, running
from tests.helpers import create_group, post_id


def nested(depth: int) -> str:
    inner = "id"
    for _ in range(depth):
        inner = f"author {{ posts {{ edges {{ node {{ {inner} }} }} }} }}"
    return f"{{ globalFeed {{ edges {{ node {{ {inner} }} }} }} }}"


async def test_deep_queries_are_refused(api):
    assert "errors" not in await api.query(nested(1))
    body = await api.query(nested(4))
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_too_many_aliases_are_refused(api):
    query = "{ " + " ".join(f"a{i}: viewer {{ id }}" for i in range(31)) + " }"
    body = await api.query(query)
    assert "aliases" in body["errors"][0]["message"]


async def test_too_many_tokens_are_refused(api):
    query = "{ " + " ".join("viewer { id handle }" for _ in range(1000)) + " }"
    body = await api.query(query)
    assert "token" in body["errors"][0]["message"].lower()


async def test_nodes_asks_for_at_most_100_ids(api):
    body = await api.query("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["x"] * 101})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_node_and_nodes_resolve_every_type_in_order(api):
    ann = await api.register("ann")
    pid = await post_id(api, ann)
    group = (await create_group(api, ann, "club"))["group"]["id"]
    comment = (
        await api.data(
            'mutation($id: ID!) { addComment(input: {postId: $id, body: "c"}) { ... on AddCommentSuccess { comment { id } } } }',
            {"id": pid},
            token=ann,
        )
    )["addComment"]["comment"]["id"]
    user = (await api.data("{ viewer { id } }", token=ann))["viewer"]["id"]
    query = """query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"""
    data = await api.data(query, {"ids": [user, group, pid, comment, "bogus", "VXNlcjo5OTk"]})
    assert [n and n["__typename"] for n in data["nodes"]] == [
        "User",
        "Group",
        "Post",
        "Comment",
        None,
        None,
    ]
    assert [n["id"] for n in data["nodes"][:4]] == [user, group, pid, comment]


@pytest.mark.parametrize(
    ("environment", "masked"), [("development", False), ("test", True), ("production", True)]
)
async def test_unexpected_errors_are_masked_outside_development(
    db, monkeypatch, caplog, environment, masked
):
    async def broken(*args, **kwargs):
        raise RuntimeError("connection string postgres://secret")

    monkeypatch.setattr(resolvers.feeds, "global_feed", broken)
    settings = Settings(environment=environment, database_url=db.url, secret_key=TEST_SECRET)
    async with running(create_app(settings, database=db)) as client:
        api = Api(client)
        response = await client.post(
            "/graphql",
            json={"query": "{ globalFeed { edges { cursor } } }"},
            headers={"x-request-id": "req-42"},
        )
        body = response.json()
        expected = await api.query(
            'mutation { createPost(input: {kind: MOMENT, body: "x"}) { __typename } }'
        )
    message = body["errors"][0]["message"]
    assert (message == "Unexpected error.") is masked
    assert ("secret" in message) is not masked
    assert expected["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.headers["x-request-id"] == "req-42"
    logged = [r for r in caplog.records if "unexpected error" in r.getMessage()]
    assert len(logged) == 1 and "req-42" in logged[0].getMessage()
    assert "postgres://secret" in str(logged[0].exc_info[1])


async def test_parsing_and_validation_are_cached_across_requests(api):
    from strawberry.extensions.parser_cache import _get_parse_cache
    from strawberry.extensions.validation_cache import _get_validate_cache

    query = "{ globalFeed(first: 3) { edges { node { id author { handle } } } } }"
    await api.data(query)
    parsed, validated = _get_parse_cache(1024).cache_info(), _get_validate_cache(1024).cache_info()
    for _ in range(3):
        await api.data(query)
    assert _get_parse_cache(1024).cache_info().hits == parsed.hits + 3
    assert _get_validate_cache(1024).cache_info().hits == validated.hits + 3
