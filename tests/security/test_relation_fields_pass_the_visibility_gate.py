"""Promise: every load of a post or comment a client will see goes through one visibility gate
(resolvers/visibility.py), so no field leads from an object the viewer may see to a post or
comment they may not: one hidden or removed by a moderator, held for review, a draft, or in a
members-only group they do not belong to. Such a field answers `null`, or lists without it.

Attack (seen before the fix): an anonymous
`node(id: <reply>) { ... on Comment { parent { body author { handle } } } }` returned the
hidden comment the reply answered (here: the case `Comment.parent-hidden-comment`).

The schema is walked: every field of every object type whose type, unwrapped from non-null,
lists and connections (a `…Connection`'s `edges.node`), is or may be (a union or interface
member) `Post` or `Comment` must be in COVERED or in EXEMPT, so a new such field fails here
until someone decides which. An edge's own `node` is reached only through its connection, so
the connection field stands for it. Root fields count as reached from the root.

A COVERED case builds, in the database, a visible parent whose field points at a forbidden
post or comment, asks for the field as an anonymous visitor and as an ordinary member (neither
the author nor in the group), and finds neither its id nor its text in the answer. Then it
makes the target visible (publishes it, or lets the member join its group) and asks once more:
the same document must now return it, so the case cannot pass by asking the wrong question.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from graphql import (
    GraphQLNamedType,
    GraphQLOutputType,
    get_named_type,
    is_abstract_type,
    is_object_type,
)

from schema.relay import encode_id
from schema.schema import build_schema
from server.models import (
    Collection,
    CollectionItem,
    Comment,
    CommentReaction,
    CommentState,
    Credit,
    CreditRole,
    CreditState,
    EpisodeState,
    FeaturedWork,
    FeedbackAdoption,
    Follow,
    Group,
    GroupMembership,
    GroupRole,
    GroupVisibility,
    Notification,
    NotificationKind,
    Post,
    PostReaction,
    PostState,
    RadioEpisode,
    RadioStation,
    User,
)
from server.settings import Settings
from tests.conftest import Api
from tests.helpers import make_group, make_post
from tests.security.conftest import Accounts

SECRET = "FORBIDDEN-TEXT"
TARGETS = frozenset({"Post", "Comment"})

# What can keep a post or comment from a viewer. A comment is never a draft; inside a thread
# the viewer sees (a visible post, a visible comment) members-only cannot apply either.
POST_KINDS = ("hidden", "removed", "held", "draft", "members-only")
COMMENT_KINDS = ("hidden", "removed", "held", "members-only")
THREAD_KINDS = ("hidden", "removed", "held")
POST_STATES = {
    "hidden": PostState.HIDDEN,
    "removed": PostState.REMOVED,
    "held": PostState.HELD,
    "draft": PostState.DRAFT,
}
COMMENT_STATES = {
    "hidden": CommentState.HIDDEN,
    "removed": CommentState.REMOVED,
    "held": CommentState.HELD,
}


# --- the world ----------------------------------------------------------------------------------


@dataclass
class World:
    """An author, an ordinary member who follows them, a public group and a members-only group
    (both run by the author; the member is in neither)."""

    accounts: Accounts
    author: User
    member: User
    club: Group
    circle: Group

    @property
    def member_token(self) -> str:
        return self.accounts.token("member")

    @property
    def author_token(self) -> str:
        return self.accounts.token("author")

    def group_for(self, kind: str) -> Group:
        return self.circle if kind == "members-only" else self.club

    async def visible_post(self, body: str = "a visible post") -> Post:
        return await make_post(self.author, body)

    async def forbidden_post(self, kind: str, *, in_group: bool = False) -> Post:
        body = f"{SECRET} ({kind} post)"
        if kind == "members-only":
            return await make_post(self.author, body, group=self.circle)
        fields: dict[str, Any] = {"state": POST_STATES[kind]}
        if kind == "draft":
            fields["published_at"] = None
        return await make_post(self.author, body, group=self.club if in_group else None, **fields)

    async def forbidden_comment(
        self, kind: str, *, on: Post | None = None, **fields: Any
    ) -> Comment:
        """A forbidden comment: by state on a visible post, or a published one on a
        members-only group's post."""
        if kind == "members-only":
            on = await make_post(self.author, "members talk", group=self.circle)
            state = CommentState.PUBLISHED
        else:
            on = on or await self.visible_post()
            state = COMMENT_STATES[kind]
        return await Comment.create(
            post=on, author=self.author, body=f"{SECRET} ({kind} comment)", state=state, **fields
        )

    async def forbidden(self, what: str, kind: str) -> Post | Comment:
        if what == "post":
            return await self.forbidden_post(kind)
        return await self.forbidden_comment(kind)

    async def reveal(self, kind: str, row: Post | Comment) -> None:
        """Make `row` visible to the member."""
        if kind == "members-only":
            await GroupMembership.create(group=self.circle, user=self.member, role=GroupRole.MEMBER)
        elif isinstance(row, Post):
            now = datetime.now(UTC)
            await Post.filter(id=row.id).update(state=PostState.PUBLISHED, published_at=now)
        else:
            await Comment.filter(id=row.id).update(state=CommentState.PUBLISHED)


