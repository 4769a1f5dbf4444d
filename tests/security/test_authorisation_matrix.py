"""Promise: who may do what is decided alike for every mutation of the API and for the
moderation queries, over HTTP and over WebSocket, on SQLite and on PostgreSQL; the matrix lists
who must be refused as well as who succeeds.

Each case is one operation (a row of EXPECTED) sent by one kind of caller (a column) in a world
of its own: a post by `author` in the group `here` (owned by `owner_here`, run with
`admin_here` as its ADMIN and `moderator_here` as its MODERATOR, joined by `member`),
reported by `reporter`, so that one queue item is open; `admin_elsewhere` owns the group
`elsewhere`; the sanctioned callers are `suspended` (a member of `here` suspended for 3 days),
`banned` (a banned member of `here`), `banned_admin` (a platform admin who is banned) and
`silenced_moderator` (a moderator silenced for 3 days). What a row needs besides (a draft, a
comment, a decision, an appeal, a claim, badges and a persona, a rule, notifications, a
credit of `member`'s on the post waiting for an answer, the post featured; the radio: the
station `here-radio` headed by `owner_here` and `elsewhere-radio` headed by `admin_elsewhere`,
with an episode of `author`'s published on `here-radio` and one submitted there; collections:
`here-books` curated by `owner_here` and holding that published episode, `elsewhere-books`
curated by `admin_elsewhere`; KOC: `member`'s pending application to the story scouts and
`author`'s active role among them; groups: a join request, a ban, invitations and invite
links, a certification application, policies other than OPEN, a full group; a post marked as
product feedback; points in every account, a club seat of `member`'s; a meetup of `here`'s
with `member` signed up and `author` volunteering in its city; a platform poll and one of
`here`'s) is written with the ORM
and the use cases in one transaction (the KOC programmes just before it); only the operation
under test goes through the transport.

EXPECTED is the one table for both transports. Over WebSocket the server refuses the socket of
a banned or suspended account at `connection_init` (close code 4403), so every WebSocket case
of those callers reads "4403" whatever HTTP answers; every other WebSocket case answers what
HTTP does.

Every case runs over HTTP and over WebSocket (graphql-transport-ws), on SQLite and on
PostgreSQL: 2,106 cases per transport and database, 8,424 in all, each some 0.1 s. For that the app is built once per database and served by one uvicorn server
for the module, and each case runs the app's lifespan itself, so that its pub/sub hub, rate
limits, query budgets, rule cache and account reader are its own (a new app per case, as
conftest's `api` and `ws_api` make, costs 0.1 s for the schema and, for WebSocket, 0.3 s to
start and stop uvicorn: the 583 HTTP cases on SQLite of the time took 182 s that way, 60 s
this way); `db` empties the tables before each case.

Besides the matrix: a row for every `Mutation` field (read by introspection), and a moderator's
open socket answering as the account is now once it is demoted, silenced or banned.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from graphql import graphql_sync
from starlette.applications import Starlette
from tortoise.context import get_current_context
from tortoise.transactions import in_transaction

from resolvers.appeals import appeal_decision
from resolvers.context import Context, Resources
from resolvers.koc import add_months
from resolvers.koc_programs import ensure_programs
from resolvers.moderation_decisions import Decision, resolve_item
from resolvers.moderation_items import claim_item
from resolvers.reports import report_content
from schema.relay import encode_id
from schema.schema import build_schema
from server.app import create_app
from server.db import Database
from server.models import (
    AccountState,
    AuditEntry,
    AuditKind,
    ClubKind,
    ClubMembership,
    Collection,
    CollectionCurator,
    CollectionItem,
    Comment,
    Credit,
    CreditRole,
    EmployeeBadge,
    EpisodeState,
    Event,
    EventKind,
    EventSignup,
    FeaturedWork,
    Group,
    GroupBan,
    GroupCertificationApplication,
    GroupInvitation,
    GroupInviteLink,
    GroupJoinRequest,
    GroupKind,
    Industry,
    JoinPolicy,
    KocApplication,
    KocApplicationState,
    KocProgram,
    KocRole,
    KocRoleKind,
    Ledger,
    LedgerAccount,
    LedgerEntry,
    LedgerEntryKind,
    MatchKind,
    ModerationAction,
    ModerationRule,
    ModerationTarget,
    Notification,
    NotificationKind,
    PersonaAccount,
    PersonaDomain,
    PersonaOperator,
    PlatformRole,
    Poll,
    PollOption,
    PollVote,
    PollWeighting,
    Post,
    PostState,
    RadioEpisode,
    RadioStation,
    ReportReason,
    ResultsVisibility,
    RuleAction,
    SignupState,
    StationHead,
    User,
)
from server.security import hash_password
from server.settings import Settings
from tests.conftest import Api, app_settings, model_tables, running
from tests.helpers import make_group, make_post
from tests.security.conftest import Accounts
from tests.wsapi import SocketClosed, WsApi, serving

ROLES = (
    "anonymous",
    "member",
    "author",
    "owner_here",
    "admin_here",
    "moderator_here",
    "admin_elsewhere",
    "moderator",
    "admin",
    "suspended",
    "banned",
    "banned_admin",
    "silenced_moderator",
)
# Their sockets are refused at connection_init: over WebSocket they get no further.
REFUSED_SOCKETS = frozenset({"suspended", "banned", "banned_admin"})
PASSWORD = "password-123"


# --- the world -------------------------------------------------------------------------------


@dataclass
class World:
    tokens: dict[str, str | None]
    # The documents' variables, by name.
    variables: dict[str, str] = field(default_factory=dict)


def as_viewer(resources: Resources, user: User) -> Context:
    return Context(resources, viewer=user)


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


async def reported(resources: Resources, reporter: User, post_id: int) -> int:
    """The queue item `reporter`'s report on the post opens."""
    report = await report_content(
        as_viewer(resources, reporter), ModerationTarget.POST, post_id, ReportReason.SPAM, "", True
    )
    return report.item_id


async def hidden(resources: Resources, moderator: User, item_id: int) -> int:
    """`moderator` hides the item's post; the decision's id."""
    await resolve_item(
        as_viewer(resources, moderator), item_id, Decision([ModerationAction.HIDE], "spam")
    )
    entry = await AuditEntry.get(item_id=item_id, kind=AuditKind.ACTION)
    return entry.id


async def station_headed_by(head: User, slug: str, name: str) -> RadioStation:
    station = await RadioStation.create(slug=slug, name=name, city="Tallinn")
    await StationHead.create(station=station, user=head)
    return station


async def episode_of(author: User, station: RadioStation, state: EpisodeState) -> RadioEpisode:
    published = datetime.now(UTC) if state == EpisodeState.PUBLISHED else None
    return await RadioEpisode.create(
        station=station,
        author=author,
        title=f"an episode, {state.lower()}",
        audio_url="https://cdn.example.com/episode.mp3",
        duration_seconds=60,
        mime_type="audio/mpeg",
        state=state,
        published_at=published,
    )


async def curated_by(curator: User, slug: str, title: str) -> Collection:
    collection = await Collection.create(slug=slug, title=title)
    await CollectionCurator.create(collection=collection, user=curator)
    return collection


async def build_world(
    accounts: Accounts, resources: Resources, role: str, needs: frozenset[str] = frozenset()
) -> World:
    """The world of one case, as `role` sees it. One transaction: on SQLite, committing each
    row on its own made building the world four times slower than the operation under test."""
    async with in_transaction():
        return await populate(accounts, resources, role, needs)


