"""Reading polls as use cases: results under each visibility for voters, non-voters and staff,
open and closed; closing early and at the closing time; voters anonymous to all but admins;
and the list of polls each viewer may see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resolvers.poll_votes import list_votes, poll_results
from resolvers.polls import close_due_polls, close_poll, list_polls, poll_state, visible_poll
from server.errors import Conflict, Forbidden, NotFound
from server.models import (
    AccountState,
    AuditEntry,
    AuditKind,
    ChangeKind,
    GroupVisibility,
    Poll,
    PollState,
    ResultsVisibility,
    User,
)
from tests.helpers import make_group
from tests.resolvers.conftest import events
from tests.resolvers.poll_helpers import club, make_poll, options, vote


async def results_for(people, viewer: User | None, poll: Poll) -> list[tuple[int, float]] | None:
    ctx = await people.context(viewer)
    rows = await poll_results(ctx, await Poll.get(id=poll.id))
    return None if rows is None else [(r.votes, r.share) for r in rows]


# Who reads results: (voter, non-voter, the poll's staff), open and then closed.
MATRIX = {
    ResultsVisibility.ALWAYS: ((True, True, True), (True, True, True)),
    ResultsVisibility.AFTER_VOTE: ((True, False, True), (True, True, True)),
    ResultsVisibility.AFTER_CLOSE: ((False, False, True), (True, True, True)),
}


@pytest.mark.parametrize("visibility", list(MATRIX))
@pytest.mark.parametrize("scope", ["platform", "group"])
async def test_results_follow_the_visibility_for_voters_non_voters_and_staff(
    people, visibility, scope
):
    users = await club(people)
    slug, staff = (None, users["max"]) if scope == "platform" else ("owners", users["rui"])
    poll = await make_poll(people, staff, group_slug=slug, results_visibility=visibility)
    await vote(people, users["lin"], poll)
    non_voter = users["ivy"]

    for closed, expected in enumerate(MATRIX[visibility]):
        if closed:
            await close_poll(await people.context(staff), poll.id)
        seen = [
            await results_for(people, who, poll) is not None
            for who in (users["lin"], non_voter, staff)
        ]
        assert tuple(seen) == expected, ("closed" if closed else "open", seen)
    assert await results_for(people, users["lin"], poll) == [(1, 1.0), (0, 0.0), (0, 0.0)]


async def test_platform_staff_read_a_groups_results_but_other_groups_staff_do_not(people):
    users = await club(people)
    poll = await make_poll(
        people, users["ann"], group_slug="owners", results_visibility=ResultsVisibility.AFTER_CLOSE
    )
    await vote(people, users["lin"], poll)
    assert await results_for(people, users["max"], poll) == [(1, 1.0), (0, 0.0), (0, 0.0)]
    assert await results_for(people, users["zoe"], poll) is None
    assert await results_for(people, None, poll) is None
    await User.filter(id=users["rui"].id).update(
        state=AccountState.SILENCED, suspended_until=datetime.now(UTC) + timedelta(days=2)
    )
    assert await results_for(people, users["rui"], poll) is None


async def test_shares_divide_each_options_weight_by_the_total(people):
    users = await club(people)
    poll = await make_poll(people, users["max"], multiple=True)
    a, b, c = await options(poll)
    await vote(people, users["lin"], poll, a, b)
    await vote(people, users["ivy"], poll, a)
    assert await results_for(people, None, poll) == [(2, 1.0), (1, 0.5), (0, 0.0)]
    empty = await make_poll(people, users["max"])
    assert await results_for(people, None, empty) == [(0, 0.0), (0, 0.0), (0, 0.0)]


# --- closing ------------------------------------------------------------------------------------


async def test_closing_early_is_for_the_polls_staff_once_audited_with_an_event(people):
    users = await club(people)
    poll = await make_poll(people, users["ann"], group_slug="owners")
    for outsider in ("lin", "zoe"):
        with pytest.raises(Forbidden):
            await close_poll(await people.context(users[outsider]), poll.id)

    closed = await close_poll(await people.context(users["rui"]), poll.id)

    assert (poll_state(closed), closed.closed_by_id) == (PollState.CLOSED, users["rui"].id)
    assert closed.closed_at is not None
    [event] = await events(ChangeKind.POLL_UPDATED, poll_id=poll.id)
    assert event.group_id == poll.group_id
    [entry] = await AuditEntry.filter(kind=AuditKind.POLL_CLOSED)
    assert (entry.actor_id, entry.detail["poll_id"], entry.group_id) == (
        users["rui"].id,
        poll.id,
        poll.group_id,
    )
    with pytest.raises(Conflict):
        await close_poll(await people.context(users["ann"]), poll.id)


async def test_a_poll_past_its_time_is_closed_at_that_time_once(people):
    users = await club(people)
    poll = await make_poll(people, users["max"], results_visibility=ResultsVisibility.AFTER_CLOSE)
    other = await make_poll(people, users["max"])
    ended = datetime.now(UTC) - timedelta(minutes=5)
    await Poll.filter(id=poll.id).update(closes_at=ended)
    with pytest.raises(Conflict):
        await close_poll(await people.context(users["max"]), poll.id)

    assert await close_due_polls(people.resources.hub) == [poll.id]
    assert await close_due_polls(people.resources.hub) == []

    fresh = await Poll.get(id=poll.id)
    assert fresh.closed_at == ended and fresh.closed_by_id is None
    assert (await Poll.get(id=other.id)).closed_at is None
    assert len(await events(ChangeKind.POLL_UPDATED, poll_id=poll.id)) == 1
    assert await results_for(people, users["lin"], poll) is not None


# --- anonymity ----------------------------------------------------------------------------------


async def test_who_voted_how_is_for_platform_admins_alone(people):
    users = await club(people)
    poll = await make_poll(people, users["ann"], group_slug="owners")
    await vote(people, users["lin"], poll)
    for handle in ("ann", "rui", "max", "lin"):
        ctx = await people.context(users[handle])
        assert await list_votes(ctx, poll, 10, None) is None, handle
    page = await list_votes(await people.context(users["eva"]), poll, 10, None)
    assert page is not None
    [(_, row)] = page.edges
    assert (row.user_id, row.weight) == (users["lin"].id, 1000)


# --- who sees which polls -----------------------------------------------------------------------


async def test_members_only_polls_are_missing_for_outsiders(people):
    users = await club(people)
    await make_group("quiet", users["zoe"], users["lin"], visibility=GroupVisibility.MEMBERS_ONLY)
    hidden = await make_poll(people, users["zoe"], group_slug="quiet")
    public = await make_poll(people, users["max"])

    async def listed(viewer: User | None, **filters) -> list[int]:
        ctx = await people.context(viewer)
        page = await list_polls(ctx, filters.get("slug"), filters.get("open"), 10, None)
        return [row.id for _, row in page.edges]

    assert await visible_poll(await people.context(users["ann"]), hidden.id) is None
    assert await visible_poll(await people.context(None), hidden.id) is None
    assert (await visible_poll(await people.context(users["lin"]), hidden.id)) is not None
    assert await listed(users["ann"]) == [public.id]
    assert await listed(None, slug="quiet") == []
    assert await listed(users["lin"]) == [public.id, hidden.id]
    assert await listed(users["max"]) == [public.id, hidden.id]
    await close_poll(await people.context(users["max"]), public.id)
    assert await listed(users["lin"], open=True) == [hidden.id]
    assert await listed(users["lin"], open=False) == [public.id]
    assert await listed(users["lin"], slug="quiet") == [hidden.id]
    with pytest.raises(NotFound):
        await close_poll(await people.context(users["ann"]), hidden.id)
