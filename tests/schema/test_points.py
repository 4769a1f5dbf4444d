"""The points API through GraphQL: checking in, spending (200 spends at once over HTTP), admins'
corrections, staff recording activity, the earning rules, who reads a points account, and who
is refused how: anonymous callers, other members, moderators where admins are needed, and
suspended, banned or silenced accounts."""

from __future__ import annotations

import asyncio
from typing import Any

from server.models import AccountState, LedgerEntry, PlatformRole, User
from tests.conftest import Api
from tests.helpers import make_role

CHECK_IN = """mutation { checkIn { __typename ... on CheckInSuccess {
  day streak alreadyCheckedIn balance clientTime entries { id kind amount rule balanceAfter } } } }"""
CHECK_IN_AT = """mutation($at: DateTime) { checkIn(input: {clientTime: $at}) {
  ... on CheckInSuccess { clientTime alreadyCheckedIn } } }"""
SPEND = """mutation($input: SpendPointsInput!) { spendPoints(input: $input) { __typename
  ... on SpendPointsSuccess { balance entry { id kind amount balanceAfter reason reference } }
  ... on InsufficientPointsError { balance }
  ... on ValidationError { field }
  ... on Error { code message } } }"""
ADJUST = """mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { __typename
  ... on AdjustPointsSuccess { balance entry { kind amount reason } }
  ... on InsufficientPointsError { balance }
  ... on ValidationError { field }
  ... on Error { code } } }"""
RECORD = """mutation($input: RecordActivityInput!) { recordActivity(input: $input) { __typename
  ... on RecordActivitySuccess { credited points { amount rule reference }
    contribution { amount rule } }
  ... on ValidationError { field }
  ... on Error { code } } }"""
RULES = """{ pointsRules { key description amount dailyCap lifetimeCap active }
  contributionRules { key amount } }"""
UPDATE_RULE = """mutation($input: UpdatePointsRuleInput!) { updatePointsRule(input: $input) {
  __typename ... on UpdatePointsRuleSuccess { rule { key amount dailyCap lifetimeCap active } }
  ... on ValidationError { field } } }"""
UPDATE_CONTRIBUTION_RULE = """mutation($input: UpdateContributionRuleInput!) {
  updateContributionRule(input: $input) { __typename
  ... on UpdateContributionRuleSuccess { rule { key amount active } } } }"""
ACCOUNT = """query($handle: String!) { user(handle: $handle) {
  points { balance entries(first: 5) { edges { node { id kind amount } } } }
  contributionEntries(first: 5) { edges { node { amount } } } } }"""
VIEWER = "{ viewer { points { balance entries { edges { node { amount balanceAfter } } } } } }"
NODE = "query($id: ID!) { node(id: $id) { __typename ... on PointsEntry { amount } } }"


def code(body: dict[str, Any]) -> tuple[str, str | None]:
    [error] = body["errors"]
    return error["extensions"]["code"], error["extensions"].get("reason")


async def world(api: Api) -> dict[str, str]:
    """Tokens: `lin` and `kai` members, `mia` a moderator, `ann` an admin, and accounts under
    sanction: `rui` suspended, `zoe` banned, `ivy` a silenced admin, `leo` a banned admin."""
    tokens = {}
    for handle in ("lin", "kai", "mia", "ann", "rui", "zoe", "ivy", "leo"):
        tokens[handle] = await api.register(handle)
    await make_role("mia", PlatformRole.MODERATOR)
    for handle in ("ann", "ivy", "leo"):
        await make_role(handle, PlatformRole.ADMIN)
    for handle, state in (
        ("rui", AccountState.SUSPENDED),
        ("zoe", AccountState.BANNED),
        ("ivy", AccountState.SILENCED),
        ("leo", AccountState.BANNED),
    ):
        await User.filter(handle=handle).update(state=state)
    return tokens


async def adjust(api: Api, token: str | None, amount: int, key: str, **more: Any) -> Any:
    values = {"handle": "lin", "amount": amount, "reason": "Welcome", "idempotencyKey": key}
    return await api.query(ADJUST, {"input": values | more}, token)


