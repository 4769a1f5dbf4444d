"""The demo community's works: city radio stations and their episodes (server.demo_radio),
credits on episodes and posts, two curated collections and a few featured works.

`seed_works` runs inside the demo's transaction, after the posts and their conversation. It
draws from a generator of its own, seeded from the demo's seed, so that a change to what the
rest of the demo draws does not reshuffle the radio and the works.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from server.demo_data import BASE_TIME, SEED
from server.demo_radio import DAY, Cast, EpisodePlan, Station, at, capped, seed_radio
from server.demo_radio_data import FEATURE_NOTES, RADIO_HIGHLIGHTS, YEARBOOK, CollectionSpec
from server.models import (
    Collection,
    CollectionCurator,
    CollectionItem,
    Credit,
    CreditRole,
    CreditState,
    EpisodeState,
    FeaturedWork,
    Notification,
    NotificationKind,
    Post,
    PostKind,
    PostState,
    RadioEpisode,
    User,
)

# More than the third of episodes the issue asks for, so a reshuffle cannot fall short.
CREDITED_SHARE = 0.4
# At most this many of the yearbook's stories are articles; the others are episodes.
YEARBOOK_POSTS = 4
# An episode's first credit is a co-host or a guest; whoever else helped, the crew.
CO_HOST_ROLES = (CreditRole.HOST, CreditRole.GUEST, CreditRole.GUEST)
CREW_ROLES = (CreditRole.GUEST, CreditRole.PRODUCER, CreditRole.EDITOR, CreditRole.TRANSLATOR)


Work = Post | RadioEpisode


def _published(work: Work) -> datetime:
    return work.published_at or BASE_TIME


@dataclass(frozen=True)
class WorksSummary:
    stations: int
    episodes: int
    waiting: int
    episode_comments: int
    episode_reactions: int
    credits: int
    pending_credits: int
    collections: int
    collection_items: int
    featured: int

    def __str__(self) -> str:
        return (
            f"{self.stations} radio stations, {self.episodes} episodes "
            f"({self.waiting} waiting for review) with {self.episode_comments} comments and "
            f"{self.episode_reactions} reactions, {self.credits} credits "
            f"({self.pending_credits} pending), {self.collections} collections of "
            f"{self.collection_items} works, {self.featured} featured works"
        )


async def seed_works(users: dict[str, User], posts: list[Post]) -> WorksSummary:
    """Seed the radio and the works made and gathered together; `users` by handle, `posts`
    in id order, as server.demo wrote them."""
    rng = random.Random(f"{SEED}-works")
    cast = Cast.of(users)
    stations, episodes = await seed_radio(rng, cast)
    on_air = [e for e in episodes if e.state == EpisodeState.PUBLISHED]
    credited_posts, credited_episodes, credits, pending = await _credits(rng, cast, on_air, posts)
    yearbook, highlights = await _collections(
        rng, cast, stations, credited_posts, credited_episodes, on_air
    )
    featured = await _featured(cast, yearbook, highlights)
    return WorksSummary(
        stations=len(stations),
        episodes=len(episodes),
        waiting=sum(1 for e in episodes if e.state == EpisodeState.SUBMITTED),
        episode_comments=sum(e.comment_count for e in episodes),
        episode_reactions=sum(len(e.reactions) for e in episodes),
        credits=credits,
        pending_credits=pending,
        collections=2,
        collection_items=len(yearbook) + len(highlights),
        featured=featured,
    )


def _credit(
    work: Work,
    user: User,
    role: CreditRole,
    state: CreditState,
    answered_after: timedelta,
) -> Credit:
    """A credit on a live work: the invitation went out when the work went on air."""
    live = _published(work)
    return Credit(
        post_id=work.id if isinstance(work, Post) else None,
        episode_id=work.id if isinstance(work, RadioEpisode) else None,
        user_id=user.id,
        role=role,
        state=state,
        answered_at=None if state == CreditState.PENDING else capped(live + answered_after),
        created_at=live,
    )


async def _credits(
    rng: random.Random, cast: Cast, on_air: list[EpisodePlan], posts: list[Post]
) -> tuple[list[Post], list[RadioEpisode], int, int]:
    """Co-creators on episodes and on public posts, nearly all accepted; a few invitations
    still waiting for the sign-in accounts. Returns the posts and episodes with accepted
    credits, how many credits there are and how many wait."""
    rows: list[Credit] = []

    def hours() -> timedelta:
        return timedelta(hours=rng.randint(1, 72))

    def others(author_id: int, n: int) -> list[User]:
        return rng.sample([u for u in cast.collaborators if u.id != author_id], n)

    episodes = [plan.episode for plan in on_air]
    credited = sorted(
        rng.sample(episodes, math.ceil(len(episodes) * CREDITED_SHARE)), key=lambda e: e.id
    )
    for episode in credited:
        people = others(episode.author_id, rng.choice((1, 1, 2, 3)))
        for n, user in enumerate(people):
            role = rng.choice(CO_HOST_ROLES if n == 0 else CREW_ROLES)
            rows.append(_credit(episode, user, role, CreditState.ACCEPTED, hours()))
    # Public posts by people (not persona accounts), outside every group.
    public = [
        p
        for p in posts
        if p.state == PostState.PUBLISHED and p.group_id is None and p.operator_id is None
    ]
    # One article per title: several owners wrote up the same topic.
    titled = {p.title: p for p in reversed(public) if p.kind == PostKind.ARTICLE}
    articles = rng.sample(sorted(titled.values(), key=lambda p: p.id), 10)
    photos = rng.sample([p for p in public if p.kind == PostKind.MOMENT and p.media], 4)
    for post in sorted(articles + photos, key=lambda p: p.id):
        people = others(post.author_id, 1 if post in photos else rng.choice((1, 2)))
        roles = [
            CreditRole.PHOTOGRAPHER
            if post in photos
            else rng.choice((CreditRole.PHOTOGRAPHER, CreditRole.PHOTOGRAPHER, CreditRole.WRITER))
        ]
        roles += [rng.choice((CreditRole.WRITER, CreditRole.EDITOR, CreditRole.TRANSLATOR))]
        for user, role in zip(people, roles, strict=False):
            rows.append(_credit(post, user, role, CreditState.ACCEPTED, hours()))
    # Someone said no: a credit is never given without consent.
    uncredited = [e for e in episodes if e not in credited]
    declined = uncredited[0]
    guest = others(declined.author_id, 1)[0]
    rows.append(_credit(declined, guest, CreditRole.GUEST, CreditState.DECLINED, hours()))
    rows += _sign_in_credits(cast, uncredited[1:], public)
    await Credit.bulk_create(rows)
    waiting = await Credit.filter(state=CreditState.PENDING).order_by("id")
    post_authors = {p.id: p.author_id for p in public}
    episode_authors = {e.id: e.author_id for e in episodes}
    await Notification.bulk_create(
        [
            Notification(
                recipient_id=credit.user_id,
                actor_id=post_authors[credit.post_id]
                if credit.post_id is not None
                else episode_authors[credit.episode_id or 0],
                kind=NotificationKind.CREDIT_INVITATION,
                post_id=credit.post_id,
                episode_id=credit.episode_id,
                credit_id=credit.id,
                created_at=credit.created_at,
            )
            for credit in waiting
        ]
    )
    return (
        sorted(articles + photos, key=lambda p: p.id),
        credited,
        len(rows),
        len(waiting),
    )


def _sign_in_credits(cast: Cast, episodes: list[RadioEpisode], public: list[Post]) -> list[Credit]:
    """What the sign-in accounts were credited on: `owner` guested on an episode and is
    invited onto a post and an episode; `fan` is invited to translate an English episode."""
    owner, fan = cast.users["owner"], cast.users["fan"]
    newest = sorted(episodes, key=lambda e: (e.published_at or BASE_TIME, e.id), reverse=True)
    not_owners = [e for e in newest if e.author_id != owner.id]
    guested = not_owners[-1]
    invited = not_owners[0]
    english = next(e for e in newest if e.title.isascii() and e.id not in (guested.id, invited.id))
    article = next(
        p for p in reversed(public) if p.kind == PostKind.ARTICLE and p.author_id != owner.id
    )
    return [
        _credit(guested, owner, CreditRole.GUEST, CreditState.ACCEPTED, timedelta(hours=5)),
        _credit(article, owner, CreditRole.PHOTOGRAPHER, CreditState.PENDING, timedelta(0)),
        _credit(invited, owner, CreditRole.GUEST, CreditState.PENDING, timedelta(0)),
        _credit(english, fan, CreditRole.TRANSLATOR, CreditState.PENDING, timedelta(0)),
    ]


async def _collections(
    rng: random.Random,
    cast: Cast,
    stations: list[Station],
    credited_posts: list[Post],
    credited_episodes: list[RadioEpisode],
    on_air: list[EpisodePlan],
) -> tuple[list[Work], list[RadioEpisode]]:
    """The owners' yearbook (co-created posts and episodes, in the order they came out) and
    the radio highlights (the best-liked episodes, best first), both curated by `employee`
    with a demo member each. Only public works: every credited post is outside the groups."""
    employee = cast.users["employee"]
    head_ids = {head.id for s in stations for head in s.heads}
    scout = next(u for u in cast.owners if u.id not in head_ids)
    chengdu = next(s for s in stations if s.spec.slug == "chengdu").heads[0]
    # One article per topic (the demo's articles share a few bodies), then episodes.
    topics = {p.body: p for p in reversed(credited_posts) if p.kind == PostKind.ARTICLE}
    articles = sorted(topics.values(), key=lambda p: p.id)
    stories: list[Work] = rng.sample(articles, min(len(articles), YEARBOOK_POSTS))
    stories += rng.sample(credited_episodes, len(YEARBOOK.notes) - len(stories))
    yearbook = sorted(stories, key=lambda w: (_published(w), isinstance(w, RadioEpisode), w.id))
    ranked = sorted(on_air, key=lambda e: (-len(e.reactions), -e.play_count, e.episode.id))
    highlights = [plan.episode for plan in ranked[: len(RADIO_HIGHLIGHTS.notes)]]
    gathered: list[tuple[CollectionSpec, list[User], list[Work]]] = [
        (YEARBOOK, [employee, scout], list(yearbook)),
        (RADIO_HIGHLIGHTS, [employee, chengdu], list(highlights)),
    ]
    created = at(45 * DAY)
    await Collection.bulk_create(
        [
            Collection(
                slug=spec.slug,
                title=spec.title,
                description=spec.description,
                cover_url=f"https://img.example.com/collections/{spec.slug}.jpg",
                created_by_id=employee.id,
                created_at=created,
            )
            for spec, _, _ in gathered
        ]
    )
    ids = {c.slug: c.id for c in await Collection.all()}
    await CollectionCurator.bulk_create(
        [
            CollectionCurator(collection_id=ids[spec.slug], user_id=u.id, created_at=created)
            for spec, curators, _ in gathered
            for u in curators
        ]
    )
    await CollectionItem.bulk_create(
        [
            CollectionItem(
                collection_id=ids[spec.slug],
                post_id=work.id if isinstance(work, Post) else None,
                episode_id=work.id if isinstance(work, RadioEpisode) else None,
                position=position,
                note=note,
                added_by_id=curators[position % len(curators)].id,
                created_at=capped(_published(work) + timedelta(days=1)),
            )
            for spec, curators, works in gathered
            for position, (work, note) in enumerate(zip(works, spec.notes, strict=True))
        ]
    )
    return yearbook, highlights


async def _featured(cast: Cast, yearbook: list[Work], highlights: list[RadioEpisode]) -> int:
    """Staff's picks: the three best-liked episodes and the yearbook's first two posts."""
    staff = [cast.users["moderator"], cast.users["admin"]]
    picks: list[Work] = [*highlights[:3], *[w for w in yearbook if isinstance(w, Post)][:2]]
    await FeaturedWork.bulk_create(
        [
            FeaturedWork(
                post_id=work.id if isinstance(work, Post) else None,
                episode_id=work.id if isinstance(work, RadioEpisode) else None,
                note=FEATURE_NOTES[n % len(FEATURE_NOTES)],
                featured_by_id=staff[n % len(staff)].id,
                featured_at=capped(_published(work) + timedelta(days=2)),
            )
            for n, work in enumerate(picks)
        ]
    )
    return len(picks)
