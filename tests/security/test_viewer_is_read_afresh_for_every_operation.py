"""Promise: who asks is read afresh for every operation and every subscription event, over
HTTP and WebSocket alike; a socket whose token expired or whose account was banned or
suspended is closed with 4403; a write changes only the columns it means to.

Attack (seen before the fix): the account was loaded once at `connection_init` and used for
as long as the socket stayed open. A moderator demoted to USER kept reading the queue over
the socket; a banned user kept writing; an expired token kept working; after `leaveGroup`
the members-only posts kept coming; and `updateProfile` saved the whole stale row, lifting
the user's own ban or restoring a removed role for good.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from resolvers import posts as post_cases
from resolvers.context import Context, Resources
from resolvers.post_input import PostChanges
from resolvers.posts import update_post
from resolvers.users import ProfileChanges, update_profile
from schema.relay import encode_id
from server.app import create_app
from server.db import Database
from server.errors import Conflict
from server.models import AccountState, GroupVisibility, PlatformRole, Post, PostState, User
from server.settings import Settings
from tests.conftest import Api
from tests.helpers import make_group, make_post
from tests.security.conftest import Accounts, code
from tests.wsapi import PROTOCOLS, TRANSPORT_WS, SocketClosed, WsApi, serving

SET_ROLE = """mutation($handle: String!, $role: PlatformRole!) {
  setUserRole(input: {handle: $handle, role: $role}) { __typename } }"""
CREATE = 'mutation { createPost(input: {kind: MOMENT, body: "still here"}) { __typename } }'


async def set_role(api: Api, admin: str, handle: str, role: str) -> None:
    done = await api.data(SET_ROLE, {"handle": handle, "role": role}, token=admin)
    assert done["setUserRole"]["__typename"] == "SetUserRoleSuccess", done


async def promoted_fan(api: Api, accounts: Accounts) -> tuple[str, str]:
    """An admin's token, and the token of `fan`, whom the admin made a moderator."""
    admin = await accounts.make("boss", PlatformRole.ADMIN)
    fan = await accounts.make("fan")
    await set_role(api, admin, "fan", "MODERATOR")
    return admin, fan


async def test_a_demoted_moderator_loses_the_queue_on_an_open_socket(
    ws_api: WsApi, same_server_api: Api, accounts: Accounts
) -> None:
    admin, fan = await promoted_fan(same_server_api, accounts)
    async with ws_api.connect(fan) as socket:
        before = await socket.execute("{ moderationPendingCount viewer { role } }")
        assert before["data"] == {"moderationPendingCount": 0, "viewer": {"role": "MODERATOR"}}
        await set_role(same_server_api, admin, "fan", "USER")
        after = await socket.execute("{ moderationPendingCount viewer { role } }")
        assert code(after) == "FORBIDDEN", after
        viewer = await socket.execute("{ viewer { role } }")
        assert viewer["data"] == {"viewer": {"role": "USER"}}
        over_http = await same_server_api.query("{ moderationPendingCount }", token=fan)
        assert code(over_http) == "FORBIDDEN"


