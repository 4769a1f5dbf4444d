"""The demo community's radio: city stations with their heads and followers, and episodes
(a few waiting for review) with their comments, reactions and plays.

Counters (followers, comments, replies, reactions) are worked out before their rows are
written: each table takes one bulk insert and no row is updated afterwards.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from server.demo_data import BASE_TIME, EXECUTIVES, MODELS
from server.demo_radio_data import (
    APPROVAL_NOTES,
    CITY_EPISODES,
    EPISODE_COMMENTS,
    GENERAL_EPISODES,
    STATIONS,
    SUBMISSIONS,
    StationSpec,
)
from server.models import (
    Comment,
    CommentReaction,
    EpisodeReaction,
    EpisodeState,
    IdentityKind,
    RadioEpisode,
    RadioStation,
    ReactionKind,
    StationFollow,
    StationHead,
    User,
)

DAY = 24 * 60  # minutes
# Episodes went on air over the six weeks before BASE_TIME.
ON_AIR_MINUTES = 42 * DAY
# A 128 kbit/s MP3.
BYTES_PER_SECOND = 16_000
# Heads publish most of their station's episodes; listeners send the rest.
HEAD_SHARE = 0.6


def at(minutes: int) -> datetime:
    """The moment `minutes` before BASE_TIME."""
    return BASE_TIME - timedelta(minutes=minutes)


def capped(moment: datetime) -> datetime:
    """Nothing in the demo happens after BASE_TIME."""
    return min(moment, BASE_TIME)


@dataclass(frozen=True)
class Cast:
    """Who the works are made by and for."""

    users: dict[str, User]
    # Everyone but the persona accounts: listeners, commenters, reactors.
    people: list[User]
    # Demo members and employees: co-creators credited at random (the sign-in accounts get
    # their credits on purpose, so a developer knows what to expect).
    collaborators: list[User]
    # Demo members who own a car: the station heads and curators are chosen among them.
    owners: list[User]

    @classmethod
    def of(cls, users: dict[str, User]) -> Cast:
        people = [u for h, u in users.items() if not h.endswith("_assistant")]
        executives = {handle for handle, _, _ in EXECUTIVES}
        members = [u for u in people if u.handle.startswith("member")]
        return cls(
            users=users,
            people=people,
            collaborators=[u for u in people if u in members or u.handle in executives],
            owners=sorted(
                (u for u in members if u.identity == IdentityKind.OWNER), key=lambda u: u.handle
            ),
        )


@dataclass
class Station:
    spec: StationSpec
    heads: list[User]
    row: RadioStation


@dataclass
class CommentPlan:
    author_id: int
    body: str
    minutes_after: int
    replies: list[tuple[int, str, int]]
    likers: list[int]


@dataclass
class EpisodePlan:
    station: Station
    number: int
    author: User
    title: str
    description: str
    state: EpisodeState
    duration_seconds: int
    # Minutes before BASE_TIME: when it went on air, or was last sent or saved.
    minutes: int
    reviewed_by: User | None = None
    review_note: str = ""
    reactions: list[tuple[int, ReactionKind]] = field(default_factory=list)
    comments: list[CommentPlan] = field(default_factory=list)
    play_count: int = 0
    row: RadioEpisode | None = None

    @property
    def episode(self) -> RadioEpisode:
        assert self.row is not None, "episode not written yet"
        return self.row

    @property
    def comment_count(self) -> int:
        return sum(1 + len(c.replies) for c in self.comments)


async def seed_radio(rng: random.Random, cast: Cast) -> tuple[list[Station], list[EpisodePlan]]:
    """The stations and every episode, written; published episodes come first, in the order
    they went on air."""
    stations = await _stations(rng, cast)
    episodes = _plan_episodes(rng, cast, stations)
    await _episodes(episodes)
    return stations, episodes


async def _stations(rng: random.Random, cast: Cast) -> list[Station]:
    """The city stations, each run by one or two demo owners and followed by listeners."""
    admin = cast.users["admin"]
    taken = {handle for spec in STATIONS for handle in spec.appointed}
    planned: list[tuple[StationSpec, list[User], list[int]]] = []
    for spec in STATIONS:
        heads = [cast.users[handle] for handle in spec.appointed]
        # Owners of the station's city first, then anyone who owns a car.
        local = [u for u in cast.owners if u.region == spec.city]
        for user in local + [u for u in cast.owners if u not in local]:
            if len(heads) >= spec.head_count:
                break
            if user.handle not in taken:
                heads.append(user)
                taken.add(user.handle)
        listeners = rng.sample(cast.people, rng.randint(12, 30))
        invited = [cast.users[handle] for handle in spec.followers]
        followers = sorted({u.id for u in heads + invited + listeners})
        planned.append((spec, heads, followers))
    opened = at(90 * DAY)
    await RadioStation.bulk_create(
        [
            RadioStation(
                slug=spec.slug,
                name=spec.name,
                city=spec.city,
                description=spec.description,
                cover_url=f"https://img.example.com/radio/{spec.slug}/cover.jpg",
                follower_count=len(followers),
                created_by_id=admin.id,
                created_at=opened,
            )
            for spec, _, followers in planned
        ]
    )
    rows = {row.slug: row for row in await RadioStation.all()}
    stations = [Station(spec, heads, rows[spec.slug]) for spec, heads, _ in planned]
    await StationHead.bulk_create(
        [
            StationHead(
                station_id=s.row.id,
                user_id=head.id,
                appointed_by_id=admin.id,
                created_at=opened + timedelta(days=1),
            )
            for s in stations
            for head in s.heads
        ]
    )
    await StationFollow.bulk_create(
        [
            StationFollow(
                station_id=s.row.id,
                user_id=user_id,
                created_at=opened + timedelta(minutes=rng.randint(DAY, 80 * DAY)),
            )
            for s, (_, _, followers) in zip(stations, planned, strict=True)
            for user_id in followers
        ]
    )
    return stations


def _fill(text: str, spec: StationSpec, model: str = "") -> str:
    return text.format(city=spec.city, city_en=spec.city_en, model=model)


def _plan_episodes(rng: random.Random, cast: Cast, stations: list[Station]) -> list[EpisodePlan]:
    """Every episode with its audience, published ones in the order they went on air and then
    those not on air: a station's own city stories and a share of the general topics."""
    general = list(GENERAL_EPISODES)
    rng.shuffle(general)
    share = len(general) // len(stations)
    head_ids = {head.id for s in stations for head in s.heads}
    members = [u for u in cast.collaborators if u.handle.startswith("member")]
    contributors = [u for u in members if u.id not in head_ids]
    by_slug = {s.spec.slug: s for s in stations}
    local: dict[str, list[User]] = {}
    on_air: list[EpisodePlan] = []
    for i, station in enumerate(stations):
        city = station.spec.city
        local[city] = [u for u in contributors if u.region == city] or contributors
        texts = CITY_EPISODES[city] + general[i * share : (i + 1) * share]
        rng.shuffle(texts)
        times = sorted(rng.sample(range(3 * 60, ON_AIR_MINUTES, 30), len(texts)), reverse=True)
        for number, ((title, description), minutes) in enumerate(
            zip(texts, times, strict=True), start=1
        ):
            model = rng.choice(MODELS)
            plan = EpisodePlan(
                station=station,
                number=number,
                author=rng.choice(station.heads),
                title=_fill(title, station.spec, model),
                description=_fill(description, station.spec, model),
                state=EpisodeState.PUBLISHED,
                duration_seconds=rng.randint(5 * 60, 60 * 60),
                minutes=minutes,
            )
            if rng.random() > HEAD_SHARE:
                # A listener's episode, approved by a head.
                plan.author = rng.choice(local[city])
                plan.reviewed_by = rng.choice(station.heads)
                plan.review_note = rng.choice(APPROVAL_NOTES)
            _audience(rng, cast, plan)
            on_air.append(plan)
    on_air.sort(key=lambda e: (-e.minutes, e.station.row.id))
    numbers = {s.spec.slug: len(CITY_EPISODES[s.spec.city]) + share for s in stations}
    waiting: list[EpisodePlan] = []
    for sent in SUBMISSIONS:
        station = by_slug[sent.station]
        city = station.spec.city
        numbers[sent.station] += 1
        rejected = sent.state == EpisodeState.REJECTED
        waiting.append(
            EpisodePlan(
                station=station,
                number=numbers[sent.station],
                author=cast.users[sent.author] if sent.author else rng.choice(local[city]),
                title=_fill(sent.title, station.spec),
                description=_fill(sent.description, station.spec),
                state=sent.state,
                duration_seconds=rng.randint(5 * 60, 60 * 60),
                minutes=rng.randint(60, 4 * DAY),
                reviewed_by=rng.choice(station.heads) if rejected else None,
                review_note=sent.review_note,
            )
        )
    return on_air + waiting


