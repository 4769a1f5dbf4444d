"""Promise: nobody claims, notes, decides, or even sees the queue item about themselves or
what they wrote; platform staff can take over anyone's claim (audited); who reported is shown
to platform staff only.

Attack (seen before the fix): a group owner claimed the queue item about their own post, so
that moderators and admins were refused for 30 minutes (and the owner could extend the
claim), and read the reporter's handle and note.
"""

from __future__ import annotations

from typing import Any

from schema.relay import encode_id
from server.models import PlatformRole
from tests.conftest import Api
from tests.helpers import make_group, make_post
from tests.security.conftest import Accounts, code

REPORT = """mutation($id: ID!) { reportContent(input: {targetId: $id, reason: HARASSMENT,
  note: "said by the reporter"}) { __typename } }"""
QUEUE = """{ moderationQueue { edges { node { id
  reports { note reporter { handle } } timeline { kind actor { handle } } } } }
  moderationPendingCount }"""
CLAIM = """mutation($id: ID!, $over: Boolean) { claimQueueItem(input: {itemId: $id, takeOver: $over}) {
  __typename ... on ClaimQueueItemSuccess { item { claimedBy { handle } } } } }"""


async def club_with_reported_posts(api: Api, accounts: Accounts) -> dict[str, Any]:
    """A club run by `owner`, where the owner's own post and a member's post are reported."""
    tokens = {
        "owner": await accounts.make("owner"),
        "member": await accounts.make("member"),
        "reporter": await accounts.make("reporter", days_old=30),
        "mia": await accounts.make("mia", PlatformRole.MODERATOR),
    }
    club = await make_group(
        "club", accounts.users["owner"], accounts.users["member"], accounts.users["reporter"]
    )
    own = await make_post(accounts.users["owner"], "the owner's post", group=club)
    theirs = await make_post(accounts.users["member"], "a member's post", group=club)
    for target in (own, theirs):
        done = await api.data(
            REPORT, {"id": encode_id("Post", target.id)}, token=tokens["reporter"]
        )
        assert done["reportContent"]["__typename"] == "ReportContentSuccess"
    queue = (await api.data(QUEUE, token=tokens["mia"]))["moderationQueue"]["edges"]
    assert len(queue) == 2
    items = {}
    for edge in queue:
        item = await api.data(
            "query($id: ID!) { moderationItem(id: $id) { target { ... on Post { body } } } }",
            {"id": edge["node"]["id"]},
            token=tokens["mia"],
        )
        items[item["moderationItem"]["target"]["body"]] = edge["node"]["id"]
    return {"tokens": tokens, "own": items["the owner's post"], "theirs": items["a member's post"]}


async def test_a_group_owner_does_not_see_the_item_about_their_own_post(
    api: Api, accounts: Accounts
) -> None:
    world = await club_with_reported_posts(api, accounts)
    owner = world["tokens"]["owner"]
    data = await api.data(QUEUE, token=owner)
    assert [e["node"]["id"] for e in data["moderationQueue"]["edges"]] == [world["theirs"]]
    assert data["moderationPendingCount"] == 1
    seen = await api.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": world["own"]}, token=owner
    )
    assert seen["node"] is None


async def test_a_group_owner_cannot_claim_note_or_decide_the_item_about_their_own_post(
    api: Api, accounts: Accounts
) -> None:
    world = await club_with_reported_posts(api, accounts)
    owner, item = world["tokens"]["owner"], world["own"]
    attempts = {
        "claimQueueItem": (CLAIM, {"id": item, "over": False}),
        "addQueueNote": (
            'mutation($id: ID!) { addQueueNote(input: {itemId: $id, text: "mine"}) { __typename } }',
            {"id": item},
        ),
        "resolveQueueItem": (
            "mutation($id: ID!) { resolveQueueItem(input: {itemId: $id, actions: [APPROVE]}) { __typename } }",
            {"id": item},
        ),
    }
    for name, (document, variables) in attempts.items():
        answer = await api.data(document, variables, token=owner)
        assert answer[name]["__typename"] == "NotFoundError", (name, answer)
    # The moderators can still claim it at once: nothing was claimed.
    claimed = await api.data(CLAIM, {"id": item, "over": False}, token=world["tokens"]["mia"])
    assert claimed["claimQueueItem"]["item"]["claimedBy"]["handle"] == "mia"


async def test_only_platform_staff_see_who_reported(api: Api, accounts: Accounts) -> None:
    world = await club_with_reported_posts(api, accounts)
    as_owner = (await api.data(QUEUE, token=world["tokens"]["owner"]))["moderationQueue"]
    [node] = [e["node"] for e in as_owner["edges"]]
    assert node["reports"] == [{"note": "said by the reporter", "reporter": None}]
    steps = {s["kind"]: s["actor"] for s in node["timeline"]}
    assert steps["REPORTED"] is None and steps["OPENED"] is None
    as_moderator = (await api.data(QUEUE, token=world["tokens"]["mia"]))["moderationQueue"]
    reporters = {
        r["reporter"]["handle"] for e in as_moderator["edges"] for r in e["node"]["reports"]
    }
    assert reporters == {"reporter"}


async def test_platform_staff_take_over_a_group_admins_claim_and_it_is_audited(
    api: Api, accounts: Accounts
) -> None:
    world = await club_with_reported_posts(api, accounts)
    owner, mia, item = world["tokens"]["owner"], world["tokens"]["mia"], world["theirs"]
    held = await api.data(CLAIM, {"id": item, "over": False}, token=owner)
    assert held["claimQueueItem"]["item"]["claimedBy"]["handle"] == "owner"
    again = await api.data(CLAIM, {"id": item, "over": False}, token=owner)  # extending is fine
    assert again["claimQueueItem"]["__typename"] == "ClaimQueueItemSuccess"
    refused = await api.data(CLAIM, {"id": item, "over": False}, token=mia)
    assert refused["claimQueueItem"]["__typename"] == "ConflictError"
    taken = await api.data(CLAIM, {"id": item, "over": True}, token=mia)
    assert taken["claimQueueItem"]["item"]["claimedBy"]["handle"] == "mia"
    log = await api.data(
        "{ auditLog { edges { node { kind actor { handle } affectedUser { handle } } } } }",
        token=mia,
    )
    kinds = [e["node"] for e in log["auditLog"]["edges"] if e["node"]["kind"] == "CLAIM_TAKEN_OVER"]
    assert kinds == [
        {
            "kind": "CLAIM_TAKEN_OVER",
            "actor": {"handle": "mia"},
            "affectedUser": {"handle": "owner"},
        }
    ]


async def test_a_group_admin_cannot_take_a_claim_from_platform_staff(
    api: Api, accounts: Accounts
) -> None:
    world = await club_with_reported_posts(api, accounts)
    owner, mia, item = world["tokens"]["owner"], world["tokens"]["mia"], world["theirs"]
    await api.data(CLAIM, {"id": item, "over": False}, token=mia)
    refused = await api.data(CLAIM, {"id": item, "over": True}, token=owner)
    assert refused["claimQueueItem"]["__typename"] == "ConflictError"
    decided = await api.query(
        "mutation($id: ID!) { resolveQueueItem(input: {itemId: $id, actions: [APPROVE]}) { __typename } }",
        {"id": item},
        token=owner,
    )
    assert code(decided) is None
    assert decided["data"]["resolveQueueItem"]["__typename"] == "ConflictError"
