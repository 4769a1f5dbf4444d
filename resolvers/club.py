"""The club: seats held for a term, shown on profiles as badges.

Admins grant FOUNDER seats (ten years) and SPONSOR seats (one year) from now, and revoke any
seat early; the row is kept, with who revoked it and why. TOP_CONTRIBUTOR seats are never
granted by hand: once a year has ended, its annual run gives the year's top contributors (the
leaderboard's order, `settings.club_top_contributors` of them) a seat for the whole next
calendar year in the community's time zone. Suspended and banned accounts are passed over and
the next in line takes the seat. A year is run once: its ClubAnnualRun row, unique per year and
written under the year's lock, makes any later run (or a concurrent one) return the first run's
figures and change nothing.

Every grant and revocation is audited and told to its holder (NotificationKind.CLUB).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from moderation import policies
from resolvers import audit, lookups, validation
from resolvers.changes import ChangeLog, writing
from resolvers.context import Context
from resolvers.koc import add_months
from resolvers.leaderboard import check_year, ordering, standings
from resolvers.ledger_reads import in_force
from resolvers.notifications import notify_text
from server.broadcast import Hub
from server.errors import Conflict, InvalidInput, NotFound
from server.models import (
    AuditKind,
    ClubAnnualRun,
    ClubKind,
    ClubMembership,
    NotificationKind,
    User,
)
from server.settings import Settings

# The terms of the seats admins grant, in months.
TERMS = {ClubKind.FOUNDER: 120, ClubKind.SPONSOR: 12}
NAMES = {
    ClubKind.FOUNDER: "a founder",
    ClubKind.SPONSOR: "a sponsor",
    ClubKind.TOP_CONTRIBUTOR: "a top contributor",
}
MAX_REASON = 500
# Standings read per statement while the annual run fills its seats.
BATCH = 500


def _day(settings: Settings, moment: datetime) -> str:
    return f"{moment.astimezone(settings.timezone):%Y-%m-%d}"


def _reason(reason: str) -> str:
    return validation.text(reason, "reason", minimum=1, maximum=MAX_REASON, label="A reason")


# --- granting and revoking by hand ---------------------------------------------------------------


@dataclass(frozen=True)
class Granted:
    membership: ClubMembership
    user: User


async def grant_membership(ctx: Context, handle: str, kind: ClubKind, reason: str) -> Granted:
    """Give a person a FOUNDER or SPONSOR seat from now, for its term. Admins only; a person
    holds one seat of a kind at a time."""
    admin = policies.require_admin(ctx.viewer)
    if kind not in TERMS:
        raise InvalidInput(
            "Top contributors take their seats by the yearly run; grant FOUNDER or SPONSOR.",
            field="kind",
        )
    why = _reason(reason)
    user = await lookups.require_user(handle)
    now = datetime.now(UTC)
    ends_at = add_months(now, TERMS[kind])
    async with writing(ctx.hub) as log:
        await log.order_events()  # the notification's event comes after the person's lock
        await log.lock(f"club:{user.id}")
        if await ClubMembership.filter(
            user_id=user.id, kind=kind, revoked_at=None, ends_at__gt=now
        ).exists():
            raise Conflict(f"@{user.handle} already holds a seat as {NAMES[kind]}.")
        membership = await ClubMembership.create(
            user_id=user.id,
            kind=kind,
            starts_at=now,
            ends_at=ends_at,
            reason=why,
            granted_by_id=admin.id,
        )
        await notify_text(
            log,
            user.id,
            NotificationKind.CLUB,
            f"Welcome to the club as {NAMES[kind]}: your seat runs until "
            f"{_day(ctx.settings, ends_at)}.",
        )
        await audit.record(
            AuditKind.CLUB_GRANTED,
            admin.id,
            affected_user_id=user.id,
            reason=why,
            detail={
                "membershipId": membership.id,
                "kind": str(kind),
                "endsAt": ends_at.isoformat(),
            },
        )
    return Granted(membership=membership, user=user)


async def revoke_membership(ctx: Context, membership_id: int, reason: str) -> ClubMembership:
    """End a seat early, saying why; the row stays, marked revoked. Admins only. A seat that
    was revoked already or whose term is over is a Conflict."""
    admin = policies.require_admin(ctx.viewer)
    why = _reason(reason)
    membership = await ClubMembership.get_or_none(id=membership_id)
    if membership is None:
        raise NotFound("No such club membership.")
    now = datetime.now(UTC)
    ended = Conflict("This club membership has ended or was revoked already.")
    if membership.revoked_at is not None or membership.ends_at <= now:
        raise ended
    async with writing(ctx.hub) as log:
        claimed = await ClubMembership.filter(
            id=membership.id, revoked_at=None, ends_at__gt=now
        ).update(revoked_at=now, revoked_by_id=admin.id, revoke_reason=why)
        if not claimed:
            raise ended
        await notify_text(
            log,
            membership.user_id,
            NotificationKind.CLUB,
            f"Your club seat as {NAMES[ClubKind(membership.kind)]} was revoked. {why}",
        )
        await audit.record(
            AuditKind.CLUB_REVOKED,
            admin.id,
            affected_user_id=membership.user_id,
            reason=why,
            detail={"membershipId": membership.id, "kind": str(membership.kind)},
        )
    await membership.refresh_from_db()
    return membership


async def visible_membership(ctx: Context, membership_id: int) -> ClubMembership | None:
    """A seat: public while in force; staff see it before it begins and after it ends too."""
    membership = await ClubMembership.get_or_none(id=membership_id)
    if membership is None:
        return None
    if in_force(membership) or policies.is_staff(ctx.viewer):
        return membership
    return None


# --- the annual run -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnualRun:
    """A year's run: the seats it had, how many it filled, and whether it ran before."""

    year: int
    seats: int
    granted: int
    already_run: bool


