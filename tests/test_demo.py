"""The demo community that `make run` seeds the first time."""

from __future__ import annotations

import hashlib

import pytest
from tortoise.functions import Count

from resolvers.context import Context
from resolvers.users import sign_in
from server.demo import seed_demo_community
from server.demo_data import DEMO_ACCOUNTS, DEMO_PASSWORD
from server.errors import InvalidCredentials
from server.models import (
    Comment,
    EmployeeBadge,
    Follow,
    Group,
    GroupKind,
    GroupMembership,
    IdentityKind,
    PersonaAccount,
    PersonaOperator,
    Post,
    PostReaction,
    PostState,
    User,
)
from server.resources import open_resources
from server.settings import Settings
from tests.conftest import clear_tables


async def digest() -> str:
    users = await User.all().order_by("handle").values_list("handle", "display_name", "role")
    posts = (
        await Post.all()
        .order_by("id")
        .values_list("author__handle", "body", "published_at", "state")
    )
    comments = await Comment.all().order_by("id").values_list("post_id", "author__handle", "body")
    return hashlib.sha256(repr((users, posts, comments)).encode()).hexdigest()


async def test_demo_accounts_sign_in_with_the_demo_password(db, settings):
    summary = await seed_demo_community()
    assert "323 posts" in summary
    handles = {handle for handle, _ in DEMO_ACCOUNTS}
    assert handles <= set(await User.filter(is_demo=True).values_list("handle", flat=True))
    for handle in ("admin", "charging_operator"):
        async with open_resources(settings, search=False) as resources:
            signed = await sign_in(Context(resources), handle, DEMO_PASSWORD)
        assert signed.user.handle == handle


async def test_demo_accounts_are_refused_in_production(db):
    await seed_demo_community()
    production = Settings(environment="production", database_url=db.url, secret_key="p" * 40)
    with pytest.raises(InvalidCredentials, match="production"):
        async with open_resources(production, search=False) as resources:
            await sign_in(Context(resources), "admin", DEMO_PASSWORD)


async def test_demo_has_every_kind_of_member_and_group(db):
    await seed_demo_community()
    assert set(await User.all().values_list("identity", flat=True)) == set(IdentityKind)
    assert await EmployeeBadge.filter(executive=True).exists()
    industry = await Group.filter(kind=GroupKind.INDUSTRY, certified=True).values_list(
        "industry", flat=True
    )
    assert len(industry) == 12
    assert set(industry) == {
        "education",
        "shipping",
        "HR",
        "finance",
        "medicine",
        "law",
        "IT",
        "media",
        "manufacturing",
    }
    own = await Group.filter(certified=False).values_list("kind", "visibility")
    assert {kind for kind, _ in own} == {GroupKind.INTEREST, GroupKind.PROFESSION, GroupKind.REGION}
    assert any(visibility == "MEMBERS_ONLY" for _, visibility in own)
    assert await PersonaAccount.all().count() == 3
    assert await PersonaOperator.all().count() == 3
    assert await Post.filter(operator_id__isnull=False).exists()
    assert await Post.filter(state=PostState.DRAFT, author__handle="owner").exists()
    assert await Comment.filter(parent_id__isnull=False).exists()
    bodies = "".join(await Post.all().values_list("body", flat=True))
    assert "换电" in bodies and "battery" in bodies


async def test_demo_counters_match_the_rows(db):
    await seed_demo_community()
    for post in await Post.all().annotate(n=Count("comments")).prefetch_related("reactions"):
        assert post.comment_count == post.n
        assert post.reaction_count == len(post.reactions)
    for group in await Group.all().annotate(n=Count("memberships")):
        assert group.member_count == group.n
    for user in await User.all():
        assert user.follower_count == await Follow.filter(followee_id=user.id).count()
    assert await PostReaction.all().count() > 300
    assert await GroupMembership.all().count() > 200


async def test_seeding_is_deterministic_and_happens_once(db):
    await seed_demo_community()
    first = await digest()
    assert "already seeded" in await seed_demo_community()
    assert await digest() == first
    await clear_tables(db)
    await seed_demo_community()
    assert await digest() == first
