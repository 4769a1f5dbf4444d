"""The leaderboard and the club through GraphQL: ranks page by page for anyone, a bad year
refused like a bad page size, admins granting, revoking and running the year with each outcome
a member of the result union, everyone else refused at the top level, and who sees a seat
through `node` and on a profile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from resolvers.ledger import calendar
from schema.relay import encode_id
from server.models import (
    AccountState,
    ClubKind,
    ClubMembership,
    ContributionYear,
    PlatformRole,
    User,
)
from server.settings import Settings
from tests.conftest import Api
from tests.helpers import make_role

BOARD = """query($year: Int, $first: Int, $after: String) {
  contributionLeaderboard(year: $year, first: $first, after: $after) {
    edges { cursor node { rank total reachedAt user { handle } } }
    pageInfo { hasNextPage hasPreviousPage endCursor } } }"""
GRANT = """mutation($input: GrantClubMembershipInput!) { grantClubMembership(input: $input) {
  __typename
  ... on GrantClubMembershipSuccess { membership { id kind startsAt endsAt year revokedAt }
    user { handle clubMemberships { kind } } }
  ... on ValidationError { field }
  ... on Error { code message } } }"""
REVOKE = """mutation($input: RevokeClubMembershipInput!) { revokeClubMembership(input: $input) {
  __typename
  ... on RevokeClubMembershipSuccess { membership { id kind revokedAt } }
  ... on ValidationError { field }
  ... on Error { code message } } }"""
RUN = """mutation($year: Int!) { runClubAnnual(input: {year: $year}) {
  __typename
  ... on RunClubAnnualSuccess { year seats granted alreadyRun }
  ... on ValidationError { field }
  ... on Error { code message } } }"""
NODE = """query($id: ID!) { node(id: $id) { __typename ... on ClubMembership { kind } } }"""
PROFILE = """query($handle: String!) { user(handle: $handle) { clubMemberships { kind year } } }"""


def this_year() -> int:
    return calendar(Settings())[1]


def top_error(body: dict[str, Any]) -> tuple[str, str | None]:
    [error] = body["errors"]
    return error["extensions"]["code"], error["extensions"].get("field")


async def tokens(api: Api, *handles: str) -> dict[str, str]:
    return {handle: await api.register(handle) for handle in handles}


async def ranked(year: int, **totals: int) -> None:
    for n, (handle, total) in enumerate(totals.items()):
        user = await User.get(handle=handle)
        await ContributionYear.create(
            user_id=user.id,
            year=year,
            total=total,
            reached_at=datetime(year, 3, 1, tzinfo=UTC) + timedelta(hours=n),
            reached_entry_id=n + 1,
        )


async def test_anyone_reads_the_leaderboard_page_by_page(api):
    await tokens(api, "lin", "kai", "ann", "mia")
    await ranked(this_year(), lin=40, kai=30, ann=30, mia=10)
    await User.filter(handle="mia").update(state=AccountState.BANNED)

    first = (await api.data(BOARD, {"first": 2}))["contributionLeaderboard"]
    after = first["pageInfo"]["endCursor"]
    second = (await api.data(BOARD, {"first": 2, "after": after}))["contributionLeaderboard"]

    assert [
        (e["node"]["rank"], e["node"]["user"]["handle"], e["node"]["total"])
        for e in (first["edges"] + second["edges"])
    ] == [(1, "lin", 40), (2, "kai", 30), (3, "ann", 30)]
    assert first["edges"][0]["node"]["reachedAt"].startswith(f"{this_year()}-03-01T00:00:00")
    assert first["pageInfo"]["hasNextPage"] and not second["pageInfo"]["hasNextPage"]
    assert second["pageInfo"]["hasPreviousPage"]
    last_year = await api.data(BOARD, {"year": this_year() - 1})
    assert last_year["contributionLeaderboard"]["edges"] == []


async def test_a_bad_year_or_cursor_is_refused_like_a_bad_page_size(api):
    for variables, field in (
        ({"year": 1999}, "year"),
        ({"year": 2101}, "year"),
        ({"first": -1}, "first"),
        ({"after": "bm90LWEtY3Vyc29y"}, "after"),
    ):
        body = await api.query(BOARD, variables)
        assert top_error(body) == ("INVALID_INPUT", field), variables


async def world(api: Api) -> dict[str, str]:
    """`max` is an admin, `mia` a moderator, `lin` and `ann` members."""
    made = await tokens(api, "max", "mia", "lin", "ann")
    await make_role("max", PlatformRole.ADMIN)
    await make_role("mia", PlatformRole.MODERATOR)
    return made


async def grant(api: Api, token: str | None, kind: str = "FOUNDER", **more: str) -> dict:
    values = {"handle": "lin", "kind": kind, "reason": "A founding owner."} | more
    return await api.query(GRANT, {"input": values}, token)


async def test_an_admin_grants_and_revokes_a_seat_and_each_outcome_is_typed(api):
    t = await world(api)

    granted = (await grant(api, t["max"]))["data"]["grantClubMembership"]
    assert granted["__typename"] == "GrantClubMembershipSuccess"
    seat = granted["membership"]
    assert (seat["kind"], seat["year"], seat["revokedAt"]) == ("FOUNDER", None, None)
    assert int(seat["endsAt"][:4]) == int(seat["startsAt"][:4]) + 10
    assert granted["user"] == {"handle": "lin", "clubMemberships": [{"kind": "FOUNDER"}]}

    again = (await grant(api, t["max"]))["data"]["grantClubMembership"]
    assert (again["__typename"], again["code"]) == ("ConflictError", "CONFLICT")
    by_hand = (await grant(api, t["max"], "TOP_CONTRIBUTOR"))["data"]["grantClubMembership"]
    assert (by_hand["__typename"], by_hand["field"]) == ("ValidationError", "kind")
    nobody = (await grant(api, t["max"], handle="nobody_here"))["data"]["grantClubMembership"]
    assert nobody["__typename"] == "NotFoundError"

    revoke = {"membershipId": seat["id"], "reason": "Asked to leave."}
    revoked = (await api.data(REVOKE, {"input": revoke}, t["max"]))["revokeClubMembership"]
    assert revoked["__typename"] == "RevokeClubMembershipSuccess"
    assert revoked["membership"]["id"] == seat["id"] and revoked["membership"]["revokedAt"]
    twice = (await api.data(REVOKE, {"input": revoke}, t["max"]))["revokeClubMembership"]
    assert twice["__typename"] == "ConflictError"
    for wrong in (encode_id("ClubMembership", 999), encode_id("User", 1), "nonsense"):
        missing = await api.data(REVOKE, {"input": revoke | {"membershipId": wrong}}, t["max"])
        assert missing["revokeClubMembership"]["__typename"] == "NotFoundError"
    profile = await api.data(PROFILE, {"handle": "lin"})
    assert profile["user"]["clubMemberships"] == []


async def test_only_admins_in_good_standing_change_the_club(api):
    t = await world(api)
    seat = (await grant(api, t["max"], "SPONSOR"))["data"]["grantClubMembership"]["membership"]
    await User.filter(handle="ann").update(
        role=PlatformRole.ADMIN,
        state=AccountState.SILENCED,
        suspended_until=datetime.now(UTC) + timedelta(days=2),
    )
    revoke = {"input": {"membershipId": seat["id"], "reason": "Sneaky."}}
    callers = {None: "UNAUTHENTICATED", "lin": "FORBIDDEN", "mia": "FORBIDDEN", "ann": "FORBIDDEN"}

    for who, code in callers.items():
        token = t[who] if who else None
        assert top_error(await grant(api, token))[0] == code, who
        assert top_error(await api.query(REVOKE, revoke, token))[0] == code, who
        body = await api.query(RUN, {"year": this_year() - 1}, token)
        assert top_error(body)[0] == code, who

    assert await ClubMembership.all().count() == 1


async def test_an_admin_runs_a_year_once_and_a_year_not_over_is_refused(api):
    t = await world(api)
    year = this_year() - 1
    await ranked(year, lin=50, ann=20)

    first = (await api.data(RUN, {"year": year}, t["max"]))["runClubAnnual"]
    again = (await api.data(RUN, {"year": year}, t["max"]))["runClubAnnual"]
    early = (await api.data(RUN, {"year": this_year()}, t["max"]))["runClubAnnual"]

    assert first == {
        "__typename": "RunClubAnnualSuccess",
        "year": year,
        "seats": 120,
        "granted": 2,
        "alreadyRun": False,
    }
    assert again == first | {"alreadyRun": True}
    assert (early["__typename"], early["field"]) == ("ValidationError", "year")
    profile = await api.data(PROFILE, {"handle": "lin"})
    assert profile["user"]["clubMemberships"] == [{"kind": "TOP_CONTRIBUTOR", "year": year}]


async def test_a_seat_is_found_by_id_while_in_force_and_by_staff_afterwards(api):
    t = await world(api)
    granted = (await grant(api, t["max"], "SPONSOR"))["data"]["grantClubMembership"]
    seat_id = granted["membership"]["id"]
    shown = {"node": {"__typename": "ClubMembership", "kind": "SPONSOR"}}

    for token in (None, t["ann"], t["lin"], t["mia"]):
        assert await api.data(NODE, {"id": seat_id}, token) == shown
    await ClubMembership.filter(kind=ClubKind.SPONSOR).update(
        ends_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    for token in (None, t["ann"], t["lin"]):
        assert await api.data(NODE, {"id": seat_id}, token) == {"node": None}
    for token in (t["mia"], t["max"]):
        assert await api.data(NODE, {"id": seat_id}, token) == shown
