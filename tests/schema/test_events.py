"""Events through GraphQL: creating, changing and cancelling with each outcome a member of the
result union and who is refused at the top level, the listing, an event's relations
(group, organiser, counts, the viewer's signup, attendees for its staff), `node` for events
and signups, and one's own signups on `viewer`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from schema.relay import encode_id
from server.models import (
    AccountState,
    Event,
    GroupVisibility,
    Notification,
    PlatformRole,
    SignupState,
    User,
)
from server.security import issue_token
from server.settings import Settings
from tests.conftest import Api
from tests.helpers import make_account, make_group
from tests.resolvers.event_helpers import make_event, seat

EVENT_FIELDS = """id title description kind city venue startsAt endsAt coverUrl capacity
  signupOpensAt signupClosesAt minContribution state cancelReason
  group { slug } organizer { handle } signupCounts { confirmed waitlisted capacity }"""
CREATE = f"""mutation($input: CreateEventInput!) {{ createEvent(input: $input) {{
  __typename ... on CreateEventSuccess {{ event {{ {EVENT_FIELDS} }} }}
  ... on ValidationError {{ field }} ... on Error {{ code message }} }} }}"""
UPDATE = """mutation($input: UpdateEventInput!) { updateEvent(input: $input) {
  __typename ... on UpdateEventSuccess { event { title capacity description
    signupCounts { confirmed waitlisted capacity } } }
  ... on ValidationError { field } ... on Error { code message } } }"""
CANCEL = """mutation($input: CancelEventInput!) { cancelEvent(input: $input) {
  __typename ... on CancelEventSuccess { event { state cancelReason } }
  ... on ValidationError { field } ... on Error { code message } } }"""
EVENTS = """query($city: String, $from: DateTime, $to: DateTime, $group: String, $first: Int,
  $after: String) {
  events(city: $city, from: $from, to: $to, groupSlug: $group, first: $first, after: $after) {
    edges { node { title group { slug } organizer { handle } viewerSignup { state position }
      signupCounts { confirmed } } }
    pageInfo { hasNextPage endCursor } } }"""
ATTENDEES = """query($id: ID!) { node(id: $id) { ... on Event { attendees {
  edges { node { state checkInCode user { handle } event { title } } } } } } }"""
NODE = """query($id: ID!) { node(id: $id) { __typename
  ... on Event { title }
  ... on EventSignup { state guests checkInCode user { handle } event { title } } } }"""
OWN = """{ viewer { eventSignups { edges { node { state position checkInCode
  event { title } } } } } }"""
OTHERS = """query($handle: String!) { user(handle: $handle) { eventSignups { edges {
  node { state } } } } }"""


def top_error(body: dict[str, Any]) -> str:
    [error] = body["errors"]
    return error["extensions"]["code"]


async def account(
    settings: Settings,
    handle: str,
    role: PlatformRole = PlatformRole.USER,
    state: AccountState = AccountState.ACTIVE,
) -> tuple[User, str]:
    user = await make_account(handle, role, state, days_old=30)
    return user, issue_token(settings.secret_key, user.id, 3600)


def new_event(**given: Any) -> dict[str, Any]:
    starts = datetime.now(UTC) + timedelta(days=7)
    return {
        "title": "Spring meetup",
        "kind": "OFFLINE",
        "city": "Shanghai",
        "venue": "Harbour hall",
        "startsAt": starts.isoformat(),
        "endsAt": (starts + timedelta(hours=3)).isoformat(),
        "capacity": 30,
        "coverUrl": "https://cdn.example.com/spring.jpg",
        "minContribution": 100,
    } | given


async def test_staff_create_an_event_and_read_it_back(api: Api, settings: Settings):
    _, token = await account(settings, "max", PlatformRole.ADMIN)
    data = await api.data(CREATE, {"input": new_event()}, token=token)
    result = data["createEvent"]
    assert result["__typename"] == "CreateEventSuccess", result
    event = result["event"]
    assert {k: event[k] for k in ("title", "kind", "city", "capacity", "state")} == {
        "title": "Spring meetup",
        "kind": "OFFLINE",
        "city": "Shanghai",
        "capacity": 30,
        "state": "SCHEDULED",
    }
    assert (event["group"], event["organizer"], event["minContribution"]) == (
        None,
        {"handle": "max"},
        100,
    )
    assert event["signupCounts"] == {"confirmed": 0, "waitlisted": 0, "capacity": 30}
    assert event["signupClosesAt"] == event["startsAt"]
    node = await api.data(NODE, {"id": event["id"]})
    assert node["node"] == {"__typename": "Event", "title": "Spring meetup"}


async def test_a_group_admin_creates_its_events_and_others_are_refused(
    api: Api, settings: Settings
):
    lin, lin_token = await account(settings, "lin")
    kai, kai_token = await account(settings, "kai")
    rui, rui_token = await account(settings, "rui")
    await make_group("night-drivers", lin, admins=(kai,), moderators=(rui,))
    _, other_token = await account(settings, "ann")
    await make_group("day-drivers", await User.get(handle="ann"))
    grouped = new_event(groupSlug="night-drivers")
    data = await api.data(CREATE, {"input": grouped}, token=kai_token)
    assert data["createEvent"]["event"]["group"] == {"slug": "night-drivers"}
    for token in (rui_token, other_token):
        assert top_error(await api.query(CREATE, {"input": grouped}, token=token)) == "FORBIDDEN"
    assert top_error(await api.query(CREATE, {"input": new_event()}, token=lin_token)) == (
        "FORBIDDEN"
    )
    assert top_error(await api.query(CREATE, {"input": grouped})) == "UNAUTHENTICATED"
    _, banned = await account(settings, "eva", PlatformRole.ADMIN, AccountState.BANNED)
    assert top_error(await api.query(CREATE, {"input": new_event()}, token=banned)) == "FORBIDDEN"
    assert await Event.all().count() == 1


async def test_create_event_answers_validation_errors_in_its_result(api: Api, settings: Settings):
    _, token = await account(settings, "max", PlatformRole.ADMIN)
    for given, field in (
        ({"capacity": 0}, "capacity"),
        ({"venue": ""}, "venue"),
        ({"coverUrl": "http://10.0.0.1/x.png"}, "coverUrl"),
        ({"startsAt": "2020-01-01T10:00:00+00:00"}, "startsAt"),
    ):
        result = (await api.data(CREATE, {"input": new_event(**given)}, token=token))["createEvent"]
        assert (result["__typename"], result["field"]) == ("ValidationError", field)
    result = (await api.data(CREATE, {"input": new_event(groupSlug="nowhere")}, token=token))[
        "createEvent"
    ]
    assert result["__typename"] == "NotFoundError"


async def test_update_and_cancel_over_http(api: Api, settings: Settings):
    lin, token = await account(settings, "lin")
    group = await make_group("night-drivers", lin)
    event = await make_event(lin, group=group, capacity=2, description="Coffee")
    mia, mia_token = await account(settings, "mia")
    await seat(event, mia, guests=1)
    await seat(event, await make_account("kai"), SignupState.WAITLISTED)
    event_id = encode_id("Event", event.id)
    refused = await api.data(UPDATE, {"input": {"eventId": event_id, "capacity": 1}}, token=token)
    assert (refused["updateEvent"]["__typename"], refused["updateEvent"]["field"]) == (
        "ValidationError",
        "capacity",
    )
    changed = await api.data(
        UPDATE, {"input": {"eventId": event_id, "capacity": 3, "title": "Bigger"}}, token=token
    )
    assert changed["updateEvent"]["event"] == {
        "title": "Bigger",
        "capacity": 3,
        "description": "Coffee",
        "signupCounts": {"confirmed": 3, "waitlisted": 0, "capacity": 3},
    }
    body = await api.query(UPDATE, {"input": {"eventId": event_id, "title": "x"}}, token=mia_token)
    assert top_error(body) == "FORBIDDEN"
    missing = encode_id("Event", event.id + 100)
    gone = await api.data(UPDATE, {"input": {"eventId": missing, "title": "x"}}, token=token)
    assert gone["updateEvent"]["__typename"] == "NotFoundError"
    cancel = {"input": {"eventId": event_id, "reason": "Storm warning"}}
    assert top_error(await api.query(CANCEL, cancel, token=mia_token)) == "FORBIDDEN"
    cancelled = await api.data(CANCEL, cancel, token=token)
    assert cancelled["cancelEvent"] == {
        "__typename": "CancelEventSuccess",
        "event": {"state": "CANCELLED", "cancelReason": "Storm warning"},
    }
    assert await Notification.filter(recipient_id=mia.id).count() == 1
    again = await api.data(CANCEL, cancel, token=token)
    assert again["cancelEvent"]["__typename"] == "ConflictError"


async def test_events_list_what_the_viewer_may_see_with_their_signups(api: Api, settings: Settings):
    lin, _ = await account(settings, "lin")
    mia, mia_token = await account(settings, "mia")
    _, kai_token = await account(settings, "kai")
    inner = await make_group("inner-circle", lin, mia, visibility=GroupVisibility.MEMBERS_ONLY)
    secret = await make_event(lin, group=inner, title="Inner", starts_in=timedelta(days=1))
    public = await make_event(lin, title="Platform", starts_in=timedelta(days=2))
    await seat(secret, mia)
    await seat(public, mia, SignupState.WAITLISTED)
    as_mia = (await api.data(EVENTS, {}, token=mia_token))["events"]["edges"]
    assert [e["node"] for e in as_mia] == [
        {
            "title": "Inner",
            "group": {"slug": "inner-circle"},
            "organizer": {"handle": "lin"},
            "viewerSignup": {"state": "CONFIRMED", "position": None},
            "signupCounts": {"confirmed": 1},
        },
        {
            "title": "Platform",
            "group": None,
            "organizer": {"handle": "lin"},
            "viewerSignup": {"state": "WAITLISTED", "position": 1},
            "signupCounts": {"confirmed": 0},
        },
    ]
    as_kai = (await api.data(EVENTS, {}, token=kai_token))["events"]["edges"]
    assert [(e["node"]["title"], e["node"]["viewerSignup"]) for e in as_kai] == [("Platform", None)]
    hidden = await api.data(EVENTS, {"group": "inner-circle"}, token=kai_token)
    assert hidden["events"]["edges"] == []
    assert (await api.data(NODE, {"id": encode_id("Event", secret.id)}, token=kai_token))[
        "node"
    ] is None
    page = (await api.data(EVENTS, {"first": 1, "city": "SHANGHAI"}, token=mia_token))["events"]
    assert page["pageInfo"]["hasNextPage"]
    rest = await api.data(EVENTS, {"after": page["pageInfo"]["endCursor"]}, token=mia_token)
    assert [e["node"]["title"] for e in rest["events"]["edges"]] == ["Platform"]


async def test_attendees_signups_and_their_codes_are_for_the_holder_and_event_staff(
    api: Api, settings: Settings
):
    lin, lin_token = await account(settings, "lin")
    rui, rui_token = await account(settings, "rui")
    mia, mia_token = await account(settings, "mia")
    _, kai_token = await account(settings, "kai")
    group = await make_group("night-drivers", lin, mia, moderators=(rui,))
    event = await make_event(lin, group=group)
    signup = await seat(event, mia, guests=2)
    event_id, signup_id = encode_id("Event", event.id), encode_id("EventSignup", signup.id)
    expected = {
        "state": "CONFIRMED",
        "checkInCode": signup.check_in_code,
        "user": {"handle": "mia"},
        "event": {"title": "Spring meetup"},
    }
    for token in (lin_token, rui_token):
        attendees = (await api.data(ATTENDEES, {"id": event_id}, token=token))["node"]
        assert [e["node"] for e in attendees["attendees"]["edges"]] == [expected]
        node = (await api.data(NODE, {"id": signup_id}, token=token))["node"]
        assert node["checkInCode"] == signup.check_in_code
    for token in (mia_token, kai_token, None):
        attendees = (await api.data(ATTENDEES, {"id": event_id}, token=token))["node"]
        assert attendees == {"attendees": None}
    for token in (kai_token, None):
        assert (await api.data(NODE, {"id": signup_id}, token=token))["node"] is None
    own = (await api.data(NODE, {"id": signup_id}, token=mia_token))["node"]
    assert own == {"__typename": "EventSignup", "guests": 2} | expected
    mine = (await api.data(OWN, token=mia_token))["viewer"]["eventSignups"]["edges"]
    assert [e["node"] for e in mine] == [
        {
            "state": "CONFIRMED",
            "position": None,
            "checkInCode": signup.check_in_code,
            "event": {"title": "Spring meetup"},
        }
    ]
    others = await api.data(OTHERS, {"handle": "mia"}, token=kai_token)
    assert others["user"]["eventSignups"] is None