def _figures(run: ClubAnnualRun, already_run: bool) -> AnnualRun:
    return AnnualRun(run.year, run.seats, run.granted, already_run)


async def run_club_annual(ctx: Context, year: int) -> AnnualRun:
    """The annual run for `year`, asked for by an admin."""
    admin = policies.require_admin(ctx.viewer)
    return await run_annual(ctx.hub, ctx.settings, year, admin.id)


async def run_annual(
    hub: Hub, settings: Settings, year: int, actor_id: int | None, *, now: datetime | None = None
) -> AnnualRun:
    """Seat the top contributors of `year` for the next calendar year, once per year. The year
    must be over in the community's time zone (`now` lets a test pretend it is). InvalidInput
    for a year outside 2000 to 2100 or one not over yet."""
    check_year(year)
    zone = settings.timezone
    starts_at = datetime(year + 1, 1, 1, tzinfo=zone)
    ends_at = datetime(year + 2, 1, 1, tzinfo=zone)
    if (now or datetime.now(UTC)) < starts_at:
        raise InvalidInput(f"The year {year} has not ended yet.", field="year")
    earlier = await ClubAnnualRun.get_or_none(year=year)
    if earlier is not None:
        return _figures(earlier, already_run=True)
    try:
        async with writing(hub) as log:
            await log.order_events()  # notifications come after the year's lock
            await log.lock(f"club-annual:{year}")
            earlier = await ClubAnnualRun.get_or_none(year=year)
            if earlier is not None:  # a run that held the lock before this one
                return _figures(earlier, already_run=True)
            chosen, passed_over = await _top_contributors(year, settings.club_top_contributors)
            run = await ClubAnnualRun.create(
                year=year,
                seats=settings.club_top_contributors,
                granted=len(chosen),
                run_by_id=actor_id,
            )
            for rank, user_id in enumerate(chosen, start=1):
                await _seat(log, settings, user_id, year, rank, starts_at, ends_at, actor_id)
            await audit.record(
                AuditKind.CLUB_ANNUAL_RUN,
                actor_id,
                detail={
                    "year": year,
                    "seats": run.seats,
                    "granted": run.granted,
                    "passedOver": passed_over,
                },
            )
    except IntegrityError:  # another process wrote the year's run first (SQLite)
        return _figures(await ClubAnnualRun.get(year=year), already_run=True)
    return _figures(run, already_run=False)


async def _top_contributors(year: int, seats: int) -> tuple[list[int], list[int]]:
    """The ids of the year's first `seats` contributors in good standing, in leaderboard
    order, and of the suspended accounts passed over on the way (banned ones are not on the
    leaderboard at all). Offsets are safe here: the year is over, so its totals no longer
    change (later entries count in later years)."""
    chosen: list[int] = []
    passed_over: list[int] = []
    offset = 0
    while len(chosen) < seats:
        ids: list[int] = await (
            standings(year)
            .order_by(*ordering())
            .offset(offset)
            .limit(BATCH)
            .values_list("user_id", flat=True)
        )  # type: ignore[assignment]
        if not ids:
            break
        offset += len(ids)
        users = {user.id: user for user in await User.filter(id__in=ids)}
        for user_id in ids:
            if len(chosen) == seats:
                break
            user = users.get(user_id)
            if user is None or policies.is_suspended(user):
                passed_over.append(user_id)
            else:
                chosen.append(user_id)
    return chosen, passed_over


async def _seat(
    log: ChangeLog,
    settings: Settings,
    user_id: int,
    year: int,
    rank: int,
    starts_at: datetime,
    ends_at: datetime,
    actor_id: int | None,
) -> None:
    membership = await ClubMembership.create(
        user_id=user_id,
        kind=ClubKind.TOP_CONTRIBUTOR,
        year=year,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=f"Among the top {settings.club_top_contributors} contributors of {year}.",
        granted_by_id=actor_id,
    )
    await notify_text(
        log,
        user_id,
        NotificationKind.CLUB,
        f"You were among the top contributors of {year} (#{rank}): welcome to the club for "
        f"{year + 1}.",
    )
    await audit.record(
        AuditKind.CLUB_GRANTED,
        actor_id,
        affected_user_id=user_id,
        reason=membership.reason,
        detail={
            "membershipId": membership.id,
            "kind": str(ClubKind.TOP_CONTRIBUTOR),
            "year": year,
            "rank": rank,
        },
    )