async def spend(api: Api, token: str | None, amount: int, key: str, **more: Any) -> Any:
    values = {"amount": amount, "reason": "A sticker", "idempotencyKey": key}
    return await api.query(SPEND, {"input": values | more}, token)


async def test_check_in_needs_no_input_and_a_second_one_the_same_day_earns_nothing(api):
    tokens = await world(api)
    first = (await api.data(CHECK_IN, token=tokens["lin"]))["checkIn"]
    again = (await api.data(CHECK_IN, token=tokens["lin"]))["checkIn"]

    assert first["__typename"] == "CheckInSuccess"
    assert (first["streak"], first["alreadyCheckedIn"], first["balance"]) == (1, False, 5)
    assert [(e["kind"], e["amount"], e["rule"]) for e in first["entries"]] == [
        ("EARNED", 5, "DAILY_CHECK_IN")
    ]
    assert again == first | {"alreadyCheckedIn": True}
    shown = await api.data(CHECK_IN_AT, {"at": "1999-01-01T00:00:00+00:00"}, tokens["lin"])
    assert shown["checkIn"] == {"clientTime": "1999-01-01T00:00:00+00:00", "alreadyCheckedIn": True}

    assert code(await api.query(CHECK_IN)) == ("UNAUTHENTICATED", None)
    assert code(await api.query(CHECK_IN, token=tokens["rui"])) == (
        "FORBIDDEN",
        "ACCOUNT_SUSPENDED",
    )
    assert code(await api.query(CHECK_IN, token=tokens["zoe"])) == ("FORBIDDEN", "ACCOUNT_BANNED")


async def test_a_spend_answers_each_outcome_as_its_own_type(api):
    tokens = await world(api)
    assert (await adjust(api, tokens["ann"], 100, "seed-lin-100"))["data"]["adjustPoints"][
        "balance"
    ] == 100

    spent = await spend(api, tokens["lin"], 30, "order-0001", reference="ORDER:SO-1")
    retry = await spend(api, tokens["lin"], 30, "order-0001", reference="ORDER:SO-1")
    conflict = await spend(api, tokens["lin"], 31, "order-0001")
    short = await spend(api, tokens["lin"], 71, "order-0002")
    invalid = await spend(api, tokens["lin"], 1, "order-0003", reference="POST:1")

    assert spent == retry
    result = spent["data"]["spendPoints"]
    assert result["__typename"] == "SpendPointsSuccess" and result["balance"] == 70
    assert result["entry"] | {"id": None} == {
        "id": None,
        "kind": "SPENT",
        "amount": -30,
        "balanceAfter": 70,
        "reason": "A sticker",
        "reference": "ORDER:SO-1",
    }
    assert conflict["data"]["spendPoints"]["code"] == "CONFLICT"
    assert short["data"]["spendPoints"] == {
        "__typename": "InsufficientPointsError",
        "balance": 70,
        "code": "INSUFFICIENT_POINTS",
        "message": "Not enough points: the balance is 70.",
    }
    assert invalid["data"]["spendPoints"]["field"] == "reference"
    assert code(await spend(api, None, 1, "order-0004")) == ("UNAUTHENTICATED", None)
    assert code(await spend(api, tokens["zoe"], 1, "order-0004")) == ("FORBIDDEN", "ACCOUNT_BANNED")
    assert await LedgerEntry.filter(kind="SPENT").count() == 1


async def test_two_hundred_spends_at_once_over_http_spend_exactly_the_balance(api):
    tokens = await world(api)
    await adjust(api, tokens["ann"], 100, "seed-lin-100")

    bodies = await asyncio.gather(
        *(spend(api, tokens["lin"], 1, f"sticker-{n:04d}") for n in range(200))
    )

    kinds = [body["data"]["spendPoints"]["__typename"] for body in bodies]
    assert kinds.count("SpendPointsSuccess") == 100
    assert kinds.count("InsufficientPointsError") == 100
    viewer = (await api.data(VIEWER, token=tokens["lin"]))["viewer"]["points"]
    assert viewer["balance"] == 0
    assert viewer["entries"]["edges"][0]["node"] == {"amount": -1, "balanceAfter": 0}
    lin = await User.get(handle="lin")
    running = 0
    for entry in await LedgerEntry.filter(user_id=lin.id).order_by("id"):
        running += entry.amount
        assert entry.balance_after == running >= 0
    assert running == 0


