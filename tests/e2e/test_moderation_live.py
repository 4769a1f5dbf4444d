"""Moderation through a running server: the live queue, and a removal reaching screens."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ServerProcess

SIGN_IN = """mutation($h: String!) { signIn(input: {handle: $h, password: "demo-password"}) {
  ... on SignInSuccess { token } } }"""
QUEUE_CHANGED = """subscription { moderationQueueChanged {
  cursor pendingCount item { state reasons target { ... on Post { id } } } } }"""
POST_UPDATED = "subscription($ids: [ID!]!) { postUpdated(ids: $ids) { post { __typename ... on PostTombstone { id } } } }"


@pytest.fixture
async def demo_server(tmp_path):
    server = await ServerProcess(tmp_path, MEILI_EMBEDDED="0").start()
    try:
        yield server
    finally:
        await server.stop()


async def token_of(server, handle):
    return (await server.query(SIGN_IN, {"h": handle}))["signIn"]["token"]


async def test_moderators_follow_the_queue_and_a_removal_reaches_screens(demo_server):
    moderator = await token_of(demo_server, "moderator")
    owner = await token_of(demo_server, "owner")
    fan = await token_of(demo_server, "fan")
    created = await demo_server.query(
        'mutation { createPost(input: {kind: MOMENT, body: "cheap chargers, DM me"}) { ... on CreatePostSuccess { post { id } } } }',
        token=owner,
    )
    post = created["createPost"]["post"]["id"]
    async with (
        demo_server.subscribe(QUEUE_CHANGED, token=moderator) as queue,
        demo_server.subscribe(POST_UPDATED, {"ids": [post]}) as screen,
    ):
        await demo_server.query(
            "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }",
            {"id": post},
            token=fan,
        )
        opened = (await queue.next())["moderationQueueChanged"]
        assert opened["item"]["target"] == {"id": post}
        assert opened["item"]["reasons"] == ["SPAM"] and opened["pendingCount"] >= 1
        items = await demo_server.query(
            "{ moderationQueue { edges { node { id target { ... on Post { id } } } } } }",
            token=moderator,
        )
        [item] = [
            e["node"]["id"]
            for e in items["moderationQueue"]["edges"]
            if e["node"]["target"] == {"id": post}
        ]
        await demo_server.query(
            'mutation($id: ID!) { resolveQueueItem(input: {itemId: $id, actions: [REMOVE], reason: "spam"}) { __typename } }',
            {"id": item},
            token=moderator,
        )
        tombstone = (await screen.next())["postUpdated"]["post"]
        assert tombstone == {"__typename": "PostTombstone", "id": post}
        while True:  # the report's own steps come first; then the decision
            change = (await queue.next())["moderationQueueChanged"]
            if change["item"]["state"] == "RESOLVED":
                break


async def test_members_cannot_follow_the_queue(demo_server):
    member = await demo_server.register("newcomer")  # runs no group
    async with demo_server.subscribe(QUEUE_CHANGED, token=member, ready=False) as stream:
        error = await stream.error()
    assert "moderators" in str(error).lower()
