"""KOC programmes through GraphQL: the programmes, applying and its refusals, staff review and
who is refused it, seats taken by concurrent approvals, the badges next to a name (one statement
for a whole feed), what `node` and `User.kocApplications` show to whom, renewing and revoking."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from schema.relay import encode_id
from server.models import (
    AccountState,
    IdentityKind,
    KocApplication,
    KocProgram,
    KocRole,
    KocRoleKind,
    KocRoleState,
    PlatformRole,
    User,
)
from tests.conftest import Api
from tests.helpers import make_post, make_role

STATEMENT = "I photograph every owners' meetup in Shanghai."
PROGRAMS = """{ kocPrograms { kind name nameEn description eligibleIdentities open termMonths
  seats seatsTaken } }"""
APPLY = """mutation($input: ApplyForKocRoleInput!) { applyForKocRole(input: $input) {
  __typename ... on ApplyForKocRoleSuccess { application { id kind state } }
  ... on NotEligibleError { reason } ... on ValidationError { field } ... on Error { code message }
} }"""
WITHDRAW = """mutation($id: ID!) { withdrawKocApplication(input: {applicationId: $id}) {
  __typename ... on WithdrawKocApplicationSuccess { application { id state } }
  ... on Error { code } } }"""
REVIEW = """mutation($input: ReviewKocApplicationInput!) { reviewKocApplication(input: $input) {
  __typename ... on ReviewKocApplicationSuccess { application { id state note }
    role { id kind state startsAt endsAt user { handle } } }
  ... on NotEligibleError { reason } ... on Error { code message } } }"""
APPLICATIONS = """query($kind: KocRoleKind) { kocApplications(kind: $kind) {
  edges { node { id kind state statement user { handle } } } } }"""
UPDATE = """mutation($input: UpdateKocProgramInput!) { updateKocProgram(input: $input) {
  __typename ... on UpdateKocProgramSuccess { program { kind open seats termMonths
    eligibleIdentities description } }
  ... on ValidationError { field } ... on Error { code } } }"""
RENEW = """mutation($input: RenewKocRoleInput!) { renewKocRole(input: $input) {
  __typename ... on RenewKocRoleSuccess { role { id endsAt state } }
  ... on ValidationError { field } ... on Error { code } } }"""
REVOKE = """mutation($input: RevokeKocRoleInput!) { revokeKocRole(input: $input) {
  __typename ... on RevokeKocRoleSuccess { role { id state revokedReason } }
  ... on Error { code } } }"""
NODE = """query($id: ID!) { node(id: $id) { __typename
  ... on KocRole { kind state user { handle } }
  ... on KocApplication { kind applicationState: state statement } } }"""
PROFILE = """query($handle: String!) { user(handle: $handle) { handle kocRoles { kind endsAt }
  kocApplications { edges { node { kind state note } } } } }"""


async def member(api: Api, handle: str, identity: IdentityKind = IdentityKind.OWNER) -> str:
    token = await api.register(handle)
    await User.filter(handle=handle).update(identity=identity)
    return token


async def staff(api: Api, handle: str = "mia", role: PlatformRole = PlatformRole.MODERATOR) -> str:
    token = await api.register(handle)
    await make_role(handle, role)
    return token


async def apply(api: Api, token: str | None, kind: str = "STORY_SCOUT", **more: Any) -> Any:
    body = await api.query(APPLY, {"input": {"kind": kind, "statement": STATEMENT} | more}, token)
    return body


async def applied(api: Api, token: str, kind: str = "STORY_SCOUT") -> str:
    body = await apply(api, token, kind)
    result = body["data"]["applyForKocRole"]
    assert result["__typename"] == "ApplyForKocRoleSuccess", result
    return result["application"]["id"]


async def review(api: Api, token: str, application_id: str, approve: bool = True, note: str = ""):
    variables = {"input": {"applicationId": application_id, "approve": approve, "note": note}}
    return await api.query(REVIEW, variables, token)


def code(body: dict[str, Any]) -> str:
    return body["errors"][0]["extensions"]["code"]


async def test_koc_programs_are_listed_for_anyone_with_their_defaults(api):
    data = await api.data(PROGRAMS)
    programs = {p["kind"]: p for p in data["kocPrograms"]}
    assert len(programs) == 7
    assert programs["PERK_PARTNER"]["name"] == "车主福利合伙人"
    assert programs["PERK_PARTNER"]["eligibleIdentities"] == ["OWNER"]
    assert programs["EXPERIENCE_OFFICER"]["eligibleIdentities"] == ["DEPOSIT_HOLDER", "OWNER"]
    assert programs["STORY_SCOUT"]["open"] is True
    assert programs["STORY_SCOUT"]["seatsTaken"] == 0


async def test_update_koc_program_is_for_admins_and_keeps_seats_above_those_taken(api):
    chief = await staff(api, "chief", PlatformRole.ADMIN)
    mia = await staff(api)
    ann = await member(api, "ann")
    change = {"input": {"kind": "VOLUNTEER", "open": False, "eligibleIdentities": ["OWNER", "FAN"]}}
    data = await api.data(UPDATE, change, chief)
    program = data["updateKocProgram"]["program"]
    assert (program["open"], program["eligibleIdentities"]) == (False, ["FAN", "OWNER"])
    assert program["termMonths"] == 12  # omitted, kept
    await KocProgram.filter(kind=KocRoleKind.VOLUNTEER).update(seats_taken=4)
    data = await api.data(UPDATE, {"input": {"kind": "VOLUNTEER", "seats": 3}}, chief)
    assert data["updateKocProgram"] == {
        "__typename": "ValidationError",
        "field": "seats",
        "code": "INVALID_INPUT",
    }
    for token, expected in [(None, "UNAUTHENTICATED"), (ann, "FORBIDDEN"), (mia, "FORBIDDEN")]:
        assert code(await api.query(UPDATE, change, token)) == expected


async def test_apply_for_koc_role_and_its_refusals(api):
    lin = await member(api, "lin")
    fan = await member(api, "ann", IdentityKind.FAN)
    body = await apply(api, lin, city="Shanghai")
    result = body["data"]["applyForKocRole"]
    assert result["application"]["kind"] == "STORY_SCOUT"
    assert result["application"]["state"] == "PENDING"
    # A second pending application of that kind.
    assert (await apply(api, lin))["data"]["applyForKocRole"]["code"] == "CONFLICT"
    # A fan applying to an owners-only programme.
    refused = (await apply(api, fan, "PERK_PARTNER"))["data"]["applyForKocRole"]
    assert refused["__typename"] == "NotEligibleError"
    assert (refused["reason"], refused["code"]) == ("IDENTITY_NOT_ELIGIBLE", "NOT_ELIGIBLE")
    # A closed programme.
    await KocProgram.filter(kind=KocRoleKind.QUALITY_OFFICER).update(open=False)
    refused = (await apply(api, fan, "QUALITY_OFFICER"))["data"]["applyForKocRole"]
    assert refused["reason"] == "PROGRAM_CLOSED"
    short = await api.query(APPLY, {"input": {"kind": "STORY_SCOUT", "statement": "hi"}}, fan)
    assert short["data"]["applyForKocRole"]["field"] == "statement"
    assert code(await apply(api, None)) == "UNAUTHENTICATED"
    suspended_until = datetime.now(UTC) + timedelta(days=3)
    await User.filter(handle="ann").update(
        state=AccountState.SUSPENDED, suspended_until=suspended_until
    )
    assert code(await apply(api, fan, "QUALITY_OFFICER")) == "FORBIDDEN"
    assert await KocApplication.all().count() == 1


async def test_withdrawing_someone_elses_application_reads_as_missing(api):
    lin = await member(api, "lin")
    ann = await member(api, "ann")
    application_id = await applied(api, lin)
    data = await api.data(WITHDRAW, {"id": application_id}, ann)
    assert data["withdrawKocApplication"] == {
        "__typename": "NotFoundError",
        "code": "NOT_FOUND",
    }
    data = await api.data(WITHDRAW, {"id": application_id}, lin)
    assert data["withdrawKocApplication"]["application"]["state"] == "WITHDRAWN"
    assert code(await api.query(WITHDRAW, {"id": application_id})) == "UNAUTHENTICATED"


async def test_staff_review_and_who_is_refused_it(api):
    lin = await member(api, "lin")
    ann = await member(api, "ann")
    mia = await staff(api)
    sanctioned = await staff(api, "chief")
    await User.filter(handle="chief").update(
        state=AccountState.SILENCED, suspended_until=datetime.now(UTC) + timedelta(days=2)
    )
    application_id = await applied(api, lin)
    for token, expected in [
        (None, "UNAUTHENTICATED"),
        (ann, "FORBIDDEN"),
        (sanctioned, "FORBIDDEN"),
    ]:
        body = await api.query(APPLICATIONS, {}, token)
        assert body["data"] is None and code(body) == expected
        assert code(await review(api, token, application_id)) == expected
    data = await api.data(APPLICATIONS, {"kind": "STORY_SCOUT"}, mia)
    [edge] = data["kocApplications"]["edges"]
    assert edge["node"]["user"]["handle"] == "lin"
    result = (await review(api, mia, application_id, note="Welcome aboard"))["data"]
    decided = result["reviewKocApplication"]
    assert decided["__typename"] == "ReviewKocApplicationSuccess"
    assert decided["application"]["state"] == "APPROVED"
    assert decided["role"]["kind"] == "STORY_SCOUT" and decided["role"]["user"]["handle"] == "lin"
    again = (await review(api, mia, application_id))["data"]["reviewKocApplication"]
    assert again["code"] == "CONFLICT"
    assert (await api.data(APPLICATIONS, {}, mia))["kocApplications"]["edges"] == []


async def test_ten_concurrent_approvals_through_graphql_grant_three_seats(api):
    mia = await staff(api)
    await api.data(PROGRAMS)
    await KocProgram.filter(kind=KocRoleKind.CHIEF_CREATIVE_OFFICER).update(seats=3)
    ids = [
        await applied(api, await member(api, f"lin{n}"), "CHIEF_CREATIVE_OFFICER")
        for n in range(10)
    ]
    bodies = await asyncio.gather(*(review(api, mia, i) for i in ids))
    results = [b["data"]["reviewKocApplication"] for b in bodies]
    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["NotEligibleError"] * 7 + ["ReviewKocApplicationSuccess"] * 3
    assert {r["reason"] for r in results if "reason" in r} == {"NO_SEATS"}
    assert await KocRole.filter(state=KocRoleState.ACTIVE).count() == 3
    assert await KocApplication.filter(state="PENDING").count() == 7
    programs = {p["kind"]: p for p in (await api.data(PROGRAMS))["kocPrograms"]}
    assert programs["CHIEF_CREATIVE_OFFICER"]["seatsTaken"] == 3


async def test_roles_and_applications_are_seen_by_whom_they_concern(api):
    lin = await member(api, "lin")
    ann = await member(api, "ann")
    mia = await staff(api)
    application_id = await applied(api, lin)
    rejected_id = await applied(api, lin, "VOLUNTEER")
    decided = (await review(api, mia, application_id))["data"]["reviewKocApplication"]
    await review(api, mia, rejected_id, approve=False, note="Come back after a meetup.")
    role_id = decided["role"]["id"]
    # The badge is public; the applications are the applicant's.
    for token in (None, ann):
        profile = (await api.data(PROFILE, {"handle": "lin"}, token))["user"]
        assert [r["kind"] for r in profile["kocRoles"]] == ["STORY_SCOUT"]
        assert profile["kocApplications"] is None
        node = (await api.data(NODE, {"id": role_id}, token))["node"]
        assert node == {
            "__typename": "KocRole",
            "kind": "STORY_SCOUT",
            "state": "ACTIVE",
            "user": {"handle": "lin"},
        }
        assert (await api.data(NODE, {"id": application_id}, token))["node"] is None
    own = (await api.data(PROFILE, {"handle": "lin"}, lin))["user"]["kocApplications"]["edges"]
    assert [e["node"] for e in own] == [
        {"kind": "VOLUNTEER", "state": "REJECTED", "note": "Come back after a meetup."},
        {"kind": "STORY_SCOUT", "state": "APPROVED", "note": ""},
    ]
    for token in (lin, mia):
        node = (await api.data(NODE, {"id": application_id}, token))["node"]
        assert node["statement"] == STATEMENT
    # Renewed, then revoked: the badge goes, the role is the holder's and staff's to see.
    renewed = await api.data(RENEW, {"input": {"roleId": role_id, "termMonths": 6}}, mia)
    assert renewed["renewKocRole"]["role"]["endsAt"] > decided["role"]["endsAt"]
    too_long = await api.data(RENEW, {"input": {"roleId": role_id, "termMonths": 25}}, mia)
    assert too_long["renewKocRole"] == {
        "__typename": "ValidationError",
        "field": "termMonths",
        "code": "INVALID_INPUT",
    }
    revoke = {"input": {"roleId": role_id, "reason": "Fake reviews."}}
    for token, expected in [(None, "UNAUTHENTICATED"), (ann, "FORBIDDEN"), (lin, "FORBIDDEN")]:
        assert code(await api.query(REVOKE, revoke, token)) == expected
        assert (
            code(await api.query(RENEW, {"input": {"roleId": role_id, "termMonths": 1}}, token))
            == expected
        )
    revoked = (await api.data(REVOKE, revoke, mia))["revokeKocRole"]["role"]
    assert (revoked["state"], revoked["revokedReason"]) == ("REVOKED", "Fake reviews.")
    assert (await api.data(PROFILE, {"handle": "lin"}, ann))["user"]["kocRoles"] == []
    assert (await api.data(NODE, {"id": role_id}, ann))["node"] is None
    assert (await api.data(NODE, {"id": role_id}, lin))["node"]["state"] == "REVOKED"
    missing = encode_id("KocRole", 999_999)
    gone = await api.data(REVOKE, {"input": {"roleId": missing, "reason": "x"}}, mia)
    assert gone["revokeKocRole"] == {"__typename": "NotFoundError", "code": "NOT_FOUND"}


FEED = """query($first: Int!) { globalFeed(first: $first) {
  edges { node { id author { handle kocRoles { kind } } } } } }"""


async def test_badges_of_a_feed_cost_the_same_statements_for_3_and_6_authors(api, sql_statements):
    now = datetime.now(UTC)
    for n in range(6):
        author = await User.create(handle=f"lin{n}", display_name=f"Lin {n}")
        await make_post(author, f"post {n}")
        await KocRole.create(
            user_id=author.id,
            kind=KocRoleKind.STORY_SCOUT,
            active_key=f"{author.id}:STORY_SCOUT",
            starts_at=now,
            ends_at=now + timedelta(days=100),
        )
    counts = {}
    for first in (3, 6):
        sql_statements.statements.clear()
        data = await api.data(FEED, {"first": first})
        edges = data["globalFeed"]["edges"]
        assert [e["node"]["author"]["kocRoles"] for e in edges] == [
            [{"kind": "STORY_SCOUT"}]
        ] * first
        counts[first] = len(sql_statements.statements)
    assert counts[3] == counts[6], counts