async def test_admins_correct_points_and_everyone_else_is_refused(api):
    tokens = await world(api)
    done = (await adjust(api, tokens["ann"], 40, "fix-000001"))["data"]["adjustPoints"]
    assert done == {
        "__typename": "AdjustPointsSuccess",
        "balance": 40,
        "entry": {"kind": "ADJUSTED", "amount": 40, "reason": "Welcome"},
    }
    below = (await adjust(api, tokens["ann"], -41, "fix-000002"))["data"]["adjustPoints"]
    assert below == {
        "__typename": "InsufficientPointsError",
        "balance": 40,
        "code": "INSUFFICIENT_POINTS",
    }
    missing = await adjust(api, tokens["ann"], 1, "fix-000003", handle="nobody_here")
    assert missing["data"]["adjustPoints"] == {"__typename": "NotFoundError", "code": "NOT_FOUND"}
    zero = await adjust(api, tokens["ann"], 0, "fix-000004")
    assert zero["data"]["adjustPoints"] == {
        "__typename": "ValidationError",
        "field": "amount",
        "code": "INVALID_INPUT",
    }

    assert code(await adjust(api, None, 1, "fix-000005")) == ("UNAUTHENTICATED", None)
    for handle in ("lin", "kai", "mia", "rui"):
        assert code(await adjust(api, tokens[handle], 1, "fix-000005")) == ("FORBIDDEN", None)
    assert code(await adjust(api, tokens["ivy"], 1, "fix-000005")) == (
        "FORBIDDEN",
        "ACCOUNT_SILENCED",
    )
    assert code(await adjust(api, tokens["leo"], 1, "fix-000005")) == (
        "FORBIDDEN",
        "ACCOUNT_BANNED",
    )
    own = await adjust(api, tokens["ann"], 1, "fix-000005", handle="ann")
    assert code(own) == ("FORBIDDEN", None)
    assert await LedgerEntry.all().count() == 1


async def test_staff_record_activity_and_members_cannot(api):
    tokens = await world(api)
    values = {
        "handle": "lin",
        "rule": "REFERRAL_TEST_DRIVE",
        "reference": "TEST_DRIVE:TD-9",
        "idempotencyKey": "drive-td-9",
    }

    done = await api.data(RECORD, {"input": values}, tokens["mia"])
    again = await api.data(RECORD, {"input": values}, tokens["mia"])

    assert done == again
    assert done["recordActivity"] == {
        "__typename": "RecordActivitySuccess",
        "credited": True,
        "points": {"amount": 200, "rule": "REFERRAL_TEST_DRIVE", "reference": "TEST_DRIVE:TD-9"},
        "contribution": {"amount": 10, "rule": "REFERRAL_TEST_DRIVE"},
    }
    banned = await api.data(RECORD, {"input": values | {"handle": "zoe"}}, tokens["ann"])
    assert banned["recordActivity"] == {
        "__typename": "RecordActivitySuccess",
        "credited": False,
        "points": None,
        "contribution": None,
    }
    wrong = await api.data(RECORD, {"input": values | {"rule": "WORK_FEATURED"}}, tokens["mia"])
    assert wrong["recordActivity"] == {
        "__typename": "ValidationError",
        "field": "rule",
        "code": "INVALID_INPUT",
    }
    other = await api.data(RECORD, {"input": values | {"reference": "TEST_DRIVE:2"}}, tokens["mia"])
    assert other["recordActivity"] == {"__typename": "ConflictError", "code": "CONFLICT"}

    assert code(await api.query(RECORD, {"input": values})) == ("UNAUTHENTICATED", None)
    for handle in ("lin", "kai", "rui"):
        refused = await api.query(RECORD, {"input": values}, tokens[handle])
        assert code(refused) == ("FORBIDDEN", None)
    silenced = await api.query(RECORD, {"input": values}, tokens["ivy"])
    assert code(silenced) == ("FORBIDDEN", "ACCOUNT_SILENCED")
    own = await api.query(RECORD, {"input": values | {"handle": "mia"}}, tokens["mia"])
    assert code(own) == ("FORBIDDEN", None)