async def populate(
    accounts: Accounts, resources: Resources, role: str, needs: frozenset[str]
) -> World:
    """The accounts, the groups and the reported post; then what `needs` asks for."""
    for handle in (
        "member",
        "author",
        "reporter",
        "owner_here",
        "admin_here",
        "moderator_here",
        "admin_elsewhere",
    ):
        await accounts.make(handle)
    await accounts.make("moderator", PlatformRole.MODERATOR)
    await accounts.make("admin", PlatformRole.ADMIN)
    await accounts.make("suspended", state=AccountState.SUSPENDED, until_days=3)
    await accounts.make("banned", state=AccountState.BANNED)
    await accounts.make("banned_admin", PlatformRole.ADMIN, AccountState.BANNED)
    await accounts.make(
        "silenced_moderator", PlatformRole.MODERATOR, AccountState.SILENCED, until_days=3
    )
    users = accounts.users
    members = ("author", "reporter", "member", "suspended", "banned")
    here = await make_group(
        "here",
        users["owner_here"],
        *(users[name] for name in members),
        admins=(users["admin_here"],),
        moderators=(users["moderator_here"],),
    )
    elsewhere = await make_group("elsewhere", users["admin_elsewhere"])
    target = await make_post(users["author"], "a post someone objects to", group=here)
    item_id = await reported(resources, users["reporter"], target.id)
    world = World(tokens={name: accounts.token(name) for name in ROLES if name in users})
    world.tokens["anonymous"] = None
    given = world.variables
    given["post"] = encode_id("Post", target.id)
    given["item"] = encode_id("ModerationItem", item_id)
    caller = users.get(role)

    if "password" in needs:
        given["me"] = caller.handle if caller else "member"
        await User.filter(handle=given["me"]).update(password_hash=password_hash())
    if "draft" in needs:
        draft = await make_post(
            users["author"], "not yet", state=PostState.DRAFT, published_at=None
        )
        given["draft"] = encode_id("Post", draft.id)
        given["at"] = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    if "comment" in needs:
        comment = await Comment.create(post=target, author=users["author"], body="a comment")
        given["comment"] = encode_id("Comment", comment.id)
    if "notifications" in needs:
        for name, recipient in (("mine", caller or users["author"]), ("authors", users["author"])):
            note = await Notification.get_or_none(recipient=recipient)
            if note is None:
                note = await Notification.create(
                    recipient=recipient, actor=users["reporter"], kind=NotificationKind.FOLLOW
                )
            given[name] = encode_id("Notification", note.id)
    if "personas" in needs:
        for handle in ("employee", "recruit"):
            await accounts.make(handle)
            await EmployeeBadge.create(user=users[handle], department="Sales", title="Advisor")
        await accounts.make("helper")
        persona = await PersonaAccount.create(user=users["helper"], domain=PersonaDomain.SERVICE)
        await PersonaOperator.create(persona=persona, operator=users["employee"])
    if "rule" in needs:
        rule = await ModerationRule.create(
            pattern="spam", match=MatchKind.WORD, action=RuleAction.BLOCK, reason="spam"
        )
        given["rule"] = encode_id("ModerationRule", rule.id)
    if "credit" in needs:
        credit = await Credit.create(post=target, user=users["member"], role=CreditRole.WRITER)
        given["credit"] = encode_id("Credit", credit.id)
    if "featured" in needs:
        await FeaturedWork.create(post=target, featured_by=users["moderator"])
    if needs & {"radio", "collections"}:
        station = await station_headed_by(users["owner_here"], "here-radio", "Here radio")
        await station_headed_by(users["admin_elsewhere"], "elsewhere-radio", "Elsewhere radio")
        episode = await episode_of(users["author"], station, EpisodeState.PUBLISHED)
        submitted = await episode_of(users["author"], station, EpisodeState.SUBMITTED)
        given["episode"] = encode_id("RadioEpisode", episode.id)
        given["submitted"] = encode_id("RadioEpisode", submitted.id)
        if "collections" in needs:
            books = await curated_by(users["owner_here"], "here-books", "Here books")
            await curated_by(users["admin_elsewhere"], "elsewhere-books", "Elsewhere books")
            await CollectionItem.create(
                collection=books, episode=episode, position=0, added_by=users["owner_here"]
            )
    if "koc" in needs:
        # The programmes (the scheduler's first tick may be writing them at the same moment:
        # both skip what the other wrote); `member` applied to the story scouts (pending);
        # `author` is one of them (active, a seat taken, six months to go).
        await ensure_programs()
        scouts = KocRoleKind.STORY_SCOUT
        application = await KocApplication.create(
            user=users["member"],
            kind=scouts,
            statement="I would like to write owners' stories.",
            pending_key=f"{users['member'].id}:{scouts}",
        )
        now = datetime.now(UTC)
        role = await KocRole.create(
            user=users["author"],
            kind=scouts,
            active_key=f"{users['author'].id}:{scouts}",
            starts_at=now,
            ends_at=add_months(now, 6),
        )
        await KocProgram.filter(kind=scouts).update(seats_taken=1)
        given["koc_application"] = encode_id("KocApplication", application.id)
        given["koc_role"] = encode_id("KocRole", role.id)
    if "times" in needs:
        soon = datetime.now(UTC) + timedelta(days=3)
        given["starts"], given["ends"] = soon.isoformat(), (soon + timedelta(hours=2)).isoformat()
    if needs & {"event", "signup", "attended"}:
        # `owner_here` runs a meetup of `here` in Hefei, starting within the hour (so the door
        # is open) with signups open; with "signup" `member` holds a confirmed seat (code
        # MEMBER01) and `author` volunteers in Hefei; with "attended" `member` was let in.
        now = datetime.now(UTC)
        event = await Event.create(
            title="Coffee and cars",
            kind=EventKind.OFFLINE,
            city="Hefei",
            venue="The plant",
            starts_at=now + timedelta(minutes=50),
            ends_at=now + timedelta(hours=3),
            capacity=10,
            signup_opens_at=now - timedelta(days=1),
            signup_closes_at=now + timedelta(minutes=40),
            group=here,
            organizer=users["owner_here"],
        )
        given["event"] = encode_id("Event", event.id)
        if needs & {"signup", "attended"}:
            attended = "attended" in needs
            signup = await EventSignup.create(
                event=event,
                user=users["member"],
                state=SignupState.ATTENDED if attended else SignupState.CONFIRMED,
                check_in_code="MEMBER01",
            )
            await Event.filter(id=event.id).update(confirmed_seats=1)
            given["signup"] = encode_id("EventSignup", signup.id)
            volunteers = KocRoleKind.VOLUNTEER
            application = await KocApplication.create(
                user=users["author"],
                kind=volunteers,
                statement="I help at meetups.",
                city="Hefei",
                state=KocApplicationState.APPROVED,
            )
            await KocRole.create(
                user=users["author"],
                kind=volunteers,
                active_key=f"{users['author'].id}:{volunteers}",
                starts_at=now,
                ends_at=add_months(now, 6),
                application=application,
            )
    if needs & {"poll", "group_poll"}:
        # An open platform poll by `moderator` (one vote each), or one of `here` by
        # `owner_here`; with "weighted", a platform poll weighted by contribution.
        in_here = "group_poll" in needs
        poll = await Poll.create(
            question="Where should the next community day be?",
            closes_at=datetime.now(UTC) + timedelta(days=7),
            weighting=PollWeighting.CONTRIBUTION if "weighted" in needs else PollWeighting.EQUAL,
            results_visibility=ResultsVisibility.ALWAYS,
            group=here if in_here else None,
            created_by=users["owner_here" if in_here else "moderator"],
        )
        option = await PollOption.create(poll=poll, label="Hefei", position=0)
        await PollOption.create(poll=poll, label="Wuhan", position=1)
        given["poll"] = encode_id("Poll", poll.id)
        given["option"] = encode_id("PollOption", option.id)
        if "votes" in needs:
            await PollVote.create(
                poll=poll, user=users["member"], option_ids=[option.id], weight=1000
            )
            await PollOption.filter(id=option.id).update(votes=1, weight=1000)
            await Poll.filter(id=poll.id).update(voters=1, total_weight=1000)
    if needs & {"certification", "certification_room"}:
        # `here` has the members certification needs; with "certification", `owner_here`
        # applied for it (pending).
        await Group.filter(id=here.id).update(
            member_count=resources.settings.group_certification_min_members
        )
        if "certification" in needs:
            application = await GroupCertificationApplication.create(
                group=here,
                applicant=users["owner_here"],
                industry=Industry.EDUCATION,
                evidence="Our members all teach at schools in Tallinn.",
                pending_key=str(here.id),
            )
            given["certification"] = encode_id("GroupCertificationApplication", application.id)
    if "certified" in needs:
        await Group.filter(id=here.id).update(
            certified=True, kind=GroupKind.INDUSTRY, industry=Industry.EDUCATION
        )
    if needs & {"guest", "invitation"}:
        await accounts.make("guest")  # in no group: the one invited
    if "invite_only" in needs:
        await Group.filter(id=here.id).update(join_policy=JoinPolicy.INVITE_ONLY)
    if "invitation" in needs:
        # `member` invited `guest` to `here` (OPEN), pending.
        invitation = await GroupInvitation.create(
            group=here,
            user=users["guest"],
            inviter=users["member"],
            pending_key=f"{here.id}:{users['guest'].id}",
        )
        given["invitation"] = encode_id("GroupInvitation", invitation.id)
    if "own_invitation" in needs:
        # The caller (`member` for anonymous) invited to `yonder` by its owner `reporter`.
        yonder = await make_group("yonder", users["reporter"])
        invitee = caller or users["member"]
        own = await GroupInvitation.create(
            group=yonder,
            user=invitee,
            inviter=users["reporter"],
            pending_key=f"{yonder.id}:{invitee.id}",
        )
        given["own_invitation"] = encode_id("GroupInvitation", own.id)
    if "invite_links" in needs:
        here_link = await GroupInviteLink.create(
            group=here, created_by=users["owner_here"], code="here-0123456789abcdefghij"
        )
        elsewhere_link = await GroupInviteLink.create(
            group=elsewhere,
            created_by=users["admin_elsewhere"],
            code="elsewhere-0123456789abcde",
            revoked_at=datetime.now(UTC) if "revoked_link" in needs else None,
        )
        given["here_link"] = encode_id("GroupInviteLink", here_link.id)
        given["elsewhere_code"] = elsewhere_link.code
    if needs & {"approval", "elsewhere_invite_only"}:
        # `elsewhere` approves its members, or takes them by invitation alone.
        policy = JoinPolicy.APPROVAL if "approval" in needs else JoinPolicy.INVITE_ONLY
        await Group.filter(id=elsewhere.id).update(join_policy=policy, join_question="Why?")
    if "join_request" in needs:
        # `here` approves its members; `applicant`, no member of it, asked to join.
        await accounts.make("applicant")
        await Group.filter(id=here.id).update(join_policy=JoinPolicy.APPROVAL)
        request = await GroupJoinRequest.create(
            group=here,
            user=users["applicant"],
            answer="I drive one too.",
            pending_key=f"{here.id}:{users['applicant'].id}",
        )
        given["join_request"] = encode_id("GroupJoinRequest", request.id)
    if "here_full" in needs:
        await Group.filter(id=here.id).update(member_count=resources.settings.group_member_limit)
    if needs & {"outcast", "group_ban"}:
        # `outcast` belongs to no group; with "group_ban", `owner_here` barred them from `here`.
        await accounts.make("outcast")
        if "group_ban" in needs:
            await GroupBan.create(
                group=here, user=users["outcast"], banned_by=users["owner_here"], reason="spam"
            )
    if "feedback" in needs:
        # The reported post is product feedback, waiting for staff to adopt it.
        await Post.filter(id=target.id).update(feedback=True)
    if "points" in needs:
        # Every account holds 100 points, earned once.
        today = datetime.now(UTC).date()
        await LedgerAccount.bulk_create(
            [LedgerAccount(user_id=u.id, ledger=Ledger.POINTS, balance=100) for u in users.values()]
        )
        await LedgerEntry.bulk_create(
            [
                LedgerEntry(
                    user_id=u.id,
                    ledger=Ledger.POINTS,
                    kind=LedgerEntryKind.EARNED,
                    amount=100,
                    balance_after=100,
                    rule="REFERRAL_TEST_DRIVE",
                    day=today,
                    year=today.year,
                )
                for u in users.values()
            ]
        )
    if "club" in needs:
        # `member` sponsors the club this year.
        now = datetime.now(UTC)
        seat = await ClubMembership.create(
            user=users["member"],
            kind=ClubKind.SPONSOR,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=364),
        )
        given["membership"] = encode_id("ClubMembership", seat.id)
    if "claimed" in needs:
        await claim_item(as_viewer(resources, users["moderator"]), item_id)
    if needs & {"decided", "appealed", "peer_appealed"}:
        decider = "moderator"
        if "peer_appealed" in needs:
            await accounts.make("other_moderator", PlatformRole.MODERATOR)
            decider = "other_moderator"
        decision_id = await hidden(resources, users[decider], item_id)
        given["decision"] = encode_id("AuditEntry", decision_id)
        if needs & {"appealed", "peer_appealed"}:
            appeal = await appeal_decision(
                as_viewer(resources, users["author"]), decision_id, "it was not"
            )
            given["appeal"] = encode_id("Appeal", appeal.id)
    if needs & {"own_item", "own_decision", "own_appeal"}:
        # A post of the caller's own (the author's, for anonymous) in the group they belong
        # to, reported; hidden by a moderator (an admin, for `moderator`); appealed.
        owner = caller or users["author"]
        staff_here = ("owner_here", "admin_here", "moderator_here")
        homes = dict.fromkeys((*members, *staff_here), here) | {"admin_elsewhere": elsewhere}
        own_post = await make_post(owner, "my own post", group=homes.get(owner.handle))
        own_item = await reported(resources, users["reporter"], own_post.id)
        given["own_item"] = encode_id("ModerationItem", own_item)
        if needs & {"own_decision", "own_appeal"}:
            by = users["admin" if owner.handle == "moderator" else "moderator"]
            own_decision = await hidden(resources, by, own_item)
            given["own_decision"] = encode_id("AuditEntry", own_decision)
        if "own_appeal" in needs:
            appeal = await appeal_decision(as_viewer(resources, owner), own_decision, "it was fine")
            given["own_appeal"] = encode_id("Appeal", appeal.id)
    return world


# --- the operations --------------------------------------------------------------------------

# What a case can come to: a top-level error code, with its `reason` when it has one, a result
# union's __typename, or what the data reads as.
U = "UNAUTHENTICATED"
F = "FORBIDDEN"
F_SUS = "FORBIDDEN ACCOUNT_SUSPENDED"  # FORBIDDEN with extensions.reason
F_BAN = "FORBIDDEN ACCOUNT_BANNED"
F_SIL = "FORBIDDEN ACCOUNT_SILENCED"
OK = "ok"  # the row's success type
MISSING = "NotFoundError"
CONFLICT = "ConflictError"
INVALID = "ValidationError"
NOT_ELIGIBLE = "NotEligibleError"
POOR = "InsufficientPointsError"
PUBLISHED = "PUBLISHED"  # an episode's state once sent: on air at once
MEMBER = "MEMBER"  # joinGroup's membershipState: in at once
PENDING = "PENDING"  # joinGroup's membershipState: a request waits for the group's staff
SUBMITTED = "SUBMITTED"  # waiting for a head's review


