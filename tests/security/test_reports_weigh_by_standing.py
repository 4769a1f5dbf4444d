"""Promise: a report weighs what its reporter's standing is worth (account age, who they are
to the brand, how often their past reports were upheld); reports from new accounts raise an
item's priority but never hide anything on their own; new accounts are limited per client
address.

Attack (seen before the fix): five accounts registered in seconds each reported a post, and
the report threshold hid it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from schema.relay import encode_id
from server.app import create_app
from server.db import Database
from server.models import IdentityKind, PlatformRole, Report, User
from server.settings import Settings
from tests.conftest import Api
from tests.helpers import make_post
from tests.security.conftest import Accounts, from_addresses

ADDRESSES = ("203.0.113.7", "198.51.100.9")

REPORT = "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }"
FEED = "{ globalFeed(first: 50) { edges { node { id } } } }"
QUEUE = "{ moderationQueue { edges { node { score targetHidden } } } }"


async def reported_by(api: Api, accounts: Accounts, count: int, days_old: int) -> str:
    await accounts.make("writer")
    target = encode_id("Post", (await make_post(accounts.users["writer"], "a fine post")).id)
    for n in range(count):
        token = await accounts.make(f"reporter{n}", days_old=days_old)
        done = await api.data(REPORT, {"id": target}, token=token)
        assert done["reportContent"]["__typename"] == "ReportContentSuccess", done
    return target


async def test_twenty_throwaway_accounts_cannot_hide_a_post(
    api: Api, accounts: Accounts, settings: Settings
) -> None:
    target = await reported_by(api, accounts, 20, days_old=0)
    feed = await api.data(FEED)
    assert target in [e["node"]["id"] for e in feed["globalFeed"]["edges"]]
    moderator = await accounts.make("mia", PlatformRole.MODERATOR)
    [item] = (await api.data(QUEUE, token=moderator))["moderationQueue"]["edges"]
    assert item["node"]["targetHidden"] is False
    assert item["node"]["score"] > 0  # they still bring it to the moderators' attention


async def test_five_established_members_hide_a_post_until_review(
    api: Api, accounts: Accounts, settings: Settings
) -> None:
    target = await reported_by(api, accounts, 5, days_old=settings.report_trusted_account_days + 3)
    feed = await api.data(FEED)
    assert target not in [e["node"]["id"] for e in feed["globalFeed"]["edges"]]


async def test_owners_reports_weigh_more_than_fans(api: Api, accounts: Accounts) -> None:
    await accounts.make("writer")
    target = encode_id("Post", (await make_post(accounts.users["writer"], "a post")).id)
    fan = await accounts.make("fan", days_old=40)
    owner = await accounts.make("owner", days_old=40)
    await User.filter(handle="owner").update(identity=IdentityKind.OWNER)
    for token in (fan, owner):
        await api.data(REPORT, {"id": target}, token=token)
    weights = {r.reporter_id: r.weight for r in await Report.all()}
    assert weights[accounts.id("owner")] > weights[accounts.id("fan")]


@pytest.fixture
async def limited(settings: Settings, db: Database) -> AsyncIterator[list[Api]]:
    """Two clients from two addresses, against a server with the default registration limit."""
    strict = dataclasses.replace(settings, rate_limits=Settings().rate_limits)
    async with from_addresses(create_app(strict, database=db), *ADDRESSES) as clients:
        yield clients


async def test_one_address_cannot_register_accounts_without_limit(
    limited: list[Api], settings: Settings
) -> None:
    first, second = limited
    allowed = Settings().rate_limit("register")
    assert allowed is not None
    register = """mutation($h: String!) { register(input: {handle: $h, password: "password-123",
      displayName: $h}) { __typename ... on RateLimitedError { retryAfterSeconds } } }"""
    answers = [
        (await first.data(register, {"h": f"throwaway{n}"}))["register"]
        for n in range(allowed[0] + 1)
    ]
    assert [a["__typename"] for a in answers[:-1]] == ["RegisterSuccess"] * allowed[0]
    assert answers[-1]["__typename"] == "RateLimitedError"
    assert answers[-1]["retryAfterSeconds"] > 0
    other = await second.data(register, {"h": "someone_else"})
    assert other["register"]["__typename"] == "RegisterSuccess"
