"""Promise: one place decides whether an account may act, from its role and its state
together. A silenced, suspended or banned moderator, admin or group owner can do nothing a
member in that state cannot: no badges, roles or rules, no queue, no hidden content.

Attack (seen before the fix): a banned admin still granted executive badges, set roles and
created moderation rules over plain HTTP; a banned group owner still worked its group's queue.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schema.relay import encode_id
from server.models import AccountState, PlatformRole, PostState, User
from tests.conftest import Api
from tests.helpers import make_group, make_post
from tests.security.conftest import Accounts, code

ADMIN_WRITES = {
    "grantEmployeeBadge": 'mutation { grantEmployeeBadge(input: {handle: "fan", department: "Sales", title: "CEO", executive: true}) { __typename } }',
    "setUserRole": 'mutation { setUserRole(input: {handle: "fan", role: ADMIN}) { __typename } }',
    "createModerationRule": 'mutation { createModerationRule(input: {pattern: "hello", match: WORD, action: BLOCK}) { __typename } }',
    "createPersonaAccount": 'mutation { createPersonaAccount(input: {handle: "helper_bot", displayName: "Helper", domain: SERVICE}) { __typename } }',
    "setGroupCertified": 'mutation { setGroupCertified(input: {slug: "club", certified: true}) { __typename } }',
}
SANCTIONS = [
    (AccountState.BANNED, None, "ACCOUNT_BANNED"),
    (AccountState.SUSPENDED, 3, "ACCOUNT_SUSPENDED"),
    (AccountState.SILENCED, 3, "ACCOUNT_SILENCED"),
]


@pytest.mark.parametrize(("state", "days", "reason"), SANCTIONS)
@pytest.mark.parametrize("operation", sorted(ADMIN_WRITES))
async def test_a_sanctioned_admin_cannot_use_admin_powers(
    api: Api, accounts: Accounts, operation: str, state: AccountState, days: int | None, reason: str
) -> None:
    token = await accounts.make("boss", PlatformRole.ADMIN, state, until_days=days)
    await accounts.make("fan")
    await make_group("club", accounts.users["fan"])
    body = await api.query(ADMIN_WRITES[operation], token=token)
    assert code(body) == "FORBIDDEN", body
    assert body["errors"][0]["extensions"]["reason"] == reason
    assert body["data"] is None


async def test_an_admin_whose_suspension_ended_has_their_powers_back(
    api: Api, accounts: Accounts
) -> None:
    token = await accounts.make("boss", PlatformRole.ADMIN, AccountState.SUSPENDED, until_days=3)
    await accounts.make("fan")
    refused = await api.query(ADMIN_WRITES["setUserRole"], token=token)
    assert code(refused) == "FORBIDDEN"
    await User.filter(handle="boss").update(suspended_until=datetime.now(UTC) - timedelta(1))
    done = await api.data(ADMIN_WRITES["setUserRole"], token=token)
    assert done["setUserRole"]["__typename"] == "SetUserRoleSuccess"


@pytest.mark.parametrize(("state", "days", "reason"), SANCTIONS)
async def test_a_sanctioned_moderator_cannot_read_the_queue_or_change_rules(
    api: Api, accounts: Accounts, state: AccountState, days: int | None, reason: str
) -> None:
    token = await accounts.make("mia", PlatformRole.MODERATOR, state, until_days=days)
    for document in (
        "{ moderationQueue { edges { node { id } } } }",
        "{ moderationPendingCount }",
        "{ auditLog { edges { node { id } } } }",
        "{ moderationRules { id } }",
        ADMIN_WRITES["createModerationRule"],
    ):
        body = await api.query(document, token=token)
        assert code(body) == "FORBIDDEN", (document, body)
        assert body["errors"][0]["extensions"]["reason"] == reason


@pytest.mark.parametrize(("state", "days", "reason"), SANCTIONS)
async def test_a_sanctioned_group_owner_cannot_work_the_groups_queue(
    api: Api, accounts: Accounts, state: AccountState, days: int | None, reason: str
) -> None:
    owner = await accounts.make("owner", state=state, until_days=days)
    reporter = await accounts.make("reporter", days_old=30)
    await accounts.make("writer")
    club = await make_group("club", accounts.users["owner"], accounts.users["writer"])
    target = await make_post(accounts.users["writer"], "in the club", group=club)
    reported = await api.data(
        "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }",
        {"id": encode_id("Post", target.id)},
        token=reporter,
    )
    assert reported["reportContent"]["__typename"] == "ReportContentSuccess"
    body = await api.query("{ moderationQueue { edges { node { id } } } }", token=owner)
    assert code(body) == "FORBIDDEN", body
    assert body["errors"][0]["extensions"]["reason"] == reason
    update = await api.query(
        'mutation { updateGroup(input: {slug: "club", visibility: MEMBERS_ONLY}) { __typename } }',
        token=owner,
    )
    assert code(update) == "FORBIDDEN" or update["data"]["updateGroup"]["__typename"] != (
        "UpdateGroupSuccess"
    ), update


async def test_a_banned_moderator_no_longer_sees_hidden_posts(api: Api, accounts: Accounts) -> None:
    token = await accounts.make("mia", PlatformRole.MODERATOR)
    await accounts.make("writer")
    hidden = await make_post(
        accounts.users["writer"], "hidden by moderators", state=PostState.HIDDEN
    )
    query = "query($id: ID!) { node(id: $id) { id } }"
    variables = {"id": encode_id("Post", hidden.id)}
    assert (await api.data(query, variables, token=token))["node"] is not None
    await User.filter(handle="mia").update(state=AccountState.BANNED)
    assert (await api.data(query, variables, token=token))["node"] is None
