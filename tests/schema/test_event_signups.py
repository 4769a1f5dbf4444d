"""Signups, the waitlist and check-in through GraphQL over HTTP: each outcome a member of its
result union (`__typename`), sanctioned, anonymous and unauthorised callers refused at the top
level, signups at once over HTTP filling the seats exactly, and the check-in code shown to its
holder and the event's staff only."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from schema.relay import encode_id
from server.models import AccountState, Event, EventSignup, GroupVisibility, SignupState, User
from tests.conftest import Api
from tests.helpers import make_group
from tests.resolvers.signup_helpers import assert_consistent, make_event, make_volunteer

SIGN_UP = """mutation($input: SignUpForEventInput!) { signUpForEvent(input: $input) {
  __typename
  ... on SignUpForEventSuccess { signup { id state position guests checkInCode }
    event { id signupCounts { confirmed waitlisted capacity } viewerSignup { state } } }
  ... on NotEligibleError { reason }
  ... on ValidationError { field }
  ... on Error { code message } } }"""
CANCEL = """mutation($input: CancelEventSignupInput!) { cancelEventSignup(input: $input) {
  __typename
  ... on CancelEventSignupSuccess { signup { state position }
    event { signupCounts { confirmed waitlisted capacity } } }
  ... on Error { code message } } }"""
CHECK_IN = """mutation($input: CheckInAttendeeInput!) { checkInAttendee(input: $input) {
  __typename
  ... on CheckInAttendeeSuccess { alreadyCheckedIn signup { state checkInCode note user { handle } } }
  ... on ValidationError { field }
  ... on Error { code message } } }"""


async def tokens(api: Api, *handles: str) -> dict[str, str]:
    return {handle: await api.register(handle) for handle in handles}


async def user(handle: str) -> User:
    return await User.get(handle=handle)


def top_code(body: dict[str, Any]) -> str:
    [error] = body["errors"]
    return error["extensions"]["code"]


async def sign_up(api: Api, token: str | None, event: Event, **fields: Any) -> dict[str, Any]:
    variables = {"input": {"eventId": encode_id("Event", event.id), **fields}}
    return (await api.data(SIGN_UP, variables, token))["signUpForEvent"]


async def test_signing_up_confirms_then_waitlists_then_refuses_a_second_signup(api):
    t = await tokens(api, "ann", "mia", "lin")
    event = await make_event(await user("ann"), capacity=3)

    mia = await sign_up(api, t["mia"], event, guests=1, note="Bringing my brother.")
    lin = await sign_up(api, t["lin"], event, guests=1)
    again = await sign_up(api, t["lin"], event)

    assert mia["__typename"] == "SignUpForEventSuccess"
    assert (mia["signup"]["state"], mia["signup"]["position"]) == ("CONFIRMED", None)
    assert len(mia["signup"]["checkInCode"]) == 8
    assert mia["event"]["viewerSignup"] == {"state": "CONFIRMED"}
    assert (lin["signup"]["state"], lin["signup"]["position"]) == ("WAITLISTED", 1)
    assert lin["event"]["signupCounts"] == {"confirmed": 2, "waitlisted": 2, "capacity": 3}
    assert again == {
        "__typename": "NotEligibleError",
        "reason": "ALREADY_SIGNED_UP",
        "code": "NOT_ELIGIBLE",
        "message": again["message"],
    }


async def test_sign_up_refusals_are_members_of_the_result_union(api):
    t = await tokens(api, "ann", "mia")
    ann = await user("ann")
    closed = await make_event(ann, closes_in=timedelta(hours=-1))
    dear = await make_event(ann, min_contribution=10)
    hidden = await make_event(
        ann, group=await make_group("riders", ann, visibility=GroupVisibility.MEMBERS_ONLY)
    )

    assert (await sign_up(api, t["mia"], closed))["reason"] == "SIGNUP_CLOSED"
    assert (await sign_up(api, t["mia"], dear))["reason"] == "CONTRIBUTION_TOO_LOW"
    assert (await sign_up(api, t["mia"], dear, guests=3))["field"] == "guests"
    assert (await sign_up(api, t["mia"], hidden))["__typename"] == "NotFoundError"
    assert (await sign_up(api, t["ann"], hidden))["__typename"] == "SignUpForEventSuccess"


async def test_anonymous_suspended_and_banned_callers_are_refused_at_the_top_level(api):
    t = await tokens(api, "ann", "mia", "lin")
    event = await make_event(await user("ann"))
    await User.filter(handle="mia").update(
        state=AccountState.SUSPENDED, suspended_until=datetime.now(UTC) + timedelta(days=3)
    )
    await User.filter(handle="lin").update(state=AccountState.BANNED)
    variables = {"input": {"eventId": encode_id("Event", event.id)}}

    assert top_code(await api.query(SIGN_UP, variables)) == "UNAUTHENTICATED"
    assert top_code(await api.query(SIGN_UP, variables, t["mia"])) == "FORBIDDEN"
    assert top_code(await api.query(SIGN_UP, variables, t["lin"])) == "FORBIDDEN"
    assert (await Event.get(id=event.id)).confirmed_seats == 0


async def test_twelve_signups_at_once_over_http_take_exactly_four_seats(api):
    handles = [f"eva{n}" for n in range(12)]
    t = await tokens(api, "ann", *handles)
    event = await make_event(await user("ann"), capacity=4)

    answers = await asyncio.gather(*(sign_up(api, t[h], event) for h in handles))

    states = sorted(a["signup"]["state"] for a in answers)
    assert states == ["CONFIRMED"] * 4 + ["WAITLISTED"] * 8
    positions = sorted(a["signup"]["position"] for a in answers if a["signup"]["position"])
    assert positions == list(range(1, 9))
    await assert_consistent(event.id)


async def test_cancelling_frees_the_seat_for_the_next_in_line_and_only_the_holder_may(api):
    t = await tokens(api, "ann", "mia", "lin")
    event = await make_event(await user("ann"), capacity=1)
    mia = await sign_up(api, t["mia"], event)
    lin = await sign_up(api, t["lin"], event)
    cancel = {"input": {"signupId": mia["signup"]["id"]}}

    theirs = (await api.data(CANCEL, cancel, t["lin"]))["cancelEventSignup"]
    mine = (await api.data(CANCEL, cancel, t["mia"]))["cancelEventSignup"]
    again = (await api.data(CANCEL, cancel, t["mia"]))["cancelEventSignup"]

    assert theirs["__typename"] == "NotFoundError"
    assert mine["__typename"] == "CancelEventSignupSuccess"
    assert mine["signup"] == {"state": "CANCELLED", "position": None}
    assert mine["event"]["signupCounts"] == {"confirmed": 1, "waitlisted": 0, "capacity": 1}
    assert again["__typename"] == "ConflictError"
    promoted = await User.get(handle="lin")
    assert lin["signup"]["state"] == "WAITLISTED"
    row = await event.signups.filter(user_id=promoted.id).first()
    assert row is not None and row.state == SignupState.CONFIRMED
    assert top_code(await api.query(CANCEL, cancel)) == "UNAUTHENTICATED"


async def test_check_in_over_http_by_who_may_and_refused_to_who_may_not(api):
    t = await tokens(api, "ann", "mia", "kai", "rui", "lin")
    ann, mia = await user("ann"), await user("mia")
    group = await make_group("riders", ann, mia, await user("lin"))
    await make_volunteer(await user("kai"), "Shanghai")
    await make_volunteer(await user("rui"), "Beijing")
    event = await make_event(ann, group=group)
    code = (await sign_up(api, t["mia"], event))["signup"]["checkInCode"]
    now = datetime.now(UTC)
    await Event.filter(id=event.id).update(starts_at=now, ends_at=now + timedelta(hours=2))
    await EventSignup.filter(event_id=event.id, user_id=mia.id).update(note="call 138 0000")
    check_in = {"input": {"eventId": encode_id("Event", event.id), "code": code.lower()}}

    assert top_code(await api.query(CHECK_IN, check_in, t["lin"])) == "FORBIDDEN"
    assert top_code(await api.query(CHECK_IN, check_in, t["rui"])) == "FORBIDDEN"
    assert top_code(await api.query(CHECK_IN, check_in)) == "UNAUTHENTICATED"
    first = (await api.data(CHECK_IN, check_in, t["kai"]))["checkInAttendee"]
    second = (await api.data(CHECK_IN, check_in, t["ann"]))["checkInAttendee"]
    unknown = {"input": {**check_in["input"], "code": "ZZZZZZZZ"}}
    missing = (await api.data(CHECK_IN, unknown, t["ann"]))["checkInAttendee"]

    assert first["__typename"] == "CheckInAttendeeSuccess"
    assert first["alreadyCheckedIn"] is False
    # A volunteer checks people in without reading whose signup it is; the organiser reads it.
    assert first["signup"] == {
        "state": "ATTENDED",
        "checkInCode": None,
        "note": None,
        "user": None,
    }
    assert second["alreadyCheckedIn"] is True
    assert second["signup"] == {
        "state": "ATTENDED",
        "checkInCode": code,
        "note": "call 138 0000",
        "user": {"handle": "mia"},
    }
    assert missing["__typename"] == "NotFoundError"


async def test_the_check_in_code_is_the_holders_and_the_event_staffs_only(api):
    t = await tokens(api, "ann", "mia", "lin")
    event = await make_event(await user("ann"), capacity=2)
    signup_id = (await sign_up(api, t["mia"], event))["signup"]["id"]
    query = """query($id: ID!) { node(id: $id) { ... on EventSignup { state checkInCode } } }"""

    holder = (await api.data(query, {"id": signup_id}, t["mia"]))["node"]
    other = (await api.data(query, {"id": signup_id}, t["lin"]))["node"]

    assert holder["state"] == "CONFIRMED" and len(holder["checkInCode"]) == 8
    assert other is None