def typename(value: Any) -> str:
    return value["__typename"]


def items(value: Any) -> str:
    count = len(value["edges"])
    return f"{count} item" if count == 1 else f"{count} items"


def marked(value: Any) -> str:
    return f"{value['marked']} marked"


def item_or_null(value: Any) -> str:
    return "null" if value is None else "item"


def answered(value: Any) -> str:
    return OK


def episode_state(value: Any) -> str:
    """The episode's state on success (PUBLISHED or SUBMITTED), else the error's type."""
    return value["episode"]["state"] if "episode" in value else value["__typename"]


def membership(value: Any) -> str:
    """joinGroup's membershipState on success, else the error's type."""
    return value.get("membershipState") or value["__typename"]


def first_outcome(value: Any) -> str:
    """A bulk decision's first item: "done", or the error it failed with."""
    error = value["outcomes"][0]["error"]
    return "done" if error is None else error["__typename"]


@dataclass(frozen=True)
class Operation:
    """One row: a document with one root field, what its world needs, how its data reads."""

    document: str
    needs: frozenset[str] = frozenset()
    # The __typename that OK stands for; by default the field's own `<Field>Success`.
    success: str | None = None
    describe: Callable[[Any], str] = typename

    def variables(self, world: World) -> dict[str, str]:
        return {
            name: value
            for name, value in world.variables.items()
            if re.search(rf"\${name}\b", self.document)
        }


def op(document: str, *needs: str, success: str | None = None, **kw: Any) -> Operation:
    return Operation(document, frozenset(needs), success, **kw)


