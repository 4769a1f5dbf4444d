"""Promise: an appeal is decided at the level of the original decision or above (group admins,
then platform moderators, then admins), by someone other than who decided and whom it
affected; sanctions on a moderator's or an admin's account are for admins alone.

Attacks (seen before the fix): a group admin overturned a platform moderator's decision
through the appeal path; a moderator suspended an admin.
"""

from __future__ import annotations

import pytest

from schema.relay import encode_id
from server.models import AccountState, GroupMembership, GroupRole, PlatformRole, User
from tests.conftest import Api
from tests.helpers import make_group, make_post, moderate
from tests.security.conftest import Accounts, code

DECISIONS = "{ viewerModerationDecisions { edges { node { id action actor { handle } } } } }"
APPEAL = """mutation($id: ID!) { appealDecision(input: {decisionId: $id, text: "please look again"}) {
  __typename ... on AppealDecisionSuccess { appeal { id } } } }"""
DECIDE = """mutation($id: ID!) { decideAppeal(input: {appealId: $id, overturn: true, reason: "fair"}) {
  __typename ... on DecideAppealSuccess { appeal { state } } } }"""


async def appealed(api: Api, author: str) -> str:
    decisions = (await api.data(DECISIONS, token=author))["viewerModerationDecisions"]["edges"]
    done = await api.data(APPEAL, {"id": decisions[0]["node"]["id"]}, token=author)
    assert done["appealDecision"]["__typename"] == "AppealDecisionSuccess", done
    return done["appealDecision"]["appeal"]["id"]


async def club(accounts: Accounts) -> dict[str, str]:
    tokens = {
        "author": await accounts.make("author"),
        "reporter": await accounts.make("reporter", days_old=30),
        "owner": await accounts.make("owner"),
        "co_admin": await accounts.make("co_admin"),
        "mia": await accounts.make("mia", PlatformRole.MODERATOR),
        "otto": await accounts.make("otto", PlatformRole.MODERATOR),
        "boss": await accounts.make("boss", PlatformRole.ADMIN),
    }
    users = accounts.users
    row = await make_group("club", users["owner"], users["author"], users["reporter"])
    await GroupMembership.create(group=row, user=users["co_admin"], role=GroupRole.ADMIN)
    target = await make_post(users["author"], "questionable", group=row)
    tokens["post"] = encode_id("Post", target.id)
    return tokens


@pytest.mark.parametrize(
    ("decider", "appeal_decider", "outcome"),
    [
        ("mia", "owner", "FORBIDDEN"),  # a group admin under a moderator's decision
        ("mia", "co_admin", "FORBIDDEN"),
        ("mia", "otto", "DecideAppealSuccess"),
        ("mia", "boss", "DecideAppealSuccess"),
        ("owner", "co_admin", "DecideAppealSuccess"),  # the group's own level
        ("owner", "otto", "DecideAppealSuccess"),  # or above
        ("mia", "mia", "ConflictError"),  # never who decided
    ],
)
async def test_an_appeal_is_decided_at_the_level_of_the_decision_or_above(
    api: Api, accounts: Accounts, decider: str, appeal_decider: str, outcome: str
) -> None:
    tokens = await club(accounts)
    await moderate(api, tokens[decider], tokens["reporter"], tokens["post"], ["HIDE"])
    appeal = await appealed(api, tokens["author"])
    body = await api.query(DECIDE, {"id": appeal}, token=tokens[appeal_decider])
    answer = code(body) or body["data"]["decideAppeal"]["__typename"]
    assert answer == outcome, body
    if outcome != "DecideAppealSuccess":
        # Still pending: refused appeals change nothing.
        item = await api.data(
            "{ moderationQueue { edges { node { pendingAppeal { id } } } } }", token=tokens["otto"]
        )
        assert item["moderationQueue"]["edges"][0]["node"]["pendingAppeal"]["id"] == appeal


async def test_a_moderator_cannot_sanction_an_admin_or_another_moderator(
    api: Api, accounts: Accounts
) -> None:
    tokens = await club(accounts)
    for handle in ("boss", "otto"):
        target = encode_id("User", accounts.id(handle))
        await api.data(
            "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: HARASSMENT}) { __typename } }",
            {"id": target},
            token=tokens["reporter"],
        )
    queue = await api.data(
        "{ moderationQueue { edges { node { id target { ... on User { handle } } } } } }",
        token=tokens["mia"],
    )
    for edge in queue["moderationQueue"]["edges"]:
        body = await api.query(
            """mutation($id: ID!) { resolveQueueItem(input: {itemId: $id, actions: [SUSPEND],
                 reason: "rude", days: 3}) { __typename } }""",
            {"id": edge["node"]["id"]},
            token=tokens["mia"],
        )
        assert code(body) == "FORBIDDEN", (edge, body)
    assert {u.state for u in await User.filter(handle__in=["boss", "otto"])} == {
        AccountState.ACTIVE
    }
    # An admin may.
    otto_item = next(
        e["node"]["id"]
        for e in queue["moderationQueue"]["edges"]
        if e["node"]["target"]["handle"] == "otto"
    )
    done = await api.data(
        """mutation($id: ID!) { resolveQueueItem(input: {itemId: $id, actions: [SUSPEND],
             reason: "rude", days: 3}) { __typename } }""",
        {"id": otto_item},
        token=tokens["boss"],
    )
    assert done["resolveQueueItem"]["__typename"] == "ResolveQueueItemSuccess"


async def test_the_sanctioned_user_never_learns_who_decided(api: Api, accounts: Accounts) -> None:
    tokens = await club(accounts)
    await moderate(api, tokens["mia"], tokens["reporter"], tokens["post"], ["REMOVE"], "spam")
    mine = await api.data(DECISIONS, token=tokens["author"])
    [decision] = [e["node"] for e in mine["viewerModerationDecisions"]["edges"]]
    assert decision["action"] == "REMOVE" and decision["actor"] is None
    log = await api.data(
        "{ auditLog { edges { node { action actor { handle } } } } }", token=tokens["otto"]
    )
    actions = {e["node"]["action"]: e["node"]["actor"] for e in log["auditLog"]["edges"]}
    assert actions["REMOVE"] == {"handle": "mia"}  # the other moderators do
