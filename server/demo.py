"""The demo community: a deterministic, bilingual community seeded into an empty database.

Development only (the CLI refuses in production, and demo accounts cannot sign in there).
Every run on an empty database writes the same rows: one seeded random generator, fixed times.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from resolvers.changes import transaction
from server.demo_data import (
    ARTICLES,
    BASE_TIME,
    CITIES,
    COMMENTS,
    DEMO_PASSWORD,
    ENGLISH,
    EXECUTIVES,
    GIVEN,
    INDUSTRY_GROUPS,
    MODELS,
    MOMENTS,
    OWN_GROUPS,
    PERSONAS,
    SEED,
    SIGN_IN_USERS,
    SURNAMES,
    TAGS,
    Badge,
)
from server.demo_events import seed_events
from server.demo_groups import seed_groups
from server.demo_koc import seed_koc
from server.demo_ledger import seed_ledgers
from server.demo_works import seed_works
from server.models import (
    Comment,
    CommentReaction,
    EmployeeBadge,
    Follow,
    Group,
    GroupKind,
    GroupMembership,
    GroupRole,
    GroupVisibility,
    IdentityKind,
    Industry,
    MatchKind,
    ModerationItem,
    ModerationRule,
    ModerationTarget,
    PersonaAccount,
    PersonaOperator,
    PlatformRole,
    Post,
    PostKind,
    PostReaction,
    PostState,
    ReactionKind,
    Report,
    ReportReason,
    RuleAction,
    RuleSetVersion,
    User,
)
from server.security import hash_password


def _at(minutes: int) -> datetime:
    return BASE_TIME - timedelta(minutes=minutes)


async def _users(rng: random.Random, password_hash: str) -> dict[str, User]:
    rows: list[User] = []
    badges: dict[str, Badge] = {}

    def account(
        handle: str,
        name: str,
        identity: IdentityKind,
        models: list[str],
        region: str,
        bio: str,
        role: PlatformRole = PlatformRole.USER,
    ) -> None:
        rows.append(
            User(
                handle=handle,
                display_name=name,
                role=role,
                identity=identity,
                vehicle_models=models,
                password_hash=password_hash,
                is_demo=True,
                region=region,
                bio=bio,
            )
        )

    for handle, name, role, identity, models, badge in SIGN_IN_USERS:
        account(handle, name, identity, models, "上海", f"{name} · demo account", role)
        if badge:
            badges[handle] = badge
    for handle, name, badge in EXECUTIVES:
        account(handle, name, IdentityKind.OWNER, ["ET9"], "上海", "Employee")
        badges[handle] = badge
    identities = [
        IdentityKind.OWNER,
        IdentityKind.OWNER,
        IdentityKind.DEPOSIT_HOLDER,
        IdentityKind.FAN,
    ]
    for i in range(50):
        identity = identities[i % len(identities)]
        chinese = i % 2 == 0
        name = (rng.choice(SURNAMES) + rng.choice(GIVEN)) if chinese else rng.choice(ENGLISH)
        models = (
            sorted(rng.sample(MODELS, rng.randint(1, 2))) if identity == IdentityKind.OWNER else []
        )
        city = rng.choice(CITIES)
        bio = f"{city} · {' / '.join(models) or identity.value.lower()}"
        account(f"member{i:02d}", name, identity, models, city, bio)
    for handle, name, _, _, bio in PERSONAS:
        rows.append(User(handle=handle, display_name=name, bio=bio, is_demo=True))
    await User.bulk_create(rows)
    # The community has been going for a while: its people are not newcomers (a contribution-
    # weighted vote, for one, asks for an account some days old).
    await User.filter(is_demo=True).update(created_at=BASE_TIME - timedelta(days=365))
    users = {u.handle: u for u in await User.all().order_by("id")}
    await EmployeeBadge.bulk_create(
        [
            EmployeeBadge(
                user_id=users[h].id,
                department=d,
                title=t,
                executive=x,
                granted_by_id=users["admin"].id,
            )
            for h, (d, t, x) in badges.items()
        ]
    )
    for handle, _, domain, operator, _ in PERSONAS:
        persona = await PersonaAccount.create(user_id=users[handle].id, domain=domain)
        await PersonaOperator.create(persona_id=persona.id, operator_id=users[operator].id)
    return users


# The first three members of each group run it: its creator, an admin and a moderator.
ROLES_BY_RANK = (GroupRole.OWNER, GroupRole.ADMIN, GroupRole.MODERATOR)


def _industry_words(industry: Industry) -> str:
    """EDUCATION → "education", HUMAN_RESOURCES → "HR", IT stays "IT"."""
    return {Industry.IT: "IT", Industry.HUMAN_RESOURCES: "HR"}.get(industry, industry.lower())


async def _groups(rng: random.Random, users: dict[str, User]) -> dict[int, list[int]]:
    """Creates the groups and memberships; returns each group's member ids by group id."""
    people = [u for h, u in users.items() if not h.endswith("_assistant")]
    ordinary = [u for u in people if u.handle.startswith("member")]
    specs: list[tuple[str, str, GroupKind, GroupVisibility, str, Industry | None, User]] = [
        (
            slug,
            name,
            GroupKind.INDUSTRY,
            GroupVisibility.PUBLIC,
            f"Certified group of owners working in {_industry_words(industry)}.",
            industry,
            users["admin"],
        )
        for slug, name, industry in INDUSTRY_GROUPS
    ] + [
        (slug, name, kind, vis, desc, None, ordinary[i * 3])
        for i, (slug, name, kind, vis, desc) in enumerate(OWN_GROUPS)
    ]
    members: dict[int, list[int]] = {}
    memberships: list[GroupMembership] = []
    for slug, name, kind, visibility, description, industry, creator in specs:
        chosen = [creator] + [u for u in rng.sample(people, 14) if u.id != creator.id]
        if slug == "founders-circle":
            chosen.append(users["owner"])
        chosen = list({u.id: u for u in chosen}.values())
        group = await Group.create(
            slug=slug,
            name=name,
            description=description,
            kind=kind,
            industry=industry,
            certified=kind == GroupKind.INDUSTRY,
            visibility=visibility,
            created_by_id=creator.id,
            member_count=len(chosen),
        )
        members[group.id] = [u.id for u in chosen]
        for n, user in enumerate(chosen):
            role = ROLES_BY_RANK[n] if n < len(ROLES_BY_RANK) else GroupRole.MEMBER
            memberships.append(GroupMembership(group_id=group.id, user_id=user.id, role=role))
    await GroupMembership.bulk_create(memberships)
    return members


