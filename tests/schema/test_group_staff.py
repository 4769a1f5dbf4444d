"""A group's staff through GraphQL: roles, removals and bans (and the door staying shut while
barred), `Group.bans` and who sees it, handing ownership over, and group moderators working
their group's queue, and no other's, for as long as they hold the role in good standing, over
HTTP and over a WebSocket that stays open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from schema.relay import encode_id
from server.models import AccountState, Group, ModerationItem, PlatformRole, Post, PostState, User
from tests.conftest import Api
from tests.helpers import make_group, make_post, make_role
from tests.wsapi import WsApi

SET_ROLE = """mutation($input: SetGroupMemberRoleInput!) { setGroupMemberRole(input: $input) {
  __typename ... on SetGroupMemberRoleSuccess { member { role user { handle } } group { slug } }
  ... on ValidationError { field message } ... on Error { code message } } }"""
REMOVE = """mutation($input: RemoveGroupMemberInput!) { removeGroupMember(input: $input) {
  __typename ... on RemoveGroupMemberSuccess { group { slug memberCount } }
  ... on ValidationError { field } ... on Error { code message } } }"""
LIFT = """mutation($input: LiftGroupBanInput!) { liftGroupBan(input: $input) {
  __typename ... on LiftGroupBanSuccess { group { slug } } ... on Error { code message } } }"""
TRANSFER = """mutation($input: TransferGroupOwnershipInput!) { transferGroupOwnership(input: $input) {
  __typename ... on TransferGroupOwnershipSuccess { group { slug viewerRole } }
  ... on ValidationError { field } ... on Error { code message } } }"""
JOIN = """mutation($slug: String!) { joinGroup(input: {slug: $slug}) {
  __typename ... on NotEligibleError { reason } ... on Error { code } } }"""
LEAVE = """mutation($slug: String!) { leaveGroup(input: {slug: $slug}) {
  __typename ... on Error { code } } }"""
BANS = """query($slug: String!) { group(slug: $slug) {
  bans(first: 10) { edges { node { reason createdAt user { handle } } } } } }"""
ROLES = """query($slug: String!) { group(slug: $slug) { viewerRole members { edges { node {
  role user { handle } } } } } }"""
NOTES = "{ notifications { edges { node { kind text actor { handle } group { slug } } } } }"
QUEUE = """{ moderationQueue { edges { node { id group { slug }
  target { __typename ... on Post { id } } } } } }"""
RESOLVE = """mutation($item: ID!) { resolveQueueItem(input: {itemId: $item, actions: [HIDE],
  reason: "off topic"}) { __typename ... on Error { code } } }"""
UPDATE = 'mutation { updateGroup(input: {slug: "club", description: "ours"}) { __typename } }'
REPORT = """mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) {
  __typename } }"""


class World:
    """`club`, owned by `own`, run with `adm` (ADMIN) and `moe` (MODERATOR), joined by `mia`
    and `lin`; `other`, owned by `ann`; `zoe` in neither; `boss` a platform admin."""

    def __init__(self, tokens: dict[str, str], club: Group, other: Group) -> None:
        self.tokens = tokens
        self.club = club
        self.other = other

    def __getitem__(self, handle: str) -> str:
        return self.tokens[handle]


async def world(api: Api) -> World:
    tokens = {h: await api.register(h) for h in ("own", "adm", "moe", "mia", "lin", "ann", "zoe")}
    tokens["boss"] = await api.register("boss")
    await make_role("boss", PlatformRole.ADMIN)
    users = {u.handle: u for u in await User.all()}
    club = await make_group(
        "club",
        users["own"],
        users["mia"],
        users["lin"],
        admins=(users["adm"],),
        moderators=(users["moe"],),
    )
    other = await make_group("other", users["ann"])
    return World(tokens, club, other)


def code(body: dict[str, Any]) -> str:
    errors = body.get("errors") or []
    assert errors, body
    extensions = errors[0]["extensions"]
    reason = extensions.get("reason")
    return f"{extensions['code']} {reason}" if reason else extensions["code"]


async def roles(api: Api, token: str | None = None, slug: str = "club") -> dict[str, str]:
    data = await api.data(ROLES, {"slug": slug}, token=token)
    return {
        e["node"]["user"]["handle"]: e["node"]["role"] for e in data["group"]["members"]["edges"]
    }


async def set_role(api: Api, token: str | None, handle: str, role: str) -> dict[str, Any]:
    return await api.query(
        SET_ROLE, {"input": {"slug": "club", "handle": handle, "role": role}}, token
    )


async def remove(api: Api, token: str | None, handle: str, **more: Any) -> dict[str, Any]:
    variables = {"input": {"slug": "club", "handle": handle, "reason": "spam"} | more}
    return await api.query(REMOVE, variables, token)


# --- roles ------------------------------------------------------------------------------------


async def test_set_group_member_role_and_what_the_member_is_told(api: Api) -> None:
    w = await world(api)
    body = await set_role(api, w["own"], "mia", "MODERATOR")
    assert body["data"]["setGroupMemberRole"] == {
        "__typename": "SetGroupMemberRoleSuccess",
        "member": {"role": "MODERATOR", "user": {"handle": "mia"}},
        "group": {"slug": "club"},
    }
    assert (await roles(api))["mia"] == "MODERATOR"
    notes = await api.data(NOTES, token=w["mia"])
    assert notes["notifications"]["edges"][0]["node"] == {
        "kind": "GROUP_ROLE",
        "text": "You are now a moderator of Club.",
        "actor": None,
        "group": {"slug": "club"},
    }
    # An admin takes it back.
    body = await set_role(api, w["adm"], "mia", "MEMBER")
    assert body["data"]["setGroupMemberRole"]["member"]["role"] == "MEMBER"


async def test_set_group_member_role_refusals(api: Api) -> None:
    w = await world(api)
    owner = (await set_role(api, w["own"], "mia", "OWNER"))["data"]["setGroupMemberRole"]
    assert (owner["__typename"], owner["field"]) == ("ValidationError", "role")
    assert "transferGroupOwnership" in owner["message"]
    missing = (await set_role(api, w["own"], "zoe", "ADMIN"))["data"]["setGroupMemberRole"]
    assert missing["__typename"] == "NotFoundError"
    assert code(await set_role(api, None, "mia", "ADMIN")) == "UNAUTHENTICATED"
    for caller, handle, role in [
        ("moe", "mia", "MODERATOR"),  # a group moderator
        ("lin", "mia", "MODERATOR"),  # a plain member
        ("adm", "mia", "ADMIN"),  # an admin grants below admin only
        ("adm", "own", "MEMBER"),  # and never touches the owner
        ("ann", "mia", "MODERATOR"),  # the owner of another group
        ("zoe", "mia", "MODERATOR"),
    ]:
        assert code(await set_role(api, w[caller], handle, role)) == "FORBIDDEN", caller
    await User.filter(handle="adm").update(
        state=AccountState.SILENCED, suspended_until=datetime.now(UTC) + timedelta(days=3)
    )
    assert code(await set_role(api, w["adm"], "mia", "MODERATOR")) == "FORBIDDEN ACCOUNT_SILENCED"
    assert (await roles(api))["mia"] == "MEMBER"


# --- removal and bans -------------------------------------------------------------------------


async def test_a_removed_and_barred_member_cannot_rejoin_until_the_ban_is_lifted(api: Api) -> None:
    w = await world(api)
    post = await make_post(await User.get(handle="mia"), "mine", group=w.club)
    body = await remove(api, w["moe"], "mia", reason="links to a scam", ban=True)
    assert body["data"]["removeGroupMember"] == {
        "__typename": "RemoveGroupMemberSuccess",
        "group": {"slug": "club", "memberCount": 4},
    }
    assert "mia" not in await roles(api)
    notes = await api.data(NOTES, token=w["mia"])
    [note] = [e["node"] for e in notes["notifications"]["edges"]]
    assert note == {
        "kind": "GROUP_REMOVED",
        "text": "You were removed from Club and cannot rejoin it. Why: links to a scam",
        "actor": None,
        "group": {"slug": "club"},
    }
    refused = await api.data(JOIN, {"slug": "club"}, token=w["mia"])
    assert refused["joinGroup"] == {
        "__typename": "NotEligibleError",
        "reason": "BANNED_FROM_GROUP",
        "code": "NOT_ELIGIBLE",
    }
    assert (await Post.get(id=post.id)).state == PostState.PUBLISHED
    # The moderator may bar, but lifting a ban is for the owner and admins.
    lift = {"input": {"slug": "club", "handle": "mia"}}
    assert code(await api.query(LIFT, lift, w["moe"])) == "FORBIDDEN"
    lifted = await api.data(LIFT, lift, token=w["adm"])
    assert lifted["liftGroupBan"] == {
        "__typename": "LiftGroupBanSuccess",
        "group": {"slug": "club"},
    }
    again = await api.data(LIFT, lift, token=w["adm"])
    assert again["liftGroupBan"]["__typename"] == "NotFoundError"
    joined = await api.data(JOIN, {"slug": "club"}, token=w["mia"])
    assert joined["joinGroup"]["__typename"] == "JoinGroupSuccess"


async def test_remove_group_member_refusals(api: Api) -> None:
    w = await world(api)
    itself = (await remove(api, w["moe"], "moe"))["data"]["removeGroupMember"]
    assert (itself["__typename"], itself["field"]) == ("ValidationError", "handle")
    for caller in ("moe", "adm", "boss"):
        owner = (await remove(api, w[caller], "own"))["data"]["removeGroupMember"]
        assert owner["__typename"] == "ConflictError", caller
    missing = (await remove(api, w["own"], "zoe"))["data"]["removeGroupMember"]
    assert missing["__typename"] == "NotFoundError"
    empty = (await remove(api, w["own"], "mia", reason=" "))["data"]["removeGroupMember"]
    assert (empty["__typename"], empty["field"]) == ("ValidationError", "reason")
    assert code(await remove(api, None, "mia")) == "UNAUTHENTICATED"
    for caller, handle in [("moe", "adm"), ("lin", "mia"), ("ann", "mia"), ("zoe", "mia")]:
        assert code(await remove(api, w[caller], handle)) == "FORBIDDEN", caller
    assert len(await roles(api)) == 5


async def test_group_bans_are_for_the_groups_staff_and_platform_admins(api: Api) -> None:
    w = await world(api)
    await remove(api, w["own"], "mia", reason="first", ban=True)
    await remove(api, w["own"], "zoe", reason="second", ban=True)  # never a member
    for caller in ("own", "adm", "moe", "boss"):
        data = await api.data(BANS, {"slug": "club"}, token=w[caller])
        bans = [e["node"] for e in data["group"]["bans"]["edges"]]
        assert [(b["user"]["handle"], b["reason"]) for b in bans] == [
            ("zoe", "second"),
            ("mia", "first"),
        ], caller
        assert all(b["createdAt"] for b in bans)
    for caller in (None, "lin", "mia", "zoe", "ann"):
        token = w[caller] if caller else None
        data = await api.data(BANS, {"slug": "club"}, token=token)
        assert data["group"]["bans"] is None, caller


# --- ownership --------------------------------------------------------------------------------


async def test_transfer_group_ownership_and_leaving_after_it(api: Api) -> None:
    w = await world(api)

    async def transfer(token: str | None, handle: str) -> dict[str, Any]:
        return await api.query(TRANSFER, {"input": {"slug": "club", "handle": handle}}, token)

    assert code(await transfer(w["adm"], "mia")) == "FORBIDDEN"
    assert code(await transfer(w["moe"], "mia")) == "FORBIDDEN"
    assert code(await transfer(None, "mia")) == "UNAUTHENTICATED"
    own = (await transfer(w["own"], "own"))["data"]["transferGroupOwnership"]
    assert (own["__typename"], own["field"]) == ("ValidationError", "handle")
    outsider = (await transfer(w["own"], "zoe"))["data"]["transferGroupOwnership"]
    assert outsider["__typename"] == "NotFoundError"
    await User.filter(handle="lin").update(
        state=AccountState.SUSPENDED, suspended_until=datetime.now(UTC) + timedelta(days=3)
    )
    sanctioned = (await transfer(w["own"], "lin"))["data"]["transferGroupOwnership"]
    assert sanctioned["__typename"] == "ConflictError"
    left = await api.data(LEAVE, {"slug": "club"}, token=w["own"])
    assert left["leaveGroup"]["__typename"] == "ConflictError"  # the only owner stays

    done = (await transfer(w["own"], "mia"))["data"]["transferGroupOwnership"]
    assert done == {
        "__typename": "TransferGroupOwnershipSuccess",
        "group": {"slug": "club", "viewerRole": "ADMIN"},
    }
    assert {h: r for h, r in (await roles(api)).items() if h in ("own", "mia")} == {
        "own": "ADMIN",
        "mia": "OWNER",
    }
    notes = await api.data(NOTES, token=w["mia"])
    assert notes["notifications"]["edges"][0]["node"]["text"] == "You are now the owner of Club."
    assert (await api.data(LEAVE, {"slug": "club"}, token=w["mia"]))["leaveGroup"][
        "__typename"
    ] == "ConflictError"
    assert (await api.data(LEAVE, {"slug": "club"}, token=w["own"]))["leaveGroup"][
        "__typename"
    ] == "LeaveGroupSuccess"


# --- group moderators and the queue -----------------------------------------------------------


async def reported_posts(api: Api, w: World) -> tuple[str, str]:
    """A reported post in `club` and one in `other`; their queue items' ids."""
    reporter = await api.register("kai")
    await User.filter(handle="kai").update(created_at=datetime.now(UTC) - timedelta(days=30))
    ours = await make_post(await User.get(handle="lin"), "in the club", group=w.club)
    theirs = await make_post(await User.get(handle="ann"), "elsewhere", group=w.other)
    for post in (ours, theirs):
        await api.data(REPORT, {"id": encode_id("Post", post.id)}, token=reporter)
    items = {}
    for item in await ModerationItem.all():
        items[item.group_id] = encode_id("ModerationItem", item.id)
    return items[w.club.id], items[w.other.id]


