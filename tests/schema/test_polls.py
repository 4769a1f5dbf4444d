"""Community votes through GraphQL over HTTP: creating, voting and closing with each outcome a
member of the result union, refusals at the top level, results and anonymity as each viewer
reads them, members-only polls missing for outsiders, and a page of polls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from schema.relay import encode_id
from server.models import GroupVisibility, PlatformRole, User
from server.security import issue_token
from server.settings import Settings
from tests.conftest import Api
from tests.helpers import make_account, make_group

CREATE = """mutation($input: CreatePollInput!) { createPoll(input: $input) {
  __typename
  ... on CreatePollSuccess { poll { id question state weighting resultsVisibility multiple
    options { id label } group { slug } createdBy { handle } results { votes } viewerVote {
    weight } } }
  ... on ValidationError { field }
  ... on Error { code message } } }"""
VOTE = """mutation($input: CastVoteInput!) { castVote(input: $input) {
  __typename
  ... on CastVoteSuccess { vote { optionIds weight castAt }
    poll { results { option { label } votes weight share } viewerVote { optionIds } } }
  ... on NotEligibleError { reason }
  ... on ValidationError { field }
  ... on Error { code message } } }"""
CLOSE = """mutation($id: ID!) { closePoll(input: {pollId: $id}) {
  __typename ... on ClosePollSuccess { poll { state closedAt } } ... on Error { code } } }"""
POLL = """query($id: ID!) { node(id: $id) { __typename ... on Poll { question state
  results { option { label } votes weight share } viewerVote { weight }
  votes { edges { node { voter { handle } optionIds weight contribution } } } } } }"""
POLLS = """query($slug: String, $open: Boolean) { polls(groupSlug: $slug, open: $open) {
  edges { node { question group { slug } createdBy { handle } options { label }
    results { votes } viewerVote { weight } state } } } }"""


class Voters:
    """Established accounts (a month old) with their tokens."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.users: dict[str, User] = {}

    async def make(self, handle: str, role: PlatformRole = PlatformRole.USER) -> str:
        self.users[handle] = await make_account(handle, role, days_old=30)
        return self.token(handle)

    def token(self, handle: str) -> str:
        return issue_token(self.settings.secret_key, self.users[handle].id, 3600)


@pytest.fixture
def voters(settings: Settings) -> Voters:
    return Voters(settings)


def poll_input(**fields: Any) -> dict[str, Any]:
    closes = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    return {"question": "Which city?", "options": ["Hefei", "Xi'an"], "closesAt": closes} | fields


async def create(api: Api, token: str | None, **fields: Any) -> dict[str, Any]:
    body = await api.query(CREATE, {"input": poll_input(**fields)}, token=token)
    return body