async def _follows(rng: random.Random, users: dict[str, User]) -> None:
    everyone = list(users.values())
    pairs: set[tuple[int, int]] = set()
    for user in everyone:
        for other in rng.sample(everyone, 8):
            if other.id != user.id:
                pairs.add((user.id, other.id))
    for handle in ("owner", "fan"):
        for star in ("ceo", "charging_assistant", "employee", "member00", "member01"):
            pairs.add((users[handle].id, users[star].id))
    await Follow.bulk_create([Follow(follower_id=a, followee_id=b) for a, b in sorted(pairs)])
    for user in everyone:
        await User.filter(id=user.id).update(
            follower_count=sum(1 for _, b in pairs if b == user.id),
            following_count=sum(1 for a, _ in pairs if a == user.id),
        )


def _post_values(rng: random.Random, n: int) -> dict[str, Any]:
    model = rng.choice(MODELS)
    media = [
        {
            "url": f"https://img.example.com/demo/{n}-{k}.jpg",
            "kind": "IMAGE",
            "width": 1080,
            "height": 1440,
            "alt": f"Photo {k + 1} of post {n}",
        }
        for k in range(rng.choice([0, 0, 1, 3]))
    ]
    tags = sorted(rng.sample(TAGS, rng.randint(0, 3)))
    if n % 5 == 0:
        title, body = rng.choice(ARTICLES)
        return {
            "kind": PostKind.ARTICLE,
            "title": title.format(model=model),
            "body": body.format(model=model),
            "media": media,
            "tags": tags,
        }
    return {
        "kind": PostKind.MOMENT,
        "title": None,
        "body": rng.choice(MOMENTS).format(model=model),
        "media": media,
        "tags": tags,
    }


async def _posts(
    rng: random.Random, users: dict[str, User], members: dict[int, list[int]]
) -> list[Post]:
    people = [u for h, u in users.items() if not h.endswith("_assistant")]
    group_ids = sorted(members)
    personas = [(users[h].id, users[op].id) for h, _, _, op, _ in PERSONAS]
    rows: list[Post] = []
    for n in range(320):
        values = _post_values(rng, n)
        author, operator, group_id = rng.choice(people).id, None, None
        if n % 4 == 0:
            group_id = rng.choice(group_ids)
            author = rng.choice(members[group_id])
        elif n % 23 == 0:
            author, operator = personas[n % 3]
        state = PostState.PUBLISHED
        if n in (7, 19):
            state = PostState.HIDDEN if n == 7 else PostState.REMOVED
        minutes = 60 * 24 * 30 - n * 135
        rows.append(
            Post(
                author_id=author,
                operator_id=operator,
                group_id=group_id,
                state=state,
                published_at=_at(minutes),
                **values,
            )
        )
    for k in range(3):
        rows.append(
            Post(author_id=users["owner"].id, state=PostState.DRAFT, **_post_values(rng, 1000 + k))
        )
    await Post.bulk_create(rows)
    posts = await Post.all().order_by("id")
    for post in posts:
        await Post.filter(id=post.id).update(created_at=post.published_at or BASE_TIME)
    return posts


