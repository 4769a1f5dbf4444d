"""Deciding queue items, one or many: what a decision does, and who may take it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from schema.relay import encode_id
from server.models import User
from server.settings import Settings
from tests.conftest import Api
from tests.helpers import create_group, create_post, feed_ids, join_group, moderate, post_id
from tests.schema.moderation_helpers import queue, report, staff


async def test_a_removal_is_audited_notified_and_leaves_feeds(api: Api) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    reporter = await api.register("reporter")
    post = await post_id(api, writer, body="off-topic advert")
    await moderate(
        api, mod, reporter, post, ["REMOVE", "WARN"], reason="adverts go in the market group"
    )

    assert post not in await feed_ids(api)
    notes = await api.data("{ notifications { edges { node { kind text } } } }", token=writer)
    texts = [
        n["node"]["text"]
        for n in notes["notifications"]["edges"]
        if n["node"]["kind"] == "MODERATION"
    ]
    assert any("removed your post" in t and "market group" in t for t in texts)
    assert any("warned" in t for t in texts)
    log = await api.data(
        "{ auditLog(action: REMOVE) { edges { node { action reason actor { handle } affectedUser { handle } } } } }",
        token=mod,
    )
    assert log["auditLog"]["edges"] == [
        {
            "node": {
                "action": "REMOVE",
                "reason": "adverts go in the market group",
                "actor": {"handle": "mia"},
                "affectedUser": {"handle": "writer"},
            }
        }
    ]


async def test_a_suspended_user_cannot_write_until_the_term_ends(
    api: Api, settings: Settings
) -> None:
    mod = await staff(api, "mia")
    troll = await api.register("troll")
    reporter = await api.register("reporter")
    troll_id = encode_id("User", (await User.get(handle="troll")).id)
    await moderate(api, mod, reporter, troll_id, ["SUSPEND"], reason="harassment", days=2)

    body = await api.query(
        'mutation { createPost(input: {kind: MOMENT, body: "still here"}) { __typename } }',
        token=troll,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["extensions"]["reason"] == "ACCOUNT_SUSPENDED"
    # When the term has passed, writing works again.
    await User.filter(handle="troll").update(
        suspended_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    assert (await create_post(api, troll, body="back"))["__typename"] == "CreatePostSuccess"


async def test_locked_comments_refuse_new_comments(api: Api) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    reporter = await api.register("reporter")
    post = await post_id(api, writer, body="heated thread")
    await moderate(api, mod, reporter, post, ["LOCK_COMMENTS"], reason="cooling down")
    data = await api.data(
        """mutation($id: ID!) { addComment(input: {postId: $id, body: "one more"}) {
             __typename ... on Error { message } } }""",
        {"id": post},
        token=reporter,
    )
    assert data["addComment"]["__typename"] == "ConflictError"


async def test_silenced_authors_wait_for_approval_and_banned_ones_cannot_write(api: Api) -> None:
    mod = await staff(api, "mia")
    reporter = await api.register("reporter")
    quiet = await api.register("quiet")
    gone = await api.register("gone")
    for handle, action, days in (("quiet", "SILENCE", 1), ("gone", "BAN", None)):
        user_id = encode_id("User", (await User.get(handle=handle)).id)
        await moderate(api, mod, reporter, user_id, [action], reason="too loud", days=days)

    held = await create_post(api, quiet, body="still talking")
    assert held["post"]["state"] == "HELD"
    refused = await api.query(
        'mutation { createPost(input: {kind: MOMENT, body: "hello?"}) { __typename } }', token=gone
    )
    assert refused["errors"][0]["extensions"]["reason"] == "ACCOUNT_BANNED"


async def test_a_claimed_item_cannot_be_decided_by_another_moderator(api: Api) -> None:
    first = await staff(api, "first")
    second = await staff(api, "second")
    writer = await api.register("writer")
    reporter = await api.register("reporter")
    post = await post_id(api, writer, body="contested")
    await api.data(
        "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }",
        {"id": post},
        token=reporter,
    )
    [item] = await queue(api, first)
    claim = "mutation($id: ID!) { claimQueueItem(input: {itemId: $id}) { __typename ... on Error { message } } }"
    assert (await api.data(claim, {"id": item["id"]}, token=first))["claimQueueItem"][
        "__typename"
    ] == "ClaimQueueItemSuccess"
    taken = await api.data(claim, {"id": item["id"]}, token=second)
    assert taken["claimQueueItem"]["__typename"] == "ConflictError"
    assert "@first" in taken["claimQueueItem"]["message"]
    decided = await api.data(
        "mutation($id: ID!) { resolveQueueItem(input: {itemId: $id, actions: [IGNORE]}) { __typename } }",
        {"id": item["id"]},
        token=second,
    )
    assert decided["resolveQueueItem"]["__typename"] == "ConflictError"


async def test_nobody_decides_about_themselves_and_group_reports_go_to_the_platform(
    api: Api,
) -> None:
    mod = await staff(api, "mia")
    reporter = await api.register("reporter")
    own = await post_id(api, mod, body="a moderator's own post")
    await api.data(
        "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }",
        {"id": own},
        token=reporter,
    )
    # The item about the moderator's own post is not theirs to see, claim or decide: another
    # moderator works it.
    assert await queue(api, mod) == []
    other = await staff(api, "otto")
    [item] = await queue(api, other)
    body = await api.data(
        "mutation($id: ID!) { resolveQueueItem(input: {itemId: $id, actions: [IGNORE]}) { __typename } }",
        {"id": item["id"]},
        token=mod,
    )
    assert body["resolveQueueItem"]["__typename"] == "NotFoundError"

    owner = await api.register("owner")
    group = await api.data(
        'mutation { createGroup(input: {slug: "club", name: "Club"}) { ... on CreateGroupSuccess { group { id } } } }',
        token=owner,
    )
    await api.data(
        "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: HATE}) { __typename } }",
        {"id": group["createGroup"]["group"]["id"]},
        token=reporter,
    )
    assert await queue(api, owner) == []  # the group's owner does not judge reports about it
    assert len(await queue(api, mod)) == 1
    assert len(await queue(api, other)) == 2


async def test_bulk_decisions_succeed_or_fail_item_by_item(api: Api) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    reporter = await api.register("reporter")
    posts = [await post_id(api, writer, body=f"spam wave {n}") for n in range(3)]
    for post in posts:
        await api.data(
            "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }",
            {"id": post},
            token=reporter,
        )
    items = [i["id"] for i in await queue(api, mod)]
    await api.data(
        "mutation($id: ID!) { resolveQueueItem(input: {itemId: $id, actions: [IGNORE]}) { __typename } }",
        {"id": items[0]},
        token=mod,
    )
    result = await api.data(
        """mutation($ids: [ID!]!) { resolveQueueItems(input: {itemIds: $ids, actions: [REMOVE],
             reason: "spam wave"}) { __typename ... on ResolveQueueItemsSuccess {
             outcomes { item { state } error { __typename } } } } }""",
        {"ids": items},
        token=mod,
    )
    outcomes = result["resolveQueueItems"]["outcomes"]
    assert outcomes[0] == {"item": None, "error": {"__typename": "ConflictError"}}
    assert [o["item"]["state"] for o in outcomes[1:]] == ["RESOLVED", "RESOLVED"]
    assert await feed_ids(api) == [posts[0]]


BULK = """mutation($input: ResolveQueueItemsInput!) { resolveQueueItems(input: $input) {
  __typename ... on ResolveQueueItemsSuccess { outcomes { item { state } error { __typename } } } } }"""
ITEM_STATE = "query($id: ID!) { moderationItem(id: $id) { state } }"


async def club_with_reported_posts(api: Api) -> dict[str, str]:
    """A club run by `owner`, with reported posts of a member's and of the owner's own, and a
    reported post in a group the owner does not run; the tokens, and the items by what they are
    about."""
    tokens = {
        "mia": await staff(api, "mia"),
        "owner": await api.register("owner"),
        "writer": await api.register("writer"),
        "reporter": await api.register("reporter"),
    }
    await create_group(api, tokens["owner"], "club")
    await create_group(api, tokens["writer"], "elsewhere")
    await join_group(api, tokens["writer"], "club")
    posts = {
        "member's": await post_id(api, tokens["writer"], body="in the club", groupSlug="club"),
        "member's too": await post_id(api, tokens["writer"], body="also here", groupSlug="club"),
        "own": await post_id(api, tokens["owner"], body="the owner's", groupSlug="club"),
        "elsewhere": await post_id(
            api, tokens["writer"], body="not the owner's group", groupSlug="elsewhere"
        ),
    }
    for post in posts.values():
        await report(api, tokens["reporter"], post)
    by_target = {item["target"]["id"]: item["id"] for item in await queue(api, tokens["mia"])}
    return tokens | {about: by_target[post] for about, post in posts.items()}


async def decide_all(api: Api, token: str, items: list[str], actions: list[str]) -> dict[str, Any]:
    variables = {"input": {"itemIds": items, "actions": actions, "reason": "spam wave"}}
    return await api.query(BULK, variables, token=token)


async def states(api: Api, token: str, items: list[str]) -> list[str]:
    return [
        (await api.data(ITEM_STATE, {"id": item}, token=token))["moderationItem"]["state"]
        for item in items
    ]


async def test_a_group_admins_bulk_decision_finds_no_item_they_may_not_see(api: Api) -> None:
    world = await club_with_reported_posts(api)
    items = [world["member's"], world["elsewhere"], world["own"]]
    body = await decide_all(api, world["owner"], items, ["HIDE"])
    assert "errors" not in body, body
    outcomes = body["data"]["resolveQueueItems"]["outcomes"]
    assert outcomes == [
        {"item": {"state": "RESOLVED"}, "error": None},
        {"item": None, "error": {"__typename": "NotFoundError"}},  # another group's
        {"item": None, "error": {"__typename": "NotFoundError"}},  # about themselves
    ]
    assert await states(api, world["mia"], items) == ["RESOLVED", "PENDING", "PENDING"]


@pytest.mark.parametrize(
    ("actions", "items", "why"),
    [
        (["BAN"], ["member's", "elsewhere", "own"], "a sanction is for platform moderators"),
        (["HIDE"], ["member's", "escalated"], "escalated items are for platform moderators"),
    ],
)
async def test_a_bulk_decision_beyond_the_viewers_authority_is_forbidden_and_decides_nothing(
    api: Api, actions: list[str], items: list[str], why: str
) -> None:
    world = await club_with_reported_posts(api)
    escalate = {"input": {"itemIds": [world["member's too"]], "actions": ["ESCALATE"]}}
    assert "errors" not in await api.query(BULK, escalate, token=world["owner"])
    world["escalated"] = world["member's too"]
    ids = [world[name] for name in items]
    before = await states(api, world["mia"], ids)

    body = await decide_all(api, world["owner"], ids, actions)

    assert body["data"] is None, why
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    assert await states(api, world["mia"], ids) == before
