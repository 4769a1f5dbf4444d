"""Live feeds through a running server and a real GraphQL WebSocket client (gql)."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from schema.relay import parse_id
from server.models import Post, PostState
from tests.conftest import database_of_its_own
from tests.e2e.conftest import LEGACY_WS, TRANSPORT_WS

POST_ADDED = """subscription($feed: FeedKind!, $slug: String, $after: String) {
  postAdded(feed: $feed, groupSlug: $slug, after: $after) { cursor post { id body author { handle } } } }"""
CREATE = """mutation($body: String!, $group: String, $publish: Boolean) { createPost(input:
  {kind: MOMENT, body: $body, groupSlug: $group, publish: $publish}) { ... on CreatePostSuccess { post { id } } } }"""


async def create(server, token, body, group=None, publish=True):
    data = await server.query(
        CREATE, {"body": body, "group": group, "publish": publish}, token=token
    )
    return data["createPost"]["post"]["id"]


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_new_post_reaches_a_subscriber_over_both_protocols(live_server, protocol):
    token = await live_server.register("ann")
    async with live_server.subscribe(POST_ADDED, {"feed": "GLOBAL"}, protocol=protocol) as stream:
        post_id = await create(live_server, token, "换电 3 分钟 live")
        event = (await stream.next())["postAdded"]
    assert event["post"] == {"id": post_id, "body": "换电 3 分钟 live", "author": {"handle": "ann"}}
    assert event["cursor"]


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_an_invalid_token_is_refused_with_4403(live_server, protocol):
    async with websockets.connect(live_server.ws, subprotocols=[protocol]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authToken": "forged"}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
    token = await live_server.register("ann")
    async with live_server.subscribe(
        POST_ADDED, {"feed": "HOME"}, token=token, protocol=protocol
    ) as stream:
        await create(live_server, token, "a valid token still works")
        assert (await stream.next())["postAdded"]["post"]["id"]


async def test_private_streams_need_a_token(live_server):
    for query in (
        POST_ADDED.replace("$feed: FeedKind!", "$feed: FeedKind! = HOME"),
        "subscription { notificationAdded { cursor } }",
    ):
        async with live_server.subscribe(
            query, {"feed": "HOME"} if "feed" in query else None, ready=False
        ) as stream:
            error = await stream.error()
        assert "Send authToken" in str(error)


async def test_resuming_after_a_cursor_replays_exactly_what_was_missed(live_server):
    token = await live_server.register("ann")
    async with live_server.subscribe(POST_ADDED, {"feed": "GLOBAL"}) as stream:
        await create(live_server, token, "seen live")
        cursor = (await stream.next())["postAdded"]["cursor"]
    missed = [await create(live_server, token, f"missed {i}") for i in range(3)]
    async with live_server.subscribe(POST_ADDED, {"feed": "GLOBAL", "after": cursor}) as stream:
        replayed = [(await stream.next())["postAdded"]["post"]["id"] for _ in range(3)]
        live = await create(live_server, token, "live again")
        after_replay = (await stream.next())["postAdded"]["post"]["id"]
        await stream.nothing(0.5)
    assert replayed == missed
    assert after_replay == live


async def test_subscribers_never_see_what_they_could_not_query(live_server):
    owner = await live_server.register("owner")
    member = await live_server.register("member")
    outsider = await live_server.register("outsider")
    await live_server.query(
        'mutation { createGroup(input: {slug: "secret", name: "Secret", visibility: MEMBERS_ONLY}) { __typename } }',
        token=owner,
    )
    await live_server.query(
        'mutation { joinGroup(input: {slug: "secret"}) { __typename } }', token=member
    )
    async with (
        live_server.subscribe(POST_ADDED, {"feed": "GLOBAL"}, token=outsider) as outsider_stream,
        live_server.subscribe(POST_ADDED, {"feed": "GLOBAL"}, token=member) as member_stream,
        live_server.subscribe(POST_ADDED, {"feed": "GLOBAL"}) as anonymous_stream,
    ):
        await create(live_server, owner, "a draft", publish=False)
        secret = await create(live_server, owner, "members only", group="secret")
        public = await create(live_server, owner, "for everyone")
        assert (await member_stream.next())["postAdded"]["post"]["id"] == secret
        assert (await member_stream.next())["postAdded"]["post"]["id"] == public
        for stream in (outsider_stream, anonymous_stream):
            assert (await stream.next())["postAdded"]["post"]["id"] == public
            await stream.nothing(0.3)


async def test_a_post_hidden_before_delivery_is_not_delivered(live_server, tmp_path):
    token = await live_server.register("ann")
    async with live_server.subscribe(POST_ADDED, {"feed": "GLOBAL"}) as stream:
        await create(live_server, token, "first")
        cursor = (await stream.next())["postAdded"]["cursor"]
    hidden = await create(live_server, token, "hidden meanwhile")
    visible = await create(live_server, token, "still here")
    await hide(live_server, hidden)
    async with live_server.subscribe(POST_ADDED, {"feed": "GLOBAL", "after": cursor}) as stream:
        assert (await stream.next())["postAdded"]["post"]["id"] == visible
        await stream.nothing(0.5)


async def hide(server, global_id):
    """Hide the post in the server's database, as a moderator's decision would."""
    async with database_of_its_own(server.env["DATABASE_URL"]):
        await Post.filter(id=parse_id(global_id)[1]).update(state=PostState.HIDDEN)


async def test_home_feed_stream_follows_people_and_groups(live_server):
    me = await live_server.register("myself")
    friend = await live_server.register("friend")
    stranger = await live_server.register("stranger")
    await live_server.query(
        'mutation { followUser(input: {handle: "friend"}) { __typename } }', token=me
    )
    async with live_server.subscribe(POST_ADDED, {"feed": "HOME"}, token=me) as stream:
        await create(live_server, stranger, "not for me")
        friends = await create(live_server, friend, "from a friend")
        mine = await create(live_server, me, "my own")
        assert (await stream.next())["postAdded"]["post"]["id"] == friends
        assert (await stream.next())["postAdded"]["post"]["id"] == mine


async def test_comments_counts_and_removals_stream_to_the_posts_on_screen(live_server):
    ann = await live_server.register("ann")
    ben = await live_server.register("ben")
    post_id = await create(live_server, ann, "discuss")
    updates = "subscription($ids: [ID!]!) { postUpdated(ids: $ids) { cursor post { __typename ... on Post { id commentCount reactionCount } ... on PostTombstone { id } } } }"
    comments = "subscription($id: ID!) { commentAdded(postId: $id) { cursor comment { body author { handle } } } }"
    async with (
        live_server.subscribe(updates, {"ids": [post_id]}) as update_stream,
        live_server.subscribe(comments, {"id": post_id}) as comment_stream,
    ):
        await live_server.query(
            'mutation($id: ID!) { addComment(input: {postId: $id, body: "nice"}) { __typename } }',
            {"id": post_id},
            token=ben,
        )
        assert (await comment_stream.next())["commentAdded"]["comment"] == {
            "body": "nice",
            "author": {"handle": "ben"},
        }
        assert (await update_stream.next())["postUpdated"]["post"]["commentCount"] == 1
        await live_server.query(
            "mutation($id: ID!) { addReaction(input: {subjectId: $id}) { __typename } }",
            {"id": post_id},
            token=ben,
        )
        assert (await update_stream.next())["postUpdated"]["post"]["reactionCount"] == 1
        await live_server.query(
            "mutation($id: ID!) { deletePost(input: {postId: $id}) { __typename } }",
            {"id": post_id},
            token=ann,
        )
        assert (await update_stream.next())["postUpdated"]["post"] == {
            "__typename": "PostTombstone",
            "id": post_id,
        }


async def test_notifications_arrive_live_and_reactions_group(live_server):
    ann = await live_server.register("ann")
    ben = await live_server.register("ben")
    cat = await live_server.register("cat")
    post_id = await create(live_server, ann, "hello @ben")
    query = "subscription { notificationAdded { cursor notification { kind actorCount actor { handle } read } } }"
    async with live_server.subscribe(query, token=ann) as stream:
        await live_server.query(
            'mutation { followUser(input: {handle: "ann"}) { __typename } }', token=ben
        )
        first = (await stream.next())["notificationAdded"]["notification"]
        for token in (ben, cat):
            await live_server.query(
                "mutation($id: ID!) { addReaction(input: {subjectId: $id}) { __typename } }",
                {"id": post_id},
                token=token,
            )
        reactions = [(await stream.next())["notificationAdded"]["notification"] for _ in range(2)]
    assert first == {"kind": "FOLLOW", "actorCount": 1, "actor": {"handle": "ben"}, "read": False}
    assert [(n["kind"], n["actorCount"]) for n in reactions] == [("REACTION", 1), ("REACTION", 2)]
    mentions = await live_server.query(
        "{ notifications { edges { node { kind actor { handle } } } } unreadNotificationCount }",
        token=ben,
    )
    assert mentions["notifications"]["edges"][0]["node"] == {
        "kind": "MENTION",
        "actor": {"handle": "ann"},
    }
    listed = await live_server.query(
        "{ unreadNotificationCount notifications { edges { node { kind actorCount } } } }",
        token=ann,
    )
    assert listed["unreadNotificationCount"] == 2
    assert [e["node"] for e in listed["notifications"]["edges"]] == [
        {"kind": "REACTION", "actorCount": 2},
        {"kind": "FOLLOW", "actorCount": 1},
    ]
    marked = await live_server.query(
        "mutation { markAllNotificationsRead { ... on MarkAllNotificationsReadSuccess { marked unreadCount } } }",
        token=ann,
    )
    assert marked["markAllNotificationsRead"] == {"marked": 2, "unreadCount": 0}


async def test_subscriptions_per_connection_are_capped_and_idle_connections_pinged(tmp_path):
    from tests.e2e.conftest import ServerProcess

    server = ServerProcess(
        tmp_path,
        SEED_DEMO="0",
        MAX_SUBSCRIPTIONS_PER_CONNECTION="3",
        WEBSOCKET_KEEPALIVE_SECONDS="0.5",
    )
    try:
        await server.start()
        async with websockets.connect(server.ws, subprotocols=[TRANSPORT_WS]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            for n in range(1, 5):
                await ws.send(
                    json.dumps(
                        {
                            "id": str(n),
                            "type": "subscribe",
                            "payload": {"query": "subscription { postAdded { cursor } }"},
                        }
                    )
                )
            error = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert error["type"] == "error" and error["id"] == "4"
        assert "limit" in error["payload"][0]["message"]
        async with websockets.connect(server.ws, subprotocols=[LEGACY_WS]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            kinds = [json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] for _ in range(3)]
        assert kinds[0] == "connection_ack" and "ka" in kinds[1:]
    finally:
        await server.stop()
