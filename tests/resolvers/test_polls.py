"""Community votes as use cases: who creates and closes polls (and who is refused), what a poll
must be, who may vote and why not, votes that are final even when sent twenty times at once,
what a vote weighs (bounded), who reads results under each visibility, and voters' anonymity."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from resolvers.poll_votes import cast_vote, vote_weight
from resolvers.polls import close_poll, create_poll
from server.errors import (
    AccountSuspended,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotEligible,
    NotFound,
)
from server.models import (
    AccountState,
    AuditEntry,
    AuditKind,
    ChangeKind,
    Group,
    GroupVisibility,
    Ledger,
    LedgerAccount,
    PersonaAccount,
    PersonaDomain,
    PlatformRole,
    Poll,
    PollOption,
    PollVote,
    PollWeighting,
    User,
)
from server.settings import Settings
from tests.helpers import make_group
from tests.resolvers.conftest import events
from tests.resolvers.poll_helpers import club, draft, make_poll, options, vote

# --- the weight of a vote -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formula", "contribution", "weight"),
    [
        ("log10", 0, 1000),
        ("log10", 9, 2000),
        ("log10", 99, 3000),
        ("log10", 10**6, 4000),
        ("sqrt", 0, 1000),
        ("sqrt", 100, 2000),
        ("sqrt", 400, 3000),
        ("sqrt", 10**6, 4000),
        ("equal", 10**6, 1000),
        ("log10", -50, 1000),
    ],
)
def test_vote_weight_follows_the_formula_within_the_cap(formula, contribution, weight):
    settings = Settings(vote_weight=formula, vote_weight_cap=4.0)
    assert vote_weight(settings, contribution) == weight


@pytest.mark.parametrize("formula", ["log10", "sqrt", "equal"])
@pytest.mark.parametrize("contribution", [10**18, 2**63 - 1, 10**400])
def test_vote_weight_never_exceeds_the_cap_however_large_the_contribution(formula, contribution):
    for cap in (1.0, 2.5, 4.0):
        settings = Settings(vote_weight=formula, vote_weight_cap=cap)
        assert 1000 <= vote_weight(settings, contribution) <= cap * 1000


# --- creating -----------------------------------------------------------------------------------


@pytest.mark.parametrize("handle", ["max", "eva"])
async def test_platform_staff_create_platform_polls_audited(people, handle):
    users = await club(people)

    poll = await make_poll(people, users[handle], description="Vote for your city.")

    assert (poll.group_id, poll.created_by_id, poll.question) == (
        None,
        users[handle].id,
        "Where shall community day be?",
    )
    rows = await PollOption.filter(poll_id=poll.id).order_by("position")
    assert [(o.label, o.position, o.votes, o.weight) for o in rows] == [
        ("Shanghai", 0, 0, 0),
        ("Hefei", 1, 0, 0),
        ("Chengdu", 2, 0, 0),
    ]
    [entry] = await AuditEntry.filter(kind=AuditKind.POLL_CREATED)
    assert (entry.actor_id, entry.detail["poll_id"]) == (users[handle].id, poll.id)


@pytest.mark.parametrize("handle", ["ann", "kai", "rui", "max", "eva"])
async def test_group_staff_and_platform_staff_create_the_groups_polls(people, handle):
    users = await club(people)
    poll = await make_poll(people, users[handle], group_slug="owners")
    assert poll.group_id == (await Group.get(slug="owners")).id


@pytest.mark.parametrize(
    ("handle", "slug"),
    [("lin", None), ("ann", None), ("lin", "owners"), ("zoe", "owners"), ("ivy", "owners")],
)
async def test_members_and_staff_of_another_group_cannot_create_polls(people, handle, slug):
    users = await club(people)
    with pytest.raises(Forbidden):
        await make_poll(people, users[handle], group_slug=slug)
    assert await Poll.all().count() == 0


@pytest.mark.parametrize(
    ("state", "until_days", "slug"),
    [
        (AccountState.SUSPENDED, 3, None),
        (AccountState.BANNED, None, None),
        (AccountState.SILENCED, 3, None),
        (AccountState.SUSPENDED, 3, "owners"),
        (AccountState.SILENCED, 3, "owners"),
    ],
)
async def test_sanctioned_staff_have_no_power_to_create_polls(people, state, until_days, slug):
    users = await club(people)
    for handle in ("max", "ann"):
        await User.filter(id=users[handle].id).update(
            state=state,
            suspended_until=datetime.now(UTC) + timedelta(days=until_days) if until_days else None,
        )
    for handle in ("max",) if slug is None else ("max", "ann"):
        with pytest.raises(AccountSuspended):
            await make_poll(people, users[handle], group_slug=slug)
    assert await Poll.all().count() == 0


async def test_anonymous_callers_and_outsiders_of_members_only_groups_are_refused(people):
    users = await club(people)
    await make_group("quiet", users["zoe"], visibility=GroupVisibility.MEMBERS_ONLY)
    with pytest.raises(NotAuthenticated):
        await create_poll(await people.context(None), draft())
    with pytest.raises(NotFound):
        await make_poll(people, users["ann"], group_slug="quiet")
    with pytest.raises(NotFound):
        await make_poll(people, users["ann"], group_slug="no-such-group")
    assert (await make_poll(people, users["zoe"], group_slug="quiet")).group_id is not None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"question": "  "}, "question"),
        ({"question": "q" * 301}, "question"),
        ({"description": "d" * 2001}, "description"),
        ({"options": ["Only one"]}, "options"),
        ({"options": [f"City {n}" for n in range(21)]}, "options"),
        ({"options": ["Shanghai", " "]}, "options"),
        ({"options": ["Shanghai", "o" * 201]}, "options"),
        ({"options": ["Shanghai", "SHANGHAI"]}, "options"),
        ({"closes_at": datetime.now(UTC) - timedelta(minutes=1)}, "closesAt"),
        ({"closes_at": datetime.now(UTC) + timedelta(days=367)}, "closesAt"),
    ],
)
async def test_a_poll_must_be_well_formed(people, fields, field):
    max_ = await people.make("max", PlatformRole.MODERATOR)
    with pytest.raises(InvalidInput) as refused:
        await make_poll(people, max_, **fields)
    assert refused.value.field == field
    assert await Poll.all().count() == 0


# --- voting -------------------------------------------------------------------------------------


async def test_a_vote_is_counted_with_an_event_and_is_final(people):
    users = await club(people)
    poll = await make_poll(people, users["max"])
    shanghai, hefei, _ = await options(poll)

    cast = await cast_vote(await people.context(users["lin"]), poll.id, [hefei])

    assert (cast.vote.option_ids, cast.vote.weight, cast.poll.voters) == ([hefei], 1000, 1)
    counts = {o.id: (o.votes, o.weight) for o in await PollOption.filter(poll_id=poll.id)}
    assert counts[hefei] == (1, 1000) and counts[shanghai] == (0, 0)
    [event] = await events(ChangeKind.POLL_UPDATED, poll_id=poll.id)
    assert event.group_id is None
    with pytest.raises(NotEligible) as refused:
        await vote(people, users["lin"], poll, shanghai)
    assert refused.value.reason == "ALREADY_VOTED"
    assert await PollVote.filter(poll_id=poll.id).count() == 1
    assert (await Poll.get(id=poll.id)).voters == 1


async def test_twenty_votes_at_once_by_one_person_count_once(people):
    users = await club(people)
    poll = await make_poll(people, users["max"])
    picks = await options(poll)
    contexts = [await people.context(users["lin"]) for _ in range(20)]

    async def one(n: int) -> str:
        try:
            await cast_vote(contexts[n], poll.id, [picks[n % 3]])
        except NotEligible as refused:
            return str(refused.reason)
        return "counted"

    answers = await asyncio.gather(*(one(n) for n in range(20)))

    assert sorted(answers) == ["ALREADY_VOTED"] * 19 + ["counted"]
    [row] = await PollVote.filter(poll_id=poll.id)
    fresh = await Poll.get(id=poll.id)
    assert (fresh.voters, fresh.total_weight) == (1, 1000)
    assert sum(o.votes for o in await PollOption.filter(poll_id=poll.id)) == 1
    assert len(await events(ChangeKind.POLL_UPDATED, poll_id=poll.id)) == 1


async def test_persona_accounts_do_not_vote(people):
    users = await club(people)
    poll = await make_poll(people, users["max"])
    await PersonaAccount.create(user=users["ivy"], domain=PersonaDomain.CHARGING)
    with pytest.raises(NotEligible) as refused:
        await vote(people, users["ivy"], poll)
    assert refused.value.reason == "PERSONA_ACCOUNT"


async def test_a_closed_poll_takes_no_votes(people):
    users = await club(people)
    poll = await make_poll(people, users["max"])
    await close_poll(await people.context(users["max"]), poll.id)
    with pytest.raises(NotEligible) as refused:
        await vote(people, users["lin"], poll)
    assert refused.value.reason == "POLL_CLOSED"
    past = await make_poll(people, users["max"])
    await Poll.filter(id=past.id).update(closes_at=datetime.now(UTC) - timedelta(seconds=1))
    with pytest.raises(NotEligible) as refused:
        await vote(people, users["lin"], past)
    assert refused.value.reason == "POLL_CLOSED"
    assert await PollVote.all().count() == 0


async def test_new_accounts_vote_in_equal_polls_but_not_in_contribution_polls(people):
    users = await club(people)
    newbie = await people.make("leo", days_old=2)
    equal = await make_poll(people, users["max"])
    weighted = await make_poll(people, users["max"], weighting=PollWeighting.CONTRIBUTION)

    assert (await vote(people, newbie, equal)).weight == 1000
    with pytest.raises(NotEligible) as refused:
        await vote(people, newbie, weighted)
    assert refused.value.reason == "ACCOUNT_TOO_NEW"
    assert (await vote(people, users["lin"], weighted)).weight == 1000


async def test_a_groups_poll_takes_its_members_votes_and_hides_from_outsiders(people):
    users = await club(people)
    public = await make_poll(people, users["ann"], group_slug="owners")
    await make_group("quiet", users["zoe"], users["lin"], visibility=GroupVisibility.MEMBERS_ONLY)
    hidden = await make_poll(people, users["zoe"], group_slug="quiet")

    assert (await vote(people, users["lin"], public)).weight == 1000
    with pytest.raises(NotEligible) as refused:
        await vote(people, users["zoe"], public)
    assert refused.value.reason == "NOT_A_MEMBER"
    with pytest.raises(NotFound):
        await vote(people, users["ann"], hidden)
    assert (await vote(people, users["lin"], hidden)).weight == 1000
    [event] = await events(ChangeKind.POLL_UPDATED, poll_id=hidden.id)
    assert event.group_id == hidden.group_id


@pytest.mark.parametrize(
    ("state", "until_days"), [(AccountState.SUSPENDED, 3), (AccountState.BANNED, None)]
)
async def test_suspended_and_banned_accounts_do_not_vote(people, state, until_days):
    users = await club(people)
    poll = await make_poll(people, users["max"])
    kai = users["kai"]
    suspended_until = datetime.now(UTC) + timedelta(days=until_days) if until_days else None
    await User.filter(id=kai.id).update(state=state, suspended_until=suspended_until)
    with pytest.raises(AccountSuspended):
        await vote(people, kai, poll)
    with pytest.raises(NotAuthenticated):
        await cast_vote(await people.context(None), poll.id, await options(poll))


async def test_the_choice_must_be_of_the_poll_and_single_unless_multiple(people):
    users = await club(people)
    single = await make_poll(people, users["max"])
    several = await make_poll(people, users["max"], multiple=True)
    a, b, _ = await options(single)
    other = (await options(several))[0]
    for picks in ([], [a, a], [a, other], [a, b], [0]):
        with pytest.raises(InvalidInput) as refused:
            await cast_vote(await people.context(users["lin"]), single.id, picks)
        assert refused.value.field == "optionIds"
    assert await PollVote.all().count() == 0
    x, y, z = await options(several)
    cast = await vote(people, users["lin"], several, z, x)
    assert cast.option_ids == [x, z]
    counts = {o.id: o.votes for o in await PollOption.filter(poll_id=several.id)}
    assert counts == {x: 1, y: 0, z: 1}
    assert (await Poll.get(id=several.id)).total_weight == 1000


async def test_contribution_weighs_a_vote_within_the_cap_fixed_when_cast(people):
    users = await club(people)
    poll = await make_poll(people, users["max"], weighting=PollWeighting.CONTRIBUTION)
    for handle, balance in (("kai", 99), ("rui", 10**12)):
        await LedgerAccount.create(user=users[handle], ledger=Ledger.CONTRIBUTION, balance=balance)

    plain = await vote(people, users["lin"], poll)
    high = await vote(people, users["kai"], poll)
    huge = await vote(people, users["rui"], poll)

    assert (plain.weight, plain.contribution) == (1000, 0)
    assert (high.weight, high.contribution) == (3000, 99)
    assert (huge.weight, huge.contribution) == (4000, 10**12)
    await LedgerAccount.filter(user_id=users["kai"].id).update(balance=0)
    assert (await PollVote.get(id=high.id)).weight == 3000
    fresh = await Poll.get(id=poll.id)
    assert (fresh.voters, fresh.total_weight) == (3, 8000)