async def _conversation(
    rng: random.Random, users: dict[str, User], posts: list[Post]
) -> tuple[int, int]:
    people = [u.id for h, u in users.items() if not h.endswith("_assistant")]
    live = [p for p in posts if p.state == PostState.PUBLISHED]
    top: list[Comment] = []
    for post in live:
        for _ in range(rng.randint(0, 5)):
            top.append(
                Comment(post_id=post.id, author_id=rng.choice(people), body=rng.choice(COMMENTS))
            )
    await Comment.bulk_create(top)
    parents = await Comment.all().order_by("id")
    replies = [
        Comment(
            post_id=c.post_id,
            author_id=rng.choice(people),
            parent_id=c.id,
            body=rng.choice(COMMENTS),
        )
        for c in parents
        if rng.random() < 0.3
    ]
    await Comment.bulk_create(replies)
    kinds = list(ReactionKind)
    post_reactions = {
        (p.id, u, rng.choice(kinds[:3]))
        for p in live
        for u in rng.sample(people, rng.randint(0, 8))
    }
    await PostReaction.bulk_create(
        [PostReaction(post_id=p, user_id=u, kind=k) for p, u, k in sorted(post_reactions)]
    )
    comments = await Comment.all().order_by("id")
    comment_reactions = {
        (c.id, u, ReactionKind.LIKE)
        for c in comments
        for u in rng.sample(people, rng.randint(0, 2))
    }
    await CommentReaction.bulk_create(
        [CommentReaction(comment_id=c, user_id=u, kind=k) for c, u, k in sorted(comment_reactions)]
    )
    for post in live:
        await Post.filter(id=post.id).update(
            comment_count=sum(1 for c in comments if c.post_id == post.id),
            reaction_count=sum(1 for r in post_reactions if r[0] == post.id),
        )
    published = {p.id: p.published_at or BASE_TIME for p in live}
    for comment in comments:
        assert comment.post_id is not None
        await Comment.filter(id=comment.id).update(
            created_at=published[comment.post_id] + timedelta(minutes=5 + comment.id % 600),
            reply_count=sum(1 for c in comments if c.parent_id == comment.id),
            reaction_count=sum(1 for r in comment_reactions if r[0] == comment.id),
        )
    return len(comments), len(post_reactions) + len(comment_reactions)


DEMO_RULES = [
    ("诈骗", MatchKind.WORD, RuleAction.BLOCK, "scams"),
    ("scam*", MatchKind.WORD, RuleAction.BLOCK, "scams"),
    ("代购", MatchKind.SUBSTRING, RuleAction.HOLD, "resale offers"),
    ("傻瓜", MatchKind.WORD, RuleAction.REPLACE, "insults"),
    ("crypto*", MatchKind.WORD, RuleAction.FLAG, "investment pitches"),
]


async def _moderation(users: dict[str, User], posts: list[Post]) -> int:
    """A few watched words, and reports on two posts, so the moderator's queue is not empty."""
    await ModerationRule.bulk_create(
        [
            ModerationRule(pattern=p, match=m, action=a, reason=r, created_by_id=users["admin"].id)
            for p, m, a, r in DEMO_RULES
        ]
    )
    await RuleSetVersion.create(id=1, version=1)
    reporters = [users["fan"], users["owner"]]
    reported = 0
    recent = [p for p in posts if p.state == PostState.PUBLISHED and p.group_id is None][-2:]
    for post in recent:
        for reporter in reporters:
            if reporter.id == post.author_id:
                continue
            item, _ = await ModerationItem.get_or_create(
                open_key=f"POST:{post.id}",
                defaults={
                    "target_type": ModerationTarget.POST,
                    "target_id": post.id,
                    "author_id": post.author_id,
                    "group_id": post.group_id,
                    "reasons": ["SPAM"],
                },
            )
            await Report.create(
                reporter_id=reporter.id,
                item_id=item.id,
                target_type=ModerationTarget.POST,
                target_id=post.id,
                reason=ReportReason.SPAM,
                note="Looks like an advert.",
            )
            item.score += 1
            await item.save(update_fields=["score"])
            reported += 1
    return reported


async def seed_demo_community() -> str:
    """Seed the demo community into an empty database; a database with users is left alone."""
    existing = await User.all().count()
    if existing:
        return f"demo community: already seeded ({existing} users)"
    rng = random.Random(SEED)
    password_hash = hash_password(DEMO_PASSWORD)
    async with transaction():
        users = await _users(rng, password_hash)
        members = await _groups(rng, users)
        await _follows(rng, users)
        posts = await _posts(rng, users, members)
        comments, reactions = await _conversation(rng, users, posts)
        works = await seed_works(users, posts)
        koc_roles, koc_waiting = await seed_koc(users)
        admission = await seed_groups(users, members)
        reports = await _moderation(users, posts)
        ledgers = await seed_ledgers(users)
        happenings = await seed_events(users, members)
    return (
        f"demo community: {len(users)} users, {len(members)} groups, {len(posts)} posts, "
        f"{comments} comments, {reactions} reactions, {len(DEMO_RULES)} watched words, "
        f"{reports} reports; {works}; {koc_roles} KOC roles, {koc_waiting} KOC applications "
        f"waiting for review; {admission}; {ledgers}; {happenings}"
    )
