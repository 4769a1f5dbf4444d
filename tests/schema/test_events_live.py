"""`eventUpdated` over a real WebSocket, on both databases: a subscriber receives the counts
after each signup, a change and the cancellation, resumes exactly after its cursor, and
gets nothing of an event it may not see (NOT_FOUND at once, silence once it may no longer)."""

from __future__ import annotations

from typing import Any

import pytest

from schema.relay import encode_id
from server.models import GroupMembership, GroupVisibility, PlatformRole, User
from server.security import issue_token
from server.settings import Settings
from tests.conftest import Api
from tests.helpers import make_account, make_group
from tests.resolvers.event_helpers import make_event
from tests.wsapi import PROTOCOLS, Subscription, WsApi

EVENT_UPDATED = """subscription($id: ID!, $after: String) {
  eventUpdated(eventId: $id, after: $after) { cursor event { id title state
    signupCounts { confirmed waitlisted capacity } } } }"""
SIGN_UP = """mutation($id: ID!, $guests: Int!) {
  signUpForEvent(input: {eventId: $id, guests: $guests}) { __typename } }"""
UPDATE = """mutation($input: UpdateEventInput!) { updateEvent(input: $input) { __typename } }"""
CANCEL = """mutation($id: ID!) {
  cancelEvent(input: {eventId: $id, reason: "Storm warning"}) { __typename } }"""


async def token(settings: Settings, handle: str, role: PlatformRole = PlatformRole.USER) -> str:
    user = await make_account(handle, role, days_old=30)
    return issue_token(settings.secret_key, user.id, 3600)


async def ok(api: Api, query: str, variables: dict[str, Any], as_token: str) -> None:
    data = await api.data(query, variables, token=as_token)
    [result] = data.values()
    assert result["__typename"].endswith("Success"), data


async def update(stream: Subscription) -> dict[str, Any]:
    payload = (await stream.next())["data"]["eventUpdated"]
    assert payload["cursor"]
    return payload["event"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_subscriber_receives_the_counts_after_each_change(
    ws_api: WsApi, same_server_api: Api, settings: Settings, protocol: str
):
    staff = await token(settings, "max", PlatformRole.ADMIN)
    mia, kai = await token(settings, "mia"), await token(settings, "kai")
    event = await make_event(await User.get(handle="max"), capacity=3)
    event_id = encode_id("Event", event.id)
    async with ws_api.connect(protocol=protocol) as socket:
        stream = await socket.subscribe(EVENT_UPDATED, {"id": event_id})
        await ok(same_server_api, SIGN_UP, {"id": event_id, "guests": 2}, mia)
        assert (await update(stream))["signupCounts"] == {
            "confirmed": 3,
            "waitlisted": 0,
            "capacity": 3,
        }
        await ok(same_server_api, SIGN_UP, {"id": event_id, "guests": 1}, kai)
        assert (await update(stream))["signupCounts"] == {
            "confirmed": 3,
            "waitlisted": 2,
            "capacity": 3,
        }
        more = {"input": {"eventId": event_id, "capacity": 5, "title": "Bigger"}}
        await ok(same_server_api, UPDATE, more, staff)
        changed = await update(stream)
        assert (changed["title"], changed["signupCounts"]) == (
            "Bigger",
            {"confirmed": 5, "waitlisted": 0, "capacity": 5},
        )
        await ok(same_server_api, CANCEL, {"id": event_id}, staff)
        assert (await update(stream))["state"] == "CANCELLED"
        await stream.nothing(0.3)


async def test_resuming_replays_exactly_what_was_missed(
    ws_api: WsApi, same_server_api: Api, settings: Settings
):
    staff = await token(settings, "max", PlatformRole.ADMIN)
    event = await make_event(await User.get(handle="max"))
    event_id = encode_id("Event", event.id)
    async with ws_api.connect() as socket:
        stream = await socket.subscribe(EVENT_UPDATED, {"id": event_id})
        await ok(same_server_api, UPDATE, {"input": {"eventId": event_id, "title": "One"}}, staff)
        cursor = (await stream.next())["data"]["eventUpdated"]["cursor"]
        await stream.stop()
    for title in ("Two", "Three"):
        await ok(same_server_api, UPDATE, {"input": {"eventId": event_id, "title": title}}, staff)
    async with ws_api.connect() as socket:
        resumed = await socket.subscribe(EVENT_UPDATED, {"id": event_id, "after": cursor})
        # Each change is delivered as the event is when it is read: the latest title twice.
        assert [(await update(resumed))["title"] for _ in range(2)] == ["Three", "Three"]
        await resumed.nothing(0.3)


async def test_an_event_the_viewer_may_not_see_sends_nothing(
    ws_api: WsApi, same_server_api: Api, settings: Settings
):
    lin = await token(settings, "lin")
    mia = await token(settings, "mia")
    kai = await token(settings, "kai")
    owner, member = await User.get(handle="lin"), await User.get(handle="mia")
    group = await make_group("inner-circle", owner, member, visibility=GroupVisibility.MEMBERS_ONLY)
    event = await make_event(owner, group=group)
    event_id = encode_id("Event", event.id)
    async with ws_api.connect(kai) as socket:
        [error] = await (await socket.subscribe(EVENT_UPDATED, {"id": event_id})).ended()
        assert error["extensions"]["code"] == "NOT_FOUND"
        missing = encode_id("Event", event.id + 100)
        [error] = await (await socket.subscribe(EVENT_UPDATED, {"id": missing})).ended()
        assert error["extensions"]["code"] == "NOT_FOUND"
    async with ws_api.connect(mia) as socket:
        stream = await socket.subscribe(EVENT_UPDATED, {"id": event_id})
        await ok(same_server_api, UPDATE, {"input": {"eventId": event_id, "title": "One"}}, lin)
        assert (await update(stream))["title"] == "One"
        await GroupMembership.filter(group_id=group.id, user_id=member.id).delete()
        await ok(same_server_api, UPDATE, {"input": {"eventId": event_id, "title": "Two"}}, lin)
        await stream.nothing(0.5)
