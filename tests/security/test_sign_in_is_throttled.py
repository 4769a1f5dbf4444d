"""Promise: sign-in is throttled per handle and per client address, with growing delays after
failures, answered by `RateLimitedError` with the time to wait, the same whether or not the
handle exists; at most one `signIn` or `register` field per request.

Attack (seen before the fix): about 400 wrong passwords a minute, and 30 aliased `signIn`
fields in one request.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from server.app import create_app
from server.db import Database
from server.settings import Settings
from tests.conftest import Api
from tests.security.conftest import from_addresses

ADDRESSES = ("203.0.113.7", "198.51.100.9")

SIGN_IN = """mutation($h: String!, $p: String!) { signIn(input: {handle: $h, password: $p}) {
  __typename ... on RateLimitedError { retryAfterSeconds } } }"""


async def attempt(api: Api, handle: str, password: str) -> tuple[str, float | None]:
    answer = (await api.data(SIGN_IN, {"h": handle, "p": password}))["signIn"]
    return answer["__typename"], answer.get("retryAfterSeconds")


@pytest.mark.parametrize("handle", ["ann", "nobody_here"])
async def test_repeated_wrong_passwords_lock_a_handle_whether_or_not_it_exists(
    api: Api, settings: Settings, handle: str
) -> None:
    await api.register("ann", "right-password")
    free = settings.sign_in_failures_per_handle
    answers = [await attempt(api, handle, "wrong-guess") for _ in range(free + 1)]
    assert [kind for kind, _ in answers] == ["InvalidCredentialsError"] * (free + 1)
    locked, wait = await attempt(api, handle, "right-password")
    assert locked == "RateLimitedError" and wait is not None and wait > 0
    # Further attempts while locked are refused without counting, so waiting is enough.
    assert (await attempt(api, handle, "wrong-again"))[0] == "RateLimitedError"


async def test_the_wait_grows_with_each_failure_after_the_free_ones(
    api: Api, settings: Settings
) -> None:
    await api.register("ann", "right-password")
    for _ in range(settings.sign_in_failures_per_handle + 1):
        await attempt(api, "ann", "wrong-guess")
    waits = []
    for _ in range(2):
        kind, wait = await attempt(api, "ann", "wrong-guess")
        assert kind == "RateLimitedError" and wait is not None
        waits.append(wait)
        await asyncio.sleep(wait + 0.1)  # the clock under test: the lock ends when it said
        assert (await attempt(api, "ann", "wrong-guess"))[0] == "InvalidCredentialsError"
    kind, longer = await attempt(api, "ann", "wrong-guess")
    assert kind == "RateLimitedError" and longer is not None
    assert waits[0] < waits[1] < longer


async def test_a_successful_sign_in_clears_the_handles_failures(
    api: Api, settings: Settings
) -> None:
    await api.register("ann", "right-password")
    for _ in range(settings.sign_in_failures_per_handle - 1):
        await attempt(api, "ann", "wrong-guess")
    assert (await attempt(api, "ann", "right-password"))[0] == "SignInSuccess"
    for _ in range(settings.sign_in_failures_per_handle):
        assert (await attempt(api, "ann", "wrong-guess"))[0] == "InvalidCredentialsError"


@pytest.fixture
async def two_addresses(settings: Settings, db: Database) -> AsyncIterator[list[Api]]:
    async with from_addresses(create_app(settings, database=db), *ADDRESSES) as clients:
        yield clients


async def test_one_address_cannot_spray_passwords_over_many_handles(
    two_addresses: list[Api], settings: Settings
) -> None:
    attacker, neighbour = two_addresses
    await neighbour.register("ann", "right-password")
    budget = settings.sign_in_failures_per_address
    for n in range(budget + 1):
        # Each handle stays under its own limit; the address does not.
        await attempt(attacker, f"victim{n}", "password1")
    assert (await attempt(attacker, "ann", "right-password"))[0] == "RateLimitedError"
    assert (await attempt(neighbour, "ann", "right-password"))[0] == "SignInSuccess"


@pytest.mark.parametrize(
    "document",
    [
        'mutation { a: signIn(input: {handle: "ann", password: "guess-one"}) { __typename }'
        ' b: signIn(input: {handle: "ann", password: "guess-two"}) { __typename } }',
        'mutation { signIn(input: {handle: "ann", password: "guess-one"}) { __typename }'
        ' register(input: {handle: "newbie", password: "password-123", displayName: "N"}) { __typename } }',
        "mutation { "
        + " ".join(
            f'a{i}: signIn(input: {{handle: "ann", password: "guess{i:02d}x"}}) {{ __typename }}'
            for i in range(30)
        )
        + " }",
        "mutation { ...twice } fragment twice on Mutation {"
        ' a: register(input: {handle: "one_new", password: "password-123", displayName: "O"}) { __typename }'
        ' b: register(input: {handle: "two_new", password: "password-123", displayName: "T"}) { __typename } }',
    ],
    ids=["two aliases", "sign in and register", "thirty aliases", "through a fragment"],
)
async def test_one_sign_in_or_registration_per_request(api: Api, document: str) -> None:
    await api.register("ann", "right-password")
    response = await api.post(document)
    body = response.json()
    assert body.get("data") is None, body
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT", body
