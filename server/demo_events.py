"""The demo's events, community votes and satisfaction ratings.

`seed_events` runs inside the demo's transaction, after the ledgers (a signup may ask for
contribution, and a vote weighs the voter's). Like the ledgers, everything is dated from today
in the community's time zone, because what it shows is relative to today: events to sign up
for, a vote still open, ratings of the past months.

Every row is one the live server could have written, with the counters it keeps beside them:
an event's seats are the sums of its signups, the full event's waitlist holds positions 1 to n
and none of it would fit in the seats left, a poll's and its options' votes and weights are the
sums of its votes (weights by the live formula), nobody rates a subject twice within a rating
period, and only attendees rate an event. Nothing here earns points or contribution, so the
ledgers keep matching their entries. The demo reindexes search afterwards.

`owner` and `fan` are left free to sign up, vote and rate themselves; `owner` attended the
finished road trip and has not rated it yet.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from resolvers.event_signups import CODE_ALPHABET, CODE_LENGTH
from resolvers.poll_votes import ONE_VOTE, vote_weight
from server.demo_data import PERSONAS, SEED
from server.demo_events_data import (
    CANCEL_REASON,
    CANCELLED,
    CITY_VOTE_DESCRIPTION,
    CITY_VOTE_LEANING,
    CITY_VOTE_OPTIONS,
    CITY_VOTE_QUESTION,
    CITY_VOTERS,
    COMPLAINTS,
    EVENTS,
    FINISHED,
    GROUP_POLL_DESCRIPTION,
    GROUP_POLL_GROUP,
    GROUP_POLL_OPTIONS,
    GROUP_POLL_QUESTION,
    LEANINGS,
    NOT_OPEN,
    PRAISE,
    RATERS_PER_MONTH,
    RATING_CITIES,
    RATING_MONTHS,
    EventSpec,
)
from server.models import (
    Event,
    EventSignup,
    EventState,
    ExperienceSubject,
    Group,
    Ledger,
    LedgerAccount,
    Poll,
    PollOption,
    PollVote,
    PollWeighting,
    ResultsVisibility,
    SatisfactionRating,
    SignupState,
    User,
)
from server.settings import Settings

# Accounts that take no part: the staff who run things, and the official personas.
STAFF = ("admin", "moderator")
# The sign-in accounts left free to try signing up, voting and rating.
FREE = ("owner", "fan")
# When events start, in the community's time zone.
START_HOUR = 14


@dataclass
class World:
    """What the seed reads once: the people, the groups and everyone's contribution."""

    settings: Settings
    rng: random.Random
    now: datetime
    users: dict[str, User]
    members: dict[int, list[int]]
    groups: dict[str, Group]
    contribution: dict[int, int]
    people: list[int] = field(default_factory=list)


def _local_day(world: World, days: int) -> datetime:
    today = world.now.astimezone(world.settings.timezone).date()
    moment = datetime.combine(today + timedelta(days=days), time(START_HOUR))
    return moment.replace(tzinfo=world.settings.timezone).astimezone(UTC)