@pytest.fixture
async def world(accounts: Accounts) -> World:
    await accounts.make("author")
    await accounts.make("member")
    author, member = accounts.users["author"], accounts.users["member"]
    club = await make_group("open-club", author)
    circle = await make_group("inner-circle", author, visibility=GroupVisibility.MEMBERS_ONLY)
    await Follow.create(follower=member, followee=author)
    return World(accounts, author, member, club, circle)


def global_id(row: Post | Comment) -> str:
    return encode_id(type(row).__name__, row.id)


def ids_in(value: Any) -> set[str]:
    """Every `id` anywhere in an answer."""
    if isinstance(value, dict):
        found = {value["id"]} if isinstance(value.get("id"), str) else set()
        return found.union(*(ids_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(ids_in(v) for v in value))
    return set()


def codes(body: dict[str, Any]) -> set[str | None]:
    return {(e.get("extensions") or {}).get("code") for e in body.get("errors") or []}


async def refused_then_shown(
    api: Api,
    world: World,
    kind: str,
    row: Post | Comment,
    document: str,
    variables: dict[str, Any],
    *,
    anonymous: str | None = None,
    shown_to: str = "member",
    unchanged: Callable[[], Awaitable[None]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Ask as an anonymous visitor and as the member: neither answer holds the forbidden row.
    `anonymous` is the code the field answers anonymous visitors with, if it needs a sign-in.
    `unchanged` checks that a refused mutation wrote nothing. Then make the row visible and
    check that the same document returns it to `shown_to`."""
    target = global_id(row)
    answers: dict[str, dict[str, Any]] = {}
    for who, token in (("anonymous", None), ("member", world.member_token)):
        body = await api.query(document, variables, token=token)
        answers[who] = body
        assert target not in ids_in(body), f"{who} reached the {kind} {target}: {body}"
        assert SECRET not in json.dumps(body), f"{who} read the {kind} text: {body}"
        allowed = {anonymous} if who == "anonymous" and anonymous else set()
        assert codes(body) <= allowed, f"{who}: unexpected errors {body}"
    if unchanged is not None:
        await unchanged()
    if shown_to == "member":
        await world.reveal(kind, row)
    token = world.member_token if shown_to == "member" else world.author_token
    shown = await api.query(document, variables, token=token)
    assert target in ids_in(shown), f"control: once visible, the document must find it: {shown}"
    return answers


# --- COVERED: one scenario per field ------------------------------------------------------------

NODE = """query($id: ID!) { node(id: $id) { id __typename
  ... on Post { postBody: body } ... on Comment { commentBody: body } } }"""
NODES = """query($id: ID!) { nodes(ids: [$id]) { id __typename
  ... on Post { postBody: body } ... on Comment { commentBody: body } } }"""
POST = "query($id: ID!) { post(id: $id) { id body } }"
GLOBAL_FEED = "{ globalFeed(first: 100) { edges { node { id body } } } }"
HOME_FEED = "{ homeFeed(first: 100) { edges { node { id body } } } }"
GROUP_FEED = (
    "query($slug: String!) { groupFeed(slug: $slug, first: 100) { edges { node { id body } } } }"
)
GROUP_POSTS = "query($slug: String!) { group(slug: $slug) { id posts(first: 100) { edges { node { id body } } } } }"
USER_POSTS = '{ user(handle: "author") { id posts(first: 100) { edges { node { id body } } } } }'
USER_DRAFTS = '{ user(handle: "author") { id drafts(first: 100) { edges { node { id body } } } } }'
NOTIFICATIONS = "{ notifications(first: 100) { edges { node { id kind post { id body } } } } }"
POST_COMMENTS = """query($id: ID!) { post(id: $id) { id
  comments(first: 100) { edges { node { id body } } } } }"""
COMMENT_REPLIES = """query($id: ID!) { node(id: $id) { id ... on Comment {
  replies(first: 100) { edges { node { id body } } } } } }"""
COMMENT_PARENT = """query($id: ID!) { node(id: $id) { id ... on Comment {
  parent { id body author { handle } } } } }"""
COMMENT_POST = """query($id: ID!) { node(id: $id) { id ... on Comment {
  post { id body author { handle } } } } }"""
REACTION = """mutation($id: ID!) { %s(input: {subjectId: $id}) { __typename
  ... on %sSuccess { subject { id __typename ... on Post { postBody: body } ... on Comment { commentBody: body } } }
  ... on Error { code } } }"""

COLLECTION_ITEMS = """{ collection(slug: "nio-book") { id
  items(first: 100) { edges { node { ... on Post { id body } } } } } }"""
FEATURED_FEED = "{ featuredFeed(first: 100) { edges { node { ... on Post { id body } } } } }"
# Collections and the featured feed list public works only: a members-only post stays out even
# for members (tests/resolvers/test_collections.py), so revealing it by joining shows nothing.
PUBLIC_ONLY_KINDS = ("hidden", "removed", "held", "draft")

Scenario = Callable[[Api, World, str, str], Awaitable[None]]


async def by_node(api: Api, world: World, what: str, kind: str) -> None:
    row = await world.forbidden(what, kind)
    await refused_then_shown(api, world, kind, row, NODE, {"id": global_id(row)})


async def by_nodes(api: Api, world: World, what: str, kind: str) -> None:
    row = await world.forbidden(what, kind)
    await refused_then_shown(api, world, kind, row, NODES, {"id": global_id(row)})


async def by_post(api: Api, world: World, what: str, kind: str) -> None:
    row = await world.forbidden_post(kind)
    await refused_then_shown(api, world, kind, row, POST, {"id": global_id(row)})


async def in_global_feed(api: Api, world: World, what: str, kind: str) -> None:
    await world.visible_post()
    row = await world.forbidden_post(kind)
    await refused_then_shown(api, world, kind, row, GLOBAL_FEED, {})


async def in_home_feed(api: Api, world: World, what: str, kind: str) -> None:
    """The member follows the author, so the author's posts are the member's home feed."""
    await world.visible_post()
    row = await world.forbidden_post(kind)
    await refused_then_shown(api, world, kind, row, HOME_FEED, {}, anonymous="UNAUTHENTICATED")


async def in_group_feed(api: Api, world: World, what: str, kind: str) -> None:
    row = await world.forbidden_post(kind, in_group=True)
    slug = world.group_for(kind).slug
    await refused_then_shown(api, world, kind, row, GROUP_FEED, {"slug": slug})


async def in_group_posts(api: Api, world: World, what: str, kind: str) -> None:
    row = await world.forbidden_post(kind, in_group=True)
    slug = world.group_for(kind).slug
    answers = await refused_then_shown(api, world, kind, row, GROUP_POSTS, {"slug": slug})
    assert all(a["data"]["group"] is not None for a in answers.values()), answers


async def in_user_posts(api: Api, world: World, what: str, kind: str) -> None:
    await world.visible_post()
    row = await world.forbidden_post(kind)
    answers = await refused_then_shown(api, world, kind, row, USER_POSTS, {})
    assert all(a["data"]["user"] is not None for a in answers.values()), answers


async def in_user_drafts(api: Api, world: World, what: str, kind: str) -> None:
    """Drafts are their author's alone: the list is null to anyone else."""
    row = await world.forbidden_post(kind)
    answers = await refused_then_shown(api, world, kind, row, USER_DRAFTS, {}, shown_to="author")
    assert all(a["data"]["user"]["drafts"] is None for a in answers.values()), answers


async def in_notification(api: Api, world: World, what: str, kind: str) -> None:
    """The member was mentioned in a post that is forbidden to them now."""
    row = await world.forbidden_post(kind)
    await Notification.create(
        recipient=world.member, actor=world.author, kind=NotificationKind.MENTION, post_id=row.id
    )
    answers = await refused_then_shown(
        api, world, kind, row, NOTIFICATIONS, {}, anonymous="UNAUTHENTICATED"
    )
    [edge] = answers["member"]["data"]["notifications"]["edges"]
    assert edge["node"]["post"] is None, answers


async def in_post_comments(api: Api, world: World, what: str, kind: str) -> None:
    parent = await world.visible_post()
    await Comment.create(post=parent, author=world.author, body="a visible comment")
    row = await world.forbidden_comment(kind, on=parent)
    await refused_then_shown(api, world, kind, row, POST_COMMENTS, {"id": global_id(parent)})


async def in_comment_replies(api: Api, world: World, what: str, kind: str) -> None:
    on = await world.visible_post()
    parent = await Comment.create(post=on, author=world.author, body="a visible comment")
    row = await world.forbidden_comment(kind, on=on, parent=parent)
    answers = await refused_then_shown(
        api, world, kind, row, COMMENT_REPLIES, {"id": global_id(parent)}
    )
    assert all(a["data"]["node"] is not None for a in answers.values()), answers


async def as_comment_parent(api: Api, world: World, what: str, kind: str) -> None:
    on = await world.visible_post()
    row = await world.forbidden_comment(kind, on=on)
    reply = await Comment.create(post=on, author=world.member, parent=row, body="a visible reply")
    answers = await refused_then_shown(
        api, world, kind, row, COMMENT_PARENT, {"id": global_id(reply)}
    )
    assert all(a["data"]["node"]["parent"] is None for a in answers.values()), answers


async def as_comment_post(api: Api, world: World, what: str, kind: str) -> None:
    """A published comment on a post nobody else may see: the comment is out of reach too."""
    row = await world.forbidden_post(kind)
    comment = await Comment.create(post=row, author=world.author, body="a published comment")
    await refused_then_shown(api, world, kind, row, COMMENT_POST, {"id": global_id(comment)})


async def in_collection(api: Api, world: World, what: str, kind: str) -> None:
    """Collected while public, forbidden since: the collection lists it no more."""
    collection = await Collection.create(slug="nio-book", title="NIO Book")
    await CollectionItem.create(collection=collection, post=await world.visible_post(), position=0)
    row = await world.forbidden_post(kind)
    await CollectionItem.create(collection=collection, post=row, position=1)
    answers = await refused_then_shown(api, world, kind, row, COLLECTION_ITEMS, {})
    assert all(a["data"]["collection"] is not None for a in answers.values()), answers


async def in_featured_feed(api: Api, world: World, what: str, kind: str) -> None:
    """Featured while public, forbidden since: the featured feed leaves it out."""
    await FeaturedWork.create(post=await world.visible_post())
    row = await world.forbidden_post(kind)
    await FeaturedWork.create(post=row)
    await refused_then_shown(api, world, kind, row, FEATURED_FEED, {})


USER_WORKS = """{ user(handle: "member") { id
  works(first: 100) { edges { node { ... on Post { id body } } } } } }"""
CREDIT_WORK = """query($id: ID!) { node(id: $id) { id ... on Credit {
  work { ... on Post { id body } } } } }"""
EPISODE_COMMENTS = """query($id: ID!) { node(id: $id) { id ... on RadioEpisode {
  comments(first: 100) { edges { node { id body } } } } } }"""


async def in_user_works(api: Api, world: World, what: str, kind: str) -> None:
    """The member accepted a credit on the author's post, which is forbidden to them now."""
    await Credit.create(
        post=await world.visible_post(),
        user=world.member,
        role=CreditRole.PHOTOGRAPHER,
        state=CreditState.ACCEPTED,
    )
    row = await world.forbidden_post(kind)
    await Credit.create(
        post=row, user=world.member, role=CreditRole.WRITER, state=CreditState.ACCEPTED
    )
    answers = await refused_then_shown(api, world, kind, row, USER_WORKS, {})
    assert all(a["data"]["user"] is not None for a in answers.values()), answers


async def as_credit_work(api: Api, world: World, what: str, kind: str) -> None:
    """A credit on a forbidden post is out of reach with its work."""
    row = await world.forbidden_post(kind)
    credit = await Credit.create(
        post=row, user=world.member, role=CreditRole.WRITER, state=CreditState.ACCEPTED
    )
    await refused_then_shown(
        api, world, kind, row, CREDIT_WORK, {"id": encode_id("Credit", credit.id)}
    )


async def in_episode_comments(api: Api, world: World, what: str, kind: str) -> None:
    station = await RadioStation.create(slug="shanghai", name="蔚来电台·上海站", city="上海")
    episode = await RadioEpisode.create(
        station=station,
        author=world.author,
        title="on air",
        audio_url="https://media.example.com/1.mp3",
        duration_seconds=60,
        mime_type="audio/mpeg",
        state=EpisodeState.PUBLISHED,
        published_at=datetime.now(UTC),
    )
    await Comment.create(episode=episode, author=world.author, body="a visible comment")
    row = await Comment.create(
        episode=episode,
        author=world.author,
        body=f"{SECRET} ({kind} comment)",
        state=COMMENT_STATES[kind],
    )
    variables = {"id": encode_id("RadioEpisode", episode.id)}
    answers = await refused_then_shown(api, world, kind, row, EPISODE_COMMENTS, variables)
    assert all(a["data"]["node"] is not None for a in answers.values()), answers


def reacting(mutation: str, success: str) -> Scenario:
    async def scenario(api: Api, world: World, what: str, kind: str) -> None:
        row = await world.forbidden(what, kind)
        document = REACTION % (mutation, success)
        answers = await refused_then_shown(
            api,
            world,
            kind,
            row,
            document,
            {"id": global_id(row)},
            anonymous="UNAUTHENTICATED",
            unchanged=no_reactions,
        )
        assert answers["member"]["data"][mutation]["__typename"] == "NotFoundError", answers

    return scenario


async def no_reactions() -> None:
    assert await PostReaction.all().count() + await CommentReaction.all().count() == 0


ADOPTED_FEEDBACK = """{ user(handle: "author") { id
  adoptedFeedback(first: 100) { edges { node { id body adoption { note } } } } } }"""


async def in_adopted_feedback(api: Api, world: World, what: str, kind: str) -> None:
    """Feedback adopted while public, forbidden since (or adopted inside a members-only
    group): the author's profile lists it to nobody who may not see the post."""
    visible = await make_post(world.author, "adopted", group=world.club)
    row = await world.forbidden_post(kind, in_group=True)
    for post in (visible, row):
        await Post.filter(id=post.id).update(feedback=True)
        await FeedbackAdoption.create(post=post, author=world.author, note="adopted")
    answers = await refused_then_shown(api, world, kind, row, ADOPTED_FEEDBACK, {})
    for answer in answers.values():
        edges = answer["data"]["user"]["adoptedFeedback"]["edges"]
        assert [e["node"]["id"] for e in edges] == [global_id(visible)], answer


@dataclass(frozen=True)
class Covered:
    scenario: Scenario
    post_kinds: tuple[str, ...] = ()
    comment_kinds: tuple[str, ...] = ()


COVERED: dict[str, Covered] = {
    "Query.node": Covered(by_node, POST_KINDS, COMMENT_KINDS),
    "Query.nodes": Covered(by_nodes, POST_KINDS, COMMENT_KINDS),
    "Query.post": Covered(by_post, POST_KINDS),
    "Query.globalFeed": Covered(in_global_feed, POST_KINDS),
    "Query.homeFeed": Covered(in_home_feed, POST_KINDS),
    "Query.groupFeed": Covered(in_group_feed, POST_KINDS),
    "Group.posts": Covered(in_group_posts, POST_KINDS),
    "User.posts": Covered(in_user_posts, POST_KINDS),
    # The list holds drafts only, and only for their author.
    "User.drafts": Covered(in_user_drafts, ("draft",)),
    "Notification.post": Covered(in_notification, POST_KINDS),
    "Post.comments": Covered(in_post_comments, comment_kinds=THREAD_KINDS),
    "Comment.replies": Covered(in_comment_replies, comment_kinds=THREAD_KINDS),
    "Comment.parent": Covered(as_comment_parent, comment_kinds=THREAD_KINDS),
    "Comment.post": Covered(as_comment_post, POST_KINDS),
    "Collection.items": Covered(in_collection, PUBLIC_ONLY_KINDS),
    "User.works": Covered(in_user_works, POST_KINDS),
    "User.adoptedFeedback": Covered(in_adopted_feedback, POST_KINDS),
    "Credit.work": Covered(as_credit_work, POST_KINDS),
    "RadioEpisode.comments": Covered(in_episode_comments, comment_kinds=THREAD_KINDS),
    "Query.featuredFeed": Covered(in_featured_feed, PUBLIC_ONLY_KINDS),
    "AddReactionSuccess.subject": Covered(
        reacting("addReaction", "AddReaction"), POST_KINDS, COMMENT_KINDS
    ),
    "RemoveReactionSuccess.subject": Covered(
        reacting("removeReaction", "RemoveReaction"), POST_KINDS, COMMENT_KINDS
    ),
}

SUBSCRIPTIONS = (
    "subscription payload, WebSocket only: covered by tests/e2e/test_subscriptions.py and "
    "tests/security/test_viewer_is_read_afresh_for_every_operation.py"
)
SEARCH = "covered by tests/search (needs Meilisearch; every hit is loaded through the gate)"
OWN_POST = (
    "the caller's own post: only its author (or its persona's operator) gets it back, after "
    "the gate; anyone else gets NotFoundError or FORBIDDEN"
)

PUBLIC_WORK = (
    "the work just collected or featured, loaded through the gate and checked to be public "
    "(resolvers.works.public_work; refusals in tests/resolvers/test_collections.py, "
    "test_featured.py)"
)

EXEMPT: dict[str, str] = {
    "Query.search": SEARCH,
    "SearchSuggestion.node": SEARCH,
    "PostAddedEvent.post": SUBSCRIPTIONS,
    "CommentAddedEvent.comment": SUBSCRIPTIONS,
    "PostUpdatedEvent.post": SUBSCRIPTIONS,
    "ModerationItem.target": (
        "a moderation-queue target: reached only by who works the item (node, moderationItem, "
        "moderationQueue refuse the rest: tests/security/test_authorisation_matrix.py)"
    ),
    "CreatePostSuccess.post": "the caller's own post, just written",
    "UpdatePostSuccess.post": OWN_POST,
    "PublishPostSuccess.post": OWN_POST,
    "SchedulePostSuccess.post": OWN_POST,
    "AddCommentSuccess.comment": "the caller's own comment, just written",
    "AddToCollectionSuccess.work": PUBLIC_WORK,
    "FeatureWorkSuccess.work": PUBLIC_WORK,
    "AdoptFeedbackSuccess.post": (
        "the post just adopted: loaded through the gate for the staff member who adopts it, "
        "and published (refusals in tests/resolvers/test_feedback.py)"
    ),
    "DeleteCommentSuccess.comment": (
        "the tombstone (no body, no author) of the comment the caller just deleted, found "
        "through the gate"
    ),
}


# --- the schema walk ----------------------------------------------------------------------------


def _unwrapped(type_: GraphQLOutputType) -> GraphQLNamedType:
    named = get_named_type(type_)
    if is_object_type(named) and named.name.endswith("Connection") and "edges" in named.fields:
        edge = get_named_type(named.fields["edges"].type)
        named = get_named_type(edge.fields["node"].type)  # type: ignore[attr-defined]
    return named


def fields_reaching_posts_or_comments() -> set[str]:
    schema = build_schema(Settings(environment="test"))._schema
    edge_types = {
        get_named_type(t.fields["edges"].type).name
        for t in schema.type_map.values()
        if is_object_type(t) and t.name.endswith("Connection") and "edges" in t.fields
    }
    found = set()
    for type_ in schema.type_map.values():
        if not is_object_type(type_) or type_.name.startswith("__") or type_.name in edge_types:
            continue
        for name, field in type_.fields.items():
            named = _unwrapped(field.type)
            if is_abstract_type(named):
                reaches = bool(TARGETS & {t.name for t in schema.get_possible_types(named)})
            else:
                reaches = named.name in TARGETS
            if reaches:
                found.add(f"{type_.name}.{name}")
    return found


def test_every_field_that_can_return_a_post_or_comment_is_covered_or_exempt() -> None:
    found = fields_reaching_posts_or_comments()
    assert not COVERED.keys() & EXEMPT.keys(), "a field is in both tables"
    unknown = sorted(found - COVERED.keys() - EXEMPT.keys())
    assert not unknown, (
        f"these fields can return a Post or a Comment and are in neither table: {unknown}; "
        "add a scenario to COVERED, or a one-line reason to EXEMPT"
    )
    stale = sorted((COVERED.keys() | EXEMPT.keys()) - found)
    assert not stale, f"no longer in the schema (or no longer a Post/Comment): {stale}"


CASES = [
    pytest.param(field, what, kind, id=f"{field}-{kind}-{what}")
    for field, covered in COVERED.items()
    for what, kinds in (("post", covered.post_kinds), ("comment", covered.comment_kinds))
    for kind in kinds
]


@pytest.mark.parametrize(("field", "what", "kind"), CASES)
async def test_no_field_leads_from_a_visible_object_to_a_forbidden_post_or_comment(
    api: Api, world: World, field: str, what: str, kind: str
) -> None:
    await COVERED[field].scenario(api, world, what, kind)
