"""Certified industry groups through GraphQL: an owner applies and the typed refusals, who is
refused at the top level (anonymous, a member, the group's admin, another group's owner, a
suspended owner), admins reviewing and who may not (moderators, a banned admin, an admin who
owns the group), what the owners are told, who sees an application (`Group.
certificationApplication`, `node`, `groupCertificationApplications`) and its reviewer,
withdrawing, revoking, and `setGroupCertified` audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from schema.relay import encode_id
from server.models import (
    AccountState,
    AuditEntry,
    AuditKind,
    Group,
    GroupMembership,
    GroupRole,
    PlatformRole,
    User,
)
from tests.conftest import Api
from tests.helpers import make_group, make_role

EVIDENCE = "Forty teachers from Shanghai schools who drive to class every morning."
APPLY = """mutation($input: ApplyForGroupCertificationInput!) {
  applyForGroupCertification(input: $input) {
    __typename
    ... on ApplyForGroupCertificationSuccess { application { id state industry evidence note
      group { slug certified } applicant { handle } } }
    ... on NotEligibleError { reason } ... on ValidationError { field }
    ... on Error { code message } } }"""
WITHDRAW = """mutation($id: ID!) {
  withdrawGroupCertificationApplication(input: {applicationId: $id}) {
    __typename ... on WithdrawGroupCertificationApplicationSuccess { application { id state } }
    ... on Error { code } } }"""
REVIEW = """mutation($input: ReviewGroupCertificationInput!) {
  reviewGroupCertification(input: $input) {
    __typename
    ... on ReviewGroupCertificationSuccess { application { id state note decidedAt
      reviewer { handle } } group { slug certified kind industry memberLimit } }
    ... on Error { code message } } }"""
REVOKE = """mutation($input: RevokeGroupCertificationInput!) {
  revokeGroupCertification(input: $input) {
    __typename ... on RevokeGroupCertificationSuccess { group { certified kind industry } }
    ... on ValidationError { field } ... on Error { code } } }"""
SET_CERTIFIED = """mutation($slug: String!, $certified: Boolean!) {
  setGroupCertified(input: {slug: $slug, certified: $certified}) {
    __typename ... on SetGroupCertifiedSuccess { group { certified kind } } } }"""
APPLICATIONS = """query($state: GroupRequestState) { groupCertificationApplications(state: $state) {
  edges { node { id state industry group { slug } applicant { handle } } } } }"""
ON_GROUP = """query($slug: String!) { group(slug: $slug) { certificationApplication {
  id state note industry reviewer { handle } } } }"""
NODE = """query($id: ID!) { node(id: $id) { __typename
  ... on GroupCertificationApplication { state evidence group { slug } } } }"""
NOTIFICATIONS = (
    """{ notifications { edges { node { kind text group { slug } actor { handle } } } } }"""
)


def code(body: dict[str, Any]) -> str:
    return body["errors"][0]["extensions"]["code"]


def reason(body: dict[str, Any]) -> str | None:
    return body["errors"][0]["extensions"].get("reason")


async def user(handle: str) -> User:
    return await User.get(handle=handle)


async def world(api: Api) -> dict[str, str]:
    """Tokens: `lin` owns `teachers` (with `ann` its admin and `zoe` a member, as many members
    as certification needs), `ivy` owns `sailors`; `chief` and `vera` are platform admins,
    `mia` a moderator."""
    tokens = {
        handle: await api.register(handle)
        for handle in ("lin", "ann", "zoe", "ivy", "chief", "vera", "mia")
    }
    await make_role("chief", PlatformRole.ADMIN)
    await make_role("vera", PlatformRole.ADMIN)
    await make_role("mia", PlatformRole.MODERATOR)
    teachers = await make_group(
        "teachers", await user("lin"), await user("zoe"), admins=(await user("ann"),)
    )
    await make_group("sailors", await user("ivy"))
    minimum = 10
    await Group.filter(id=teachers.id).update(member_count=minimum)
    return tokens


async def apply(api: Api, token: str | None, slug: str = "teachers", **more: Any) -> Any:
    values = {"slug": slug, "industry": "EDUCATION", "evidence": EVIDENCE} | more
    return await api.query(APPLY, {"input": values}, token)


async def applied(api: Api, token: str) -> str:
    result = (await apply(api, token))["data"]["applyForGroupCertification"]
    assert result["__typename"] == "ApplyForGroupCertificationSuccess", result
    return result["application"]["id"]


async def review(api: Api, token: str, application_id: str, approve: bool = True, note: str = ""):
    variables = {"input": {"applicationId": application_id, "approve": approve, "note": note}}
    return await api.query(REVIEW, variables, token)


async def test_an_owner_applies_and_the_typed_refusals(api):
    tokens = await world(api)
    body = await apply(api, tokens["lin"], evidence=f" {EVIDENCE} ")
    application = body["data"]["applyForGroupCertification"]["application"]
    assert application["state"] == "PENDING" and application["industry"] == "EDUCATION"
    assert application["evidence"] == EVIDENCE and application["note"] == ""
    assert application["group"] == {"slug": "teachers", "certified": False}
    assert application["applicant"] == {"handle": "lin"}
    again = (await apply(api, tokens["lin"]))["data"]["applyForGroupCertification"]
    assert (again["__typename"], again["code"]) == ("ConflictError", "CONFLICT")
    missing = (await apply(api, tokens["lin"], "nowhere"))["data"]["applyForGroupCertification"]
    assert missing["__typename"] == "NotFoundError"
    short = await apply(api, tokens["ivy"], "sailors", evidence="too short")
    assert short["data"]["applyForGroupCertification"]["field"] == "evidence"
    small = (await apply(api, tokens["ivy"], "sailors"))["data"]["applyForGroupCertification"]
    assert (small["__typename"], small["reason"]) == ("NotEligibleError", "TOO_FEW_MEMBERS")
    assert "at least 10 members" in small["message"]


async def test_only_an_owner_in_good_standing_may_apply(api):
    tokens = await world(api)
    assert code(await apply(api, None)) == "UNAUTHENTICATED"
    for who in ("zoe", "ann", "ivy", "chief", "mia"):  # a member, the admin, outsiders
        body = await apply(api, tokens[who])
        assert (code(body), reason(body)) == ("FORBIDDEN", None), who
    until = datetime.now(UTC) + timedelta(days=3)
    await User.filter(handle="lin").update(state=AccountState.SUSPENDED, suspended_until=until)
    body = await apply(api, tokens["lin"])
    assert (code(body), reason(body)) == ("FORBIDDEN", "ACCOUNT_SUSPENDED")


async def test_an_admin_approves_and_the_group_is_certified_with_more_room(api):
    tokens = await world(api)
    application_id = await applied(api, tokens["lin"])
    body = await review(api, tokens["chief"], application_id, note="Welcome aboard.")
    result = body["data"]["reviewGroupCertification"]
    assert result["__typename"] == "ReviewGroupCertificationSuccess", result
    assert result["application"]["state"] == "APPROVED"
    assert result["application"]["note"] == "Welcome aboard."
    assert result["application"]["reviewer"] == {"handle": "chief"}
    assert result["group"] == {
        "slug": "teachers",
        "certified": True,
        "kind": "INDUSTRY",
        "industry": "EDUCATION",
        "memberLimit": 5000,
    }
    again = (await review(api, tokens["vera"], application_id))["data"]
    assert again["reviewGroupCertification"]["__typename"] == "ConflictError"
    [told] = (await api.data(NOTIFICATIONS, token=tokens["lin"]))["notifications"]["edges"]
    assert told["node"]["kind"] == "GROUP_CERTIFICATION"
    assert "certified education group" in told["node"]["text"]
    assert "Welcome aboard." in told["node"]["text"]
    assert (told["node"]["group"], told["node"]["actor"]) == ({"slug": "teachers"}, None)
    # The group's admin is not an owner: not told.
    assert (await api.data(NOTIFICATIONS, token=tokens["ann"]))["notifications"]["edges"] == []


async def test_review_refuses_who_is_not_an_admin_in_good_standing_or_owns_the_group(api):
    tokens = await world(api)
    application_id = await applied(api, tokens["lin"])
    assert code(await review(api, None, application_id)) == "UNAUTHENTICATED"
    for who in ("zoe", "ann", "lin", "mia"):  # member, group admin, owner, platform moderator
        body = await review(api, tokens[who], application_id)
        assert (code(body), reason(body)) == ("FORBIDDEN", None), who
    await User.filter(handle="vera").update(state=AccountState.BANNED)
    body = await review(api, tokens["vera"], application_id)
    assert (code(body), reason(body)) == ("FORBIDDEN", "ACCOUNT_BANNED")
    # An admin who owns the group: another admin decides.
    teachers = await Group.get(slug="teachers")
    await GroupMembership.create(group=teachers, user=await user("chief"), role=GroupRole.OWNER)
    body = await review(api, tokens["chief"], application_id)
    assert code(body) == "FORBIDDEN"
    assert "another admin decides" in body["errors"][0]["message"].lower()
    unknown = encode_id("GroupCertificationApplication", 2_000_000_000)
    body = await review(api, tokens["chief"], unknown)
    assert body["data"]["reviewGroupCertification"]["__typename"] == "NotFoundError"
    result = await api.data(ON_GROUP, {"slug": "teachers"}, tokens["lin"])
    assert result["group"]["certificationApplication"]["state"] == "PENDING"


async def test_an_application_is_seen_by_who_runs_the_group_and_admins(api):
    tokens = await world(api)
    application_id = await applied(api, tokens["lin"])
    await review(api, tokens["chief"], application_id, approve=False, note="Show us more.")
    for who in ("lin", "ann", "chief"):
        seen = await api.data(ON_GROUP, {"slug": "teachers"}, tokens[who])
        application = seen["group"]["certificationApplication"]
        assert (application["id"], application["state"]) == (application_id, "REJECTED")
        assert application["note"] == "Show us more."
        # Who decided is for platform admins.
        assert application["reviewer"] == ({"handle": "chief"} if who == "chief" else None)
        node = await api.data(NODE, {"id": application_id}, tokens[who])
        assert node["node"]["group"] == {"slug": "teachers"}
    for token in (None, tokens["zoe"], tokens["ivy"], tokens["mia"]):
        seen = await api.data(ON_GROUP, {"slug": "teachers"}, token)
        assert seen["group"]["certificationApplication"] is None
        assert (await api.data(NODE, {"id": application_id}, token))["node"] is None
    never = await api.data(ON_GROUP, {"slug": "sailors"}, tokens["ivy"])
    assert never["group"]["certificationApplication"] is None


async def test_group_certification_applications_are_for_platform_admins(api):
    tokens = await world(api)
    await Group.filter(slug="sailors").update(member_count=10)
    first = await applied(api, tokens["lin"])
    second = (await apply(api, tokens["ivy"], "sailors", industry="SHIPPING"))["data"]
    second_id = second["applyForGroupCertification"]["application"]["id"]
    await review(api, tokens["chief"], second_id, approve=False)
    pending = await api.data(APPLICATIONS, token=tokens["chief"])
    edges = pending["groupCertificationApplications"]["edges"]
    assert [(e["node"]["id"], e["node"]["group"]["slug"]) for e in edges] == [(first, "teachers")]
    every = await api.data(APPLICATIONS, {"state": None}, tokens["chief"])
    nodes = [e["node"] for e in every["groupCertificationApplications"]["edges"]]
    assert [(n["id"], n["state"]) for n in nodes] == [(first, "PENDING"), (second_id, "REJECTED")]
    assert code(await api.query(APPLICATIONS, token=None)) == "UNAUTHENTICATED"
    for who in ("lin", "ann", "mia"):
        assert code(await api.query(APPLICATIONS, token=tokens[who])) == "FORBIDDEN"
    await User.filter(handle="vera").update(state=AccountState.BANNED)
    body = await api.query(APPLICATIONS, token=tokens["vera"])
    assert (code(body), reason(body)) == ("FORBIDDEN", "ACCOUNT_BANNED")


async def test_owners_withdraw_and_the_group_may_apply_again(api):
    tokens = await world(api)
    application_id = await applied(api, tokens["lin"])
    hidden = await api.data(WITHDRAW, {"id": application_id}, tokens["zoe"])
    assert hidden["withdrawGroupCertificationApplication"]["__typename"] == "NotFoundError"
    refused = await api.query(WITHDRAW, {"id": application_id}, tokens["ann"])
    assert code(refused) == "FORBIDDEN"
    data = await api.data(WITHDRAW, {"id": application_id}, tokens["lin"])
    assert data["withdrawGroupCertificationApplication"]["application"]["state"] == "WITHDRAWN"
    again = await api.data(WITHDRAW, {"id": application_id}, tokens["lin"])
    assert again["withdrawGroupCertificationApplication"]["__typename"] == "ConflictError"
    await applied(api, tokens["lin"])


async def test_an_admin_revokes_a_certification_saying_why(api):
    tokens = await world(api)
    await review(api, tokens["chief"], await applied(api, tokens["lin"]))
    variables = {"input": {"slug": "teachers", "reason": "Most members are not teachers."}}
    assert code(await api.query(REVOKE, variables, tokens["mia"])) == "FORBIDDEN"
    assert code(await api.query(REVOKE, variables, tokens["lin"])) == "FORBIDDEN"
    blank = await api.data(REVOKE, {"input": {"slug": "teachers", "reason": " "}}, tokens["chief"])
    assert blank["revokeGroupCertification"]["field"] == "reason"
    data = await api.data(REVOKE, variables, tokens["chief"])
    assert data["revokeGroupCertification"] == {
        "__typename": "RevokeGroupCertificationSuccess",
        "group": {"certified": False, "kind": "INDUSTRY", "industry": "EDUCATION"},
    }
    again = await api.data(REVOKE, variables, tokens["chief"])
    assert again["revokeGroupCertification"]["__typename"] == "ConflictError"
    texts = [
        e["node"]["text"]
        for e in (await api.data(NOTIFICATIONS, token=tokens["lin"]))["notifications"]["edges"]
    ]
    assert any("Most members are not teachers." in text for text in texts)


async def test_set_group_certified_is_audited_and_changes_nothing_else(api):
    tokens = await world(api)
    data = await api.data(SET_CERTIFIED, {"slug": "teachers", "certified": True}, tokens["chief"])
    assert data["setGroupCertified"]["group"] == {"certified": True, "kind": "INTEREST"}
    [entry] = await AuditEntry.filter(kind=AuditKind.GROUP_CERTIFIED_SET)
    assert entry.detail == {"certified": True}
    assert entry.group_id == (await Group.get(slug="teachers")).id
