"""DataLoaders keep the number of SQL statements flat as pages grow (no N+1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.models import (
    EmployeeBadge,
    Follow,
    Group,
    GroupMembership,
    Post,
    PostKind,
    PostReaction,
    PostState,
    ReactionKind,
    User,
)

FEED = """query($first: Int) { homeFeed(first: $first) { edges { cursor node {
  id body commentCount reactionCount viewerReactions reactionSummary { kind count }
  author { handle displayName employeeBadge { title executive } persona { domain } viewerIsFollowing }
  group { slug certified viewerRole }
} } pageInfo { hasNextPage endCursor } } }"""


async def seed_feed(viewer_token_user: str, authors: int = 60) -> None:
    viewer = await User.get(handle=viewer_token_user)
    users = await User.bulk_create(
        [User(handle=f"author{i}", display_name=f"Author {i}") for i in range(authors)]
    )
    users = await User.filter(handle__startswith="author").order_by("id")
    await EmployeeBadge.bulk_create(
        [EmployeeBadge(user_id=u.id, department="D", title="T") for u in users[::3]]
    )
    await Follow.bulk_create([Follow(follower_id=viewer.id, followee_id=u.id) for u in users])
    groups = [
        await Group.create(slug=f"group-{i}", name=f"Group {i}", kind="INTEREST") for i in range(5)
    ]
    await GroupMembership.bulk_create(
        [GroupMembership(group_id=g.id, user_id=viewer.id) for g in groups]
    )
    base = datetime(2026, 11, 1, tzinfo=UTC)
    await Post.bulk_create(
        [
            Post(
                author_id=u.id,
                kind=PostKind.MOMENT,
                body=f"post by {u.handle}",
                state=PostState.PUBLISHED,
                published_at=base + timedelta(minutes=i),
                group_id=groups[i % 5].id if i % 2 else None,
            )
            for i, u in enumerate(users)
        ]
    )
    posts = await Post.all()
    await PostReaction.bulk_create(
        [PostReaction(post_id=p.id, user_id=viewer.id, kind=ReactionKind.LIKE) for p in posts[::2]]
    )


async def test_home_feed_page_issues_the_same_statements_for_10_and_50_posts(api, sql_statements):
    token = await api.register("viewer")
    await seed_feed("viewer")
    counts = {}
    for first in (10, 50):
        sql_statements.statements.clear()
        data = await api.data(FEED, {"first": first}, token=token)
        assert len(data["homeFeed"]["edges"]) == first
        counts[first] = len(sql_statements.statements)
    assert counts[10] == counts[50], counts
    assert counts[50] <= 12, sql_statements.statements


async def test_statement_counter_sees_n_plus_one(api, sql_statements):
    """The guard above can fail: loading authors one by one is counted."""
    await api.register("viewer")
    await seed_feed("viewer", authors=12)
    sql_statements.statements.clear()
    for post in await Post.all().limit(10):
        await User.get(id=post.author_id)
    assert len(sql_statements.statements) == 11


async def test_nodes_batches_ids_of_one_type_into_one_query(api, sql_statements):
    token = await api.register("viewer")
    await seed_feed("viewer", authors=40)
    feed = await api.data("{ globalFeed(first: 40) { edges { node { id } } } }", token=token)
    ids = [edge["node"]["id"] for edge in feed["globalFeed"]["edges"]]
    counts = {}
    for n in (5, 40):
        sql_statements.statements.clear()
        data = await api.data(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids[:n]}, token=token
        )
        assert [node["id"] for node in data["nodes"]] == ids[:n]
        counts[n] = len(sql_statements.statements)
    assert counts[5] == counts[40], counts


QUEUE = """query($first: Int) { moderationQueue(first: $first) { edges { node {
  id score reasons author { handle } group { slug } claimedBy { handle } pendingAppeal { id }
  target { __typename ... on Post { id body author { handle } } }
  reports { reason reporter { handle } } timeline { kind actor { handle } }
} } } }"""


async def test_the_moderation_queue_issues_the_same_statements_for_5_and_20_items(
    api, sql_statements
):
    token = await api.register("mia")
    await User.filter(handle="mia").update(role="MODERATOR")
    await seed_feed("mia", authors=20)
    reporter = await api.register("reporter")
    feed = await api.data("{ globalFeed(first: 20) { edges { node { id } } } }", token=token)
    for edge in feed["globalFeed"]["edges"]:
        report = await api.data(
            'mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }',
            {"id": edge["node"]["id"]},
            token=reporter,
        )
        assert report["reportContent"]["__typename"] == "ReportContentSuccess"
    counts = {}
    for first in (5, 20):
        sql_statements.statements.clear()
        data = await api.data(QUEUE, {"first": first}, token=token)
        assert len(data["moderationQueue"]["edges"]) == first
        counts[first] = len(sql_statements.statements)
    assert counts[5] == counts[20], counts