def _audience(rng: random.Random, cast: Cast, plan: EpisodePlan) -> None:
    """Who reacted to and commented on a published episode, and how often it was played."""
    ids = [u.id for u in cast.people]
    kinds = (ReactionKind.LIKE, ReactionKind.LIKE, ReactionKind.LOVE, ReactionKind.CLAP)
    plan.reactions = sorted((u, rng.choice(kinds)) for u in rng.sample(ids, rng.randint(0, 12)))
    for _ in range(rng.randint(0, 4)):
        replies = [
            (rng.choice(ids), rng.choice(EPISODE_COMMENTS), rng.randint(10, 600))
            for _ in range(rng.choice((0, 0, 0, 1, 2)))
        ]
        plan.comments.append(
            CommentPlan(
                author_id=rng.choice(ids),
                body=rng.choice(EPISODE_COMMENTS),
                minutes_after=rng.randint(5, 2 * DAY),
                replies=replies,
                likers=sorted(rng.sample(ids, rng.randint(0, 3))),
            )
        )
    # Plays grow with age and with how much listeners liked it.
    days = plan.minutes // DAY + 1
    plan.play_count = days * rng.randint(15, 40) + len(plan.reactions) * rng.randint(8, 20)


async def _episodes(plans: list[EpisodePlan]) -> None:
    """Writes the episodes, their comments (with replies and likes) and reactions."""
    rows = []
    for plan in plans:
        slug, number = plan.station.spec.slug, plan.number
        published = at(plan.minutes) if plan.state == EpisodeState.PUBLISHED else None
        # A listener's episode waited a while for a head; a head's went on air as saved.
        waited = timedelta(hours=6 + number % 30) if plan.reviewed_by else timedelta(0)
        rows.append(
            RadioEpisode(
                station_id=plan.station.row.id,
                author_id=plan.author.id,
                title=plan.title,
                description=plan.description,
                audio_url=f"https://media.example.com/radio/{slug}/{number}.mp3",
                duration_seconds=plan.duration_seconds,
                mime_type="audio/mpeg",
                size_bytes=plan.duration_seconds * BYTES_PER_SECOND,
                cover_url=f"https://img.example.com/radio/{slug}/{number}.jpg"
                if number % 2
                else None,
                state=plan.state,
                published_at=published,
                reviewed_by_id=plan.reviewed_by.id if plan.reviewed_by else None,
                review_note=plan.review_note,
                play_count=plan.play_count,
                comment_count=plan.comment_count,
                reaction_count=len(plan.reactions),
                created_at=at(plan.minutes) - waited,
            )
        )
    await RadioEpisode.bulk_create(rows)
    for plan, row in zip(plans, await RadioEpisode.all().order_by("id"), strict=True):
        plan.row = row
    threads = [(plan, c) for plan in plans for c in plan.comments]
    await Comment.bulk_create(
        [
            Comment(
                episode_id=plan.episode.id,
                author_id=c.author_id,
                body=c.body,
                reply_count=len(c.replies),
                reaction_count=len(c.likers),
                created_at=capped(at(plan.minutes - c.minutes_after)),
            )
            for plan, c in threads
        ]
    )
    tops = await Comment.filter(episode_id__isnull=False).order_by("id")
    replies = [
        Comment(
            episode_id=top.episode_id,
            parent_id=top.id,
            author_id=author_id,
            body=body,
            created_at=capped(top.created_at + timedelta(minutes=after)),
        )
        for top, (_, c) in zip(tops, threads, strict=True)
        for author_id, body, after in c.replies
    ]
    await Comment.bulk_create(replies)
    await CommentReaction.bulk_create(
        [
            CommentReaction(comment_id=top.id, user_id=user_id, kind=ReactionKind.LIKE)
            for top, (_, c) in zip(tops, threads, strict=True)
            for user_id in c.likers
        ]
    )
    reactions = [
        EpisodeReaction(
            episode_id=plan.episode.id,
            user_id=user_id,
            kind=kind,
            created_at=capped(at(plan.minutes - 30 - user_id % 600)),
        )
        for plan in plans
        for user_id, kind in plan.reactions
    ]
    await EpisodeReaction.bulk_create(reactions)