def _code(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


# --- events -------------------------------------------------------------------------------------


def _event_row(world: World, spec: EventSpec) -> Event:
    starts_at = _local_day(world, spec.days)
    ends_at = starts_at + timedelta(hours=spec.hours)
    opens_at = starts_at - timedelta(days=30)
    if spec.shape == NOT_OPEN:
        opens_at = world.now + timedelta(days=5)
    group = world.groups[spec.group] if spec.group else None
    organizer = world.members[group.id][0] if group else world.users["admin"].id
    state = EventState.SCHEDULED
    if spec.shape == CANCELLED:
        state = EventState.CANCELLED
    elif spec.shape == FINISHED:
        state = EventState.FINISHED
    return Event(
        title=spec.title,
        description=spec.description,
        kind=spec.kind,
        city=spec.city,
        venue=spec.venue,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=spec.capacity,
        signup_opens_at=opens_at,
        signup_closes_at=starts_at - timedelta(days=1),
        min_contribution=spec.min_contribution,
        group_id=group.id if group else None,
        organizer_id=organizer,
        state=state,
        cancel_reason=CANCEL_REASON if state == EventState.CANCELLED else "",
        cancelled_at=world.now - timedelta(days=2) if state == EventState.CANCELLED else None,
        finished_at=ends_at + timedelta(minutes=10) if state == EventState.FINISHED else None,
        created_at=opens_at - timedelta(days=2),
    )


def _candidates(world: World, event: Event, spec: EventSpec) -> list[int]:
    pool = world.members[event.group_id] if event.group_id else world.people
    free = {world.users[h].id for h in FREE}
    chosen = [
        u
        for u in pool
        if u != event.organizer_id
        and u in world.people
        and u not in free
        and world.contribution.get(u, 0) >= spec.min_contribution
    ]
    world.rng.shuffle(chosen)
    return chosen[: spec.signups]


def _signups(world: World, event: Event, spec: EventSpec) -> list[EventSignup]:
    """The event's signups, its counters set to match them."""
    rng, codes = world.rng, set[str]()
    rows: list[EventSignup] = []
    people = _candidates(world, event, spec)
    if spec.shape == FINISHED and event.group_id == world.groups["road-trips"].id:
        people.append(world.users["owner"].id)  # `owner` went along and may rate it
    for user_id in people:
        guests = rng.choice([0, 0, 0, 1, 2])
        seats = 1 + guests
        free = event.capacity - event.confirmed_seats
        state, position = SignupState.CONFIRMED, None
        if seats > free and free > 0:
            guests, seats = free - 1, free  # takes the last seats, with fewer guests
        elif seats > free:
            state = SignupState.WAITLISTED
            event.waitlist_length += 1
            event.waitlisted_seats += seats
            position = event.waitlist_length
        if state == SignupState.CONFIRMED:
            event.confirmed_seats += seats
        signed_at = min(event.signup_opens_at + timedelta(hours=rng.randint(1, 240)), world.now)
        checked_in = None
        went = user_id == world.users["owner"].id or rng.random() < 0.85
        if spec.shape == FINISHED and state == SignupState.CONFIRMED and went:
            state = SignupState.ATTENDED
            checked_in = event.starts_at + timedelta(minutes=rng.randint(-20, 30))
        rows.append(
            EventSignup(
                event_id=event.id,
                user_id=user_id,
                state=state,
                guests=guests,
                position=position,
                check_in_code=_code(rng, codes),
                checked_in_at=checked_in,
                checked_in_by_id=event.organizer_id if checked_in else None,
                created_at=signed_at,
            )
        )
    return rows


async def _events(world: World) -> tuple[list[Event], list[EventSignup]]:
    await Event.bulk_create([_event_row(world, spec) for spec in EVENTS])
    events = await Event.all().order_by("id")
    signups: list[EventSignup] = []
    for event, spec in zip(events, EVENTS, strict=True):
        signups += _signups(world, event, spec)
        await Event.filter(id=event.id).update(
            confirmed_seats=event.confirmed_seats,
            waitlisted_seats=event.waitlisted_seats,
            waitlist_length=event.waitlist_length,
        )
    await EventSignup.bulk_create(signups)
    return events, signups


# --- polls --------------------------------------------------------------------------------------


async def _poll(
    world: World,
    poll: Poll,
    labels: list[str],
    ballots: list[tuple[int, list[int], int]],
) -> int:
    """Write a poll's options and votes (voter, option positions, weight) with the counts
    and weights they add up to."""
    await PollOption.bulk_create(
        [PollOption(poll_id=poll.id, label=label, position=n) for n, label in enumerate(labels)]
    )
    options = await PollOption.filter(poll_id=poll.id).order_by("position")
    votes, weights = Counter[int](), Counter[int]()
    rows = []
    for n, (user_id, positions, weight) in enumerate(ballots):
        chosen = sorted(options[p].id for p in positions)
        for option_id in chosen:
            votes[option_id] += 1
            weights[option_id] += weight
        rows.append(
            PollVote(
                poll_id=poll.id,
                user_id=user_id,
                option_ids=chosen,
                weight=weight,
                contribution=world.contribution.get(user_id, 0),
                created_at=poll.created_at + timedelta(hours=3 * n + 1),
            )
        )
    await PollVote.bulk_create(rows)
    for option in options:
        await PollOption.filter(id=option.id).update(
            votes=votes[option.id], weight=weights[option.id]
        )
    await Poll.filter(id=poll.id).update(
        voters=len(rows), total_weight=sum(weight for _, _, weight in ballots)
    )
    return len(rows)


async def _polls(world: World) -> int:
    rng, now = world.rng, world.now
    created = now - timedelta(days=6)
    city_vote = await Poll.create(
        question=CITY_VOTE_QUESTION,
        description=CITY_VOTE_DESCRIPTION,
        closes_at=_local_day(world, 21),
        weighting=PollWeighting.CONTRIBUTION,
        results_visibility=ResultsVisibility.ALWAYS,
        created_by_id=world.users["admin"].id,
        created_at=created,
    )
    free = {world.users[h].id for h in FREE}
    voters = rng.sample([u for u in world.people if u not in free], CITY_VOTERS)
    positions = range(len(CITY_VOTE_OPTIONS))
    ballots = [
        (
            u,
            rng.choices(positions, CITY_VOTE_LEANING),
            vote_weight(world.settings, world.contribution.get(u, 0)),
        )
        for u in voters
    ]
    cast = await _poll(world, city_vote, CITY_VOTE_OPTIONS, ballots)

    group = world.groups[GROUP_POLL_GROUP]
    closes_at = now - timedelta(days=3)
    group_poll = await Poll.create(
        question=GROUP_POLL_QUESTION,
        description=GROUP_POLL_DESCRIPTION,
        multiple=True,
        closes_at=closes_at,
        closed_at=closes_at,
        weighting=PollWeighting.EQUAL,
        results_visibility=ResultsVisibility.AFTER_CLOSE,
        group_id=group.id,
        created_by_id=world.members[group.id][0],
        created_at=closes_at - timedelta(days=7),
    )
    members = [u for u in world.members[group.id] if u in world.people and u not in free]
    ballots = [
        (u, rng.sample(range(len(GROUP_POLL_OPTIONS)), rng.randint(1, 2)), ONE_VOTE)
        for u in members
    ]
    return cast + await _poll(world, group_poll, GROUP_POLL_OPTIONS, ballots)


# --- ratings ------------------------------------------------------------------------------------


def _rating(
    world: World, user_id: int, subject: ExperienceSubject, at: datetime, city: str, **more: int
) -> SatisfactionRating:
    rng = world.rng
    score = rng.choices(range(1, 6), LEANINGS[subject])[0]
    comment = ""
    if rng.random() < 0.6:
        comment = rng.choice(PRAISE[subject] if score >= 4 else COMPLAINTS[subject])
    return SatisfactionRating(
        user_id=user_id,
        subject=subject,
        score=score,
        comment=comment,
        city=city,
        created_at=at,
        **more,
    )


async def _ratings(world: World, events: list[Event], signups: list[EventSignup]) -> int:
    """Ratings of the past months: each person rates a subject at most once a month, more
    than a rating period apart (35 days, give or take 3), and attendees rate the events."""
    rng, now = world.rng, world.now
    rows: list[SatisfactionRating] = []
    free = {world.users[h].id for h in FREE}
    for subject in ExperienceSubject:
        if subject == ExperienceSubject.EVENT:
            continue
        for month in range(RATING_MONTHS):
            pool = world.people if month else [u for u in world.people if u not in free]
            for user_id in rng.sample(pool, RATERS_PER_MONTH):
                at = now - timedelta(days=35 * month + rng.randint(1, 3), hours=rng.randint(0, 12))
                rows.append(_rating(world, user_id, subject, at, rng.choice(RATING_CITIES)))
    by_id = {e.id: e for e in events}
    for signup in signups:
        event = by_id[signup.event_id]
        if signup.state != SignupState.ATTENDED or signup.user_id == world.users["owner"].id:
            continue
        if rng.random() < 0.75:
            at = event.ends_at + timedelta(hours=rng.randint(2, 72))
            rows.append(
                _rating(
                    world,
                    signup.user_id,
                    ExperienceSubject.EVENT,
                    at,
                    event.city,
                    event_id=event.id,
                    **({"group_id": event.group_id} if event.group_id else {}),
                )
            )
    rows.sort(key=lambda r: r.created_at)  # ids in the order they were rated
    await SatisfactionRating.bulk_create(rows)
    return len(rows)


# --- the seed -----------------------------------------------------------------------------------


async def seed_events(
    users: dict[str, User], members: dict[int, list[int]], settings: Settings | None = None
) -> str:
    """Seed the events, polls and ratings; `users` the demo's accounts by handle, `members`
    each group's member ids (its owner first) by group id."""
    settings = settings or Settings()
    personas = {handle for handle, *_ in PERSONAS}
    accounts = await LedgerAccount.filter(ledger=Ledger.CONTRIBUTION).values_list(
        "user_id", "balance"
    )
    world = World(
        settings=settings,
        rng=random.Random(f"{SEED}-events"),
        now=datetime.now(UTC),
        users=users,
        members=members,
        groups={g.slug: g for g in await Group.all()},
        contribution={int(u): int(b) for u, b in accounts},  # type: ignore[misc]
    )
    world.people = [u.id for h, u in sorted(users.items()) if h not in STAFF and h not in personas]
    events, signups = await _events(world)
    votes = await _polls(world)
    rated = await _ratings(world, events, signups)
    return (
        f"{len(events)} events with {len(signups)} signups, 2 polls with {votes} votes, "
        f"{rated} satisfaction ratings"
    )
