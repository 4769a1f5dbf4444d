"""The demo's events, community votes and satisfaction ratings keep the counters the live server
keeps, and give every feature something to show."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from resolvers.context import Context
from resolvers.poll_votes import ONE_VOTE, cast_vote
from server.demo import seed_demo_community
from server.models import (
    Event,
    EventSignup,
    EventState,
    ExperienceSubject,
    Poll,
    PollOption,
    PollVote,
    PollWeighting,
    SatisfactionRating,
    SignupState,
    User,
)
from server.settings import Settings

HELD = (SignupState.CONFIRMED, SignupState.ATTENDED)


async def test_demo_events_and_polls_keep_their_counters(db):
    await seed_demo_community()
    now = datetime.now(UTC)

    events = await Event.all()
    assert len(events) >= 10
    assert {"上海", "北京", "深圳", "杭州", "成都"} <= {e.city for e in events}
    assert any(e.group_id for e in events) and any(e.group_id is None for e in events)
    for event in events:
        signups = await EventSignup.filter(event_id=event.id)
        held = sum(1 + s.guests for s in signups if s.state in HELD)
        waiting = sorted(
            (s for s in signups if s.state == SignupState.WAITLISTED),
            key=lambda s: s.position or 0,
        )
        assert event.confirmed_seats == held <= event.capacity, event.title
        assert event.waitlisted_seats == sum(1 + s.guests for s in waiting)
        assert event.waitlist_length == len(waiting)
        assert [s.position for s in waiting] == list(range(1, len(waiting) + 1))
        assert all(1 + s.guests > event.capacity - held for s in waiting)
        assert all(s.position is None for s in signups if s.state != SignupState.WAITLISTED)
        assert len({s.check_in_code for s in signups}) == len(signups)
        assert all(0 <= s.guests <= 2 for s in signups)
        if event.state == EventState.FINISHED:
            assert event.ends_at < now
        else:
            assert not any(s.state == SignupState.ATTENDED for s in signups)
    full = [e for e in events if e.waitlist_length]
    assert full and all(e.confirmed_seats == e.capacity for e in full)
    states = Counter(e.state for e in events)
    assert states[EventState.CANCELLED] == 1 and states[EventState.FINISHED] == 2
    upcoming = [e for e in events if e.state == EventState.SCHEDULED]
    assert any(e.signup_opens_at <= now < e.signup_closes_at for e in upcoming)
    assert await EventSignup.filter(state=SignupState.ATTENDED).count() >= 10

    polls = await Poll.all()
    assert {p.weighting for p in polls} == {PollWeighting.CONTRIBUTION, PollWeighting.EQUAL}
    city_vote = next(p for p in polls if p.group_id is None)
    assert city_vote.closes_at > now and city_vote.closed_at is None
    assert 5 <= await PollOption.filter(poll_id=city_vote.id).count() <= 6
    assert 24 <= city_vote.voters
    group_poll = next(p for p in polls if p.group_id is not None)
    assert group_poll.closes_at < now
    cap = round(Settings().vote_weight_cap * 1000)
    for poll in polls:
        votes = await PollVote.filter(poll_id=poll.id)
        assert poll.voters == len(votes) > 0
        assert poll.total_weight == sum(v.weight for v in votes)
        assert all(1000 <= v.weight <= cap for v in votes)
        chosen: dict[int, list[int]] = defaultdict(list)
        for vote in votes:
            for option_id in vote.option_ids:
                chosen[option_id].append(vote.weight)
        for option in await PollOption.filter(poll_id=poll.id):
            assert option.votes == len(chosen[option.id])
            assert option.weight == sum(chosen[option.id])
    assert any(v.weight > 1000 for v in await PollVote.filter(poll_id=city_vote.id))


async def test_demo_ratings_cover_every_subject_once_a_period_and_events_by_attendees(db):
    await seed_demo_community()
    period = timedelta(days=Settings().rating_period_days)

    rows = await SatisfactionRating.all().order_by("user_id", "subject", "created_at")
    assert len(rows) >= 200
    assert {r.subject for r in rows} == set(ExperienceSubject)
    assert len({r.city for r in rows}) >= 5
    assert {r.score for r in rows} == {1, 2, 3, 4, 5}
    assert sum(r.score for r in rows) / len(rows) > 3.5, "most people are content"
    assert min(r.created_at for r in rows) < datetime.now(UTC) - timedelta(days=90)
    for before, after in zip(rows, rows[1:], strict=False):
        same = (before.user_id, before.subject) == (after.user_id, after.subject)
        if same and after.subject != ExperienceSubject.EVENT:
            assert after.created_at - before.created_at > period
    attended = set(
        await EventSignup.filter(state=SignupState.ATTENDED).values_list("event_id", "user_id")
    )
    on_events = [r for r in rows if r.subject == ExperienceSubject.EVENT]
    assert on_events
    for rating in on_events:
        assert (rating.event_id, rating.user_id) in attended
        event = await Event.get(id=rating.event_id)
        assert rating.group_id == event.group_id and rating.city == event.city
    assert all(r.event_id is None for r in rows if r.subject != ExperienceSubject.EVENT)
    owner = await User.get(handle="owner")
    assert any(user == owner.id for _, user in attended)
    assert not any(r.user_id == owner.id for r in on_events), "owner is left to rate it"


async def test_the_owner_and_the_fan_can_vote_in_the_community_day_vote(db, resources):
    await seed_demo_community()
    vote = await Poll.get(group_id=None, weighting=PollWeighting.CONTRIBUTION)
    option = await PollOption.filter(poll_id=vote.id).order_by("position").first()
    assert option is not None
    for handle in ("owner", "fan"):
        user = await User.get(handle=handle)
        cast = await cast_vote(Context(resources, viewer=user), vote.id, [option.id])
        assert cast.vote.weight >= ONE_VOTE
    await vote.refresh_from_db()
    assert await PollVote.filter(poll_id=vote.id).count() == vote.voters
