"""Group invitations and invite links through GraphQL: inviting, the invitee finding the
invitation on `viewer` and answering it, the refusals a client sees (anonymous, a plain member
of an invite-only group, another group's owner, a banned account, a suspended invitee, someone
answering another person's invitation), who `node` shows an invitation or a link to, invite
links made, listed on the group for its staff alone, used and revoked."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from schema.relay import encode_id
from server.models import (
    AccountState,
    Group,
    GroupMembership,
    GroupRole,
    JoinPolicy,
    PlatformRole,
    User,
)
from tests.conftest import Api
from tests.helpers import make_group

INVITE = """mutation($input: InviteToGroupInput!) { inviteToGroup(input: $input) {
  __typename ... on InviteToGroupSuccess { invitation { id state group { slug }
    inviter { handle } invitee { handle } } }
  ... on NotEligibleError { reason } ... on ValidationError { field } ... on Error { code } } }"""
RESPOND = """mutation($input: RespondToGroupInvitationInput!) {
  respondToGroupInvitation(input: $input) {
  __typename ... on RespondToGroupInvitationSuccess { invitation { state answeredAt }
    group { slug memberCount viewerRole } membershipState }
  ... on NotEligibleError { reason } ... on Error { code } } }"""
REVOKE = """mutation($id: ID!) { revokeGroupInvitation(input: {invitationId: $id}) {
  __typename ... on RevokeGroupInvitationSuccess { invitation { state } }
  ... on Error { code } } }"""
MINE = """{ viewer { groupInvitations(first: 10) { edges { node { id state createdAt
  group { slug joinPolicy } inviter { handle } } } } } }"""
PROFILE = """query($handle: String!) { user(handle: $handle) {
  groupInvitations { edges { node { id } } } } }"""
NODE = """query($id: ID!) { node(id: $id) { __typename
  ... on GroupInvitation { state group { slug } invitee { handle } }
  ... on GroupInviteLink { code uses active } } }"""
CREATE_LINK = """mutation($input: CreateGroupInviteLinkInput!) {
  createGroupInviteLink(input: $input) {
  __typename ... on CreateGroupInviteLinkSuccess { link { id code maxUses uses expiresAt
    revokedAt active group { slug } createdBy { handle } } }
  ... on ValidationError { field } ... on Error { code } } }"""
JOIN = """mutation($code: String!) { joinGroupByInvite(input: {code: $code}) {
  __typename ... on JoinGroupByInviteSuccess { group { slug memberCount viewerRole }
    membershipState }
  ... on NotEligibleError { reason } ... on Error { code } } }"""
REVOKE_LINK = """mutation($id: ID!) { revokeGroupInviteLink(input: {linkId: $id}) {
  __typename ... on RevokeGroupInviteLinkSuccess { link { revokedAt active } }
  ... on Error { code } } }"""
LINKS = """query($slug: String!) { group(slug: $slug) {
  inviteLinks(first: 10) { edges { node { id code uses } } } } }"""


async def person(
    api: Api,
    handle: str,
    role: PlatformRole = PlatformRole.USER,
    state: AccountState = AccountState.ACTIVE,
    days: int | None = None,
) -> str:
    token = await api.register(handle)
    until = datetime.now(UTC) + timedelta(days=days) if days else None
    await User.filter(handle=handle).update(role=role, state=state, suspended_until=until)
    return token


async def club(api: Api, policy: JoinPolicy = JoinPolicy.INVITE_ONLY) -> dict[str, str]:
    """`night-drives`: kai owns it, zoe moderates it, rui is a member; and their tokens."""
    tokens = {h: await person(api, h) for h in ("kai", "zoe", "rui")}
    kai, zoe, rui = [await User.get(handle=h) for h in ("kai", "zoe", "rui")]
    group = await make_group("night-drives", kai, rui)
    await GroupMembership.create(group=group, user=zoe, role=GroupRole.MODERATOR)
    await Group.filter(id=group.id).update(member_count=3, join_policy=policy)
    return tokens


def code(body: dict[str, Any]) -> str:
    return body["errors"][0]["extensions"]["code"]


def reason(body: dict[str, Any]) -> str | None:
    return body["errors"][0]["extensions"].get("reason")


async def invite(api: Api, token: str | None, handle: str = "lin") -> dict[str, Any]:
    return await api.query(INVITE, {"input": {"slug": "night-drives", "handle": handle}}, token)


async def invited(api: Api, token: str, handle: str = "lin") -> str:
    result = (await invite(api, token, handle))["data"]["inviteToGroup"]
    assert result["__typename"] == "InviteToGroupSuccess", result
    return result["invitation"]["id"]


async def respond(api: Api, token: str | None, invitation: str, accept: bool) -> dict[str, Any]:
    variables = {"input": {"invitationId": invitation, "accept": accept}}
    return await api.query(RESPOND, variables, token)


async def test_the_invitee_finds_the_invitation_on_viewer_and_joins_by_accepting(api):
    staff = await club(api)
    lin = await person(api, "lin")
    body = await invite(api, staff["zoe"])
    invitation = body["data"]["inviteToGroup"]["invitation"]
    assert invitation["state"] == "PENDING"
    assert invitation["group"] == {"slug": "night-drives"}
    assert (invitation["inviter"]["handle"], invitation["invitee"]["handle"]) == ("zoe", "lin")
    mine = (await api.data(MINE, token=lin))["viewer"]["groupInvitations"]["edges"]
    assert [e["node"]["id"] for e in mine] == [invitation["id"]]
    assert mine[0]["node"]["group"] == {"slug": "night-drives", "joinPolicy": "INVITE_ONLY"}
    assert mine[0]["node"]["inviter"] == {"handle": "zoe"}
    # Someone else's profile shows no invitations.
    for token in (staff["kai"], None):
        data = await api.data(PROFILE, {"handle": "lin"}, token)
        assert data["user"]["groupInvitations"] is None
    result = (await respond(api, lin, invitation["id"], True))["data"]["respondToGroupInvitation"]
    assert result["__typename"] == "RespondToGroupInvitationSuccess"
    assert result["invitation"]["state"] == "ACCEPTED"
    assert result["invitation"]["answeredAt"] is not None
    assert result["group"] == {"slug": "night-drives", "memberCount": 4, "viewerRole": "MEMBER"}
    assert result["membershipState"] == "MEMBER"
    assert (await api.data(MINE, token=lin))["viewer"]["groupInvitations"]["edges"] == []
    again = await respond(api, lin, invitation["id"], False)
    assert again["data"]["respondToGroupInvitation"] == {
        "__typename": "ConflictError",
        "code": "CONFLICT",
    }


async def test_inviting_is_refused_to_whom_it_is_not_for(api):
    staff = await club(api)
    await person(api, "lin")
    leo = await person(api, "leo")
    await make_group("other-club", await User.get(handle="leo"))
    banned = await person(api, "bob", state=AccountState.BANNED)
    body = await invite(api, None)
    assert code(body) == "UNAUTHENTICATED"
    for token in (staff["rui"], leo):  # a plain member; another group's owner
        body = await invite(api, token)
        assert (code(body), reason(body)) == ("FORBIDDEN", None)
    body = await invite(api, banned)
    assert (code(body), reason(body)) == ("FORBIDDEN", "ACCOUNT_BANNED")
    results = [
        (await invite(api, staff["kai"], handle))["data"]["inviteToGroup"]
        for handle in ("nobody", "kai", "rui", "not a handle!")
    ]
    assert [r["__typename"] for r in results] == [
        "NotFoundError",
        "ValidationError",
        "ConflictError",
        "ValidationError",
    ]


async def test_answering_another_persons_invitation_reads_as_missing(api):
    staff = await club(api)
    await person(api, "lin")
    mia = await person(api, "mia")
    invitation = await invited(api, staff["kai"])
    missing = encode_id("GroupInvitation", 2_000_000_000)
    for token in (mia, staff["kai"]):
        for global_id in (invitation, missing):
            body = await respond(api, token, global_id, True)
            assert body["data"]["respondToGroupInvitation"]["__typename"] == "NotFoundError"
    assert code(await respond(api, None, invitation, True)) == "UNAUTHENTICATED"


async def test_a_suspended_invitee_may_decline_but_not_accept(api):
    staff = await club(api)
    lin = await person(api, "lin")
    invitation = await invited(api, staff["kai"])
    await User.filter(handle="lin").update(
        state=AccountState.SUSPENDED, suspended_until=datetime.now(UTC) + timedelta(days=3)
    )
    body = await respond(api, lin, invitation, True)
    assert (code(body), reason(body)) == ("FORBIDDEN", "ACCOUNT_SUSPENDED")
    result = (await respond(api, lin, invitation, False))["data"]["respondToGroupInvitation"]
    assert result["invitation"]["state"] == "DECLINED"
    assert result["membershipState"] is None
    assert result["group"]["viewerRole"] is None


async def test_a_full_group_answers_not_eligible_and_the_invitation_stays(api, settings):
    staff = await club(api)
    lin = await person(api, "lin")
    invitation = await invited(api, staff["kai"])
    await Group.filter(slug="night-drives").update(member_count=settings.group_member_limit)
    result = (await respond(api, lin, invitation, True))["data"]["respondToGroupInvitation"]
    assert (result["__typename"], result["reason"]) == ("NotEligibleError", "GROUP_FULL")
    mine = (await api.data(MINE, token=lin))["viewer"]["groupInvitations"]["edges"]
    assert [e["node"]["state"] for e in mine] == ["PENDING"]


async def test_an_invitation_is_shown_to_its_people_and_revoked_by_the_inviter_or_staff(api):
    staff = await club(api, JoinPolicy.OPEN)
    lin = await person(api, "lin")
    mia = await person(api, "mia")
    chief = await person(api, "chief", PlatformRole.ADMIN)
    first = await invited(api, staff["rui"])
    for token in (lin, staff["rui"], staff["kai"], staff["zoe"], chief):
        node = (await api.data(NODE, {"id": first}, token))["node"]
        assert node == {
            "__typename": "GroupInvitation",
            "state": "PENDING",
            "group": {"slug": "night-drives"},
            "invitee": {"handle": "lin"},
        }
    for token in (mia, None):
        assert (await api.data(NODE, {"id": first}, token))["node"] is None
    body = await api.query(REVOKE, {"id": first}, lin)
    assert code(body) == "FORBIDDEN"  # the invitee declines instead
    body = await api.data(REVOKE, {"id": first}, mia)
    assert body["revokeGroupInvitation"]["__typename"] == "NotFoundError"
    body = await api.data(REVOKE, {"id": first}, staff["rui"])
    assert body["revokeGroupInvitation"]["invitation"] == {"state": "REVOKED"}
    second = await invited(api, staff["rui"])
    body = await api.data(REVOKE, {"id": second}, staff["zoe"])
    assert body["revokeGroupInvitation"]["invitation"] == {"state": "REVOKED"}
    body = await api.data(REVOKE, {"id": second}, staff["zoe"])
    assert body["revokeGroupInvitation"]["__typename"] == "ConflictError"


# --- invite links ------------------------------------------------------------------------------


async def create_link(api: Api, token: str | None, **fields: Any) -> dict[str, Any]:
    return await api.query(CREATE_LINK, {"input": {"slug": "night-drives"} | fields}, token)


async def test_staff_make_links_and_see_them_on_the_group_and_nobody_else_does(api):
    staff = await club(api)
    chief = await person(api, "chief", PlatformRole.ADMIN)
    body = await create_link(api, staff["zoe"], maxUses=3, expiresInHours=48)
    link = body["data"]["createGroupInviteLink"]["link"]
    assert (link["maxUses"], link["uses"], link["revokedAt"], link["active"]) == (3, 0, None, True)
    assert link["group"] == {"slug": "night-drives"}
    assert link["createdBy"] == {"handle": "zoe"}
    assert link["expiresAt"] is not None and len(link["code"]) >= 24
    for token in (staff["kai"], staff["zoe"], chief):
        data = await api.data(LINKS, {"slug": "night-drives"}, token)
        assert [e["node"]["id"] for e in data["group"]["inviteLinks"]["edges"]] == [link["id"]]
        node = (await api.data(NODE, {"id": link["id"]}, token))["node"]
        assert node["code"] == link["code"]
    for token in (staff["rui"], None):
        data = await api.data(LINKS, {"slug": "night-drives"}, token)
        assert data["group"]["inviteLinks"] is None
        assert (await api.data(NODE, {"id": link["id"]}, token))["node"] is None
    for fields, field in [
        ({"maxUses": 0}, "maxUses"),
        ({"expiresInHours": 9000}, "expiresInHours"),
    ]:
        result = (await create_link(api, staff["kai"], **fields))["data"]["createGroupInviteLink"]
        assert (result["__typename"], result["field"]) == ("ValidationError", field)
    assert code(await create_link(api, staff["rui"])) == "FORBIDDEN"
    assert code(await create_link(api, None)) == "UNAUTHENTICATED"


async def test_a_link_admits_once_per_person_and_says_why_it_no_longer_does(api):
    staff = await club(api)
    lin = await person(api, "lin")
    mia = await person(api, "mia")
    body = await create_link(api, staff["kai"], maxUses=1)
    link = body["data"]["createGroupInviteLink"]["link"]
    joined = (await api.data(JOIN, {"code": link["code"]}, lin))["joinGroupByInvite"]
    assert joined["group"] == {"slug": "night-drives", "memberCount": 4, "viewerRole": "MEMBER"}
    assert joined["membershipState"] == "MEMBER"
    # A member again: success, no use spent; someone new: the link is used up.
    again = (await api.data(JOIN, {"code": link["code"]}, lin))["joinGroupByInvite"]
    assert again["membershipState"] == "MEMBER"
    refused = (await api.data(JOIN, {"code": link["code"]}, mia))["joinGroupByInvite"]
    assert (refused["__typename"], refused["reason"]) == ("NotEligibleError", "INVITE_USED_UP")
    revoked = (await api.data(REVOKE_LINK, {"id": link["id"]}, staff["kai"]))[
        "revokeGroupInviteLink"
    ]
    assert revoked["link"]["revokedAt"] is not None and revoked["link"]["active"] is False
    twice = (await api.data(REVOKE_LINK, {"id": link["id"]}, staff["zoe"]))["revokeGroupInviteLink"]
    assert twice["link"]["revokedAt"] == revoked["link"]["revokedAt"]
    refused = (await api.data(JOIN, {"code": link["code"]}, mia))["joinGroupByInvite"]
    assert refused["reason"] == "INVITE_REVOKED"
    unknown = (await api.data(JOIN, {"code": "not-a-code"}, mia))["joinGroupByInvite"]
    assert unknown == {"__typename": "NotFoundError", "code": "NOT_FOUND"}
    body = await api.data(REVOKE_LINK, {"id": link["id"]}, staff["rui"])
    assert body["revokeGroupInviteLink"]["__typename"] == "NotFoundError"
    banned = await person(api, "bob", state=AccountState.BANNED)
    body = await api.query(JOIN, {"code": link["code"]}, banned)
    assert (code(body), reason(body)) == ("FORBIDDEN", "ACCOUNT_BANNED")


async def test_ten_concurrent_joins_on_a_link_for_three_admit_exactly_three(api):
    staff = await club(api)
    body = await create_link(api, staff["kai"], maxUses=3)
    link = body["data"]["createGroupInviteLink"]["link"]
    tokens = [await person(api, f"lin{n}") for n in range(10)]
    answers = await asyncio.gather(
        *(api.data(JOIN, {"code": link["code"]}, token) for token in tokens)
    )
    kinds = sorted(a["joinGroupByInvite"]["__typename"] for a in answers)
    assert kinds == ["JoinGroupByInviteSuccess"] * 3 + ["NotEligibleError"] * 7
    data = await api.data(LINKS, {"slug": "night-drives"}, staff["kai"])
    assert data["group"]["inviteLinks"]["edges"][0]["node"]["uses"] == 3
    assert (await Group.get(slug="night-drives")).member_count == 6