# A row is named by its root field, and after a colon by what sets it apart from another row
# of the same field.
OPS: dict[str, Operation] = {
    # Moderation queries (the old module's matrix).
    "moderationQueue": op("query { moderationQueue { edges { node { id } } } }", describe=items),
    "moderationItem": op(
        "query($item: ID!) { moderationItem(id: $item) { id reports { reason } } }",
        describe=item_or_null,
    ),
    # An item about a post of the caller's own, in the group they belong to.
    "moderationItem:about the caller": op(
        "query($own_item: ID!) { moderationItem(id: $own_item) { id reports { reason } } }",
        "own_item",
        describe=item_or_null,
    ),
    "moderationPendingCount": op("query { moderationPendingCount }", describe=str),
    "auditLog": op("query { auditLog { edges { node { id } } } }", describe=answered),
    "moderationRules": op("query { moderationRules { id } }", describe=answered),
    # Accounts.
    "register": op(
        'mutation { register(input: {handle: "newcomer", password: "password-123", displayName: "Newcomer"}) { __typename } }'
    ),
    # Everyone signs in as themselves (anonymous callers as `member`).
    "signIn": op(
        'mutation($me: String!) { signIn(input: {handle: $me, password: "password-123"}) { __typename } }',
        "password",
    ),
    "updateProfile": op('mutation { updateProfile(input: {bio: "hello"}) { __typename } }'),
    "followUser": op('mutation { followUser(input: {handle: "author"}) { __typename } }'),
    "unfollowUser": op('mutation { unfollowUser(input: {handle: "author"}) { __typename } }'),
    # Groups.
    "createGroup": op(
        'mutation { createGroup(input: {slug: "newgroup", name: "New group"}) { __typename } }'
    ),
    "updateGroup": op(
        'mutation { updateGroup(input: {slug: "here", description: "about us"}) { __typename } }'
    ),
    "joinGroup": op('mutation { joinGroup(input: {slug: "elsewhere"}) { __typename } }'),
    "leaveGroup": op('mutation { leaveGroup(input: {slug: "here"}) { __typename } }'),
    # Posts: the reported post, and a draft of the author's.
    "createPost": op(
        'mutation { createPost(input: {kind: MOMENT, body: "hello", groupSlug: "here"}) { __typename } }'
    ),
    "updatePost": op(
        'mutation($post: ID!) { updatePost(input: {postId: $post, body: "edited"}) { __typename } }'
    ),
    "deletePost": op("mutation($post: ID!) { deletePost(input: {postId: $post}) { __typename } }"),
    "publishPost": op(
        "mutation($draft: ID!) { publishPost(input: {postId: $draft}) { __typename } }", "draft"
    ),
    "schedulePost": op(
        "mutation($draft: ID!, $at: DateTime!) { schedulePost(input: {postId: $draft, publishAt: $at}) { __typename } }",
        "draft",
    ),
    # Credits given when writing: `member` (a member of `here`) credited.
    "createPost:with credits": op(
        'mutation { createPost(input: {kind: MOMENT, body: "hello", groupSlug: "here", credits: [{handle: "member", role: WRITER}]}) { __typename } }'
    ),
    "updatePost:with credits": op(
        'mutation($post: ID!) { updatePost(input: {postId: $post, credits: [{handle: "member", role: WRITER}]}) { __typename } }'
    ),
    # Comments and reactions: the author's comment on the reported post.
    "addComment": op(
        'mutation($post: ID!) { addComment(input: {postId: $post, body: "nice"}) { __typename } }'
    ),
    "deleteComment": op(
        "mutation($comment: ID!) { deleteComment(input: {commentId: $comment}) { __typename } }",
        "comment",
    ),
    "addReaction": op(
        "mutation($post: ID!) { addReaction(input: {subjectId: $post}) { __typename } }"
    ),
    "removeReaction": op(
        "mutation($post: ID!) { removeReaction(input: {subjectId: $post}) { __typename } }"
    ),
    # The same on the author's published episode.
    "addComment:on an episode": op(
        'mutation($episode: ID!) { addComment(input: {postId: $episode, body: "nice"}) { __typename } }',
        "radio",
    ),
    "addReaction:on an episode": op(
        "mutation($episode: ID!) { addReaction(input: {subjectId: $episode}) { __typename } }",
        "radio",
    ),
    "removeReaction:on an episode": op(
        "mutation($episode: ID!) { removeReaction(input: {subjectId: $episode}) { __typename } }",
        "radio",
    ),
    # Credits: `member` is credited on the reported post and has not answered yet.
    "respondToCredit": op(
        "mutation($credit: ID!) { respondToCredit(input: {creditId: $credit, accept: true}) { __typename } }",
        "credit",
    ),
    "removeCredit": op(
        "mutation($credit: ID!) { removeCredit(input: {creditId: $credit}) { __typename } }",
        "credit",
    ),
    # Notifications: one unread of the caller's own, and one of the author's.
    "markNotificationsRead": op(
        "mutation($mine: ID!) { markNotificationsRead(input: {ids: [$mine]}) { ... on MarkNotificationsReadSuccess { marked } } }",
        "notifications",
        describe=marked,
    ),
    "markNotificationsRead:the author's": op(
        "mutation($authors: ID!) { markNotificationsRead(input: {ids: [$authors]}) { ... on MarkNotificationsReadSuccess { marked } } }",
        "notifications",
        describe=marked,
    ),
    "markAllNotificationsRead": op(
        "mutation { markAllNotificationsRead { ... on MarkAllNotificationsReadSuccess { marked } } }",
        "notifications",
        describe=marked,
    ),
    # Admin: `employee` and `recruit` hold badges, `employee` operates the persona `helper`.
    "grantEmployeeBadge": op(
        'mutation { grantEmployeeBadge(input: {handle: "member", department: "Sales", title: "CEO", executive: true}) { __typename } }'
    ),
    "revokeEmployeeBadge": op(
        'mutation { revokeEmployeeBadge(input: {handle: "employee"}) { __typename } }', "personas"
    ),
    "createPersonaAccount": op(
        'mutation { createPersonaAccount(input: {handle: "helper_bot", displayName: "Helper", domain: SERVICE}) { __typename } }'
    ),
    "addPersonaOperator": op(
        'mutation { addPersonaOperator(input: {personaHandle: "helper", operatorHandle: "recruit"}) { __typename } }',
        "personas",
    ),
    "removePersonaOperator": op(
        'mutation { removePersonaOperator(input: {personaHandle: "helper", operatorHandle: "employee"}) { __typename } }',
        "personas",
    ),
    "setGroupCertified": op(
        'mutation { setGroupCertified(input: {slug: "here", certified: true}) { __typename } }'
    ),
    "setUserIdentity": op(
        'mutation { setUserIdentity(input: {handle: "member", identity: OWNER}) { __typename } }'
    ),
    "setUserRole": op(
        'mutation { setUserRole(input: {handle: "member", role: ADMIN}) { __typename } }'
    ),
    # Radio: `owner_here` heads the station `here-radio`, `admin_elsewhere` heads
    # `elsewhere-radio`; `author` has an episode published on `here-radio` and one submitted.
    "createRadioStation": op(
        'mutation { createRadioStation(input: {slug: "new-radio", name: "New radio", city: "Tartu"}) { __typename } }'
    ),
    "updateRadioStation": op(
        'mutation { updateRadioStation(input: {slug: "here-radio", description: "our city"}) { __typename } }',
        "radio",
    ),
    "appointStationHead": op(
        'mutation { appointStationHead(input: {stationSlug: "here-radio", handle: "member"}) { __typename } }',
        "radio",
    ),
    "removeStationHead": op(
        'mutation { removeStationHead(input: {stationSlug: "here-radio", handle: "owner_here"}) { __typename } }',
        "radio",
    ),
    "followStation": op(
        'mutation { followStation(input: {stationSlug: "here-radio"}) { __typename } }', "radio"
    ),
    "unfollowStation": op(
        'mutation { unfollowStation(input: {stationSlug: "here-radio"}) { __typename } }',
        "radio",
    ),
    # A head's episode goes on air at once, anyone else's waits for a head.
    "submitEpisode": op(
        'mutation { submitEpisode(input: {stationSlug: "here-radio", title: "news", audio: {url: "https://cdn.example.com/news.mp3", durationSeconds: 60, mimeType: "audio/mpeg"}}) { __typename ... on SubmitEpisodeSuccess { episode { state } } } }',
        "radio",
        describe=episode_state,
    ),
    "reviewEpisode": op(
        "mutation($submitted: ID!) { reviewEpisode(input: {episodeId: $submitted, approve: true}) { __typename } }",
        "radio",
    ),
    "updateEpisode": op(
        'mutation($episode: ID!) { updateEpisode(input: {episodeId: $episode, title: "edited"}) { __typename } }',
        "radio",
    ),
    # Only the author names who an episode was made with; a head edits the rest.
    "updateEpisode:with credits": op(
        'mutation($episode: ID!) { updateEpisode(input: {episodeId: $episode, credits: [{handle: "reporter", role: GUEST}]}) { __typename } }',
        "radio",
    ),
    "updateEpisode:submitted": op(
        'mutation($submitted: ID!) { updateEpisode(input: {episodeId: $submitted, title: "edited"}) { __typename } }',
        "radio",
    ),
    "deleteEpisode": op(
        "mutation($episode: ID!) { deleteEpisode(input: {episodeId: $episode}) { __typename } }",
        "radio",
    ),
    "deleteEpisode:submitted": op(
        "mutation($submitted: ID!) { deleteEpisode(input: {episodeId: $submitted}) { __typename } }",
        "radio",
    ),
    "recordPlay": op(
        "mutation($episode: ID!) { recordPlay(input: {episodeId: $episode}) { __typename } }",
        "radio",
    ),
    # Collections: `owner_here` curates `here-books` (which holds the published episode),
    # `admin_elsewhere` curates `elsewhere-books`.
    "createCollection": op(
        'mutation { createCollection(input: {slug: "new-books", title: "New books"}) { __typename } }'
    ),
    "updateCollection": op(
        'mutation { updateCollection(input: {slug: "here-books", description: "our picks"}) { __typename } }',
        "collections",
    ),
    "addCollectionCurator": op(
        'mutation { addCollectionCurator(input: {collectionSlug: "here-books", handle: "member"}) { __typename } }',
        "collections",
    ),
    "removeCollectionCurator": op(
        'mutation { removeCollectionCurator(input: {collectionSlug: "here-books", handle: "owner_here"}) { __typename } }',
        "collections",
    ),
    "addToCollection": op(
        'mutation($post: ID!) { addToCollection(input: {collectionSlug: "here-books", workId: $post}) { __typename } }',
        "collections",
    ),
    "removeFromCollection": op(
        'mutation($episode: ID!) { removeFromCollection(input: {collectionSlug: "here-books", workId: $episode}) { __typename } }',
        "collections",
    ),
    "moveInCollection": op(
        'mutation($episode: ID!) { moveInCollection(input: {collectionSlug: "here-books", workId: $episode, position: 0}) { __typename } }',
        "collections",
    ),
    # Featured works: the reported post (featured already, for unfeatureWork).
    "featureWork": op(
        "mutation($post: ID!) { featureWork(input: {workId: $post}) { __typename } }"
    ),
    "unfeatureWork": op(
        "mutation($post: ID!) { unfeatureWork(input: {workId: $post}) { __typename } }",
        "featured",
    ),
    # The queue: the item about the reported post.
    "reportContent": op(
        "mutation($post: ID!) { reportContent(input: {targetId: $post, reason: SPAM}) { __typename } }"
    ),
    "claimQueueItem": op(
        "mutation($item: ID!) { claimQueueItem(input: {itemId: $item}) { __typename } }",
        success="ClaimQueueItemSuccess",
    ),
    # `moderator` has claimed the item.
    "releaseQueueItem": op(
        "mutation($item: ID!) { releaseQueueItem(input: {itemId: $item}) { __typename } }",
        "claimed",
        success="ReleaseQueueItemSuccess",
    ),
    # Items about a post of the caller's own, in the group they belong to.
    "claimQueueItem:about the caller": op(
        "mutation($own_item: ID!) { claimQueueItem(input: {itemId: $own_item}) { __typename } }",
        "own_item",
        success="ClaimQueueItemSuccess",
    ),
    "addQueueNote:about the caller": op(
        'mutation($own_item: ID!) { addQueueNote(input: {itemId: $own_item, text: "mine"}) { __typename } }',
        "own_item",
    ),
    "resolveQueueItem:HIDE about the caller": op(
        'mutation($own_item: ID!) { resolveQueueItem(input: {itemId: $own_item, actions: [HIDE], reason: "spam"}) { __typename } }',
        "own_item",
    ),
    "addQueueNote": op(
        'mutation($item: ID!) { addQueueNote(input: {itemId: $item, text: "looked"}) { __typename } }'
    ),
    "resolveQueueItem:HIDE": op(
        'mutation($item: ID!) { resolveQueueItem(input: {itemId: $item, actions: [HIDE], reason: "spam"}) { __typename } }'
    ),
    "resolveQueueItem:REMOVE+SUSPEND": op(
        'mutation($item: ID!) { resolveQueueItem(input: {itemId: $item, actions: [REMOVE, SUSPEND], reason: "spam", days: 3}) { __typename } }'
    ),
    "resolveQueueItems:HIDE": op(
        'mutation($item: ID!) { resolveQueueItems(input: {itemIds: [$item], actions: [HIDE], reason: "spam"}) { __typename ... on ResolveQueueItemsSuccess { outcomes { error { __typename } } } } }',
        describe=first_outcome,
    ),
    # Appeals: `moderator` hid the reported post (the author's); the author appealed that.
    "appealDecision": op(
        'mutation($decision: ID!) { appealDecision(input: {decisionId: $decision, text: "please"}) { __typename } }',
        "decided",
        success="AppealDecisionSuccess",
    ),
    # A moderator (an admin, for `moderator`) hid a post of the caller's own.
    "appealDecision:own": op(
        'mutation($own_decision: ID!) { appealDecision(input: {decisionId: $own_decision, text: "please"}) { __typename } }',
        "own_decision",
        success="AppealDecisionSuccess",
    ),
    "decideAppeal": op(
        'mutation($appeal: ID!) { decideAppeal(input: {appealId: $appeal, overturn: true, reason: "fair"}) { __typename } }',
        "appealed",
        success="DecideAppealSuccess",
    ),
    # Another moderator made the decision appealed.
    "decideAppeal:a peer's decision": op(
        'mutation($appeal: ID!) { decideAppeal(input: {appealId: $appeal, overturn: true, reason: "fair"}) { __typename } }',
        "peer_appealed",
        success="DecideAppealSuccess",
    ),
    # The caller appealed a decision about a post of their own.
    "decideAppeal:the caller's own appeal": op(
        'mutation($own_appeal: ID!) { decideAppeal(input: {appealId: $own_appeal, overturn: true, reason: "fair"}) { __typename } }',
        "own_appeal",
        success="DecideAppealSuccess",
    ),
    # Watched words: a rule for "spam" exists.
    "createModerationRule": op(
        'mutation { createModerationRule(input: {pattern: "scam", match: WORD, action: BLOCK}) { __typename } }',
        success="CreateModerationRuleSuccess",
    ),
    "updateModerationRule": op(
        'mutation($rule: ID!) { updateModerationRule(input: {ruleId: $rule, pattern: "spam", match: WORD, action: HOLD}) { __typename } }',
        "rule",
        success="UpdateModerationRuleSuccess",
    ),
    "deleteModerationRule": op(
        "mutation($rule: ID!) { deleteModerationRule(input: {ruleId: $rule}) { __typename } }",
        "rule",
    ),
    # KOC programmes: the world's accounts are FANs; with "koc", `member` has applied to the
    # story scouts (pending) and `author` is one of them.
    "updateKocProgram": op(
        "mutation { updateKocProgram(input: {kind: STORY_SCOUT, seats: 120}) { __typename } }"
    ),
    # The story scouts take every identity.
    "applyForKocRole": op(
        'mutation { applyForKocRole(input: {kind: STORY_SCOUT, statement: "I find stories everywhere."}) { __typename } }'
    ),
    # The perk partners take owners alone.
    "applyForKocRole:owners only": op(
        'mutation { applyForKocRole(input: {kind: PERK_PARTNER, statement: "I have perks to share."}) { __typename } }'
    ),
    "withdrawKocApplication": op(
        "mutation($koc_application: ID!) { withdrawKocApplication(input: {applicationId: $koc_application}) { __typename } }",
        "koc",
    ),
    "reviewKocApplication": op(
        'mutation($koc_application: ID!) { reviewKocApplication(input: {applicationId: $koc_application, approve: true, note: "welcome"}) { __typename } }',
        "koc",
    ),
    "renewKocRole": op(
        "mutation($koc_role: ID!) { renewKocRole(input: {roleId: $koc_role, termMonths: 6}) { __typename } }",
        "koc",
    ),
    "revokeKocRole": op(
        'mutation($koc_role: ID!) { revokeKocRole(input: {roleId: $koc_role, reason: "no stories"}) { __typename } }',
        "koc",
    ),
    # Certification: with "certification_room" `here` has the members it needs, with
    # "certification" `owner_here` has applied (pending), with "certified" it is certified.
    "applyForGroupCertification": op(
        'mutation { applyForGroupCertification(input: {slug: "here", industry: EDUCATION, evidence: "Our members all teach at schools in Tallinn."}) { __typename } }',
        "certification_room",
    ),
    "applyForGroupCertification:too few members": op(
        'mutation { applyForGroupCertification(input: {slug: "here", industry: EDUCATION, evidence: "Our members all teach at schools in Tallinn."}) { __typename } }'
    ),
    "withdrawGroupCertificationApplication": op(
        "mutation($certification: ID!) { withdrawGroupCertificationApplication(input: {applicationId: $certification}) { __typename } }",
        "certification",
    ),
    "reviewGroupCertification": op(
        'mutation($certification: ID!) { reviewGroupCertification(input: {applicationId: $certification, approve: true, note: "welcome"}) { __typename } }',
        "certification",
    ),
    "revokeGroupCertification": op(
        'mutation { revokeGroupCertification(input: {slug: "here", reason: "no longer teachers"}) { __typename } }',
        "certified",
    ),
    "revokeGroupCertification:not certified": op(
        'mutation { revokeGroupCertification(input: {slug: "here", reason: "no longer teachers"}) { __typename } }'
    ),
    "groupCertificationApplications": op(
        "query { groupCertificationApplications { edges { node { id } } } }",
        "certification",
        describe=items,
    ),
    # Invitations: `guest` is in no group; with "invitation" `member` invited `guest` to
    # `here`; with "own_invitation" the caller is invited to `yonder` (owned by `reporter`).
    # Invite links: one for `here` by `owner_here`, one for `elsewhere` (revoked with
    # "revoked_link").
    "inviteToGroup": op(
        'mutation { inviteToGroup(input: {slug: "here", handle: "guest"}) { __typename } }',
        "guest",
    ),
    "inviteToGroup:invite-only group": op(
        'mutation { inviteToGroup(input: {slug: "here", handle: "guest"}) { __typename } }',
        "guest",
        "invite_only",
    ),
    "respondToGroupInvitation": op(
        "mutation($own_invitation: ID!) { respondToGroupInvitation(input: {invitationId: $own_invitation, accept: true}) { __typename } }",
        "own_invitation",
    ),
    "respondToGroupInvitation:declining": op(
        "mutation($own_invitation: ID!) { respondToGroupInvitation(input: {invitationId: $own_invitation, accept: false}) { __typename } }",
        "own_invitation",
    ),
    "respondToGroupInvitation:someone else's": op(
        "mutation($invitation: ID!) { respondToGroupInvitation(input: {invitationId: $invitation, accept: true}) { __typename } }",
        "invitation",
    ),
    "revokeGroupInvitation": op(
        "mutation($invitation: ID!) { revokeGroupInvitation(input: {invitationId: $invitation}) { __typename } }",
        "invitation",
    ),
    "createGroupInviteLink": op(
        'mutation { createGroupInviteLink(input: {slug: "here", maxUses: 5, expiresInHours: 24}) { __typename } }'
    ),
    "joinGroupByInvite": op(
        "mutation($elsewhere_code: String!) { joinGroupByInvite(input: {code: $elsewhere_code}) { __typename } }",
        "invite_links",
    ),
    "joinGroupByInvite:revoked link": op(
        "mutation($elsewhere_code: String!) { joinGroupByInvite(input: {code: $elsewhere_code}) { __typename } }",
        "invite_links",
        "revoked_link",
    ),
    "revokeGroupInviteLink": op(
        "mutation($here_link: ID!) { revokeGroupInviteLink(input: {linkId: $here_link}) { __typename } }",
        "invite_links",
    ),
    # Join policies: `elsewhere` approves its members ("approval") or takes them by
    # invitation alone ("elsewhere_invite_only"); with "join_request" `here` approves its
    # members and `applicant` waits; with "here_full" `here` is at its member limit.
    "joinGroup:an APPROVAL group": op(
        'mutation { joinGroup(input: {slug: "elsewhere", answer: "I drive one too."}) { __typename ... on JoinGroupSuccess { membershipState } } }',
        "approval",
        describe=membership,
    ),
    "joinGroup:an INVITE_ONLY group": op(
        'mutation { joinGroup(input: {slug: "elsewhere"}) { __typename ... on JoinGroupSuccess { membershipState } } }',
        "elsewhere_invite_only",
        describe=membership,
    ),
    "decideJoinRequest": op(
        "mutation($join_request: ID!) { decideJoinRequest(input: {requestId: $join_request, approve: true}) { __typename } }",
        "join_request",
    ),
    "decideJoinRequest:reject": op(
        'mutation($join_request: ID!) { decideJoinRequest(input: {requestId: $join_request, approve: false, note: "Not now."}) { __typename } }',
        "join_request",
    ),
    "decideJoinRequest:a full group": op(
        "mutation($join_request: ID!) { decideJoinRequest(input: {requestId: $join_request, approve: true}) { __typename } }",
        "join_request",
        "here_full",
    ),
    # Group staff: `here` is run by `owner_here`, `admin_here` and `moderator_here`; with
    # "outcast" an account in no group exists, with "group_ban" it is barred from `here`.
    "setGroupMemberRole": op(
        'mutation { setGroupMemberRole(input: {slug: "here", handle: "member", role: MODERATOR}) { __typename } }'
    ),
    "setGroupMemberRole:an admin": op(
        'mutation { setGroupMemberRole(input: {slug: "here", handle: "admin_here", role: MEMBER}) { __typename } }'
    ),
    "setGroupMemberRole:OWNER": op(
        'mutation { setGroupMemberRole(input: {slug: "here", handle: "member", role: OWNER}) { __typename } }'
    ),
    "removeGroupMember": op(
        'mutation { removeGroupMember(input: {slug: "here", handle: "author", reason: "spam"}) { __typename } }'
    ),
    "removeGroupMember:the owner": op(
        'mutation { removeGroupMember(input: {slug: "here", handle: "owner_here", reason: "spam"}) { __typename } }'
    ),
    "removeGroupMember:ban a non-member": op(
        'mutation { removeGroupMember(input: {slug: "here", handle: "outcast", reason: "spam", ban: true}) { __typename } }',
        "outcast",
    ),
    "liftGroupBan": op(
        'mutation { liftGroupBan(input: {slug: "here", handle: "outcast"}) { __typename } }',
        "group_ban",
    ),
    "liftGroupBan:no ban": op(
        'mutation { liftGroupBan(input: {slug: "here", handle: "member"}) { __typename } }'
    ),
    "transferGroupOwnership": op(
        'mutation { transferGroupOwnership(input: {slug: "here", handle: "member"}) { __typename } }'
    ),
    "transferGroupOwnership:to a suspended member": op(
        'mutation { transferGroupOwnership(input: {slug: "here", handle: "suspended"}) { __typename } }'
    ),
    "transferGroupOwnership:to a non-member": op(
        'mutation { transferGroupOwnership(input: {slug: "here", handle: "admin_elsewhere"}) { __typename } }'
    ),
    "group:bans": op(
        'query { group(slug: "here") { bans { edges { node { reason } } } } }',
        "group_ban",
        describe=lambda value: "null" if value["bans"] is None else items(value["bans"]),
    ),
    # Product feedback: with "feedback" the reported post is marked as feedback.
    "adoptFeedback": op(
        'mutation($post: ID!) { adoptFeedback(input: {postId: $post, note: "shipping it"}) { __typename } }',
        "feedback",
    ),
    "createPost:as feedback": op(
        'mutation { createPost(input: {kind: MOMENT, body: "hello", groupSlug: "here", feedback: true}) { __typename } }'
    ),
    "updatePost:as feedback": op(
        "mutation($post: ID!) { updatePost(input: {postId: $post, feedback: true}) { __typename } }"
    ),
    # Points and contribution: with "points" every account holds 100 points.
    "checkIn": op("mutation { checkIn { __typename } }"),
    "spendPoints": op(
        'mutation { spendPoints(input: {amount: 10, reason: "a charging voucher", idempotencyKey: "spend-0001"}) { __typename } }',
        "points",
    ),
    "spendPoints:more than the balance": op(
        'mutation { spendPoints(input: {amount: 1000, reason: "a charging voucher", idempotencyKey: "spend-0002"}) { __typename } }',
        "points",
    ),
    "adjustPoints": op(
        'mutation { adjustPoints(input: {handle: "member", amount: -30, reason: "a duplicate award", idempotencyKey: "fix-0001"}) { __typename } }',
        "points",
    ),
    "adjustPoints:below zero": op(
        'mutation { adjustPoints(input: {handle: "member", amount: -300, reason: "a duplicate award", idempotencyKey: "fix-0002"}) { __typename } }',
        "points",
    ),
    "recordActivity": op(
        'mutation { recordActivity(input: {handle: "member", rule: "REFERRAL_TEST_DRIVE", reference: "TEST_DRIVE:TD-1", idempotencyKey: "td-00001"}) { __typename } }'
    ),
    "recordActivity:a banned account": op(
        'mutation { recordActivity(input: {handle: "banned", rule: "REFERRAL_TEST_DRIVE", reference: "TEST_DRIVE:TD-2", idempotencyKey: "td-00002"}) { __typename ... on RecordActivitySuccess { credited } } }',
        describe=lambda value: (
            f"credited {str(value['credited']).lower()}"
            if "credited" in value
            else value["__typename"]
        ),
    ),
    "updatePointsRule": op(
        'mutation { updatePointsRule(input: {key: "DAILY_CHECK_IN", amount: 8}) { __typename } }'
    ),
    "updateContributionRule": op(
        'mutation { updateContributionRule(input: {key: "DAILY_INTERACTION", dailyCap: 5}) { __typename } }'
    ),
    "user:points": op(
        'query { user(handle: "member") { points { balance entries { edges { node { amount } } } } } }',
        "points",
        describe=lambda value: (
            "null" if value["points"] is None else items(value["points"]["entries"])
        ),
    ),
    "user:contributionEntries": op(
        'query { user(handle: "member") { contributionEntries { edges { node { amount } } } } }',
        describe=lambda value: (
            "null" if value["contributionEntries"] is None else items(value["contributionEntries"])
        ),
    ),
    # The club: with "club" `member` sponsors it this year.
    "grantClubMembership": op(
        'mutation { grantClubMembership(input: {handle: "author", kind: FOUNDER, reason: "a founding owner"}) { __typename } }'
    ),
    "grantClubMembership:a seat held": op(
        'mutation { grantClubMembership(input: {handle: "member", kind: SPONSOR, reason: "again"}) { __typename } }',
        "club",
    ),
    "revokeClubMembership": op(
        'mutation($membership: ID!) { revokeClubMembership(input: {membershipId: $membership, reason: "left the company"}) { __typename } }',
        "club",
    ),
    "runClubAnnual": op("mutation { runClubAnnual(input: {year: 2025}) { __typename } }"),
    # Events: with "event" `owner_here` runs a meetup of `here` in Hefei about to start; with
    # "signup" `member` holds a seat (code MEMBER01) and `author` volunteers in Hefei.
    "createEvent": op(
        'mutation($starts: DateTime!, $ends: DateTime!) { createEvent(input: {title: "Owners online", kind: ONLINE, startsAt: $starts, endsAt: $ends, capacity: 50}) { __typename } }',
        "times",
    ),
    "createEvent:in here": op(
        'mutation($starts: DateTime!, $ends: DateTime!) { createEvent(input: {title: "Coffee morning", kind: OFFLINE, city: "Hefei", venue: "The plant", startsAt: $starts, endsAt: $ends, capacity: 20, groupSlug: "here"}) { __typename } }',
        "times",
    ),
    "updateEvent": op(
        'mutation($event: ID!) { updateEvent(input: {eventId: $event, title: "Coffee, cars and cake"}) { __typename } }',
        "event",
    ),
    "cancelEvent": op(
        'mutation($event: ID!) { cancelEvent(input: {eventId: $event, reason: "the hall flooded"}) { __typename } }',
        "event",
    ),
    "signUpForEvent": op(
        "mutation($event: ID!) { signUpForEvent(input: {eventId: $event, guests: 1}) { __typename } }",
        "event",
    ),
    "signUpForEvent:signed up already": op(
        "mutation($event: ID!) { signUpForEvent(input: {eventId: $event}) { __typename } }",
        "signup",
    ),
    "cancelEventSignup": op(
        "mutation($signup: ID!) { cancelEventSignup(input: {signupId: $signup}) { __typename } }",
        "signup",
    ),
    "checkInAttendee": op(
        'mutation($event: ID!) { checkInAttendee(input: {eventId: $event, code: "member01"}) { __typename } }',
        "signup",
    ),
    "node:Event.attendees": op(
        "query($event: ID!) { node(id: $event) { ... on Event { attendees { edges { node { id } } } } } }",
        "signup",
        describe=lambda value: "null" if value["attendees"] is None else items(value["attendees"]),
    ),
    "node:EventSignup": op(
        "query($signup: ID!) { node(id: $signup) { __typename ... on EventSignup { checkInCode } } }",
        "signup",
        describe=lambda value: "null" if value is None else f"code {value['checkInCode']}",
    ),
    # Polls: with "poll" `moderator` asks everyone, one vote each; with "group_poll"
    # `owner_here` asks `here`; "weighted" weighs by contribution; with "votes" `member` voted.
    "createPoll": op(
        'mutation($ends: DateTime!) { createPoll(input: {question: "Which city next?", options: ["Hefei", "Wuhan"], closesAt: $ends}) { __typename } }',
        "times",
    ),
    "createPoll:in here": op(
        'mutation($ends: DateTime!) { createPoll(input: {question: "Which road trip?", options: ["Tibet", "Yunnan"], closesAt: $ends, groupSlug: "here"}) { __typename } }',
        "times",
    ),
    "closePoll": op(
        "mutation($poll: ID!) { closePoll(input: {pollId: $poll}) { __typename } }", "group_poll"
    ),
    "castVote": op(
        "mutation($poll: ID!, $option: ID!) { castVote(input: {pollId: $poll, optionIds: [$option]}) { __typename } }",
        "poll",
    ),
    "castVote:weighted, by accounts a day old": op(
        "mutation($poll: ID!, $option: ID!) { castVote(input: {pollId: $poll, optionIds: [$option]}) { __typename } }",
        "poll",
        "weighted",
    ),
    "node:Poll.votes": op(
        "query($poll: ID!) { node(id: $poll) { ... on Poll { votes { edges { node { weight } } } } } }",
        "poll",
        "votes",
        describe=lambda value: "null" if value["votes"] is None else items(value["votes"]),
    ),
    # Ratings: with "attended" `member` was let in to the meetup.
    "rateExperience": op(
        'mutation { rateExperience(input: {subject: CHARGING, score: 4, comment: "quick and clean"}) { __typename } }'
    ),
    "rateExperience:an event": op(
        "mutation($event: ID!) { rateExperience(input: {subject: EVENT, score: 5, eventId: $event}) { __typename } }",
        "attended",
    ),
    "satisfactionSummary": op(
        "query { satisfactionSummary { count } }",
        describe=lambda value: f"{value['count']} ratings",
    ),
    "ratings": op(
        "query { ratings { edges { node { score } } } }",
        describe=items,
    ),
}