async def test_a_group_moderator_works_the_groups_queue_and_no_other(api: Api) -> None:
    w = await world(api)
    ours, theirs = await reported_posts(api, w)
    data = await api.data(QUEUE, token=w["moe"])
    assert [e["node"]["id"] for e in data["moderationQueue"]["edges"]] == [ours]
    assert data["moderationQueue"]["edges"][0]["node"]["group"] == {"slug": "club"}
    elsewhere = await api.data(RESOLVE, {"item": theirs}, token=w["moe"])
    assert elsewhere["resolveQueueItem"]["__typename"] == "NotFoundError"
    hidden = await api.data(RESOLVE, {"item": ours}, token=w["moe"])
    assert hidden["resolveQueueItem"]["__typename"] == "ResolveQueueItemSuccess"
    assert await Post.filter(state=PostState.HIDDEN).count() == 1
    # A moderator changes no settings.
    assert code(await api.query(UPDATE, token=w["moe"])) == "FORBIDDEN"


async def test_a_group_moderator_loses_the_queue_when_silenced_or_demoted(api: Api) -> None:
    w = await world(api)
    await reported_posts(api, w)
    await User.filter(handle="moe").update(
        state=AccountState.SILENCED, suspended_until=datetime.now(UTC) + timedelta(days=3)
    )
    assert code(await api.query(QUEUE, token=w["moe"])) == "FORBIDDEN ACCOUNT_SILENCED"
    await User.filter(handle="moe").update(state=AccountState.ACTIVE, suspended_until=None)
    assert len((await api.data(QUEUE, token=w["moe"]))["moderationQueue"]["edges"]) == 1
    done = await set_role(api, w["adm"], "moe", "MEMBER")
    assert done["data"]["setGroupMemberRole"]["member"]["role"] == "MEMBER"
    assert code(await api.query(QUEUE, token=w["moe"])) == "FORBIDDEN"