async def test_a_demoted_moderators_queue_stream_stops_delivering(
    ws_api: WsApi, same_server_api: Api, accounts: Accounts
) -> None:
    admin, fan = await promoted_fan(same_server_api, accounts)
    reporter = await accounts.make("reporter")
    await accounts.make("writer")
    first = await make_post(accounts.users["writer"], "first")
    second = await make_post(accounts.users["writer"], "second")
    report = (
        "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }"
    )
    async with ws_api.connect(fan) as socket:
        stream = await socket.subscribe("subscription { moderationQueueChanged { item { id } } }")
        await same_server_api.data(report, {"id": encode_id("Post", first.id)}, token=reporter)
        assert (await stream.next())["data"]["moderationQueueChanged"]["item"]["id"]
        while await stream.receive(0.5) is not None:  # the report's other steps
            pass
        await set_role(same_server_api, admin, "fan", "USER")
        await same_server_api.data(report, {"id": encode_id("Post", second.id)}, token=reporter)
        errors = await stream.ended()
        assert errors and errors[0]["extensions"]["code"] == "FORBIDDEN", errors


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize(
    ("state", "days"), [(AccountState.BANNED, None), (AccountState.SUSPENDED, 3)]
)
async def test_a_sanctioned_account_is_disconnected_with_4403_and_its_streams_end(
    ws_api: WsApi,
    same_server_api: Api,
    accounts: Accounts,
    state: AccountState,
    days: int | None,
    protocol: str,
) -> None:
    token = await accounts.make("fan")
    await accounts.make("writer")
    async with ws_api.connect(token, protocol=protocol) as socket:
        stream = await socket.subscribe("subscription { postAdded { post { id } } }")
        until = datetime.now(UTC) + timedelta(days=days) if days else None
        await User.filter(handle="fan").update(state=state, suspended_until=until)
        writer = accounts.token("writer")
        await same_server_api.data(CREATE, token=writer)  # an event wakes the stream
        assert await socket.closed(timeout=10) == 4403
        with pytest.raises(SocketClosed):
            await stream.next(timeout=1)


@pytest.mark.parametrize(
    ("state", "days"), [(AccountState.BANNED, None), (AccountState.SUSPENDED, 3)]
)
async def test_a_sanctioned_account_cannot_write_over_its_open_socket(
    ws_api: WsApi, accounts: Accounts, state: AccountState, days: int | None
) -> None:
    token = await accounts.make("fan")
    async with ws_api.connect(token) as socket:
        assert (await socket.execute(CREATE))["data"]["createPost"]["__typename"] == (
            "CreatePostSuccess"
        )
        until = datetime.now(UTC) + timedelta(days=days) if days else None
        await User.filter(handle="fan").update(state=state, suspended_until=until)
        with pytest.raises(SocketClosed) as closed:
            await socket.execute(CREATE)
        assert closed.value.code == 4403
    assert await Post.filter(body="still here").count() == 1


@pytest.mark.parametrize(
    ("state", "days"), [(AccountState.BANNED, None), (AccountState.SUSPENDED, 3)]
)
async def test_a_sanctioned_account_cannot_open_a_socket(
    ws_api: WsApi, accounts: Accounts, state: AccountState, days: int | None
) -> None:
    until = datetime.now(UTC) + timedelta(days=days) if days else None
    token = await accounts.make("fan", state=state)
    await User.filter(handle="fan").update(suspended_until=until)
    async with ws_api.connect(token) as socket:
        assert await socket.closed() == 4403


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_an_expired_token_closes_its_socket_when_it_runs_out(
    ws_api: WsApi, accounts: Accounts, protocol: str
) -> None:
    await accounts.make("fan")
    token = accounts.token("fan", ttl=2)
    async with ws_api.connect(token, protocol=protocol) as socket:
        await socket.subscribe("subscription { notificationAdded { cursor } }")
        assert await socket.closed(timeout=6) == 4403


@pytest.fixture
async def watched_ws_api(settings: Settings, db: Database) -> AsyncIterator[WsApi]:
    """A server that re-reads an idle socket's account every 0.2 s."""
    quick = dataclasses.replace(settings, websocket_account_check_seconds=0.2)
    async with serving(create_app(quick, database=db)) as url:
        yield WsApi(url)


async def test_an_idle_socket_is_closed_soon_after_its_account_is_banned(
    watched_ws_api: WsApi, accounts: Accounts
) -> None:
    token = await accounts.make("fan")
    async with watched_ws_api.connect(token) as socket:
        await socket.subscribe("subscription { notificationAdded { cursor } }")
        await User.filter(handle="fan").update(state=AccountState.BANNED)
        assert await socket.closed(timeout=5) == 4403


