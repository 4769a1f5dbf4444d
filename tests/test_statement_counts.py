"""DataLoaders keep the number of SQL statements flat as pages grow (no N+1).

Besides the hand-written pages below, every connection reachable from `Query` is found in the
built schema (at the root and nested on types: `User.posts`, `Group.members`, `Comment.replies`,
the moderation queue…) and read at two page sizes, selecting each node's scalar fields and its
relations one level down. A new connection field is covered without anyone listing it: it fails
until the seed below holds enough of it and says where it is read, or until it is skipped, with
the reason, in SKIPPED.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
    is_required_argument,
)

from schema.relay import encode_id
from schema.schema import build_schema
from search.engine import SearchEngine
from search.outbox import mark_all_changed
from search.sync import SearchSync
from server.app import create_app
from server.db import Database
from server.models import (
    Appeal,
    AuditEntry,
    AuditKind,
    ClubKind,
    ClubMembership,
    Collection,
    CollectionCurator,
    CollectionItem,
    Comment,
    CommentReaction,
    ContributionYear,
    Credit,
    CreditRole,
    CreditState,
    EmployeeBadge,
    EpisodeReaction,
    EpisodeState,
    Event,
    EventKind,
    EventSignup,
    ExperienceSubject,
    FeaturedWork,
    FeedbackAdoption,
    Follow,
    Group,
    GroupBan,
    GroupCertificationApplication,
    GroupInvitation,
    GroupInviteLink,
    GroupJoinRequest,
    GroupKind,
    GroupMembership,
    GroupRole,
    Industry,
    KocApplication,
    KocApplicationState,
    KocRole,
    KocRoleKind,
    Ledger,
    LedgerAccount,
    LedgerEntry,
    LedgerEntryKind,
    ModerationAction,
    ModerationItem,
    ModerationItemEvent,
    ModerationItemEventKind,
    ModerationTarget,
    Notification,
    NotificationKind,
    PersonaAccount,
    PersonaDomain,
    PlatformRole,
    Poll,
    PollOption,
    PollVote,
    PollWeighting,
    Post,
    PostKind,
    PostReaction,
    PostRevision,
    PostState,
    RadioEpisode,
    RadioStation,
    ReactionKind,
    Report,
    ReportReason,
    ResultsVisibility,
    SatisfactionRating,
    SearchEntity,
    SignupState,
    StationFollow,
    StationHead,
    User,
)
from server.security import issue_token
from server.settings import Settings
from tests.conftest import Api, running
from tests.waiting import eventually

FEED = """query($first: Int) { homeFeed(first: $first) { edges { cursor node {
  id body commentCount reactionCount viewerReactions reactionSummary { kind count }
  author { handle displayName employeeBadge { title executive } persona { domain } viewerIsFollowing
    kocRoles { kind endsAt } }
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
    # KOC badges on some authors (two on some), which the feed loads in one batch.
    now = datetime.now(UTC)
    kinds = list(KocRoleKind)
    await KocRole.bulk_create(
        [
            KocRole(
                user_id=u.id,
                kind=kind,
                active_key=f"{u.id}:{kind}",
                starts_at=now - timedelta(days=30),
                ends_at=now + timedelta(days=300),
            )
            for i, u in enumerate(users[::4])
            for kind in kinds[i % len(kinds) : i % len(kinds) + 1 + i % 2]
        ]
    )
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
            "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }",
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


WORKS_QUEUE = """query($first: Int) { moderationQueue(first: $first) { edges { node {
  id score author { handle } reports { reason reporter { handle } } timeline { kind }
  target { __typename
    ... on RadioEpisode { id title state station { name } author { handle } }
    ... on RadioStation { id name heads { handle } }
    ... on Collection { id title curators { handle } }
    ... on Credit { id role user { handle } work { __typename } } }
} } } }"""


async def test_a_queue_of_episodes_stations_collections_and_credits_loads_in_batches(
    api, sql_statements
):
    """The queue's newer kinds of target, one of each in every run of four, so that a page of
    5 holds every kind a page of 20 does."""
    token = await api.register("mia")
    await User.filter(handle="mia").update(role=PlatformRole.MODERATOR)
    await User.bulk_create([User(handle=f"maker{i:02d}", display_name=f"M{i}") for i in range(25)])
    makers = await User.filter(handle__startswith="maker").order_by("handle")
    await RadioStation.bulk_create(
        [RadioStation(slug=f"st-{i:02d}", name=f"Station {i}", city="Shanghai") for i in range(25)]
    )
    stations = await RadioStation.all().order_by("slug")
    await StationHead.bulk_create(
        [
            StationHead(station_id=st.id, user_id=m.id)
            for st, m in zip(stations, makers, strict=True)
        ]
    )
    now = datetime.now(UTC)
    await RadioEpisode.bulk_create(
        [
            RadioEpisode(
                station_id=st.id,
                author_id=m.id,
                title=f"episode {i}",
                audio_url="https://media.example.com/a.mp3",
                duration_seconds=60,
                mime_type="audio/mpeg",
                state=EpisodeState.PUBLISHED,
                published_at=now,
            )
            for i, (st, m) in enumerate(zip(stations, makers, strict=True))
        ]
    )
    episodes = await RadioEpisode.all().order_by("id")
    await Collection.bulk_create([Collection(slug=f"c-{i:02d}", title=f"C {i}") for i in range(25)])
    collections = await Collection.all().order_by("slug")
    await CollectionCurator.bulk_create(
        [
            CollectionCurator(collection_id=c.id, user_id=m.id)
            for c, m in zip(collections, makers, strict=True)
        ]
    )
    await Credit.bulk_create(
        [
            Credit(episode_id=e.id, user_id=makers[(i + 1) % 25].id, role=CreditRole.GUEST)
            for i, e in enumerate(episodes)
        ]
    )
    credits = await Credit.all().order_by("id")
    kinds = (
        ModerationTarget.EPISODE,
        ModerationTarget.STATION,
        ModerationTarget.COLLECTION,
        ModerationTarget.CREDIT,
    )
    targets = []
    for i in range(25):
        kind = kinds[i % 4]
        target_id = {
            ModerationTarget.EPISODE: episodes[i].id,
            ModerationTarget.STATION: stations[i].id,
            ModerationTarget.COLLECTION: collections[i].id,
            ModerationTarget.CREDIT: credits[i].id,
        }[kind]
        targets.append((kind, target_id, makers[i].id))
    await ModerationItem.bulk_create(
        [
            ModerationItem(
                target_type=kind,
                target_id=target_id,
                author_id=author_id,
                score=1.0,
                reasons=["SPAM"],
                open_key=f"{kind}:{target_id}",
            )
            for kind, target_id, author_id in targets
        ]
    )
    items = await ModerationItem.all().order_by("id")
    await Report.bulk_create(
        [
            Report(
                reporter_id=makers[(i + 2) % 25].id,
                item_id=item.id,
                target_type=item.target_type,
                target_id=item.target_id,
                reason=ReportReason.SPAM,
            )
            for i, item in enumerate(items)
        ]
    )
    await ModerationItemEvent.bulk_create(
        [
            ModerationItemEvent(item_id=item.id, kind=ModerationItemEventKind.OPENED)
            for item in items
        ]
    )
    counts = {}
    for first in (5, 20):
        sql_statements.statements.clear()
        data = await api.data(WORKS_QUEUE, {"first": first}, token=token)
        edges = data["moderationQueue"]["edges"]
        assert len(edges) == first
        assert {e["node"]["target"]["__typename"] for e in edges} == {
            "RadioEpisode",
            "RadioStation",
            "Collection",
            "Credit",
        }
        counts[first] = len(sql_statements.statements)
    assert counts[5] == counts[20], counts


# --- every connection in the schema ------------------------------------------------------------

# Connections that cannot be read here, each with the reason. A name here (or in ROOT_ARGUMENTS
# or PARENTS) that is no longer a connection of the schema fails
# `test_every_connection_named_here_still_exists`.
SKIPPED: dict[str, str] = {
    "PointsAccount.entries": "not a Node, so not read through `node`: it is `User.points`' "
    "history, the same listing and loaders as `User.contributionEntries`, which is read",
}

# The arguments a root connection needs besides `first`.
ROOT_ARGUMENTS: dict[str, dict[str, Any]] = {
    "groupFeed": {"slug": "club-00"},
    # Posts only: a page mixing posts, groups and people loads what its mix needs, so two page
    # sizes would differ by the kinds they happen to hold, not by an N+1.
    "search": {"query": "charging", "types": ["POST"]},
}

# The seeded object whose connection is read, for connections on types (read through `node`).
PARENTS: dict[str, str] = {
    "User.posts": "prolific",  # 25 posts, one in each group
    "User.adoptedFeedback": "prolific",  # every one of them product feedback, adopted
    "User.drafts": "viewer",  # drafts are their author's alone
    "User.followers": "viewer",
    "User.following": "viewer",
    "Group.members": "big",  # every writer, and the viewer
    "Group.posts": "big",
    "Post.comments": "discussed",  # a comment from every writer
    "Comment.replies": "thread",  # a reply from every writer
    "RadioStation.episodes": "onair",  # an episode by every writer
    "RadioStation.submissions": "studio",  # a submission from every writer
    "RadioEpisode.comments": "broadcast",  # a comment from every writer
    "Collection.items": "book",  # posts and episodes in turn
    "User.works": "host",  # credited on posts and episodes in turn
    "User.creditInvitations": "viewer",  # invited on posts and episodes in turn
    "User.kocApplications": "viewer",  # the viewer's own, one pending per kind, the rest decided
    "User.groupInvitations": "viewer",  # an open invitation from every group, by its owner
    "Group.inviteLinks": "big",  # a link made by every writer
    "Group.bans": "barred",  # every writer but its owner barred (the viewer is an admin)
    "Group.joinRequests": "applied",  # a pending request from every writer but its owner
    "User.contributionEntries": "viewer",  # 25 entries in each of the viewer's ledgers
    "Event.attendees": "meetup",  # every writer and the viewer signed up (the viewer is an admin)
    "User.eventSignups": "viewer",  # the viewer signed up for every writer's event
    "Poll.votes": "ballot",  # every writer voted (an admin reads who voted how)
    "User.ratings": "viewer",  # the viewer rated every writer's event
}

PAGE_SIZES = (5, 20)
WRITERS = 25  # more than the larger page, each with a group, a badge and a persona of their own


def built_schema() -> GraphQLSchema:
    return build_schema(Settings(environment="test"))._schema


def is_connection(field: GraphQLField) -> bool:
    return get_named_type(field.type).name.endswith("Connection")


def object_types(schema: GraphQLSchema, named: GraphQLNamedType) -> list[GraphQLObjectType]:
    if isinstance(named, GraphQLObjectType):
        return [named]
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        return list(schema.get_possible_types(named))
    return []


def connection_fields(schema: GraphQLSchema) -> list[str]:
    """Every connection field on a type reachable from Query, as `Type.field` (`field` alone at
    the root)."""
    assert schema.query_type is not None
    found: list[str] = []
    seen: set[str] = set()
    queue = [schema.query_type]
    while queue:
        current = queue.pop(0)
        if current.name in seen:
            continue
        seen.add(current.name)
        for name, field in current.fields.items():
            if is_connection(field):
                found.append(name if current is schema.query_type else f"{current.name}.{name}")
            queue.extend(object_types(schema, get_named_type(field.type)))
    return sorted(found)


def required(field: GraphQLField) -> bool:
    return any(is_required_argument(arg) for arg in field.args.values())


def selection(schema: GraphQLSchema, named: GraphQLNamedType, relations: bool) -> str:
    """Every scalar field of `named`, and with `relations` every object it refers to (lists of
    them too) with their scalar fields; nested connections are read on their own. On a union or
    an interface, the same for each possible type, aliasing a field whose type differs between
    them (`String` on one, `String!` on another cannot share a response key)."""
    types = object_types(schema, named)
    kinds: dict[str, set[str]] = {}
    for t in types:
        for name, field in t.fields.items():
            kinds.setdefault(name, set()).add(str(field.type))
    parts = ["__typename"]
    for t in types:
        picked = []
        for name, field in t.fields.items():
            inner = get_named_type(field.type)
            if required(field) or is_connection(field):
                continue
            key = f"{t.name}_{name}: {name}" if len(kinds[name]) > 1 else name
            if is_leaf_type(inner):
                picked.append(key)
            elif relations:
                picked.append(f"{key} {{ {selection(schema, inner, relations=False)} }}")
        fields = " ".join(picked)
        parts.append(
            fields if isinstance(named, GraphQLObjectType) else f"... on {t.name} {{ {fields} }}"
        )
    return " ".join(parts)


def connection_query(schema: GraphQLSchema, path: str) -> str:
    """A query reading the connection `path` at `$first`, through `node($id)` for one on a type."""
    assert schema.query_type is not None
    parent_name, _, name = path.rpartition(".")
    parent = schema.get_type(parent_name) if parent_name else schema.query_type
    assert isinstance(parent, GraphQLObjectType), path
    field = parent.fields[name]
    connection = get_named_type(field.type)
    assert isinstance(connection, GraphQLObjectType)
    edge = get_named_type(connection.fields["edges"].type)
    assert isinstance(edge, GraphQLObjectType)
    nodes = selection(schema, get_named_type(edge.fields["node"].type), relations=True)
    arguments = "".join(
        f", {key}: {literal(value)}" for key, value in ROOT_ARGUMENTS.get(name, {}).items()
    )
    if not parent_name and required(field) and not arguments:
        pytest.fail(f"say in ROOT_ARGUMENTS what `{name}` needs, or skip it in SKIPPED")
    read = (
        f"{name}(first: $first{'' if parent_name else arguments}) "
        f"{{ pageInfo {{ hasNextPage }} edges {{ node {{ {nodes} }} }} }}"
    )
    if not parent_name:
        return f"query($first: Int) {{ {read} }}"
    return (
        f"query($first: Int, $id: ID!) {{ node(id: $id) {{ ... on {parent_name} {{ {read} }} }} }}"
    )


def literal(value: Any) -> str:
    """A GraphQL literal: strings quoted, lists of enum values bare."""
    if isinstance(value, list):
        return f"[{', '.join(value)}]"
    return json.dumps(value)


@dataclass
class Community:
    """What `seed_community` made: the viewer's token and the objects whose lists are read."""

    token: str
    parents: dict[str, str]  # a name of PARENTS: the object's global id


async def seed_community(settings: Settings) -> Community:
    """A community where every list holds more than the larger page, from distinct writers
    and groups, and every row carries every relation (a group, an operator, a revision…), so
    that a page of 5 and a page of 20 need the same kinds of rows."""
    base = datetime(2026, 11, 1, tzinfo=UTC)
    chief = await User.create(handle="chief", display_name="Chief", role=PlatformRole.ADMIN)
    mia = await User.create(handle="mia", display_name="Mia", role=PlatformRole.MODERATOR)
    await User.bulk_create(
        [User(handle=f"writer{i:02d}", display_name=f"Writer {i}") for i in range(WRITERS)]
    )
    writers = await User.filter(handle__startswith="writer").order_by("handle")
    await EmployeeBadge.bulk_create(
        [EmployeeBadge(user_id=w.id, department="Service", title="Adviser") for w in writers]
    )
    await PersonaAccount.bulk_create(
        [PersonaAccount(user_id=w.id, domain=PersonaDomain.CHARGING) for w in writers]
    )
    await Group.bulk_create(
        [
            Group(
                slug=f"club-{i:02d}",
                name=f"Club {i}",
                kind=GroupKind.INTEREST,
                created_by_id=w.id,
                member_count=WRITERS + 1 if i == 0 else 2,
            )
            for i, w in enumerate(writers)
        ]
    )
    groups = await Group.all().order_by("slug")
    big = groups[0]
    await GroupMembership.bulk_create(
        [GroupMembership(group_id=g.id, user_id=chief.id, role=GroupRole.MEMBER) for g in groups]
        + [
            GroupMembership(group_id=g.id, user_id=w.id, role=GroupRole.OWNER)
            for g, w in zip(groups, writers, strict=True)
        ]
        + [
            GroupMembership(group_id=big.id, user_id=w.id, role=GroupRole.MEMBER)
            for w in writers[1:]
        ]
    )
    await Follow.bulk_create(
        [Follow(follower_id=chief.id, followee_id=w.id) for w in writers]
        + [Follow(follower_id=w.id, followee_id=chief.id) for w in writers]
    )

    def post(i: int, author: User, group: Group, minutes: int, **fields: Any) -> Post:
        values: dict[str, Any] = {
            "state": PostState.PUBLISHED,
            "published_at": base + timedelta(minutes=minutes),
        } | fields
        return Post(
            author_id=author.id,
            operator_id=writers[(i + 1) % WRITERS].id,
            group_id=group.id,
            kind=PostKind.MOMENT,
            body=f"charging stop {minutes} by {author.handle}",
            tags=["charging"],
            media=[{"url": f"https://img.example.com/{minutes}.jpg", "kind": "IMAGE"}],
            **values,
        )

    # Oldest: one writer's posts across the groups; then the big group's, one per writer; the
    # newest, which the feeds show first, one per writer in their own group.
    await Post.bulk_create(
        [post(i, writers[0], g, i) for i, g in enumerate(groups)]
        + [post(i, w, big, 100 + i) for i, w in enumerate(writers)]
        + [post(i, w, g, 200 + i) for i, (w, g) in enumerate(zip(writers, groups, strict=True))]
        + [
            post(i, chief, g, 300 + i, state=PostState.DRAFT, published_at=None)
            for i, g in enumerate(groups)
        ]
    )
    posts = await Post.filter(state=PostState.PUBLISHED).order_by("-published_at")
    latest = posts[:WRITERS]
    await PostRevision.bulk_create(
        [PostRevision(post_id=p.id, editor_id=p.author_id, body="before") for p in posts]
    )
    await PostReaction.bulk_create(
        [PostReaction(post_id=p.id, user_id=chief.id, kind=ReactionKind.LIKE) for p in posts]
        + [PostReaction(post_id=p.id, user_id=mia.id, kind=ReactionKind.CLAP) for p in posts]
    )
    # The prolific writer's posts are product feedback, each adopted by mia.
    feedback = [p for p in posts if p.author_id == writers[0].id]
    await Post.filter(id__in=[p.id for p in feedback]).update(feedback=True)
    await FeedbackAdoption.bulk_create(
        [
            FeedbackAdoption(post_id=p.id, author_id=p.author_id, adopted_by_id=mia.id, note="yes")
            for p in feedback
        ]
    )

    discussed = latest[0]
    await Comment.bulk_create(
        [
            Comment(post_id=discussed.id, author_id=w.id, body=f"comment {i}")
            for i, w in enumerate(writers)
        ]
    )
    thread = await Comment.filter(post_id=discussed.id).order_by("id").first()
    assert thread is not None
    await Comment.bulk_create(
        [
            Comment(post_id=discussed.id, author_id=w.id, parent_id=thread.id, body=f"reply {i}")
            for i, w in enumerate(writers)
        ]
    )
    comments = await Comment.filter(post_id=discussed.id).order_by("id")
    await CommentReaction.bulk_create(
        [
            CommentReaction(comment_id=c.id, user_id=chief.id, kind=ReactionKind.WOW)
            for c in comments
        ]
    )

    # Radio: a station for each writer, who runs it. The first airs an episode by every writer;
    # the viewer follows the next two, which aired one older episode each, so that a page of
    # the radio feed of either size runs from the followed stations into the others.
    await RadioStation.bulk_create(
        [
            RadioStation(
                slug=f"station-{i:02d}",
                name=f"Station {i}",
                city="Shanghai",
                cover_url=f"https://img.example.com/station-{i}.jpg",
                created_by_id=chief.id,
                follower_count=1 if i in (1, 2) else 0,
            )
            for i in range(WRITERS)
        ]
    )
    stations = await RadioStation.all().order_by("slug")
    onair, followed = stations[0], stations[1:3]
    await StationHead.bulk_create(
        [
            StationHead(station_id=s.id, user_id=w.id, appointed_by_id=chief.id)
            for s, w in zip(stations, writers, strict=True)
        ]
    )
    await StationFollow.bulk_create(
        [StationFollow(station_id=s.id, user_id=chief.id) for s in followed]
    )

    def episode(
        station: RadioStation, author: User, head: User, minutes: int, **fields: Any
    ) -> RadioEpisode:
        values: dict[str, Any] = {
            "state": EpisodeState.PUBLISHED,
            "published_at": base + timedelta(minutes=minutes),
            "review_note": "fine",
            "reaction_count": 2,
        } | fields
        return RadioEpisode(
            station_id=station.id,
            author_id=author.id,
            title=f"On air {minutes} with {author.handle}",
            audio_url=f"https://audio.example.com/{minutes}.mp3",
            duration_seconds=600,
            mime_type="audio/mpeg",
            size_bytes=1_000_000,
            cover_url=f"https://img.example.com/episode-{minutes}.jpg",
            reviewed_by_id=head.id,
            **values,
        )

    await RadioEpisode.bulk_create(
        [episode(onair, w, writers[0], 400 + i) for i, w in enumerate(writers)]
        + [episode(s, writers[i], writers[i], 390 + i) for i, s in enumerate(followed, 1)]
    )
    aired = await RadioEpisode.filter(station_id=onair.id).order_by("-published_at")
    followed_episodes = await RadioEpisode.filter(station_id__in=[s.id for s in followed])
    await EpisodeReaction.bulk_create(
        [
            EpisodeReaction(episode_id=e.id, user_id=u.id, kind=kind)
            for e in await RadioEpisode.all()
            for u, kind in ((chief, ReactionKind.LIKE), (mia, ReactionKind.CLAP))
        ]
    )
    # Another station's heads have one submission from every writer to review, each sent
    # again after a head's note.
    studio = stations[3]
    await RadioEpisode.bulk_create(
        [
            episode(
                studio,
                w,
                writers[3],
                450 + i,
                state=EpisodeState.SUBMITTED,
                published_at=None,
                review_note="louder, please",
                reaction_count=0,
            )
            for i, w in enumerate(writers)
        ]
    )
    broadcast = aired[0]
    await Comment.bulk_create(
        [
            Comment(episode_id=broadcast.id, author_id=w.id, body=f"heard it {i}")
            for i, w in enumerate(writers)
        ]
    )
    await CommentReaction.bulk_create(
        [
            CommentReaction(comment_id=c.id, user_id=chief.id, kind=ReactionKind.LOVE)
            for c in await Comment.filter(episode_id=broadcast.id)
        ]
    )

    # Works, posts and episodes in turn: a host credited on each (accepted; on the followed
    # stations' episodes too), the viewer invited on each (pending), each in a collection,
    # each featured.
    works: list[Post | RadioEpisode] = [w for pair in zip(latest, aired, strict=True) for w in pair]

    def on(work: Post | RadioEpisode) -> dict[str, int | None]:
        is_post = isinstance(work, Post)
        return {"post_id": work.id if is_post else None, "episode_id": None if is_post else work.id}

    host = await User.create(handle="host", display_name="Host")
    await Credit.bulk_create(
        [
            Credit(
                **on(w),
                user_id=host.id,
                role=CreditRole.HOST,
                state=CreditState.ACCEPTED,
                answered_at=base,
            )
            for w in [*followed_episodes, *works]
        ]
        + [
            Credit(**on(w), user_id=chief.id, role=CreditRole.EDITOR, state=CreditState.PENDING)
            for w in works
        ]
    )
    invitations = await Credit.filter(user_id=chief.id).order_by("-id")

    await Collection.bulk_create(
        [
            Collection(
                slug=f"book-{i:02d}",
                title=f"Book {i}",
                cover_url=f"https://img.example.com/book-{i}.jpg",
                created_by_id=chief.id,
            )
            for i in range(WRITERS)
        ]
    )
    books = await Collection.all().order_by("slug")
    book = books[0]
    await CollectionCurator.bulk_create(
        [
            CollectionCurator(collection_id=b.id, user_id=w.id)
            for b, w in zip(books, writers, strict=True)
        ]
    )
    await CollectionItem.bulk_create(
        [
            CollectionItem(collection_id=book.id, **on(w), position=i, added_by_id=writers[0].id)
            for i, w in enumerate(works)
        ]
        + [
            CollectionItem(collection_id=b.id, **on(w), position=0, added_by_id=c.id)
            for b, w, c in zip(books[1:], works[1:], writers[1:], strict=False)
        ]
    )
    await FeaturedWork.bulk_create(
        [
            FeaturedWork(
                **on(w),
                note="a fine one",
                featured_by_id=mia.id,
                featured_at=base + timedelta(minutes=i),
            )
            for i, w in enumerate(works)
        ]
    )

    # The viewer's invitations, about posts and episodes in turn, each with its credit and a
    # group: a post's own, an episode's that of the post it is paired with. (The posts of a
    # page whose groups came with the notifications' would be ready a batch before the others,
    # and their own relations would load in two batches, not one: a page must not mix them.)
    group_of = {("post", p.id): p.group_id for p in latest} | {
        ("episode", e.id): p.group_id for p, e in zip(latest, aired, strict=True)
    }
    await Notification.bulk_create(
        [
            Notification(
                recipient_id=chief.id,
                actor_id=w.id,
                kind=NotificationKind.CREDIT_INVITATION,
                post_id=credit.post_id,
                episode_id=credit.episode_id,
                credit_id=credit.id,
                group_id=group_of[
                    ("post", credit.post_id) if credit.post_id else ("episode", credit.episode_id)
                ],
            )
            for w, credit in zip(writers, invitations, strict=False)
        ]
    )

    # A queue item about each kind of target in every run of four, each reported, opened,
    # claimed and appealed against, so a page of 5 holds every kind the page of 20 does.
    # Who and which group an item is about, as reports and screening record it: a post's or a
    # comment's author and group; the account itself; a group's creator, and no group (items
    # about people and groups are for platform staff).
    targets = []
    for i, w in enumerate(writers):
        kind = list(ModerationTarget)[i % 4]
        if kind == ModerationTarget.POST:
            targets.append((kind, latest[i].id, latest[i].author_id, latest[i].group_id))
        elif kind == ModerationTarget.COMMENT:
            targets.append((kind, comments[i].id, comments[i].author_id, discussed.group_id))
        elif kind == ModerationTarget.USER:
            targets.append((kind, w.id, w.id, None))
        else:
            targets.append((kind, groups[i].id, groups[i].created_by_id, None))
    await ModerationItem.bulk_create(
        [
            ModerationItem(
                target_type=kind,
                target_id=target_id,
                author_id=author_id,
                group_id=group_id,
                score=1.0,
                reasons=["SPAM"],
                open_key=f"{kind}:{target_id}",
                claimed_by_id=mia.id,
                claimed_until=datetime.now(UTC) + timedelta(hours=1),
            )
            for kind, target_id, author_id, group_id in targets
        ]
    )
    items = await ModerationItem.all().order_by("id")
    reporters = [writers[(i + 1) % WRITERS] for i in range(WRITERS)]
    await Report.bulk_create(
        [
            Report(
                reporter_id=r.id,
                item_id=item.id,
                target_type=item.target_type,
                target_id=item.target_id,
                reason=ReportReason.SPAM,
            )
            for item, r in zip(items, reporters, strict=True)
        ]
    )
    await ModerationItemEvent.bulk_create(
        [
            ModerationItemEvent(item_id=item.id, actor_id=r.id, kind=kind, text="")
            for item, r in zip(items, reporters, strict=True)
            for kind in (ModerationItemEventKind.OPENED, ModerationItemEventKind.NOTE)
        ]
    )

    # Decisions about the viewer first, then the newer ones about the writers (the audit log's
    # first pages), each with an appeal.
    await AuditEntry.bulk_create(
        [
            AuditEntry(
                kind=AuditKind.ACTION,
                actor_id=mia.id,
                action=ModerationAction.WARN,
                target_type=ModerationTarget.USER,
                target_id=chief.id,
                affected_user_id=chief.id,
                group_id=g.id,
                reason="be kind",
            )
            for g in groups
        ]
        + [
            AuditEntry(
                kind=AuditKind.ACTION,
                actor_id=(mia if i % 2 else chief).id,
                action=ModerationAction.HIDE,
                item_id=item.id,
                target_type=item.target_type,
                target_id=item.target_id,
                affected_user_id=item.author_id,
                group_id=item.group_id,
                reason="off topic",
            )
            for i, item in enumerate(items)
        ]
    )
    entries = await AuditEntry.all().order_by("id")
    await Appeal.bulk_create(
        [
            Appeal(decision_id=e.id, item_id=item.id, appellant_id=e.affected_user_id, text="no")
            for e, item in zip(entries, items + items, strict=False)
        ]
    )

    # KOC: every writer holds a role (a badge on every user read); a pending application from
    # every writer for staff to review (`kocApplications`, pending by default); the viewer's
    # own, one pending per kind in every run of four, the others decided by mia with a note.
    now = datetime.now(UTC)
    kinds = list(KocRoleKind)
    await KocRole.bulk_create(
        [
            KocRole(
                user_id=w.id,
                kind=kinds[i % len(kinds)],
                active_key=f"{w.id}:{kinds[i % len(kinds)]}",
                starts_at=now - timedelta(days=30),
                ends_at=now + timedelta(days=300),
                granted_by_id=mia.id,
            )
            for i, w in enumerate(writers)
        ]
    )
    await KocApplication.bulk_create(
        [
            KocApplication(
                user_id=w.id,
                kind=kinds[(i + 1) % len(kinds)],
                statement=f"I would like to serve, says {w.handle}.",
                city="Shanghai",
                pending_key=f"{w.id}:{kinds[(i + 1) % len(kinds)]}",
            )
            for i, w in enumerate(writers)
        ]
    )
    decided = (
        KocApplicationState.APPROVED,
        KocApplicationState.REJECTED,
        KocApplicationState.WITHDRAWN,
    )
    own = []
    for i in range(WRITERS + 3):
        kind = kinds[i % len(kinds)]
        if i % 4 == 0:  # one pending per kind (i = 0, 4, …, 24), among the decided ones
            own.append(
                KocApplication(
                    user_id=chief.id,
                    kind=kind,
                    statement=f"Application {i} from the chief.",
                    pending_key=f"{chief.id}:{kind}",
                )
            )
        else:
            own.append(
                KocApplication(
                    user_id=chief.id,
                    kind=kind,
                    statement=f"Application {i} from the chief.",
                    state=decided[i % len(decided)],
                    reviewer_id=mia.id,
                    note=f"decision {i}",
                    decided_at=base + timedelta(minutes=i),
                )
            )
    await KocApplication.bulk_create(own)

    # Certification: every group applied, through its owner, for admins to decide
    # (`groupCertificationApplications`, pending by default; `Group.certificationApplication`).
    await GroupCertificationApplication.bulk_create(
        [
            GroupCertificationApplication(
                group_id=g.id,
                applicant_id=w.id,
                industry=list(Industry)[i % len(Industry)],
                evidence=f"The owners of {g.name} share one trade.",
                pending_key=str(g.id),
            )
            for i, (g, w) in enumerate(zip(groups, writers, strict=True))
        ]
    )

    # Invitations: the viewer's open ones, one from every group by its owner (the seed's
    # memberships aside); invite links on the big group, one made by every writer.
    await GroupInvitation.bulk_create(
        [
            GroupInvitation(
                group_id=g.id, user_id=chief.id, inviter_id=w.id, pending_key=f"{g.id}:{chief.id}"
            )
            for g, w in zip(groups, writers, strict=True)
        ]
    )
    await GroupInviteLink.bulk_create(
        [
            GroupInviteLink(
                group_id=big.id,
                created_by_id=w.id,
                code=f"invite-{i:02d}",
                max_uses=10,
                expires_at=base + timedelta(days=365),
            )
            for i, w in enumerate(writers)
        ]
    )

    # Join requests: every writer but its owner asks to join the second group (the viewer, a
    # platform admin, decides them).
    applied = groups[1]
    await GroupJoinRequest.bulk_create(
        [
            GroupJoinRequest(
                group_id=applied.id,
                user_id=w.id,
                answer=f"{w.handle} drives too.",
                pending_key=f"{applied.id}:{w.id}",
            )
            for w in writers
            if w.id != applied.created_by_id
        ]
    )

    # Bans: the second group's owner barred every other writer from it.
    barred = groups[1]
    await GroupBan.bulk_create(
        [
            GroupBan(group_id=barred.id, user_id=w.id, banned_by_id=writers[1].id, reason="spam")
            for w in writers
            if w.id != writers[1].id
        ]
    )

    await seed_ledgers(settings, chief, writers)
    meetup, ballot = await seed_events_polls_ratings(chief, writers, groups)

    return Community(
        token=issue_token(settings.secret_key, chief.id, 3600),
        parents={
            "applied": encode_id("Group", applied.id),
            "viewer": encode_id("User", chief.id),
            "prolific": encode_id("User", writers[0].id),
            "big": encode_id("Group", big.id),
            "discussed": encode_id("Post", discussed.id),
            "thread": encode_id("Comment", thread.id),
            "onair": encode_id("RadioStation", onair.id),
            "studio": encode_id("RadioStation", studio.id),
            "broadcast": encode_id("RadioEpisode", broadcast.id),
            "book": encode_id("Collection", book.id),
            "host": encode_id("User", host.id),
            "barred": encode_id("Group", barred.id),
            "meetup": encode_id("Event", meetup.id),
            "ballot": encode_id("Poll", ballot.id),
        },
    )


async def seed_ledgers(settings: Settings, viewer: User, writers: list[User]) -> None:
    """The viewer's two ledgers, 25 entries each; every writer ranked on this year's
    leaderboard (two sharing a total) with points of their own and a seat in the club."""
    now = datetime.now(UTC)
    today = now.astimezone(settings.timezone).date()
    entries = [
        LedgerEntry(
            user_id=viewer.id,
            ledger=ledger,
            kind=LedgerEntryKind.EARNED,
            amount=10,
            balance_after=10 * (i + 1),
            rule="EVENT_ATTENDED",
            reference_type="POST",
            reference_id=str(i + 1),
            idempotency_key=f"seed-{i}",
            day=today,
            year=today.year,
        )
        for ledger in Ledger
        for i in range(WRITERS)
    ]
    await LedgerEntry.bulk_create(entries)
    await LedgerAccount.bulk_create(
        [LedgerAccount(user_id=viewer.id, ledger=ledger, balance=10 * WRITERS) for ledger in Ledger]
        + [
            LedgerAccount(user_id=w.id, ledger=ledger, balance=100 + i)
            for i, w in enumerate(writers)
            for ledger in Ledger
        ]
    )
    await ContributionYear.bulk_create(
        [
            ContributionYear(
                user_id=w.id,
                year=today.year,
                total=100 + (i // 2),
                reached_at=now - timedelta(minutes=i),
                reached_entry_id=i + 1,
            )
            for i, w in enumerate(writers)
        ]
    )
    await ClubMembership.bulk_create(
        [
            ClubMembership(
                user_id=w.id,
                kind=ClubKind.SPONSOR,
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=364),
            )
            for w in writers
        ]
    )


async def seed_events_polls_ratings(
    viewer: User, writers: list[User], groups: list[Group]
) -> tuple[Event, Poll]:
    """An upcoming event and an open poll in every writer's group, each with the viewer's
    signup and vote; every writer signed up for the first event and voted in the first poll;
    the viewer's rating of every event."""
    now = datetime.now(UTC)
    await Event.bulk_create(
        [
            Event(
                title=f"Meetup {i}",
                kind=EventKind.OFFLINE,
                city="Hefei",
                venue=f"Hall {i}",
                starts_at=now + timedelta(days=1, hours=i),
                ends_at=now + timedelta(days=1, hours=i + 2),
                capacity=100,
                signup_opens_at=now - timedelta(days=1),
                signup_closes_at=now + timedelta(days=1),
                group_id=g.id,
                organizer_id=w.id,
            )
            for i, (g, w) in enumerate(zip(groups, writers, strict=True))
        ]
    )
    events = await Event.all().order_by("starts_at")
    meetup = events[0]
    signups = [(e, viewer) for e in events] + [(meetup, w) for w in writers]
    await EventSignup.bulk_create(
        [
            EventSignup(
                event_id=e.id,
                user_id=u.id,
                state=SignupState.CONFIRMED,
                check_in_code=f"CODE{u.id:04d}",
            )
            for e, u in signups
        ]
    )
    await Event.filter(id=meetup.id).update(confirmed_seats=WRITERS + 1)
    await Event.filter(id__not=meetup.id).update(confirmed_seats=1)
    await SatisfactionRating.bulk_create(
        [
            SatisfactionRating(
                user_id=viewer.id,
                subject=ExperienceSubject.EVENT,
                score=1 + i % 5,
                comment=f"Rated {i}",
                city="Hefei",
                event_id=e.id,
                group_id=e.group_id,
            )
            for i, e in enumerate(events)
        ]
    )
    await Poll.bulk_create(
        [
            Poll(
                question=f"Where next, club {i}?",
                closes_at=now + timedelta(days=7),
                weighting=PollWeighting.EQUAL,
                results_visibility=ResultsVisibility.ALWAYS,
                group_id=g.id,
                created_by_id=w.id,
            )
            for i, (g, w) in enumerate(zip(groups, writers, strict=True))
        ]
    )
    polls = await Poll.all().order_by("id")
    await PollOption.bulk_create(
        [
            PollOption(poll_id=p.id, label=label, position=n)
            for p in polls
            for n, label in enumerate(("Hefei", "Wuhan"))
        ]
    )
    first_option = {
        o.poll_id: o.id for o in await PollOption.filter(position=0).order_by("poll_id")
    }
    ballot = polls[0]
    votes = [(p, viewer) for p in polls] + [(ballot, w) for w in writers]
    await PollVote.bulk_create(
        [
            PollVote(poll_id=p.id, user_id=u.id, option_ids=[first_option[p.id]], weight=1000)
            for p, u in votes
        ]
    )
    return meetup, ballot


@pytest.fixture
async def community_api(
    request: pytest.FixtureRequest, settings: Settings, db: Database
) -> AsyncIterator[Api]:
    """The app on the test's database; with search on a private index when the test reads it."""
    if request.node.callspec.params.get("path") == "search":
        meili = request.getfixturevalue("meili")
        settings = replace(
            settings,
            meili_url=meili.url,
            meili_api_key=meili.api_key,
            search_index_prefix=request.getfixturevalue("meili_prefix"),
            # The test drains the outbox itself: the app's sync, idle meanwhile, sends no
            # statements while they are counted.
            search_sync_interval_seconds=3600,
        )
    async with running(create_app(settings, database=db)) as client:
        yield Api(client)


async def indexed(api: Api, engine: SearchEngine, within: float = 30) -> None:
    """Send everything seeded to search, draining the outbox here rather than in the app's
    sync, and return once Meilisearch has indexed it."""

    async def ready() -> bool:
        return (await api.client.get("/healthz")).json()["search"] == "ready"

    await eventually(ready, within=within, what="search to get ready")
    for entity in SearchEntity:
        await mark_all_changed(entity)
    sync = SearchSync(engine)
    while await sync.drain_once():
        pass
    await engine.wait_idle(within)


def test_every_connection_named_here_still_exists():
    paths = set(connection_fields(built_schema()))
    for named in (SKIPPED, ROOT_ARGUMENTS, PARENTS):
        assert set(named) <= paths, set(named) - paths


def test_the_schema_walk_finds_root_and_nested_connections():
    paths = connection_fields(built_schema())
    assert {"globalFeed", "moderationQueue", "User.posts", "Comment.replies"} <= set(paths)


@pytest.mark.parametrize("path", [p for p in connection_fields(built_schema()) if p not in SKIPPED])
async def test_every_connection_issues_the_same_statements_for_5_and_20_nodes(
    path, request, community_api, settings, sql_statements
):
    schema = built_schema()
    query = connection_query(schema, path)
    community = await seed_community(settings)
    variables: dict[str, Any] = {}
    if "." in path:
        if path not in PARENTS:
            pytest.fail(f"seed enough of {path} and name its parent in PARENTS, or skip it")
        variables["id"] = community.parents[PARENTS[path]]
    if path == "search":
        meili = request.getfixturevalue("meili")
        engine = SearchEngine(
            meili.url, meili.api_key, prefix=request.getfixturevalue("meili_prefix")
        )
        await indexed(community_api, engine)
    counts = {}
    for first in PAGE_SIZES:
        sql_statements.statements.clear()
        data = await community_api.data(query, {**variables, "first": first}, community.token)
        connection = data["node"] if "." in path else data
        edges = connection[path.rpartition(".")[2]]["edges"]
        assert len(edges) == first, f"the seed holds fewer than {first} of {path}"
        counts[first] = list(sql_statements.statements)
    small, large = (counts[n] for n in PAGE_SIZES)
    assert len(small) == len(large), grown(small, large)


# PostgreSQL's numbered placeholders, and an IN list of them, which grows with a batch.
NUMBERED = re.compile(r"\$\d+")
BATCH = re.compile(r"\(\?(?:,\?)*\)")


def grown(small: list[str], large: list[str]) -> str:
    """The statements the larger page sent more often, without their parameters."""

    def texts(statements: list[str]) -> Counter[str]:
        return Counter(
            BATCH.sub("(…)", NUMBERED.sub("?", s.rsplit(": [", 1)[0])) for s in statements
        )

    more = texts(large) - texts(small)
    return "\n".join(f"{n} more × {text}" for text, n in more.items()) or "fewer statements"
