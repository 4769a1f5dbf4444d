"""Community votes: who sees and runs a poll, creating and closing polls, and listing them.

A platform poll (no group) is public. A group's poll is visible by the group's rules, like its
posts: to everyone when the group is PUBLIC, to its members when it is MEMBERS_ONLY (and to
platform staff, who may run any group's poll). What the viewer may not see reads as missing.

Who runs a poll (creates it, closes it early, always reads its results): platform staff in good
standing, and for a group's poll the group's owners, admins and moderators in good standing.
Someone who loses the role loses the powers with it, their own polls included.

A poll closes early by `closePoll`, or by itself at `closes_at`: `close_due_polls`, run by the
scheduler, stamps `closed_at` then and sends the change event that shows the results to those
who wait for the close. Votes are cast in resolvers.poll_votes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from tortoise.expressions import Q

from moderation import policies
from resolvers import audit, lookups, validation
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.pagination import Listing, Page, id_key, keyset_page
from resolvers.screening import screen
from resolvers.visibility import may_see_in_group, seen_in_groups
from server.broadcast import Hub
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    AuditKind,
    ChangeKind,
    Group,
    Poll,
    PollOption,
    PollState,
    PollWeighting,
    ResultsVisibility,
)

logger = logging.getLogger(__name__)

POLLS = Listing("polls", id_key())
MAX_QUESTION = 300
MAX_DESCRIPTION = 2_000
MIN_OPTIONS = 2
MAX_OPTIONS = 20
MAX_LABEL = 200
LONGEST_POLL = timedelta(days=366)


def poll_state(poll: Poll, now: datetime | None = None) -> PollState:
    """CLOSED once closed early or past `closes_at`, even before the scheduler stamps it."""
    if poll.closed_at is not None or poll.closes_at <= (now or datetime.now(UTC)):
        return PollState.CLOSED
    return PollState.OPEN


# --- who sees and runs a poll -------------------------------------------------------------------


async def visible_poll(ctx: Context, poll_id: int) -> Poll | None:
    """The poll, if the viewer may see it now."""
    poll: Poll | None = await ctx.loaders.poll_by_id.load(poll_id)
    if poll is None or not await may_see_in_group(ctx, poll.group_id):
        return None
    return poll


async def visible_polls(ctx: Context) -> Q:
    """What listings of polls may show the viewer: platform polls, polls of public groups and
    of the groups they belong to (everything, for platform staff)."""
    return await seen_in_groups(ctx)


async def staffs_group_of(ctx: Context, group_id: int | None) -> bool:
    """Platform staff, or (for a group) the group's owners, admins and moderators, all in good
    standing: creator-level powers over the polls of that scope."""
    if policies.is_staff(ctx.viewer):
        return True
    if group_id is None or ctx.viewer is None:
        return False
    membership = await ctx.loaders.viewer_membership_by_group_id.load(group_id)
    return policies.staffs_group(ctx.viewer, membership)


async def runs_poll(ctx: Context, poll: Poll) -> bool:
    return await staffs_group_of(ctx, poll.group_id)


async def _require_runs(ctx: Context, group_id: int | None) -> None:
    """Forbidden unless the viewer may create and close polls of this scope; a sanctioned
    member of its staff hears the sanction's reason."""
    viewer = policies.require_writer(ctx.viewer)
    if group_id is None:
        policies.require_staff(viewer)
        return
    if await staffs_group_of(ctx, group_id):
        return
    if policies.holds_staff_role(viewer):
        policies.refuse_if_sanctioned(viewer)
    membership = await ctx.loaders.viewer_membership_by_group_id.load(group_id)
    if membership is not None and membership.role in policies.GROUP_STAFF_ROLES:
        policies.refuse_if_sanctioned(viewer)
    raise Forbidden("Only the group's staff create and close its polls.")


async def require_poll(ctx: Context, poll_id: int) -> Poll:
    poll = await visible_poll(ctx, poll_id)
    if poll is None:
        raise NotFound("No poll with that id.")
    return poll


# --- creating -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PollDraft:
    question: str
    options: list[str]
    closes_at: datetime
    description: str = ""
    multiple: bool = False
    weighting: PollWeighting = PollWeighting.EQUAL
    results_visibility: ResultsVisibility = ResultsVisibility.ALWAYS
    group_slug: str | None = None


def clean_options(labels: list[str]) -> list[str]:
    if not MIN_OPTIONS <= len(labels) <= MAX_OPTIONS:
        raise InvalidInput(
            f"A poll has {MIN_OPTIONS} to {MAX_OPTIONS} options ({len(labels)} given).",
            field="options",
        )
    cleaned = [
        validation.name(label, "options", maximum=MAX_LABEL, label="An option") for label in labels
    ]
    if len({label.casefold() for label in cleaned}) != len(cleaned):
        raise InvalidInput("Each option must differ from the others.", field="options")
    return cleaned