async def created(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    result = (await create(api, token, **fields))["data"]["createPoll"]
    assert result["__typename"] == "CreatePollSuccess", result
    return result["poll"]


async def cast(api: Api, token: str | None, poll: dict[str, Any], *labels: str) -> dict[str, Any]:
    ids = [o["id"] for o in poll["options"] if o["label"] in labels]
    body = await api.query(VOTE, {"input": {"pollId": poll["id"], "optionIds": ids}}, token=token)
    return body


def top_code(body: dict[str, Any]) -> str:
    [error] = body["errors"]
    return error["extensions"]["code"]


async def test_staff_create_a_poll_that_members_vote_in_once(api: Api, voters: Voters) -> None:
    mod = await voters.make("max", PlatformRole.MODERATOR)
    lin = await voters.make("lin")

    poll = await created(api, mod, resultsVisibility="AFTER_VOTE")

    assert (poll["state"], poll["weighting"], poll["group"], poll["createdBy"]) == (
        "OPEN",
        "EQUAL",
        None,
        {"handle": "max"},
    )
    assert (poll["results"], poll["viewerVote"]) == ([{"votes": 0}, {"votes": 0}], None)
    before = (await api.data(POLL, {"id": poll["id"]}, token=lin))["node"]
    assert (before["results"], before["viewerVote"], before["votes"]) == (None, None, None)

    voted = (await cast(api, lin, poll, "Xi'an"))["data"]["castVote"]

    assert voted["__typename"] == "CastVoteSuccess"
    xian = poll["options"][1]["id"]
    assert (voted["vote"]["optionIds"], voted["vote"]["weight"]) == ([xian], 1.0)
    assert voted["poll"]["results"] == [
        {"option": {"label": "Hefei"}, "votes": 0, "weight": 0.0, "share": 0.0},
        {"option": {"label": "Xi'an"}, "votes": 1, "weight": 1.0, "share": 1.0},
    ]
    assert voted["poll"]["viewerVote"] == {"optionIds": [xian]}
    again = (await cast(api, lin, poll, "Hefei"))["data"]["castVote"]
    assert (again["__typename"], again["reason"]) == ("NotEligibleError", "ALREADY_VOTED")


async def test_refusals_of_create_and_vote_over_http(api: Api, voters: Voters) -> None:
    mod = await voters.make("max", PlatformRole.MODERATOR)
    lin = await voters.make("lin")
    assert top_code(await create(api, lin)) == "FORBIDDEN"
    assert top_code(await create(api, None)) == "UNAUTHENTICATED"
    bad = (await create(api, mod, options=["Hefei", "hefei"]))["data"]["createPoll"]
    assert (bad["__typename"], bad["field"]) == ("ValidationError", "options")
    missing = (await create(api, mod, groupSlug="nowhere"))["data"]["createPoll"]
    assert missing["__typename"] == "NotFoundError"

    poll = await created(api, mod)
    assert top_code(await cast(api, None, poll, "Hefei")) == "UNAUTHENTICATED"
    both = (await cast(api, lin, poll, "Hefei", "Xi'an"))["data"]["castVote"]
    assert (both["__typename"], both["field"]) == ("ValidationError", "optionIds")
    gone = {"id": encode_id("Poll", 9999), "options": poll["options"]}
    assert (await cast(api, lin, gone, "Hefei"))["data"]["castVote"]["__typename"] == (
        "NotFoundError"
    )
    closed = (await api.data(CLOSE, {"id": poll["id"]}, token=mod))["closePoll"]
    assert closed["poll"]["state"] == "CLOSED" and closed["poll"]["closedAt"]
    late = (await cast(api, lin, poll, "Hefei"))["data"]["castVote"]
    assert (late["__typename"], late["reason"]) == ("NotEligibleError", "POLL_CLOSED")
    twice = (await api.data(CLOSE, {"id": poll["id"]}, token=mod))["closePoll"]
    assert twice == {"__typename": "ConflictError", "code": "CONFLICT"}
    assert top_code(await api.query(CLOSE, {"id": poll["id"]}, token=lin)) == "FORBIDDEN"


async def test_group_polls_are_for_the_groups_staff_and_members(api: Api, voters: Voters) -> None:
    ann = await voters.make("ann")
    rui = await voters.make("rui")
    lin = await voters.make("lin")
    zoe = await voters.make("zoe")
    users = voters.users
    await make_group("owners", users["ann"], users["lin"], moderators=(users["rui"],))
    await make_group("fans", users["zoe"])
    assert top_code(await create(api, zoe, groupSlug="owners")) == "FORBIDDEN"
    assert top_code(await create(api, lin, groupSlug="owners")) == "FORBIDDEN"

    poll = await created(api, rui, groupSlug="owners")

    assert poll["group"] == {"slug": "owners"}
    outsider = (await cast(api, zoe, poll, "Hefei"))["data"]["castVote"]
    assert (outsider["__typename"], outsider["reason"]) == ("NotEligibleError", "NOT_A_MEMBER")
    assert (await cast(api, lin, poll, "Hefei"))["data"]["castVote"]["__typename"] == (
        "CastVoteSuccess"
    )
    assert (await api.data(CLOSE, {"id": poll["id"]}, token=ann))["closePoll"]["poll"][
        "state"
    ] == "CLOSED"


async def test_members_only_polls_are_missing_for_outsiders(api: Api, voters: Voters) -> None:
    zoe = await voters.make("zoe")
    lin = await voters.make("lin")
    ann = await voters.make("ann")
    users = voters.users
    await make_group("quiet", users["zoe"], users["lin"], visibility=GroupVisibility.MEMBERS_ONLY)
    poll = await created(api, zoe, groupSlug="quiet")

    assert (await api.data(POLL, {"id": poll["id"]}, token=ann))["node"] is None
    assert (await api.data(POLL, {"id": poll["id"]}))["node"] is None
    assert (await api.data(POLL, {"id": poll["id"]}, token=lin))["node"]["question"] == (
        "Which city?"
    )
    assert (await api.data(POLLS, {"slug": "quiet"}, token=ann))["polls"]["edges"] == []
    outsider = (await cast(api, ann, poll, "Hefei"))["data"]["castVote"]
    assert outsider["__typename"] == "NotFoundError"
    listed = (await api.data(POLLS, {"open": True}, token=lin))["polls"]["edges"]
    assert [edge["node"]["group"] for edge in listed] == [{"slug": "quiet"}]


async def test_voters_are_anonymous_to_all_but_admins(api: Api, voters: Voters) -> None:
    mod = await voters.make("max", PlatformRole.MODERATOR)
    eva = await voters.make("eva", PlatformRole.ADMIN)
    lin = await voters.make("lin")
    poll = await created(api, mod, weighting="CONTRIBUTION")
    await cast(api, lin, poll, "Hefei")
    for token in (mod, lin, None):
        node = (await api.data(POLL, {"id": poll["id"]}, token=token))["node"]
        assert node["votes"] is None
    node = (await api.data(POLL, {"id": poll["id"]}, token=eva))["node"]
    assert node["votes"]["edges"] == [
        {
            "node": {
                "voter": {"handle": "lin"},
                "optionIds": [poll["options"][0]["id"]],
                "weight": 1.0,
                "contribution": 0,
            }
        }
    ]


async def test_a_page_of_polls_lists_the_newest_first_with_open_and_closed(
    api: Api, voters: Voters
) -> None:
    mod = await voters.make("max", PlatformRole.MODERATOR)
    lin = await voters.make("lin")
    first = await created(api, mod, question="First?")
    await created(api, mod, question="Second?")
    await cast(api, lin, first, "Hefei")
    await api.data(CLOSE, {"id": first["id"]}, token=mod)

    everything = (await api.data(POLLS, token=lin))["polls"]["edges"]
    assert [(e["node"]["question"], e["node"]["state"]) for e in everything] == [
        ("Second?", "OPEN"),
        ("First?", "CLOSED"),
    ]
    assert everything[1]["node"]["viewerVote"] == {"weight": 1.0}
    closed = (await api.data(POLLS, {"open": False}))["polls"]["edges"]
    assert [e["node"]["question"] for e in closed] == ["First?"]