# --- what each caller gets -------------------------------------------------------------------

# One row per operation, one answer per caller in ROLES order, for HTTP and WebSocket alike
# (see `expected` for the one difference).
# fmt: off
EXPECTED: dict[str, tuple[str, ...]] = {
    #                                          anonymous  member        author        owner_here    admin_here    moderator_here  admin_elsewhere  moderator     admin         suspended   banned      banned_admin  silenced_moderator
    # Moderation queries (the old matrix's rows and one more).
    "moderationQueue":                              (U,         F,            F,            "1 item",     "1 item",     "1 item",       "0 items",       "1 item",     "1 item",     F,          F,          F_BAN,        F_SIL),
    "moderationItem":                               (U,         F,            F,            "item",       "item",       "item",         "null",          "item",       "item",       F,          F,          F_BAN,        F_SIL),
    "moderationItem:about the caller":              (U,         F,            F,            "null",       "null",       "null",         "null",          "null",       "null",       F,          F,          F_BAN,        F_SIL),
    "moderationPendingCount":                       (U,         F,            F,            "1",          "1",          "1",            "0",             "1",          "1",          F,          F,          F_BAN,        F_SIL),
    "auditLog":                                     (U,         F,            F,            OK,           OK,           OK,             OK,              OK,           OK,           F,          F,          F_BAN,        F_SIL),
    "moderationRules":                              (U,         F,            F,            F,            F,            F,              F,               OK,           OK,           F,          F,          F_BAN,        F_SIL),
    # Accounts.
    "register":                                     (OK,        OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           OK,         OK,         OK,           OK),
    "signIn":                                       (OK,        OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           OK,         OK,         OK,           OK),
    "updateProfile":                                (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "followUser":                                   (U,         OK,           INVALID,      OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "unfollowUser":                                 (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    # Groups.
    "createGroup":                                  (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "updateGroup":                                  (U,         F,            F,            OK,           OK,           F,              F,               F,            OK,           F_SUS,      F_BAN,      F_BAN,        F),
    "joinGroup":                                    (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "leaveGroup":                                   (U,         OK,           OK,           CONFLICT,     OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    # Posts.
    "createPost":                                   (U,         OK,           OK,           OK,           OK,           OK,             F,               F,            F,            F_SUS,      F_BAN,      F_BAN,        F),
    "updatePost":                                   (U,         F,            OK,           F,            F,            F,              F,               F,            F,            F_SUS,      F_BAN,      F_BAN,        F),
    "deletePost":                                   (U,         F,            OK,           F,            F,            F,              F,               OK,           OK,           F_SUS,      F_BAN,      F_BAN,        F_SIL),
    "publishPost":                                  (U,         MISSING,      OK,           MISSING,      MISSING,      MISSING,        MISSING,         MISSING,      MISSING,      F_SUS,      F_BAN,      F_BAN,        MISSING),
    "schedulePost":                                 (U,         MISSING,      OK,           MISSING,      MISSING,      MISSING,        MISSING,         MISSING,      MISSING,      F_SUS,      F_BAN,      F_BAN,        MISSING),
    # `member` credited: nobody credits themselves.
    "createPost:with credits":                      (U,         INVALID,      OK,           OK,           OK,           OK,             F,               F,            F,            F_SUS,      F_BAN,      F_BAN,        F),
    "updatePost:with credits":                      (U,         F,            OK,           F,            F,            F,              F,               F,            F,            F_SUS,      F_BAN,      F_BAN,        F),
    # Comments and reactions.
    "addComment":                                   (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "deleteComment":                                (U,         F,            OK,           F,            F,            F,              F,               OK,           OK,           F_SUS,      F_BAN,      F_BAN,        F_SIL),
    "addReaction":                                  (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "removeReaction":                               (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    # The same on an episode.
    "addComment:on an episode":                     (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "addReaction:on an episode":                    (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "removeReaction:on an episode":                 (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    # Credits: the credited user alone answers or removes a credit; who cannot see a pending
    # credit (all but the credited user, the author and staff in good standing) finds none.
    "respondToCredit":                              (U,         OK,           F,            MISSING,      MISSING,      MISSING,        MISSING,         F,            F,            F_SUS,      F_BAN,      F_BAN,        MISSING),
    "removeCredit":                                 (U,         OK,           F,            MISSING,      MISSING,      MISSING,        MISSING,         F,            F,            MISSING,    MISSING,    MISSING,      MISSING),
    # Notifications: suspended and banned accounts too mark their own read.
    "markNotificationsRead":                        (U,         "1 marked",   "1 marked",   "1 marked",   "1 marked",   "1 marked",     "1 marked",      "1 marked",   "1 marked",   "1 marked", "1 marked", "1 marked",   "1 marked"),
    "markNotificationsRead:the author's":           (U,         "0 marked",   "1 marked",   "0 marked",   "0 marked",   "0 marked",     "0 marked",      "0 marked",   "0 marked",   "0 marked", "0 marked", "0 marked",   "0 marked"),
    "markAllNotificationsRead":                     (U,         "1 marked",   "1 marked",   "1 marked",   "1 marked",   "1 marked",     "1 marked",      "1 marked",   "1 marked",   "1 marked", "1 marked", "1 marked",   "1 marked"),
    # Admin mutations: admins alone.
    "grantEmployeeBadge":                           (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "revokeEmployeeBadge":                          (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "createPersonaAccount":                         (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "addPersonaOperator":                           (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "removePersonaOperator":                        (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "setGroupCertified":                            (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "setUserIdentity":                              (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "setUserRole":                                  (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    # Radio: admins open stations and appoint heads; any writer follows and submits (a head's
    # episode is published at once); heads of the station in good standing review, and change
    # what is not theirs; a submitted episode is missing to who may not review it.
    "createRadioStation":                           (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "updateRadioStation":                           (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "appointStationHead":                           (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "removeStationHead":                            (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "followStation":                                (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "unfollowStation":                              (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "submitEpisode":                                (U,         SUBMITTED,    SUBMITTED,    PUBLISHED,    SUBMITTED,    SUBMITTED,      SUBMITTED,       SUBMITTED,    SUBMITTED,    F_SUS,      F_BAN,      F_BAN,        SUBMITTED),
    "reviewEpisode":                                (U,         MISSING,      F,            OK,           MISSING,      MISSING,        MISSING,         F,            F,            F_SUS,      F_BAN,      F_BAN,        MISSING),
    "updateEpisode":                                (U,         F,            OK,           OK,           F,            F,              F,               F,            F,            F_SUS,      F_BAN,      F_BAN,        F),
    "updateEpisode:with credits":                   (U,         F,            OK,           F,            F,            F,              F,               F,            F,            F_SUS,      F_BAN,      F_BAN,        F),
    "updateEpisode:submitted":                      (U,         MISSING,      OK,           OK,           MISSING,      MISSING,        MISSING,         F,            F,            F_SUS,      F_BAN,      F_BAN,        MISSING),
    "deleteEpisode":                                (U,         F,            OK,           OK,           F,            F,              F,               F,            F,            F_SUS,      F_BAN,      F_BAN,        F),
    "deleteEpisode:submitted":                      (U,         MISSING,      OK,           OK,           MISSING,      MISSING,        MISSING,         F,            F,            F_SUS,      F_BAN,      F_BAN,        MISSING),
    # Plays count for anyone who can hear the episode, signed in or not.
    "recordPlay":                                   (OK,        OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           OK,         OK,         OK,           OK),
    # Collections: admins open them and name curators; curators of that collection in good
    # standing, and admins, change what it holds.
    "createCollection":                             (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "updateCollection":                             (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "addCollectionCurator":                         (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "removeCollectionCurator":                      (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "addToCollection":                              (U,         F,            F,            OK,           F,            F,              F,               F,            OK,           F_SUS,      F_BAN,      F_BAN,        F),
    "removeFromCollection":                         (U,         F,            F,            OK,           F,            F,              F,               F,            OK,           F_SUS,      F_BAN,      F_BAN,        F),
    "moveInCollection":                             (U,         F,            F,            OK,           F,            F,              F,               F,            OK,           F_SUS,      F_BAN,      F_BAN,        F),
    # Featured works: platform staff in good standing.
    "featureWork":                                  (U,         F,            F,            F,            F,            F,              F,               OK,           OK,           F,          F,          F_BAN,        F_SIL),
    "unfeatureWork":                                (U,         F,            F,            F,            F,            F,              F,               OK,           OK,           F,          F,          F_BAN,        F_SIL),
    # The queue: group admins work their group's items with content actions; nobody works an item
    # about themselves.
    "reportContent":                                (U,         OK,           INVALID,      OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "claimQueueItem":                               (U,         F,            F,            OK,           OK,           OK,             MISSING,         OK,           OK,           F,          F,          F_BAN,        F_SIL),
    "claimQueueItem:about the caller":              (U,         F,            F,            MISSING,      MISSING,      MISSING,        MISSING,         MISSING,      MISSING,      F,          F,          F_BAN,        F_SIL),
    "releaseQueueItem":                             (U,         F,            F,            CONFLICT,     CONFLICT,     CONFLICT,       MISSING,         OK,           CONFLICT,     F,          F,          F_BAN,        F_SIL),
    "addQueueNote":                                 (U,         F,            F,            OK,           OK,           OK,             MISSING,         OK,           OK,           F,          F,          F_BAN,        F_SIL),
    "addQueueNote:about the caller":                (U,         F,            F,            MISSING,      MISSING,      MISSING,        MISSING,         MISSING,      MISSING,      F,          F,          F_BAN,        F_SIL),
    "resolveQueueItem:HIDE":                        (U,         F,            F,            OK,           OK,           OK,             MISSING,         OK,           OK,           F,          F,          F_BAN,        F_SIL),
    "resolveQueueItem:REMOVE+SUSPEND":              (U,         F,            F,            F,            F,            F,              MISSING,         OK,           OK,           F,          F,          F_BAN,        F_SIL),
    "resolveQueueItem:HIDE about the caller":       (U,         F,            F,            MISSING,      MISSING,      MISSING,        MISSING,         MISSING,      MISSING,      F,          F,          F_BAN,        F_SIL),
    "resolveQueueItems:HIDE":                       (U,         F,            F,            "done",       "done",       "done",         MISSING,         "done",       "done",       F,          F,          F_BAN,        F_SIL),
    # Appeals: the affected user appeals, sanctioned or not; an appeal is decided at the decision's
    # level or above (a moderator's: moderators and admins), never by who decided or appealed.
    "appealDecision":                               (U,         MISSING,      OK,           MISSING,      MISSING,      MISSING,        MISSING,         MISSING,      MISSING,      MISSING,    MISSING,    MISSING,      MISSING),
    "appealDecision:own":                           (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           OK,         OK,         OK,           OK),
    "decideAppeal":                                 (U,         F,            F,            F,            F,            F,              MISSING,         CONFLICT,     OK,           F,          F,          F_BAN,        F_SIL),
    "decideAppeal:a peer's decision":               (U,         F,            F,            F,            F,            F,              MISSING,         OK,           OK,           F,          F,          F_BAN,        F_SIL),
    "decideAppeal:the caller's own appeal":         (U,         F,            F,            MISSING,      MISSING,      MISSING,        MISSING,         MISSING,      MISSING,      F,          F,          F_BAN,        F_SIL),
    # Watched words: platform staff alone.
    "createModerationRule":                         (U,         F,            F,            F,            F,            F,              F,               OK,           OK,           F,          F,          F_BAN,        F_SIL),
    "updateModerationRule":                         (U,         F,            F,            F,            F,            F,              F,               OK,           OK,           F,          F,          F_BAN,        F_SIL),
    "deleteModerationRule":                         (U,         F,            F,            F,            F,            F,              F,               OK,           OK,           F,          F,          F_BAN,        F_SIL),
    # KOC programmes: admins in good standing set them up; any account that may write applies
    # (silenced ones too), to the programmes open to its identity; only the applicant takes a
    # pending application back (someone else's reads as missing); moderators and admins in good
    # standing review applications and renew and revoke roles.
    "updateKocProgram":                             (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "applyForKocRole":                              (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "applyForKocRole:owners only":                  (U,         NOT_ELIGIBLE, NOT_ELIGIBLE, NOT_ELIGIBLE, NOT_ELIGIBLE, NOT_ELIGIBLE,   NOT_ELIGIBLE,    NOT_ELIGIBLE, NOT_ELIGIBLE, F_SUS,      F_BAN,      F_BAN,        NOT_ELIGIBLE),
    "withdrawKocApplication":                       (U,         OK,           MISSING,      MISSING,      MISSING,      MISSING,        MISSING,         MISSING,      MISSING,      MISSING,    MISSING,    MISSING,      MISSING),
    "reviewKocApplication":                         (U,         F,            F,            F,            F,            F,              F,               OK,           OK,           F,          F,          F_BAN,        F_SIL),
    "renewKocRole":                                 (U,         F,            F,            F,            F,            F,              F,               OK,           OK,           F,          F,          F_BAN,        F_SIL),
    "revokeKocRole":                                (U,         F,            F,            F,            F,            F,              F,               OK,           OK,           F,          F,          F_BAN,        F_SIL),
    # Certification: a group's owner in good standing applies (and withdraws; the group's admin
    # and platform admins see the application but may not); admins in good standing decide and
    # revoke.
    "applyForGroupCertification":                   (U,         F,            F,            OK,           F,            F,              F,               F,            F,            F_SUS,      F_BAN,      F_BAN,        F),
    "applyForGroupCertification:too few members":   (U,         F,            F,            NOT_ELIGIBLE, F,            F,              F,               F,            F,            F_SUS,      F_BAN,      F_BAN,        F),
    "withdrawGroupCertificationApplication":        (U,         MISSING,      MISSING,      OK,           F,            MISSING,        MISSING,         MISSING,      F,            F_SUS,      F_BAN,      F_BAN,        MISSING),
    "reviewGroupCertification":                     (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "revokeGroupCertification":                     (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "revokeGroupCertification:not certified":       (U,         F,            F,            F,            F,            F,              F,               F,            CONFLICT,     F,          F,          F_BAN,        F),
    "groupCertificationApplications":               (U,         F,            F,            F,            F,            F,              F,               F,            "1 item",     F,          F,          F_BAN,        F),
    # Invitations: any member of an open group in good standing invites, the group's staff and
    # admins alone to an invite-only one; the invitee alone answers (declining works for a
    # sanctioned account too); the inviter, the group's staff and admins revoke. Invite links:
    # the group's staff and admins make and revoke them; anyone who may write joins with one
    # (a member already: success, no use spent).
    "inviteToGroup":                                (U,         OK,           OK,           OK,           OK,           OK,             F,               F,            OK,           F_SUS,      F_BAN,      F_BAN,        F),
    "inviteToGroup:invite-only group":              (U,         F,            F,            OK,           OK,           OK,             F,               F,            OK,           F_SUS,      F_BAN,      F_BAN,        F),
    "respondToGroupInvitation":                     (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "respondToGroupInvitation:declining":           (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           OK,         OK,         OK,           OK),
    "respondToGroupInvitation:someone else's":      (U,         MISSING,      MISSING,      MISSING,      MISSING,      MISSING,        MISSING,         MISSING,      MISSING,      MISSING,    MISSING,    MISSING,      MISSING),
    "revokeGroupInvitation":                        (U,         OK,           MISSING,      OK,           OK,           OK,             MISSING,         MISSING,      OK,           F_SUS,      F_BAN,      F_BAN,        MISSING),
    "createGroupInviteLink":                        (U,         F,            F,            OK,           OK,           OK,             F,               F,            OK,           F_SUS,      F_BAN,      F_BAN,        F),
    "joinGroupByInvite":                            (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "joinGroupByInvite:revoked link":               (U,         NOT_ELIGIBLE, NOT_ELIGIBLE, NOT_ELIGIBLE, NOT_ELIGIBLE, NOT_ELIGIBLE,   OK,              NOT_ELIGIBLE, NOT_ELIGIBLE, F_SUS,      F_BAN,      F_BAN,        NOT_ELIGIBLE),
    "revokeGroupInviteLink":                        (U,         MISSING,      MISSING,      OK,           OK,           OK,             MISSING,         MISSING,      OK,           F_SUS,      F_BAN,      F_BAN,        MISSING),
    # Join requests: the group's staff and admins in good standing decide; to anyone else a
    # request is missing (a sanctioned admin is told why not).
    "joinGroup:an APPROVAL group":                  (U,         PENDING,      PENDING,      PENDING,      PENDING,      PENDING,        MEMBER,          PENDING,      PENDING,      F_SUS,      F_BAN,      F_BAN,        PENDING),
    "joinGroup:an INVITE_ONLY group":               (U,         NOT_ELIGIBLE, NOT_ELIGIBLE, NOT_ELIGIBLE, NOT_ELIGIBLE, NOT_ELIGIBLE,   MEMBER,          NOT_ELIGIBLE, NOT_ELIGIBLE, F_SUS,      F_BAN,      F_BAN,        NOT_ELIGIBLE),
    "decideJoinRequest":                            (U,         MISSING,      MISSING,      OK,           OK,           OK,             MISSING,         MISSING,      OK,           MISSING,    MISSING,    F_BAN,        MISSING),
    "decideJoinRequest:reject":                     (U,         MISSING,      MISSING,      OK,           OK,           OK,             MISSING,         MISSING,      OK,           MISSING,    MISSING,    F_BAN,        MISSING),
    "decideJoinRequest:a full group":               (U,         MISSING,      MISSING,      NOT_ELIGIBLE, NOT_ELIGIBLE, NOT_ELIGIBLE,   MISSING,         MISSING,      NOT_ELIGIBLE, MISSING,    MISSING,    F_BAN,        MISSING),
    # Group staff: owners and admins change roles below their own; owners, admins and
    # moderators remove (and bar) members below them; the owner alone hands the group over;
    # platform admins act as owners. Nobody removes the owner.
    "setGroupMemberRole":                           (U,         F,            F,            OK,           OK,           F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "setGroupMemberRole:an admin":                  (U,         F,            F,            OK,           F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "setGroupMemberRole:OWNER":                     (U,         F,            F,            INVALID,      INVALID,      F,              F,               F,            INVALID,      F,          F,          F_BAN,        F),
    "removeGroupMember":                            (U,         F,            INVALID,      OK,           OK,           OK,             F,               F,            OK,           F,          F,          F_BAN,        F),
    "removeGroupMember:the owner":                  (U,         F,            F,            INVALID,      CONFLICT,     CONFLICT,       F,               F,            CONFLICT,     F,          F,          F_BAN,        F),
    "removeGroupMember:ban a non-member":           (U,         F,            F,            OK,           OK,           OK,             F,               F,            OK,           F,          F,          F_BAN,        F),
    "liftGroupBan":                                 (U,         F,            F,            OK,           OK,           F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "liftGroupBan:no ban":                          (U,         F,            F,            MISSING,      MISSING,      F,              F,               F,            MISSING,      F,          F,          F_BAN,        F),
    "transferGroupOwnership":                       (U,         F,            F,            OK,           F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "transferGroupOwnership:to a suspended member": (U,         F,            F,            CONFLICT,     F,            F,              F,               F,            CONFLICT,     F,          F,          F_BAN,        F),
    "transferGroupOwnership:to a non-member":       (U,         F,            F,            MISSING,      F,            F,              F,               F,            MISSING,      F,          F,          F_BAN,        F),
    "group:bans":                                   ("null",    "null",       "null",       "1 item",     "1 item",     "1 item",       "null",          "null",       "1 item",     "null",     "null",     "null",       "null"),
    # Product feedback: authors mark their group posts; platform staff in good standing adopt.
    "adoptFeedback":                                (U,         F,            F,            F,            F,            F,              F,               OK,           OK,           F,          F,          F_BAN,        F_SIL),
    "createPost:as feedback":                       (U,         OK,           OK,           OK,           OK,           OK,             F,               F,            F,            F_SUS,      F_BAN,      F_BAN,        F),
    "updatePost:as feedback":                       (U,         F,            OK,           F,            F,            F,              F,               F,            F,            F_SUS,      F_BAN,      F_BAN,        F),
    # Points: whoever may write checks in and spends their own; admins correct balances and
    # rules; staff record back-office activity; a ledger's history is its owner's and staff's.
    "checkIn":                                      (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "spendPoints":                                  (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "spendPoints:more than the balance":            (U,         POOR,         POOR,         POOR,         POOR,         POOR,           POOR,            POOR,         POOR,         F_SUS,      F_BAN,      F_BAN,        POOR),
    "adjustPoints":                                 (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "adjustPoints:below zero":                      (U,         F,            F,            F,            F,            F,              F,               F,            POOR,         F,          F,          F_BAN,        F),
    "recordActivity":                               (U,         F,            F,            F,            F,            F,              F,               OK,           OK,           F,          F,          F_BAN,        F_SIL),
    "recordActivity:a banned account":              (U,         F,            F,            F,            F,            F,              F,               "credited false", "credited false", F, F,       F_BAN,        F_SIL),
    "updatePointsRule":                             (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "updateContributionRule":                       (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "user:points":                                  ("null",    "1 item",     "null",       "null",       "null",       "null",         "null",          "1 item",     "1 item",     "null",     "null",     "null",       "null"),
    "user:contributionEntries":                     ("null",    "0 items",    "null",       "null",       "null",       "null",         "null",          "0 items",    "0 items",    "null",     "null",     "null",       "null"),
    # The club: admins grant and revoke seats and run the year's choice.
    "grantClubMembership":                          (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "grantClubMembership:a seat held":              (U,         F,            F,            F,            F,            F,              F,               F,            CONFLICT,     F,          F,          F_BAN,        F),
    "revokeClubMembership":                         (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    "runClubAnnual":                                (U,         F,            F,            F,            F,            F,              F,               F,            OK,           F,          F,          F_BAN,        F),
    # Events: platform staff run any event, a group's owners and admins their group's; whoever
    # may write signs up; a signup is its holder's; the group's staff and a volunteer of the
    # city check people in; attendees and codes are for those who run the event.
    "createEvent":                                  (U,         F,            F,            F,            F,            F,              F,               OK,           OK,           F_SUS,      F_BAN,      F_BAN,        F_SIL),
    "createEvent:in here":                          (U,         F,            F,            OK,           OK,           F,              F,               OK,           OK,           F_SUS,      F_BAN,      F_BAN,        F_SIL),
    "updateEvent":                                  (U,         F,            F,            OK,           OK,           F,              F,               OK,           OK,           F_SUS,      F_BAN,      F_BAN,        F_SIL),
    "cancelEvent":                                  (U,         F,            F,            OK,           OK,           F,              F,               OK,           OK,           F_SUS,      F_BAN,      F_BAN,        F_SIL),
    "signUpForEvent":                               (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "signUpForEvent:signed up already":             (U,         NOT_ELIGIBLE, OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "cancelEventSignup":                            (U,         OK,           MISSING,      MISSING,      MISSING,      MISSING,        MISSING,         MISSING,      MISSING,      MISSING,    MISSING,    MISSING,      MISSING),
    "checkInAttendee":                              (U,         F,            OK,           OK,           OK,           OK,             F,               OK,           OK,           F,          F,          F,            F),
    "node:Event.attendees":                         ("null",    "null",       "null",       "1 item",     "1 item",     "1 item",       "null",          "1 item",     "1 item",     "null",     "null",     "null",       "null"),
    "node:EventSignup":                             ("null",    "code MEMBER01", "null",    "code MEMBER01", "code MEMBER01", "code MEMBER01", "null",     "code MEMBER01", "code MEMBER01", "null", "null",     "null",       "null"),
    # Polls: platform staff ask everyone, a group's staff ask the group; whoever may write
    # votes once; who voted how is for platform admins alone.
    "createPoll":                                   (U,         F,            F,            F,            F,            F,              F,               OK,           OK,           F_SUS,      F_BAN,      F_BAN,        F_SIL),
    "createPoll:in here":                           (U,         F,            F,            OK,           OK,           OK,             F,               OK,           OK,           F_SUS,      F_BAN,      F_BAN,        F_SIL),
    "closePoll":                                    (U,         F,            F,            OK,           OK,           OK,             F,               OK,           OK,           F_SUS,      F_BAN,      F_BAN,        F_SIL),
    "castVote":                                     (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "castVote:weighted, by accounts a day old":     (U,         NOT_ELIGIBLE, NOT_ELIGIBLE, NOT_ELIGIBLE, NOT_ELIGIBLE, NOT_ELIGIBLE,   NOT_ELIGIBLE,    NOT_ELIGIBLE, NOT_ELIGIBLE, F_SUS,      F_BAN,      F_BAN,        NOT_ELIGIBLE),
    "node:Poll.votes":                              ("null",    "null",       "null",       "null",       "null",       "null",         "null",          "null",       "1 item",     "null",     "null",     "null",       "null"),
    # Ratings: whoever may write rates; an event only after attending it; staff read them all,
    # a group's staff their group's events.
    "rateExperience":                               (U,         OK,           OK,           OK,           OK,           OK,             OK,              OK,           OK,           F_SUS,      F_BAN,      F_BAN,        OK),
    "rateExperience:an event":                      (U,         OK,           NOT_ELIGIBLE, NOT_ELIGIBLE, NOT_ELIGIBLE, NOT_ELIGIBLE,   NOT_ELIGIBLE,    NOT_ELIGIBLE, NOT_ELIGIBLE, F_SUS,      F_BAN,      F_BAN,        NOT_ELIGIBLE),
    "satisfactionSummary":                          (U,         F,            F,            "0 ratings",  "0 ratings",  "0 ratings",    "0 ratings",     "0 ratings",  "0 ratings",  F_SUS,      F_BAN,      F_BAN,        F_SIL),
    "ratings":                                      (U,         F,            F,            "0 items",    "0 items",    "0 items",      "0 items",       "0 items",    "0 items",    F_SUS,      F_BAN,      F_BAN,        F_SIL),
}
# fmt: on


def root_field(row: str) -> str:
    return row.split(":", 1)[0]


def outcome(row: str, body: dict[str, Any]) -> str:
    """A top-level error's code (with its `reason`, if any), or what the data reads as."""
    errors = body.get("errors")
    if errors:
        extensions = errors[0].get("extensions") or {}
        code = extensions.get("code", errors[0]["message"])
        reason = extensions.get("reason")
        return f"{code} {reason}" if reason else code
    operation = OPS[row]
    name = root_field(row)
    described = operation.describe(body["data"][name])
    success = operation.success or f"{name[0].upper()}{name[1:]}Success"
    return OK if described == success else described


def expected(row: str, role: str, transport: str) -> str:
    """The table's answer; over WebSocket, "4403" for a caller whose socket is refused."""
    if transport == "ws" and role in REFUSED_SOCKETS:
        return "4403"
    return EXPECTED[row][ROLES.index(role)]


async def ask(
    client: Api | WsApi, document: str, variables: dict[str, str], token: str | None
) -> dict[str, Any] | str:
    """The response body, or the close code of a socket the server closed."""
    try:
        return await client.query(document, variables, token=token)
    except SocketClosed as closed:
        return str(closed.code)


# --- the database and the transports --------------------------------------------------------


@pytest.fixture
async def db(database: Database) -> Database:
    """conftest's `db` (an empty, migrated database, SQLite and PostgreSQL), emptied with
    DELETE: PostgreSQL's TRUNCATE of every table took 0.14 to 0.22 s per case here, DELETE of
    the few rows a case writes 5 to 10 ms. Ids go on counting; no case depends on them."""
    assert get_current_context() is database.context
    tables = model_tables(database)
    await database.connection().execute_script("; ".join(f"DELETE FROM {t}" for t in tables))
    return database


class LifespanPerCase:
    """The app for uvicorn, whose own start-up and shutdown do nothing: each case runs the
    app's lifespan itself (`case()`), and its state reaches the case's connections."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def case(self) -> AsyncIterator[None]:
        async with self.app.router.lifespan_context(self.app) as state:
            self.state = dict(state or {})
            try:
                yield
            finally:
                self.state = {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await self.app({**scope, "state": dict(self.state)}, receive, send)
            return
        while True:
            message = await receive()
            await send({"type": f"{message['type']}.complete"})
            if message["type"] == "lifespan.shutdown":
                return


@dataclass
class Served:
    app: LifespanPerCase
    settings: Settings
    url: str


@pytest.fixture(scope="module")
async def served(database: Database) -> AsyncIterator[Served]:
    """The app under test on this database, built once, and served under uvicorn in the
    tests' loop."""
    settings = app_settings(database)
    app = LifespanPerCase(create_app(settings, database=database))
    async with serving(app) as url:
        yield Served(app, settings, url)


@pytest.fixture
async def http(served: Served, settings: Settings) -> AsyncIterator[Api]:
    """In-process HTTP to the app, its lifespan run for this case alone."""
    assert settings == served.settings
    async with running(served.app.app) as client:
        yield Api(client)


@pytest.fixture
async def websocket(served: Served, settings: Settings) -> AsyncIterator[WsApi]:
    """graphql-transport-ws to the app, its lifespan run for this case alone."""
    assert settings == served.settings
    async with served.app.case():
        yield WsApi(served.url)


# --- the matrix ------------------------------------------------------------------------------

CASES = [(row, role) for row in EXPECTED for role in ROLES]
CASE_IDS = [f"{row}-{role}" for row, role in CASES]


async def check(
    client: Api | WsApi,
    transport: str,
    accounts: Accounts,
    resources: Resources,
    row: str,
    role: str,
) -> None:
    operation = OPS[row]
    world = await build_world(accounts, resources, role, operation.needs)
    answer = await ask(client, operation.document, operation.variables(world), world.tokens[role])
    got = answer if isinstance(answer, str) else outcome(row, answer)
    assert got == expected(row, role, transport), answer


@pytest.mark.parametrize(("row", "role"), CASES, ids=CASE_IDS)
async def test_authorisation_matrix_over_http(
    http: Api, accounts: Accounts, resources: Resources, row: str, role: str
) -> None:
    await check(http, "http", accounts, resources, row, role)


@pytest.mark.parametrize(("row", "role"), CASES, ids=CASE_IDS)
async def test_authorisation_matrix_over_websocket(
    websocket: WsApi, accounts: Accounts, resources: Resources, row: str, role: str
) -> None:
    await check(websocket, "ws", accounts, resources, row, role)


def test_the_matrix_has_a_row_for_every_mutation_and_an_answer_for_every_caller() -> None:
    schema = build_schema(Settings(environment="test"))
    result = graphql_sync(
        schema._schema,
        "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }",
    )
    assert result.errors is None and result.data is not None, result.errors
    types = result.data["__schema"]
    mutations = {f["name"] for f in types["mutationType"]["fields"]}
    queries = {f["name"] for f in types["queryType"]["fields"]}
    rows = {root_field(row) for row in EXPECTED}
    missing = sorted(mutations - rows)
    assert not missing, f"mutations the authorisation matrix does not list: {', '.join(missing)}"
    unknown = sorted(rows - mutations - queries)
    assert not unknown, f"rows for fields the schema does not have: {', '.join(unknown)}"
    assert set(EXPECTED) == set(OPS)
    short = [row for row, answers in EXPECTED.items() if len(answers) != len(ROLES)]
    assert not short, f"rows without one answer per caller ({len(ROLES)}): {short}"


# --- the same socket while the caller changes ------------------------------------------------

SET_ROLE = """mutation($handle: String!, $role: PlatformRole!) {
  setUserRole(input: {handle: $handle, role: $role}) { __typename } }"""


async def demoted(api: Api, world: World) -> None:
    done = await api.data(
        SET_ROLE, {"handle": "moderator", "role": "USER"}, token=world.tokens["admin"]
    )
    assert done["setUserRole"]["__typename"] == "SetUserRoleSuccess", done


async def silenced(api: Api, world: World) -> None:
    until = datetime.now(UTC) + timedelta(days=3)
    await User.filter(handle="moderator").update(state=AccountState.SILENCED, suspended_until=until)


async def banned(api: Api, world: World) -> None:
    await User.filter(handle="moderator").update(state=AccountState.BANNED)


# What happens to the moderator, and the column of the table they then answer as: a plain
# account that works no queue, a silenced moderator, a banned account.
CHANGES: dict[str, tuple[Callable[[Api, World], Awaitable[None]], str]] = {
    "demoted": (demoted, "member"),
    "silenced": (silenced, "silenced_moderator"),
    "banned": (banned, "banned_admin"),
}
ON_THE_SOCKET = (
    "createModerationRule",
    "resolveQueueItem:HIDE",
    "claimQueueItem",
    "moderationQueue",
    "deleteModerationRule",
)


@pytest.mark.parametrize("change", CHANGES)
async def test_a_moderators_open_socket_answers_as_the_account_is_now(
    ws_api: WsApi, same_server_api: Api, accounts: Accounts, resources: Resources, change: str
) -> None:
    needs = frozenset().union(*(OPS[row].needs for row in ON_THE_SOCKET))
    world = await build_world(accounts, resources, "moderator", needs)
    make_change, now_as = CHANGES[change]
    async with ws_api.connect(world.tokens["moderator"]) as socket:

        async def run(row: str) -> str:
            operation = OPS[row]
            try:
                body = await socket.execute(operation.document, operation.variables(world))
            except SocketClosed as closed:
                return str(closed.code)
            return outcome(row, body)

        before = expected("moderationPendingCount", "moderator", "ws")
        assert await run("moderationPendingCount") == before
        await make_change(same_server_api, world)
        answers = {row: await run(row) for row in ON_THE_SOCKET}
    assert answers == {row: expected(row, now_as, "ws") for row in ON_THE_SOCKET}


@pytest.mark.parametrize(
    ("role", "found"),
    [("member", False), ("admin_elsewhere", False), ("owner_here", True), ("moderator", True)],
)
async def test_node_returns_a_queue_item_only_to_who_works_it(
    http: Api, accounts: Accounts, resources: Resources, role: str, found: bool
) -> None:
    world = await build_world(accounts, resources, role)
    data = await http.data(
        "query($item: ID!) { node(id: $item) { id } }",
        {"item": world.variables["item"]},
        token=world.tokens[role],
    )
    assert (data["node"] is not None) == found
