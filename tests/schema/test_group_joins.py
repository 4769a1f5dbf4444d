"""Join policies and join requests through GraphQL: setting the policy and question, joining and
its typed refusals, the requests as the group's staff see them (and nobody else), deciding and
who is refused it, a pending applicant kept out of what members alone see, the viewer's standing
in a list of groups at a flat statement count, member limits under concurrent joins, and the
notifications of a request and its decision arriving live over WebSocket."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from schema.relay import encode_id
from server.app import create_app
from server.models import (
    AccountState,
    Group,
    GroupBan,
    GroupJoinRequest,
    GroupMembership,
    GroupRequestState,
    GroupVisibility,
    JoinPolicy,
    PlatformRole,
    User,
)
from tests.conftest import Api, running
from tests.helpers import make_group, make_post, make_role

ANSWER = "I drive to the coast every weekend."
GROUP = """query($slug: String!) { group(slug: $slug) { slug memberCount joinPolicy joinQuestion
  viewerMembershipState viewerRole } }"""
JOIN = """mutation($input: JoinGroupInput!) { joinGroup(input: $input) {
  __typename ... on JoinGroupSuccess { membershipState group { memberCount viewerMembershipState } }
  ... on NotEligibleError { reason } ... on ValidationError { field } ... on Error { code message }
} }"""
LEAVE = """mutation($slug: String!) { leaveGroup(input: {slug: $slug}) {
  __typename ... on LeaveGroupSuccess { group { memberCount viewerMembershipState } } } }"""
DECIDE = """mutation($input: DecideJoinRequestInput!) { decideJoinRequest(input: $input) {
  __typename ... on DecideJoinRequestSuccess { request { id state note decidedAt user { handle } }
    group { memberCount } }
  ... on NotEligibleError { reason } ... on ValidationError { field } ... on Error { code message }
} }"""
REQUESTS = """query($slug: String!, $state: GroupRequestState) { group(slug: $slug) {
  joinRequests(state: $state) { edges { node { id answer state note createdAt decidedAt
    user { handle } group { slug } } } } } }"""
NODE = """query($id: ID!) { node(id: $id) { __typename
  ... on GroupJoinRequest { answer state user { handle } group { slug } } } }"""
CREATE = """mutation($input: CreateGroupInput!) { createGroup(input: $input) {
  __typename ... on CreateGroupSuccess { group { slug joinPolicy joinQuestion } }
  ... on ValidationError { field } } }"""
UPDATE = """mutation($input: UpdateGroupInput!) { updateGroup(input: $input) {
  __typename ... on UpdateGroupSuccess { group { joinPolicy joinQuestion } }
  ... on ValidationError { field } } }"""


async def people(api: Api, *handles: str) -> dict[str, str]:
    return {handle: await api.register(handle) for handle in handles}


async def club(
    api: Api,
    policy: JoinPolicy = JoinPolicy.APPROVAL,
    slug: str = "road-trips",
    visibility: GroupVisibility = GroupVisibility.PUBLIC,
) -> dict[str, str]:
    """A group owned by `ann`, with the ADMIN `ada`, the MODERATOR `max` and the member `ben`;
    `lin` and `kai` are outsiders, `chief` a platform admin. Their tokens."""
    tokens = await people(api, "ann", "ada", "max", "ben", "lin", "kai", "chief")
    await make_role("chief", PlatformRole.ADMIN)
    users = {u.handle: u for u in await User.all()}
    group = await make_group(
        slug,
        users["ann"],
        users["ben"],
        admins=(users["ada"],),
        moderators=(users["max"],),
        visibility=visibility,
    )
    await Group.filter(id=group.id).update(join_policy=policy, join_question="Why join us?")
    return tokens


async def join(api: Api, token: str | None, slug: str = "road-trips", **more: Any) -> Any:
    body = await api.query(JOIN, {"input": {"slug": slug} | more}, token)
    return body["data"]["joinGroup"] if body.get("data") else body["errors"][0]["extensions"]


async def decide(api: Api, token: str | None, request_id: str, approve: bool = True, **more: Any):
    variables = {"input": {"requestId": request_id, "approve": approve} | more}
    body = await api.query(DECIDE, variables, token)
    return (
        body["data"]["decideJoinRequest"] if body.get("data") else body["errors"][0]["extensions"]
    )


async def request_id(handle: str) -> str:
    user = await User.get(handle=handle)
    return encode_id("GroupJoinRequest", (await GroupJoinRequest.get(user_id=user.id)).id)


async def test_a_group_is_created_and_changed_with_its_join_policy_and_question(api):
    tokens = await people(api, "ann", "ben")
    created = await api.data(
        CREATE,
        {
            "input": {
                "slug": "night-drives",
                "name": "Night drives",
                "joinPolicy": "APPROVAL",
                "joinQuestion": "Which car do you drive?",
            }
        },
        token=tokens["ann"],
    )
    assert created["createGroup"]["group"] == {
        "slug": "night-drives",
        "joinPolicy": "APPROVAL",
        "joinQuestion": "Which car do you drive?",
    }
    too_long = {"slug": "long-drives", "name": "Long drives", "joinQuestion": "?" * 301}
    refused = await api.data(CREATE, {"input": too_long}, token=tokens["ann"])
    assert refused["createGroup"] == {"__typename": "ValidationError", "field": "joinQuestion"}
    changes = {"slug": "night-drives", "joinPolicy": "INVITE_ONLY", "joinQuestion": ""}
    changed = await api.data(UPDATE, {"input": changes}, token=tokens["ann"])
    assert changed["updateGroup"]["group"] == {"joinPolicy": "INVITE_ONLY", "joinQuestion": ""}
    body = await api.query(UPDATE, {"input": changes | {"joinPolicy": "OPEN"}}, tokens["ben"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    seen = await api.data(GROUP, {"slug": "night-drives"})
    assert seen["group"]["joinPolicy"] == "INVITE_ONLY"


async def test_an_open_group_admits_at_once(api):
    tokens = await club(api, JoinPolicy.OPEN)
    joined = await join(api, tokens["lin"])
    assert joined == {
        "__typename": "JoinGroupSuccess",
        "membershipState": "MEMBER",
        "group": {"memberCount": 5, "viewerMembershipState": "MEMBER"},
    }
    group = await api.data(GROUP, {"slug": "road-trips"}, token=tokens["lin"])
    assert (group["group"]["viewerRole"], group["group"]["viewerMembershipState"]) == (
        "MEMBER",
        "MEMBER",
    )


async def test_a_request_waits_for_the_staff_who_alone_see_and_decide_it(api):
    tokens = await club(api)
    joined = await join(api, tokens["lin"], answer=ANSWER)
    assert joined["membershipState"] == "PENDING"
    assert joined["group"] == {"memberCount": 4, "viewerMembershipState": "PENDING"}
    assert (await join(api, tokens["lin"], answer="again"))["membershipState"] == "PENDING"
    listed = await api.data(REQUESTS, {"slug": "road-trips"}, token=tokens["max"])
    [edge] = listed["group"]["joinRequests"]["edges"]
    node = edge["node"]
    assert (node["answer"], node["state"], node["note"], node["decidedAt"]) == (
        ANSWER,
        "PENDING",
        "",
        None,
    )
    assert (node["user"], node["group"]) == ({"handle": "lin"}, {"slug": "road-trips"})
    for who in ("lin", "ben", "kai", None):
        hidden = await api.data(REQUESTS, {"slug": "road-trips"}, token=tokens.get(who))
        assert hidden["group"]["joinRequests"] is None, who
    for who in ("lin", "ann", "ada", "max", "chief"):
        seen = await api.data(NODE, {"id": node["id"]}, token=tokens[who])
        assert seen["node"]["user"] == {"handle": "lin"}, who
    for who in ("ben", "kai", None):
        assert (await api.data(NODE, {"id": node["id"]}, token=tokens.get(who)))["node"] is None

    decided = await decide(api, tokens["max"], node["id"], note="See you on Saturday.")
    assert decided["__typename"] == "DecideJoinRequestSuccess", decided
    assert decided["request"]["state"] == "APPROVED"
    assert decided["request"]["note"] == "See you on Saturday."
    assert decided["request"]["decidedAt"] and decided["group"] == {"memberCount": 5}
    group = await api.data(GROUP, {"slug": "road-trips"}, token=tokens["lin"])
    assert group["group"]["viewerMembershipState"] == "MEMBER"
    pending = await api.data(REQUESTS, {"slug": "road-trips"}, token=tokens["ann"])
    assert pending["group"]["joinRequests"]["edges"] == []
    every = await api.data(REQUESTS, {"slug": "road-trips", "state": None}, token=tokens["ann"])
    assert [e["node"]["state"] for e in every["group"]["joinRequests"]["edges"]] == ["APPROVED"]
    again = await decide(api, tokens["ann"], node["id"], approve=False)
    assert again["__typename"] == "ConflictError"


async def test_leaving_takes_back_a_pending_request(api):
    tokens = await club(api)
    await join(api, tokens["lin"])
    left = await api.data(LEAVE, {"slug": "road-trips"}, token=tokens["lin"])
    assert left["leaveGroup"]["group"] == {"memberCount": 4, "viewerMembershipState": None}
    request = await GroupJoinRequest.get()
    assert (request.state, request.pending_key) == (GroupRequestState.WITHDRAWN, None)
    listed = await api.data(REQUESTS, {"slug": "road-trips"}, token=tokens["ann"])
    assert listed["group"]["joinRequests"]["edges"] == []


async def test_join_group_answers_each_refusal_with_its_type(api):
    tokens = await club(api, JoinPolicy.INVITE_ONLY)
    refused = await join(api, tokens["lin"])
    assert (refused["__typename"], refused["reason"]) == ("NotEligibleError", "INVITATION_REQUIRED")
    await Group.filter(slug="road-trips").update(join_policy=JoinPolicy.APPROVAL)
    kai = await User.get(handle="kai")
    await GroupBan.create(group=await Group.get(slug="road-trips"), user=kai, reason="spam")
    barred = await join(api, tokens["kai"])
    assert (barred["__typename"], barred["reason"]) == ("NotEligibleError", "BANNED_FROM_GROUP")
    long = await join(api, tokens["lin"], answer="x" * 1001)
    assert (long["__typename"], long["field"]) == ("ValidationError", "answer")
    assert (await join(api, tokens["lin"], "no-such-group"))["__typename"] == "NotFoundError"
    assert await join(api, None) == {"code": "UNAUTHENTICATED"}
    await User.filter(handle="lin").update(state=AccountState.SUSPENDED)
    suspended = await join(api, tokens["lin"])
    assert (suspended["code"], suspended["reason"]) == ("FORBIDDEN", "ACCOUNT_SUSPENDED")
    assert not await GroupJoinRequest.exists()


async def test_decide_join_request_answers_each_refusal_with_its_type(api):
    tokens = await club(api)
    tokens |= await people(api, "zoe", "mia")
    await make_role("mia", PlatformRole.MODERATOR)
    await make_group("elsewhere", await User.get(handle="zoe"))
    await join(api, tokens["lin"])
    pending = await request_id("lin")
    for who in ("lin", "ben", "kai", "zoe", "mia"):
        assert (await decide(api, tokens[who], pending))["__typename"] == "NotFoundError", who
    assert await decide(api, None, pending) == {"code": "UNAUTHENTICATED"}
    group_id = encode_id("Group", (await Group.get(slug="road-trips")).id)
    assert (await decide(api, tokens["ann"], group_id))["__typename"] == "NotFoundError"
    long = await decide(api, tokens["ann"], pending, note="n" * 501)
    assert (long["__typename"], long["field"]) == ("ValidationError", "note")
    await User.filter(handle="max").update(state=AccountState.SILENCED)
    silenced = await decide(api, tokens["max"], pending)
    assert (silenced["code"], silenced["reason"]) == ("FORBIDDEN", "ACCOUNT_SILENCED")
    await Group.filter(slug="road-trips").update(member_count=500)
    full = await decide(api, tokens["ada"], pending)
    assert (full["__typename"], full["reason"]) == ("NotEligibleError", "GROUP_FULL")
    assert (await GroupJoinRequest.get()).state == GroupRequestState.PENDING


async def test_a_pending_applicant_sees_nothing_that_members_alone_see(api):
    tokens = await club(api, visibility=GroupVisibility.MEMBERS_ONLY)
    ann = await User.get(handle="ann")
    post = await make_post(ann, "members only", group=await Group.get(slug="road-trips"))
    post_id = encode_id("Post", post.id)
    await join(api, tokens["lin"], answer=ANSWER)
    read = """query($slug: String!, $id: ID!) {
      group(slug: $slug) { memberCount viewerMembershipState
        posts { edges { node { id } } } members { edges { node { user { handle } } } } }
      groupFeed(slug: $slug) { edges { node { id } } }
      post(id: $id) { id } node(id: $id) { id } }"""
    variables = {"slug": "road-trips", "id": post_id}
    seen = await api.data(read, variables, token=tokens["lin"])
    assert seen["group"] == {
        "memberCount": 4,
        "viewerMembershipState": "PENDING",
        "posts": {"edges": []},
        "members": None,
    }
    assert (seen["groupFeed"]["edges"], seen["post"], seen["node"]) == ([], None, None)
    await decide(api, tokens["ann"], await request_id("lin"))
    member = await api.data(read, variables, token=tokens["lin"])
    assert member["group"]["posts"]["edges"] == [{"node": {"id": post_id}}]
    assert len(member["group"]["members"]["edges"]) == 5
    assert (member["post"], member["node"]) == ({"id": post_id}, {"id": post_id})


async def test_the_viewers_standing_in_a_list_of_groups_costs_the_same_for_5_and_20(
    api, sql_statements
):
    lin = await api.register("lin")
    viewer = await User.get(handle="lin")
    owner = await User.create(handle="ann", display_name="Ann")
    for n in range(24):
        group = await make_group(f"club-{n:02d}", owner)
        if n % 3 == 0:
            await GroupMembership.create(group=group, user=viewer)
        elif n % 3 == 1:
            await GroupJoinRequest.create(
                group=group, user=viewer, pending_key=f"{group.id}:{viewer.id}"
            )
    read = """query($first: Int) { groups(first: $first) { edges { node {
      slug viewerRole viewerMembershipState } } } }"""
    counts = {}
    for first in (5, 20):
        sql_statements.statements.clear()
        data = await api.data(read, {"first": first}, token=lin)
        states = [e["node"]["viewerMembershipState"] for e in data["groups"]["edges"]]
        assert len(states) == first and {"MEMBER", "PENDING", None} <= set(states)
        counts[first] = len(sql_statements.statements)
    assert counts[5] == counts[20], counts


async def test_ten_concurrent_joins_of_the_last_three_places_admit_exactly_three(api, settings, db):
    tokens = await club(api, JoinPolicy.OPEN)  # 4 members
    joiners = [await api.register(f"lin{n}") for n in range(10)]
    limited = dataclasses.replace(settings, group_member_limit=7)
    async with running(create_app(limited, database=db)) as client:
        small = Api(client)
        outcomes = await asyncio.gather(*(join(small, token) for token in joiners))
        group = await small.data(GROUP, {"slug": "road-trips"}, token=tokens["ann"])
    admitted = [o for o in outcomes if o["__typename"] == "JoinGroupSuccess"]
    refused = [o for o in outcomes if o["__typename"] == "NotEligibleError"]
    assert len(admitted) == 3 and len(refused) == 7, outcomes
    assert {o["membershipState"] for o in admitted} == {"MEMBER"}
    assert {o["reason"] for o in refused} == {"GROUP_FULL"}
    assert group["group"]["memberCount"] == 7
    assert await GroupMembership.filter(group__slug="road-trips").count() == 7


NOTIFIED = """subscription { notificationAdded { notification {
  kind text actor { handle } group { slug } } } }"""


async def test_the_request_and_its_decision_arrive_live(ws_api, same_server_api):
    api = same_server_api
    tokens = await club(api)
    async with ws_api.connect(tokens["max"]) as moderator:
        stream = await moderator.subscribe(NOTIFIED)
        assert (await join(api, tokens["lin"], answer=ANSWER))["membershipState"] == "PENDING"
        told = (await stream.next())["data"]["notificationAdded"]["notification"]
    assert told == {
        "kind": "GROUP_JOIN_REQUEST",
        "text": "",
        "actor": {"handle": "lin"},
        "group": {"slug": "road-trips"},
    }
    async with ws_api.connect(tokens["lin"]) as applicant:
        stream = await applicant.subscribe(NOTIFIED)
        decided = await decide(api, tokens["max"], await request_id("lin"), note="Welcome aboard.")
        assert decided["__typename"] == "DecideJoinRequestSuccess", decided
        answer = (await stream.next())["data"]["notificationAdded"]["notification"]
    assert answer == {
        "kind": "GROUP_JOIN_DECIDED",
        "text": "Your request to join Road Trips was approved: welcome! Welcome aboard.",
        "actor": None,
        "group": {"slug": "road-trips"},
    }