async def test_a_group_moderators_open_socket_answers_as_the_role_is_now(
    ws_api: WsApi, same_server_api: Api
) -> None:
    api = same_server_api
    w = await world(api)
    ours, _ = await reported_posts(api, w)
    async with ws_api.connect(w["moe"]) as socket:
        before = await socket.execute("{ moderationPendingCount }")
        assert before["data"] == {"moderationPendingCount": 1}
        await User.filter(handle="moe").update(
            state=AccountState.SILENCED, suspended_until=datetime.now(UTC) + timedelta(days=3)
        )
        assert code(await socket.execute(QUEUE)) == "FORBIDDEN ACCOUNT_SILENCED"
        await User.filter(handle="moe").update(state=AccountState.ACTIVE, suspended_until=None)
        assert (await socket.execute("{ moderationPendingCount }"))["data"] == {
            "moderationPendingCount": 1
        }
        done = await set_role(api, w["own"], "moe", "MEMBER")
        assert done["data"]["setGroupMemberRole"]["__typename"] == "SetGroupMemberRoleSuccess"
        assert code(await socket.execute("{ moderationPendingCount }")) == "FORBIDDEN"
        decided = await socket.execute(RESOLVE, {"item": ours})
        assert code(decided) == "FORBIDDEN"
    assert await Post.filter(state=PostState.HIDDEN).count() == 0
    assert (await roles(api))["moe"] == "MEMBER"
