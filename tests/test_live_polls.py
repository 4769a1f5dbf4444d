"""`pollUpdated` over a real WebSocket, on both databases: every subscriber is sent the poll when
a vote is counted or it closes, with the results as that subscriber may read them then (a
non-voter of an AFTER_VOTE poll reads null until it closes); it resumes after its cursor, and a
poll of a members-only group is missing for an outsider."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from server.models import GroupVisibility, PlatformRole, User
from server.security import issue_token
from server.settings import Settings
from tests.conftest import Api
from tests.helpers import make_account, make_group
from tests.wsapi import WsApi

POLL_UPDATED = """subscription($id: ID!, $after: String) {
  pollUpdated(pollId: $id, after: $after) { cursor poll { id state
    results { option { label } votes } viewerVote { weight } } } }"""
CREATE = """mutation($input: CreatePollInput!) { createPoll(input: $input) {
  __typename ... on CreatePollSuccess { poll { id options { id label } } } } }"""
VOTE = """mutation($input: CastVoteInput!) { castVote(input: $input) { __typename } }"""
CLOSE = """mutation($id: ID!) { closePoll(input: {pollId: $id}) { __typename } }"""


async def account(settings: Settings, handle: str, role: PlatformRole = PlatformRole.USER) -> str:
    user = await make_account(handle, role, days_old=30)
    return issue_token(settings.secret_key, user.id, 3600)


async def create_poll(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    closes = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    values = {"question": "Which city?", "options": ["Hefei", "Xi'an"], "closesAt": closes}
    data = await api.data(CREATE, {"input": values | fields}, token=token)
    assert data["createPoll"]["__typename"] == "CreatePollSuccess", data
    return data["createPoll"]["poll"]


async def vote(api: Api, token: str, poll: dict[str, Any], index: int = 0) -> None:
    variables = {"input": {"pollId": poll["id"], "optionIds": [poll["options"][index]["id"]]}}
    data = await api.data(VOTE, variables, token=token)
    assert data["castVote"]["__typename"] == "CastVoteSuccess", data


def poll_of(payload: dict[str, Any]) -> dict[str, Any]:
    return payload["data"]["pollUpdated"]["poll"]


async def test_each_subscriber_reads_the_results_it_may_when_a_vote_counts_and_at_close(
    ws_api: WsApi, same_server_api: Api, settings: Settings
) -> None:
    mod = await account(settings, "max", PlatformRole.MODERATOR)
    lin = await account(settings, "lin")
    ivy = await account(settings, "ivy")
    poll = await create_poll(same_server_api, mod, resultsVisibility="AFTER_VOTE")
    async with ws_api.connect(lin) as voter_socket, ws_api.connect(ivy) as other_socket:
        voter = await voter_socket.subscribe(POLL_UPDATED, {"id": poll["id"]})
        other = await other_socket.subscribe(POLL_UPDATED, {"id": poll["id"]})

        await vote(same_server_api, lin, poll, 1)

        seen_by_voter = poll_of(await voter.next())
        assert seen_by_voter["results"] == [
            {"option": {"label": "Hefei"}, "votes": 0},
            {"option": {"label": "Xi'an"}, "votes": 1},
        ]
        assert seen_by_voter["viewerVote"] == {"weight": 1.0}
        seen_by_other = poll_of(await other.next())
        assert (seen_by_other["state"], seen_by_other["results"]) == ("OPEN", None)
        assert seen_by_other["viewerVote"] is None

        await same_server_api.data(CLOSE, {"id": poll["id"]}, token=mod)

        closed = poll_of(await other.next())
        assert closed["state"] == "CLOSED"
        assert [r["votes"] for r in closed["results"]] == [0, 1]
        assert poll_of(await voter.next())["state"] == "CLOSED"


async def test_poll_updates_resume_after_their_cursor(
    ws_api: WsApi, same_server_api: Api, settings: Settings
) -> None:
    mod = await account(settings, "max", PlatformRole.MODERATOR)
    tokens = [await account(settings, handle) for handle in ("lin", "ivy", "leo")]
    poll = await create_poll(same_server_api, mod)
    async with ws_api.connect() as socket:
        updates = await socket.subscribe(POLL_UPDATED, {"id": poll["id"]})
        await vote(same_server_api, tokens[0], poll)
        cursor = (await updates.next())["data"]["pollUpdated"]["cursor"]
    await vote(same_server_api, tokens[1], poll)
    await vote(same_server_api, tokens[2], poll, 1)
    async with ws_api.connect() as socket:
        updates = await socket.subscribe(POLL_UPDATED, {"id": poll["id"], "after": cursor})
        counts = [[r["votes"] for r in poll_of(await updates.next())["results"]] for _ in range(2)]
        # Each delivery reads the poll as it is when sent: both show the latest counts.
        assert counts[-1] == [2, 1]
        await updates.nothing(0.3)


async def test_a_members_only_polls_updates_are_missing_for_outsiders(
    ws_api: WsApi, same_server_api: Api, settings: Settings
) -> None:
    zoe = await account(settings, "zoe")
    await account(settings, "ann")
    owner = await User.get(handle="zoe")
    await make_group("quiet", owner, visibility=GroupVisibility.MEMBERS_ONLY)
    poll = await create_poll(same_server_api, zoe, groupSlug="quiet")
    ann = issue_token(settings.secret_key, (await User.get(handle="ann")).id, 3600)
    for token in (ann, None):
        async with ws_api.connect(token) as socket:
            updates = await socket.subscribe(POLL_UPDATED, {"id": poll["id"]})
            [error] = await updates.ended()
            assert error["extensions"]["code"] == "NOT_FOUND"