def clean_closes_at(closes_at: datetime, now: datetime) -> datetime:
    moment = closes_at if closes_at.tzinfo is not None else closes_at.replace(tzinfo=UTC)
    if moment <= now:
        raise InvalidInput("A poll closes in the future.", field="closesAt")
    if moment > now + LONGEST_POLL:
        raise InvalidInput(f"A poll runs for at most {LONGEST_POLL.days} days.", field="closesAt")
    return moment


async def _group_for(ctx: Context, slug: str | None) -> Group | None:
    if slug is None:
        return None
    group = await lookups.require_group(slug, "groupSlug")
    seen = policies.is_staff(ctx.viewer) or policies.can_see_group_posts(
        group, await ctx.member_group_ids()
    )
    if not seen:
        raise NotFound(f"No group with the slug '{slug}'.")
    return group


async def create_poll(ctx: Context, draft: PollDraft) -> Poll:
    """A poll of the platform (staff) or of a group (its staff), its texts screened."""
    viewer = policies.require_writer(ctx.viewer)
    group = await _group_for(ctx, draft.group_slug)
    await _require_runs(ctx, group.id if group else None)
    now = datetime.now(UTC)
    question = validation.text(
        draft.question, "question", maximum=MAX_QUESTION, label="The question"
    )
    description = validation.text(
        draft.description,
        "description",
        minimum=0,
        maximum=MAX_DESCRIPTION,
        label="The description",
    )
    labels = clean_options(draft.options)
    closes_at = clean_closes_at(draft.closes_at, now)
    texts = {"question": question, "description": description}
    texts |= {f"options.{i}": label for i, label in enumerate(labels)}
    verdict = await screen(ctx, viewer, "poll", texts)
    labels = [verdict.fields[f"options.{i}"] for i in range(len(labels))]
    async with writing(ctx.hub):
        poll = await Poll.create(
            group_id=group.id if group else None,
            created_by_id=viewer.id,
            question=verdict.fields["question"],
            description=verdict.fields["description"],
            multiple=draft.multiple,
            closes_at=closes_at,
            weighting=draft.weighting,
            results_visibility=draft.results_visibility,
        )
        await PollOption.bulk_create(
            [PollOption(poll_id=poll.id, label=label, position=i) for i, label in enumerate(labels)]
        )
        await audit.record(
            AuditKind.POLL_CREATED,
            viewer.id,
            group_id=poll.group_id,
            detail={"poll_id": poll.id, "question": poll.question},
        )
    return poll


# --- closing ------------------------------------------------------------------------------------


async def close_poll(ctx: Context, poll_id: int) -> Poll:
    """Close an open poll now: its results are final."""
    policies.require_writer(ctx.viewer)
    poll = await require_poll(ctx, poll_id)
    await _require_runs(ctx, poll.group_id)
    viewer = ctx.viewer
    assert viewer is not None
    now = datetime.now(UTC)
    async with writing(ctx.hub) as log:
        await log.order_events()
        closed = await Poll.filter(id=poll.id, closed_at=None, closes_at__gt=now).update(
            closed_at=now, closed_by_id=viewer.id
        )
        if not closed:
            raise Conflict("The poll is closed already.")
        await log.add(ChangeKind.POLL_UPDATED, poll_id=poll.id, group_id=poll.group_id)
        await audit.record(
            AuditKind.POLL_CLOSED, viewer.id, group_id=poll.group_id, detail={"poll_id": poll.id}
        )
    ctx.loaders.forget_poll(poll.id)
    return await Poll.get(id=poll.id)


async def close_due_polls(hub: Hub, now: datetime | None = None) -> list[int]:
    """Stamp the polls whose `closes_at` has passed as closed then, each with its change event
    (subscribers waiting for the close get the results). Each poll is claimed by a conditional
    update: safe in several processes."""
    moment = now or datetime.now(UTC)
    due = await Poll.filter(closed_at=None, closes_at__lte=moment).values_list(
        "id", "closes_at", "group_id"
    )
    closed = []
    for poll_id, closes_at, group_id in cast(list[tuple[int, datetime, int | None]], due):
        try:
            async with writing(hub) as log:
                await log.order_events()
                claimed = await Poll.filter(id=poll_id, closed_at=None).update(closed_at=closes_at)
                if claimed:
                    await log.add(ChangeKind.POLL_UPDATED, poll_id=poll_id, group_id=group_id)
                    closed.append(poll_id)
        except Exception:  # one poll's failure never keeps the others open
            logger.exception("closing poll %s failed; retrying next round", poll_id)
    return closed


# --- listing ------------------------------------------------------------------------------------


async def list_polls(
    ctx: Context, group_slug: str | None, open: bool | None, first: int, after: str | None
) -> Page[Poll]:
    """The polls the viewer may see, newest first; of one group, and open or closed ones."""
    query = Poll.filter(await visible_polls(ctx))
    if group_slug is not None:
        group = await lookups.group_by_slug(group_slug)
        query = query.filter(group_id=group.id if group else 0)
    now = datetime.now(UTC)
    if open is True:
        query = query.filter(closed_at=None, closes_at__gt=now)
    elif open is False:
        query = query.filter(Q(closed_at__isnull=False) | Q(closes_at__lte=now))
    return await keyset_page(query, POLLS, first=first, after=after)
