"""Promise: "not yours to see" and "missing" are the same answer everywhere: `null` in queries,
the same `NotFoundError` in mutations, nothing at all in streams.

Attack (seen before the fix): `updatePost`, `deletePost`, `publishPost` and `schedulePost`
answered FORBIDDEN for a members-only post the caller could not see and `NotFoundError` for a
missing one, so existence leaked; `postUpdated(ids:)` sent a tombstone for a post the viewer
could never see.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from schema.relay import encode_id
from server.models import GroupVisibility, Post, PostState
from tests.conftest import Api
from tests.helpers import make_group, make_post
from tests.security.conftest import Accounts
from tests.wsapi import WsApi

MISSING = encode_id("Post", 2_000_000_000)
WRITES = {
    "updatePost": 'mutation($id: ID!) { updatePost(input: {postId: $id, body: "mine now"}) { __typename ... on Error { message code } } }',
    "deletePost": "mutation($id: ID!) { deletePost(input: {postId: $id}) { __typename ... on Error { message code } } }",
    "publishPost": "mutation($id: ID!) { publishPost(input: {postId: $id}) { __typename ... on Error { message code } } }",
    "schedulePost": "mutation($id: ID!, $at: DateTime) { schedulePost(input: {postId: $id, publishAt: $at}) { __typename ... on Error { message code } } }",
    "addComment": 'mutation($id: ID!) { addComment(input: {postId: $id, body: "hi"}) { __typename ... on Error { message code } } }',
    "addReaction": "mutation($id: ID!) { addReaction(input: {subjectId: $id}) { __typename ... on Error { message code } } }",
    "reportContent": "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename ... on Error { message code } } }",
}
HIDDEN_KINDS = ["members-only", "someone's draft", "moderator-hidden", "held"]


async def unseen_post(accounts: Accounts, kind: str) -> Post:
    owner = accounts.users["owner"]
    if kind == "members-only":
        secret = await make_group("secret", owner, visibility=GroupVisibility.MEMBERS_ONLY)
        return await make_post(owner, "members only", group=secret)
    state = {
        "someone's draft": PostState.DRAFT,
        "moderator-hidden": PostState.HIDDEN,
        "held": PostState.HELD,
    }[kind]
    return await make_post(owner, kind, state=state)


def variables(operation: str, global_id: str) -> dict[str, Any]:
    values: dict[str, Any] = {"id": global_id}
    if operation == "schedulePost":
        values["at"] = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    return values


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
@pytest.mark.parametrize("operation", sorted(WRITES))
async def test_a_write_to_a_post_you_cannot_see_answers_like_a_missing_one(
    api: Api, accounts: Accounts, operation: str, kind: str
) -> None:
    await accounts.make("owner")
    stranger = await accounts.make("stranger")
    target = await unseen_post(accounts, kind)
    before = (target.state, target.body, target.scheduled_at)
    unseen = await api.query(
        WRITES[operation], variables(operation, encode_id("Post", target.id)), token=stranger
    )
    missing = await api.query(WRITES[operation], variables(operation, MISSING), token=stranger)
    assert unseen == missing, (unseen, missing)
    assert missing["data"][operation]["__typename"] == "NotFoundError"
    after = await Post.get(id=target.id)
    assert (after.state, after.body, after.scheduled_at) == before


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
async def test_a_post_you_cannot_see_is_null_like_a_missing_one(
    api: Api, accounts: Accounts, kind: str
) -> None:
    await accounts.make("owner")
    stranger = await accounts.make("stranger")
    target = await unseen_post(accounts, kind)
    for token in (stranger, None):
        for global_id in (encode_id("Post", target.id), MISSING):
            data = await api.data(
                "query($id: ID!) { node(id: $id) { id } post(id: $id) { id } }",
                {"id": global_id},
                token=token,
            )
            assert data == {"node": None, "post": None}


UPDATED = "subscription($ids: [ID!]!) { postUpdated(ids: $ids) { post { __typename ... on PostTombstone { id } ... on Post { id body } } } }"


async def test_post_updates_send_no_tombstone_for_a_post_you_could_never_see(
    ws_api: WsApi, same_server_api: Api, accounts: Accounts
) -> None:
    owner = await accounts.make("owner")
    member = await accounts.make("member")
    outsider = await accounts.make("outsider")
    secret = await make_group(
        "secret",
        accounts.users["owner"],
        accounts.users["member"],
        visibility=GroupVisibility.MEMBERS_ONLY,
    )
    target = await make_post(accounts.users["owner"], "members only", group=secret)
    global_id = encode_id("Post", target.id)
    edit = 'mutation($id: ID!) { updatePost(input: {postId: $id, body: "edited"}) { __typename } }'
    delete = "mutation($id: ID!) { deletePost(input: {postId: $id}) { __typename } }"
    async with ws_api.connect(member) as seen, ws_api.connect(outsider) as unseen:
        members = await seen.subscribe(UPDATED, {"ids": [global_id]})
        outsiders = await unseen.subscribe(UPDATED, {"ids": [global_id]})
        await same_server_api.data(edit, {"id": global_id}, token=owner)
        assert (await members.next())["data"]["postUpdated"]["post"]["body"] == "edited"
        await same_server_api.data(delete, {"id": global_id}, token=owner)
        tombstone = (await members.next())["data"]["postUpdated"]["post"]
        assert tombstone == {"__typename": "PostTombstone", "id": global_id}
        await outsiders.nothing(1.0)


async def test_comments_of_a_post_you_cannot_see_stream_like_a_missing_post(
    ws_api: WsApi, accounts: Accounts
) -> None:
    await accounts.make("owner")
    outsider = await accounts.make("outsider")
    secret = await make_group(
        "secret", accounts.users["owner"], visibility=GroupVisibility.MEMBERS_ONLY
    )
    target = await make_post(accounts.users["owner"], "members only", group=secret)
    query = "subscription($id: ID!) { commentAdded(postId: $id) { cursor } }"
    answers = []
    async with ws_api.connect(outsider) as socket:
        for global_id in (encode_id("Post", target.id), MISSING):
            stream = await socket.subscribe(query, {"id": global_id})
            answers.append([(e["message"], e["extensions"]) for e in await stream.ended()])
    assert answers[0] == answers[1] and answers[0], answers