async def test_rules_are_public_and_admins_change_them(api):
    tokens = await world(api)
    rules = await api.data(RULES)
    checkin = next(r for r in rules["pointsRules"] if r["key"] == "DAILY_CHECK_IN")
    assert checkin == {
        "key": "DAILY_CHECK_IN",
        "description": "The daily check-in (`checkIn`), once a calendar day.",
        "amount": 5,
        "dailyCap": 5,
        "lifetimeCap": None,
        "active": True,
    }
    assert {r["key"] for r in rules["contributionRules"]} >= {"WORK_FEATURED", "DAILY_INTERACTION"}

    change = {"key": "DAILY_CHECK_IN", "amount": 8, "dailyCap": 0}
    changed = await api.data(UPDATE_RULE, {"input": change}, tokens["ann"])
    assert changed["updatePointsRule"]["rule"] == {
        "key": "DAILY_CHECK_IN",
        "amount": 8,
        "dailyCap": None,
        "lifetimeCap": None,
        "active": True,
    }
    assert (await api.data(CHECK_IN, token=tokens["lin"]))["checkIn"]["balance"] == 8
    off = {"key": "WORK_FEATURED", "active": False}
    switched = await api.data(UPDATE_CONTRIBUTION_RULE, {"input": off}, tokens["ann"])
    assert switched["updateContributionRule"]["rule"] == {
        "key": "WORK_FEATURED",
        "amount": 30,
        "active": False,
    }
    for bad, field in (
        ({"key": "NOPE"}, "key"),
        ({"key": "DAILY_CHECK_IN", "amount": 0}, "amount"),
    ):
        refused = await api.data(UPDATE_RULE, {"input": bad}, tokens["ann"])
        assert refused["updatePointsRule"] == {"__typename": "ValidationError", "field": field}

    assert code(await api.query(UPDATE_RULE, {"input": change})) == ("UNAUTHENTICATED", None)
    for handle in ("lin", "mia"):
        refused = await api.query(UPDATE_RULE, {"input": change}, tokens[handle])
        assert code(refused) == ("FORBIDDEN", None)
    silenced = await api.query(UPDATE_CONTRIBUTION_RULE, {"input": off}, tokens["ivy"])
    assert code(silenced) == ("FORBIDDEN", "ACCOUNT_SILENCED")


async def test_a_points_account_is_read_by_its_owner_and_staff_alone(api):
    tokens = await world(api)
    await adjust(api, tokens["ann"], 25, "seed-lin-25")

    own = (await api.data(VIEWER, token=tokens["lin"]))["viewer"]["points"]
    assert own == {
        "balance": 25,
        "entries": {"edges": [{"node": {"amount": 25, "balanceAfter": 25}}]},
    }
    for reader in ("lin", "mia", "ann"):
        seen = (await api.data(ACCOUNT, {"handle": "lin"}, tokens[reader]))["user"]
        assert seen["points"]["balance"] == 25
        assert seen["contributionEntries"] == {"edges": []}
    entry_id = seen["points"]["entries"]["edges"][0]["node"]["id"]
    for reader in (None, tokens["kai"], tokens["ivy"]):
        hidden = (await api.data(ACCOUNT, {"handle": "lin"}, reader))["user"]
        assert hidden == {"points": None, "contributionEntries": None}
        assert (await api.data(NODE, {"id": entry_id}, reader))["node"] is None
    for reader in ("lin", "mia"):
        found = await api.data(NODE, {"id": entry_id}, tokens[reader])
        assert found["node"] == {"__typename": "PointsEntry", "amount": 25}
    assert (await api.data(VIEWER))["viewer"] is None
