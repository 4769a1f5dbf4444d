"""Promise: a members-only group's posts, comments and member list are its members' alone,
moderators and admins included; staff read such content only through the moderation queue
(a reported or screened item's target), and every such read is in the audit log. The group
itself and its member count stay public.

Attacks (seen before the fix): moderators who were not members read members-only posts
through `node`, `post` and subscriptions; the member list of a members-only group was public
to anonymous users.
"""

from __future__ import annotations

from typing import Any

import pytest

from schema.relay import encode_id
from server.models import GroupVisibility, PlatformRole
from tests.conftest import Api
from tests.helpers import make_group, make_post
from tests.security.conftest import Accounts
from tests.wsapi import WsApi

READS = """query($id: ID!, $user: String!) {
  node(id: $id) { id } post(id: $id) { id }
  globalFeed { edges { node { id } } }
  groupFeed(slug: "secret") { edges { node { id } } }
  group(slug: "secret") { memberCount members { edges { node { user { handle } } } }
    posts { edges { node { id } } } }
  user(handle: $user) { posts { edges { node { id } } } }
}"""


async def secret_world(accounts: Accounts) -> dict[str, Any]:
    tokens = {
        "owner": await accounts.make("owner"),
        "member": await accounts.make("member", days_old=30),
        "outsider": await accounts.make("outsider"),
        "mia": await accounts.make("mia", PlatformRole.MODERATOR),
        "boss": await accounts.make("boss", PlatformRole.ADMIN),
        "inside_mod": await accounts.make("inside_mod", PlatformRole.MODERATOR),
    }
    users = accounts.users
    secret = await make_group(
        "secret",
        users["owner"],
        users["member"],
        users["inside_mod"],
        visibility=GroupVisibility.MEMBERS_ONLY,
    )
    target = await make_post(users["owner"], "for members", group=secret)
    return {"tokens": tokens, "post": encode_id("Post", target.id)}


@pytest.mark.parametrize("who", ["anonymous", "outsider", "mia", "boss"])
async def test_non_members_staff_included_read_nothing_of_a_members_only_group(
    api: Api, accounts: Accounts, who: str
) -> None:
    world = await secret_world(accounts)
    token = None if who == "anonymous" else world["tokens"][who]
    data = await api.data(READS, {"id": world["post"], "user": "owner"}, token=token)
    assert data["node"] is None and data["post"] is None
    assert data["globalFeed"]["edges"] == [] and data["groupFeed"]["edges"] == []
    assert data["group"] == {"memberCount": 3, "members": None, "posts": {"edges": []}}
    assert data["user"]["posts"]["edges"] == []


@pytest.mark.parametrize("who", ["member", "inside_mod"])
async def test_members_read_their_group(api: Api, accounts: Accounts, who: str) -> None:
    world = await secret_world(accounts)
    data = await api.data(
        READS,
        {"id": world["post"], "user": "owner"},
        token=world["tokens"][who],
    )
    assert data["node"] == {"id": world["post"]}
    assert len(data["group"]["members"]["edges"]) == 3


async def test_a_moderator_outside_the_group_gets_no_live_posts_from_it(
    ws_api: WsApi, same_server_api: Api, accounts: Accounts
) -> None:
    world = await secret_world(accounts)
    tokens = world["tokens"]
    write = 'mutation { createPost(input: {kind: MOMENT, body: "live", groupSlug: "secret"}) { __typename } }'
    async with ws_api.connect(tokens["mia"]) as staff, ws_api.connect(tokens["member"]) as member:
        query = "subscription { postAdded { post { body } } }"
        staff_feed, member_feed = await staff.subscribe(query), await member.subscribe(query)
        await same_server_api.data(write, token=tokens["owner"])
        assert (await member_feed.next())["data"]["postAdded"]["post"]["body"] == "live"
        await staff_feed.nothing(1.0)


async def test_staff_read_a_reported_members_only_post_through_the_queue_and_it_is_audited(
    api: Api, accounts: Accounts
) -> None:
    world = await secret_world(accounts)
    tokens = world["tokens"]
    reported = await api.data(
        "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: HATE}) { __typename } }",
        {"id": world["post"]},
        token=tokens["member"],
    )
    assert reported["reportContent"]["__typename"] == "ReportContentSuccess"
    queue = await api.data(
        "{ moderationQueue { edges { node { target { ... on Post { id body } } } } } }",
        token=tokens["mia"],
    )
    [edge] = queue["moderationQueue"]["edges"]
    assert edge["node"]["target"] == {"id": world["post"], "body": "for members"}
    log = await api.data(
        "{ auditLog { edges { node { kind targetId actor { handle } } } } }",
        token=tokens["boss"],
    )
    viewed = [e["node"] for e in log["auditLog"]["edges"] if e["node"]["kind"] == "CONTENT_VIEWED"]
    assert viewed == [
        {"kind": "CONTENT_VIEWED", "targetId": world["post"], "actor": {"handle": "mia"}}
    ]
    # A moderator who is a member reads it like any member: nothing to audit.
    await api.data(
        "{ moderationQueue { edges { node { target { ... on Post { id } } } } } }",
        token=tokens["inside_mod"],
    )
    log = await api.data("{ auditLog { edges { node { kind } } } }", token=tokens["boss"])
    assert [e["node"]["kind"] for e in log["auditLog"]["edges"]].count("CONTENT_VIEWED") == 1
