"""Promise: the cost of an operation is computed from the document before anything runs (a
connection multiplies what it selects by `first`); past `MAX_QUERY_COST` it is refused with
`QUERY_TOO_COSTLY`, the cost and the limit; an accepted operation reports `extensions.cost`;
and every caller (an account, or a client address when anonymous) has a budget of cost per
minute, kept in Redis so that all processes count together. The same holds over WebSocket.

Attack (seen before the fix): one anonymous request with 10 aliases of
`globalFeed(first:100) { … author { followers(first:100) { … posts(first:100) … } } }` took
7.3 s and returned 1.6 MB.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from server.app import create_app
from server.db import Database
from server.settings import Settings
from tests.conftest import Api, running
from tests.security.conftest import Accounts, code, from_addresses
from tests.wsapi import WsApi, serving

FAN_OUT = (
    "{ globalFeed(first: 100) { edges { node { author { followers(first: 100) { edges { node {"
    " posts(first: 100) { edges { node { id } } } } } } } } } } }"
)
ATTACK = "{ " + " ".join(f"a{i}: {FAN_OUT[2:-2]}" for i in range(10)) + " }"
PAGE = "{ globalFeed(first: 20) { edges { node { id body author { handle } } } } }"


def assert_too_costly(body: dict[str, object], limit: int) -> None:
    assert code(body) == "QUERY_TOO_COSTLY", body
    extensions = body["errors"][0]["extensions"]  # type: ignore[index]
    assert extensions["limit"] == limit
    assert extensions["cost"] > 1_000_000
    assert body["data"] is None


async def test_the_fan_out_attack_is_refused_before_it_runs(
    api: Api, settings: Settings, sql_statements: object
) -> None:
    body = await api.query(ATTACK)
    assert_too_costly(body, settings.max_query_cost)
    assert sql_statements.statements == []  # type: ignore[attr-defined]


async def test_the_fan_out_attack_is_refused_over_websocket(
    ws_api: WsApi, settings: Settings
) -> None:
    assert_too_costly(await ws_api.query(ATTACK), settings.max_query_cost)


async def test_a_subscription_that_costs_too_much_is_refused(
    ws_api: WsApi, settings: Settings
) -> None:
    costly = (
        "subscription { postAdded { post { author { followers(first: 100) { edges { node {"
        " posts(first: 100) { edges { node { id } } } } } } } } } }"
    )
    async with ws_api.connect() as socket:
        stream = await socket.subscribe(costly)
        errors = await stream.ended()
    assert errors and errors[0]["extensions"]["code"] == "QUERY_TOO_COSTLY", errors


async def test_a_cost_given_through_variables_counts_the_same(api: Api) -> None:
    query = "query($n: Int) { globalFeed(first: $n) { edges { node { id } } } }"
    small = await api.query(query, {"n": 1})
    large = await api.query(query, {"n": 100})
    assert small["extensions"]["cost"] < large["extensions"]["cost"]


async def test_an_accepted_operation_reports_its_cost(api: Api, ws_api: WsApi) -> None:
    over_http = await api.query(PAGE)
    assert "errors" not in over_http
    assert 0 < over_http["extensions"]["cost"] <= 100
    over_ws = await ws_api.query(PAGE)
    assert over_ws["extensions"]["cost"] == over_http["extensions"]["cost"]


@pytest.fixture
def budget_settings(settings: Settings, shared_redis: str, prefix: str) -> Settings:
    """A small budget in the real Redis, under keys of this test's own."""
    return dataclasses.replace(
        settings,
        redis_url=shared_redis,
        redis_key_prefix=prefix,
        max_query_cost=500,
        query_cost_per_minute=500,
    )


@pytest.fixture
async def two_processes(budget_settings: Settings, db: Database) -> AsyncIterator[tuple[Api, Api]]:
    """Two app instances sharing one Redis, as two server processes would."""
    first, second = (
        create_app(budget_settings, database=db),
        create_app(budget_settings, database=db),
    )
    async with running(first) as a, running(second) as b:
        yield Api(a), Api(b)


async def test_a_viewers_budget_is_shared_by_every_process(
    two_processes: tuple[Api, Api], accounts: Accounts
) -> None:
    first, second = two_processes
    token = await accounts.make("fan")
    query = "{ globalFeed(first: 100) { edges { node { id } } } }"
    cost = (await first.query(query, token=token))["extensions"]["cost"]
    spent = cost
    while spent + cost <= 500:
        assert "errors" not in await second.query(query, token=token)
        spent += cost
    refused = await first.query(query, token=token)
    assert code(refused) == "RATE_LIMITED", refused
    extensions = refused["errors"][0]["extensions"]
    assert extensions["reason"] == "QUERY_COST_BUDGET" and extensions["retryAfterSeconds"] > 0
    other = await accounts.make("other")  # another account has its own budget
    assert "errors" not in await second.query(query, token=other)


async def test_anonymous_callers_are_budgeted_per_address(
    budget_settings: Settings, db: Database
) -> None:
    app = create_app(budget_settings, database=db)
    query = "{ globalFeed(first: 100) { edges { node { id } } } }"
    async with from_addresses(app, "203.0.113.7", "198.51.100.9") as (one, two):
        answers = [code(await one.query(query)) for _ in range(6)]
        assert answers[0] is None and "RATE_LIMITED" in answers
        assert code(await two.query(query)) is None


async def test_the_budget_holds_over_websocket_too(
    budget_settings: Settings, db: Database, accounts: Accounts
) -> None:
    token = await accounts.make("fan")
    query = "{ globalFeed(first: 100) { edges { node { id } } } }"
    async with serving(create_app(budget_settings, database=db)) as url:
        ws = WsApi(url)
        async with ws.connect(token) as socket:
            answers = [code(await socket.execute(query)) for _ in range(6)]
    assert answers[0] is None and "RATE_LIMITED" in answers
