"""Credits: the people a work was made with, each with a role, each by their own consent.

A work's author names co-creators when writing or editing it; every credit starts PENDING and
the credited user answers it (`respond_to_credit`). Nobody is invited before the work is live:
the invitation goes out when the work goes live (at once, or when a draft is published or a
held work approved), and the credit shows only where the work itself shows. The public sees
ACCEPTED credits; the author sees every credit with its state; the credited user sees their
own. A credited user may take their name off a work at any time (`remove_credit`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from tortoise.expressions import Subquery
from tortoise.functions import Min

from moderation import policies
from resolvers import earnings, validation
from resolvers.changes import ChangeLog, writing
from resolvers.context import Context
from resolvers.notifications import notify
from resolvers.pagination import Listing, Page, id_key, keyset_page
from resolvers.screening import is_new
from resolvers.works import Work, WorkRef, visible_work
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    AccountState,
    ChangeKind,
    Credit,
    CreditRole,
    CreditState,
    GroupMembership,
    Notification,
    NotificationKind,
    PersonaAccount,
    SearchEntity,
    User,
)

MAX_CREDITS = 20
INVITATIONS = Listing("credit_invitations", id_key())
WORKS = Listing("user_works", id_key())


@dataclass(frozen=True)
class CreditDraft:
    """One person to credit, as the author typed them."""

    handle: str
    role: CreditRole


@dataclass(frozen=True)
class Credited:
    """A person who may be credited, checked."""

    user_id: int
    role: CreditRole


async def clean_credits(
    ctx: Context,
    drafts: Sequence[CreditDraft] | None,
    author_id: int,
    *,
    members_of: int | None = None,
    field: str = "credits",
) -> list[Credited] | None:
    """The credits a work should carry, checked: at most 20 (a new account, whose mentions
    are limited, credits as many people as it may mention), each naming an existing account
    that may be credited (not the author, not a banned, suspended or persona account, and for
    a work in a members-only group, `members_of`, a member of it: nobody is credited on what
    they cannot see). None (nothing given) leaves a work's credits as they are."""
    if drafts is None:
        return None
    if len(drafts) > MAX_CREDITS:
        raise InvalidInput(f"Credit at most {MAX_CREDITS} people.", field=field)
    viewer = ctx.viewer
    if viewer is not None and is_new(viewer, ctx.settings) and not policies.is_staff(viewer):
        most = ctx.settings.new_account_max_mentions
        if len({d.handle.strip().lstrip("@").lower() for d in drafts}) > most:
            raise InvalidInput(f"New accounts can credit at most {most} people.", field=field)
    handles = [validation.handle(d.handle, field) for d in drafts]
    users = {u.handle: u for u in await User.filter(handle__in=sorted(set(handles)))}
    personas = set(
        await PersonaAccount.filter(user_id__in=[u.id for u in users.values()]).values_list(
            "user_id", flat=True
        )
    )
    outsiders: set[int] = set()
    if members_of is not None:
        ids = {u.id for u in users.values()}
        members = await GroupMembership.filter(group_id=members_of, user_id__in=ids).values_list(
            "user_id", flat=True
        )
        outsiders = ids - set(members)
    wanted: dict[tuple[int, CreditRole], Credited] = {}
    for handle, draft in zip(handles, drafts, strict=True):
        user = users.get(handle)
        if user is None:
            raise InvalidInput(f"No user @{handle} to credit.", field=field)
        if user.id == author_id:
            raise InvalidInput("The author needs no credit; credit the others.", field=field)
        if user.id in personas:
            raise InvalidInput(f"@{handle} is an official account and cannot be credited.", field)
        if user.state == AccountState.BANNED or policies.is_suspended(user):
            raise InvalidInput(f"@{handle} cannot be credited now.", field=field)
        if user.id in outsiders:
            raise InvalidInput(f"@{handle} is not a member of this group.", field=field)
        wanted.setdefault((user.id, draft.role), Credited(user.id, draft.role))
    return list(wanted.values())


async def _work_changed(log: ChangeLog, ref: WorkRef) -> None:
    """The public face of a live work changed (its accepted credits): feeds and search."""
    if ref.post_id is not None:
        await log.add(ChangeKind.POST_UPDATED, post_id=ref.post_id)
        await log.changed(SearchEntity.POST, ref.post_id)
    elif ref.episode_id is not None:
        await log.add(ChangeKind.EPISODE_UPDATED, episode_id=ref.episode_id)
        await log.changed(SearchEntity.EPISODE, ref.episode_id)


async def set_credits(
    log: ChangeLog, ref: WorkRef, author_id: int, wanted: list[Credited], *, live: bool
) -> None:
    """Make the work's credits the `wanted` ones: credits kept keep their answer, credits
    dropped go, new ones start PENDING (and are invited at once if the work is live)."""
    existing = await Credit.filter(**ref.filter())
    keep = {(c.user_id, c.role) for c in wanted}
    gone = [c for c in existing if (c.user_id, c.role) not in keep]
    if gone:
        await Credit.filter(id__in=[c.id for c in gone]).delete()
    have = {(c.user_id, c.role) for c in existing}
    for credited in wanted:
        if (credited.user_id, credited.role) not in have:
            await Credit.create(
                post_id=ref.post_id,
                episode_id=ref.episode_id,
                user_id=credited.user_id,
                role=credited.role,
            )
    if live:
        await invite_pending(log, ref, author_id)
        if any(c.state == CreditState.ACCEPTED for c in gone):
            await _work_changed(log, ref)