async def test_leaving_a_group_stops_its_members_only_posts_on_an_open_socket(
    ws_api: WsApi, same_server_api: Api, accounts: Accounts
) -> None:
    owner = await accounts.make("owner")
    member = await accounts.make("member")
    secret = await make_group(
        "secret",
        accounts.users["owner"],
        accounts.users["member"],
        visibility=GroupVisibility.MEMBERS_ONLY,
    )
    await make_post(accounts.users["owner"], "before", group=secret)
    write = 'mutation($b: String!) { createPost(input: {kind: MOMENT, body: $b, groupSlug: "secret"}) { __typename } }'
    feed = '{ groupFeed(slug: "secret") { edges { node { body } } } }'
    async with ws_api.connect(member) as socket:
        stream = await socket.subscribe(
            'subscription { postAdded(feed: GROUP, groupSlug: "secret") { post { body } } }'
        )
        await same_server_api.data(write, {"b": "while a member"}, token=owner)
        assert (await stream.next())["data"]["postAdded"]["post"]["body"] == "while a member"
        assert len((await socket.execute(feed))["data"]["groupFeed"]["edges"]) == 2
        left = await socket.execute(
            'mutation { leaveGroup(input: {slug: "secret"}) { __typename } }'
        )
        assert left["data"]["leaveGroup"]["__typename"] == "LeaveGroupSuccess"
        await same_server_api.data(write, {"b": "after leaving"}, token=owner)
        await stream.nothing(1.0)
        assert (await socket.execute(feed))["data"]["groupFeed"]["edges"] == []


async def test_a_profile_update_over_a_socket_never_restores_a_removed_role(
    ws_api: WsApi, same_server_api: Api, accounts: Accounts
) -> None:
    admin, fan = await promoted_fan(same_server_api, accounts)
    async with ws_api.connect(fan) as socket:
        await set_role(same_server_api, admin, "fan", "USER")
        renamed = await socket.execute(
            'mutation { updateProfile(input: {displayName: "Fanny"}) { __typename } }'
        )
        assert renamed["data"]["updateProfile"]["__typename"] == "UpdateProfileSuccess"
    user = await User.get(handle="fan")
    assert (user.display_name, user.role) == ("Fanny", PlatformRole.USER)


async def test_a_profile_saved_from_a_stale_row_leaves_the_ban_in_place(
    resources: Resources, accounts: Accounts
) -> None:
    await accounts.make("fan")
    stale = await User.get(handle="fan")  # read before the ban, as an open socket once did
    await User.filter(id=stale.id).update(state=AccountState.BANNED, role=PlatformRole.USER)
    await update_profile(Context(resources, viewer=stale), ProfileChanges(bio="hello"))
    user = await User.get(id=stale.id)
    assert (user.bio, user.state) == ("hello", AccountState.BANNED)


async def test_an_edit_racing_a_moderators_hide_cannot_republish_the_post(
    resources: Resources, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    await accounts.make("writer")
    writer = accounts.users["writer"]
    target = await make_post(writer, "the original")
    screen = post_cases.screen

    async def hidden_meanwhile(*args: Any, **kwargs: Any) -> Any:
        # A moderator hides the post between the edit's read and its write.
        await Post.filter(id=target.id).update(state=PostState.HIDDEN)
        return await screen(*args, **kwargs)

    monkeypatch.setattr(post_cases, "screen", hidden_meanwhile)
    with pytest.raises(Conflict):
        await update_post(Context(resources, viewer=writer), target.id, PostChanges(body="edited"))
    after = await Post.get(id=target.id)
    assert (after.state, after.body) == (PostState.HIDDEN, "the original")


async def test_every_socket_operation_runs_as_the_account_is_now(
    ws_api: WsApi, accounts: Accounts
) -> None:
    """Two operations in flight on one socket each read the account for themselves."""
    token = await accounts.make("fan")
    async with ws_api.connect(token, protocol=TRANSPORT_WS) as socket:
        await User.filter(handle="fan").update(display_name="Renamed Meanwhile")
        results = await asyncio.gather(
            socket.execute("{ viewer { displayName } }"),
            socket.execute("{ viewer { displayName } }"),
        )
    assert [r["data"]["viewer"]["displayName"] for r in results] == ["Renamed Meanwhile"] * 2