async def invite_pending(log: ChangeLog, ref: WorkRef, author_id: int) -> None:
    """Invite everyone whose credit on this (now live) work waits and who was not yet asked."""
    pending = await Credit.filter(**ref.filter(), state=CreditState.PENDING)
    if not pending:
        return
    asked = set(
        await Notification.filter(
            kind=NotificationKind.CREDIT_INVITATION, credit_id__in=[c.id for c in pending]
        ).values_list("credit_id", flat=True)
    )
    for credit in pending:
        if credit.id not in asked:
            await notify(
                log,
                credit.user_id,
                NotificationKind.CREDIT_INVITATION,
                author_id,
                post_id=ref.post_id,
                episode_id=ref.episode_id,
                credit_id=credit.id,
            )


async def co_creators(ref: WorkRef) -> list[int]:
    """The users who accepted a credit on the work, each once."""
    users = await Credit.filter(**ref.filter(), state=CreditState.ACCEPTED).values_list(
        "user_id", flat=True
    )
    return list(dict.fromkeys(cast(list[int], users)))


async def visible_credit(ctx: Context, credit_id: int) -> Credit | None:
    """The credit, if the viewer may see it now: its work is visible to them, and the credit
    is accepted, or theirs, or on a work they wrote; staff see every credit of a visible work
    (they decide reports about credits)."""
    # Through the request's loader: a page of notifications loads its credits in one batch.
    credit = await ctx.loaders.credit_by_id.load(credit_id)
    if credit is None:
        return None
    work = await visible_work(ctx, WorkRef.of_fields(credit))
    if work is None:
        return None
    viewer = ctx.viewer
    if credit.state == CreditState.ACCEPTED or policies.is_staff(viewer):
        return credit
    if viewer is not None and viewer.id == credit.user_id:
        return credit
    return credit if work.author_id in await ctx.acts_for() else None


async def respond_to_credit(ctx: Context, credit_id: int, accept: bool) -> Credit:
    """The credited user accepts or declines a pending credit; the author is told."""
    viewer = policies.require_writer(ctx.viewer)
    credit = await visible_credit(ctx, credit_id)
    if credit is None:
        raise NotFound("No such credit.")
    if credit.user_id != viewer.id:
        raise Forbidden("Only the credited user can answer a credit.")
    if credit.state != CreditState.PENDING:
        raise Conflict("This credit was already answered.")
    ref = WorkRef.of_fields(credit)
    work = cast(Work, await visible_work(ctx, ref))
    state = CreditState.ACCEPTED if accept else CreditState.DECLINED
    async with writing(ctx.hub) as log:
        answered = await Credit.filter(id=credit.id, state=CreditState.PENDING).update(
            state=state, answered_at=datetime.now(UTC)
        )
        if not answered:
            raise Conflict("This credit was already answered.")
        await credit.refresh_from_db()
        await notify(
            log,
            work.author_id,
            NotificationKind.CREDIT_ANSWERED,
            viewer.id,
            post_id=ref.post_id,
            episode_id=ref.episode_id,
            credit_id=credit.id,
        )
        if accept:
            await _work_changed(log, ref)
            await earnings.credit_accepted(log, ctx.settings, credit)
    return credit


async def remove_credit(ctx: Context, credit_id: int) -> int:
    """The credited user takes their name off a work (whatever they answered before). Taking
    back consent is always possible: a sanctioned account may do it too."""
    viewer = policies.require_viewer(ctx.viewer)
    credit = await visible_credit(ctx, credit_id)
    if credit is None:
        raise NotFound("No such credit.")
    if credit.user_id != viewer.id:
        raise Forbidden(
            "Only the credited user can remove their credit; the author edits the work."
        )
    async with writing(ctx.hub) as log:
        removed = await Credit.filter(id=credit.id, user_id=viewer.id).delete()
        if removed and credit.state == CreditState.ACCEPTED:
            await _work_changed(log, WorkRef.of_fields(credit))
    return credit_id


async def credits_of_work(ctx: Context, ref: WorkRef, author_id: int) -> list[Credit]:
    """A visible work's credits as the viewer may see them, in the order they were given."""
    if ref.post_id is not None:
        rows = await ctx.loaders.credits_by_post_id.load(ref.post_id)
    else:
        assert ref.episode_id is not None
        rows = await ctx.loaders.credits_by_episode_id.load(ref.episode_id)
    viewer = ctx.viewer
    if viewer is None:
        return [c for c in rows if c.state == CreditState.ACCEPTED]
    if author_id == viewer.id or author_id in await ctx.acts_for():
        return list(rows)
    return [c for c in rows if c.state == CreditState.ACCEPTED or c.user_id == viewer.id]


async def list_credit_invitations(ctx: Context, first: int, after: str | None) -> Page[Credit]:
    """The viewer's pending credits on live works they can see, newest first."""
    viewer = policies.require_viewer(ctx.viewer)
    query = Credit.filter(
        policies.visible_works(await ctx.member_group_ids()),
        user_id=viewer.id,
        state=CreditState.PENDING,
    )
    return await keyset_page(query, INVITATIONS, first=first, after=after)


async def list_user_works(
    ctx: Context, user_id: int, first: int, after: str | None
) -> Page[Credit]:
    """The works a user accepted a credit on that the viewer can see, newest credit first:
    one credit per work even when they hold several roles on it."""
    # The first accepted credit of each work stands for the work.
    first_per_work = Subquery(
        Credit.filter(user_id=user_id, state=CreditState.ACCEPTED)
        .annotate(first_id=Min("id"))
        .group_by("post_id", "episode_id")
        .values("first_id")
    )
    query = Credit.filter(
        policies.visible_works(await ctx.member_group_ids()), id__in=first_per_work
    )
    return await keyset_page(query, WORKS, first=first, after=after)
