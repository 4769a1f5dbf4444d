"""KOC roles (key opinion consumers): the community roles owners take on for a term.

Admins set each programme up (resolvers.koc_programs: who may apply, how long a term lasts, how
many seats); members apply; staff approve or reject. An approval takes a seat with one
conditional update, so two approvals never share the last one, and grants a role for the
programme's term. Roles end by themselves at term end (`end_due_koc_roles`, run by the
scheduler), are renewed or revoked by staff; a role that ends gives its seat back. Holders hear
of each step (NotificationKind.KOC), and every staff decision is audited.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from moderation import policies
from resolvers import audit, earnings, validation
from resolvers.changes import ChangeLog, writing
from resolvers.context import Context
from resolvers.koc_programs import clean_term, ensure_programs, require_program
from resolvers.notifications import notify_koc
from resolvers.pagination import Listing, Page, id_key, keyset_page
from resolvers.screening import screen
from server.broadcast import Hub
from server.errors import (
    Conflict,
    Forbidden,
    NotEligible,
    NotEligibleReason,
    NotFound,
)
from server.models import (
    AuditKind,
    KocApplication,
    KocApplicationState,
    KocProgram,
    KocRole,
    KocRoleKind,
    KocRoleState,
    SearchEntity,
)
from server.settings import Settings

log = logging.getLogger(__name__)

# Staff work the oldest applications first; applicants read their newest first.
APPLICATIONS = Listing("kocApplications", id_key(descending=False))
OWN_APPLICATIONS = Listing("ownKocApplications", id_key())
MIN_STATEMENT = 10
MAX_STATEMENT = 2_000
MAX_CITY = 50
MAX_NOTE = 500
REMIND_BEFORE = timedelta(days=30)


# --- applying -----------------------------------------------------------------------------------


def _key(user_id: int, kind: KocRoleKind) -> str:
    return f"{user_id}:{kind}"


async def apply_for_role(
    ctx: Context, kind: KocRoleKind, statement: str, city: str = ""
) -> KocApplication:
    """Apply for a programme's role: while it is open, for the identities it takes, one pending
    application and one role per person and kind. The statement is screened like any text."""
    viewer = policies.require_writer(ctx.viewer)
    program = await require_program(kind)
    if not program.open:
        raise NotEligible(
            f"The {program.name_en} programme takes no applications now.",
            NotEligibleReason.PROGRAM_CLOSED,
        )
    if str(viewer.identity) not in program.eligible_identities:
        raise NotEligible(
            f"The {program.name_en} programme is not open to your identity.",
            NotEligibleReason.IDENTITY_NOT_ELIGIBLE,
        )
    text = validation.text(
        statement,
        "statement",
        minimum=MIN_STATEMENT,
        maximum=MAX_STATEMENT,
        label="A statement",
    )
    place = validation.name(city, "city", minimum=0, maximum=MAX_CITY, label="The city")
    key = _key(viewer.id, kind)
    if await KocRole.filter(active_key=key).exists():
        raise Conflict(f"You already are one of the {program.name_en}.")
    if await KocApplication.filter(pending_key=key).exists():
        raise Conflict("You already applied; your application waits for review.")
    verdict = await screen(ctx, viewer, "koc", {"statement": text, "city": place})
    try:
        async with writing(ctx.hub):
            return await KocApplication.create(
                user_id=viewer.id,
                kind=kind,
                statement=verdict.fields["statement"],
                city=verdict.fields["city"],
                pending_key=key,
            )
    except IntegrityError:
        raise Conflict("You already applied; your application waits for review.") from None


async def withdraw_application(ctx: Context, application_id: int) -> KocApplication:
    """The applicant takes back a pending application (someone else's reads as missing)."""
    viewer = policies.require_viewer(ctx.viewer)
    application = await KocApplication.get_or_none(id=application_id, user_id=viewer.id)
    if application is None:
        raise NotFound("No such application.")
    async with writing(ctx.hub):
        claimed = await KocApplication.filter(
            id=application.id, state=KocApplicationState.PENDING
        ).update(
            state=KocApplicationState.WITHDRAWN, pending_key=None, decided_at=datetime.now(UTC)
        )
    if not claimed:
        raise Conflict("Only a pending application can be withdrawn.")
    await application.refresh_from_db()
    return application


# --- reviewing ----------------------------------------------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day where it is shorter)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass
class Review:
    """A decided application, and the role an approval granted."""

    application: KocApplication
    role: KocRole | None = None


async def review_application(
    ctx: Context, application_id: int, approve: bool, note: str = ""
) -> Review:
    """Approve (granting the role for the programme's term, if a seat is free) or reject a
    pending application. Staff only. Without a free seat the approval is NotEligible
    (NO_SEATS) and the application stays pending."""
    staff = policies.require_staff(ctx.viewer)
    application = await KocApplication.get_or_none(id=application_id)
    if application is None:
        raise NotFound("No such application.")
    remark = validation.text(note, "note", minimum=0, maximum=MAX_NOTE, label="A note")
    if application.user_id == staff.id:
        raise Forbidden("Another member of staff decides your own application.")
    if application.state != KocApplicationState.PENDING:
        raise Conflict("This application was decided already.")
    program = await require_program(application.kind)
    now = datetime.now(UTC)
    decided = {"pending_key": None, "reviewer_id": staff.id, "note": remark, "decided_at": now}
    role = None
    try:
        async with writing(ctx.hub) as change_log:
            state = KocApplicationState.APPROVED if approve else KocApplicationState.REJECTED
            claimed = await KocApplication.filter(
                id=application.id, state=KocApplicationState.PENDING
            ).update(state=state, **decided)
            if not claimed:
                raise Conflict("This application was decided already.")
            if approve:
                role = await _grant(change_log, application, program, staff.id, now)
            else:
                text = f"Your application to the {program.name_en} ({program.name_zh}) was "
                text += "not accepted." + (f" {remark}" if remark else "")
                await notify_koc(change_log, application.user_id, text)
            await audit.record(
                AuditKind.KOC_APPLICATION_DECIDED,
                staff.id,
                affected_user_id=application.user_id,
                reason=remark,
                detail={
                    "applicationId": application.id,
                    "kind": str(application.kind),
                    "approved": approve,
                    "roleId": role.id if role else None,
                },
            )
    except IntegrityError:  # they hold this role already (granted meanwhile)
        raise Conflict("The applicant already holds this role.") from None
    await application.refresh_from_db()
    return Review(application=application, role=role)


async def _grant(
    change_log: ChangeLog,
    application: KocApplication,
    program: KocProgram,
    staff_id: int,
    now: datetime,
) -> KocRole:
    # One conditional update takes the seat: concurrent approvals of the last seat queue on the
    # programme's row, and only the first finds one free.
    seated = await KocProgram.filter(kind=program.kind, seats_taken__lt=F("seats")).update(
        seats_taken=F("seats_taken") + 1
    )
    if not seated:
        raise NotEligible(
            f"Every seat of the {program.name_en} is taken.", NotEligibleReason.NO_SEATS
        )
    role = await KocRole.create(
        user_id=application.user_id,
        kind=application.kind,
        active_key=_key(application.user_id, application.kind),
        starts_at=now,
        ends_at=add_months(now, program.term_months),
        granted_by_id=staff_id,
        application_id=application.id,
    )
    await change_log.changed(SearchEntity.USER, application.user_id)  # a new badge to find
    await notify_koc(
        change_log,
        application.user_id,
        f"Welcome to the {program.name_en} ({program.name_zh}): your role runs until "
        f"{role.ends_at:%Y-%m-%d}.",
    )
    return role


async def list_applications(
    ctx: Context,
    kind: KocRoleKind | None,
    state: KocApplicationState | None,
    first: int,
    after: str | None,
) -> Page[KocApplication]:
    """Applications for staff to review, oldest first."""
    policies.require_staff(ctx.viewer)
    query = KocApplication.all()
    if kind is not None:
        query = query.filter(kind=kind)
    if state is not None:
        query = query.filter(state=state)
    return await keyset_page(query, APPLICATIONS, first=first, after=after)


async def list_own_applications(
    ctx: Context, user_id: int, first: int, after: str | None
) -> Page[KocApplication] | None:
    """The viewer's own applications, newest first; None when they are someone else's."""
    if ctx.viewer is None or ctx.viewer.id != user_id:
        return None
    query = KocApplication.filter(user_id=user_id)
    return await keyset_page(query, OWN_APPLICATIONS, first=first, after=after)


async def visible_application(ctx: Context, application_id: int) -> KocApplication | None:
    """An application, for its applicant and staff; None for anyone else."""
    if ctx.viewer is None:
        return None
    application = await KocApplication.get_or_none(id=application_id)
    if application is None:
        return None
    if application.user_id == ctx.viewer.id or policies.is_staff(ctx.viewer):
        return application
    return None


async def visible_role(ctx: Context, role_id: int) -> KocRole | None:
    """A role: public while active; the holder and staff see it ended too."""
    role = await KocRole.get_or_none(id=role_id)
    if role is None:
        return None
    if role.state == KocRoleState.ACTIVE:
        return role
    viewer = ctx.viewer
    if viewer is not None and (role.user_id == viewer.id or policies.is_staff(viewer)):
        return role
    return None


# --- renewing, revoking, ending -----------------------------------------------------------------


async def _active_role(role_id: int) -> KocRole:
    role = await KocRole.get_or_none(id=role_id)
    if role is None:
        raise NotFound("No such role.")
    if role.state != KocRoleState.ACTIVE:
        raise Conflict("This role has ended.")
    return role


async def renew_role(ctx: Context, role_id: int, term_months: int) -> KocRole:
    """Extend an active role from its current end by `term_months` (1 to 24). Staff only."""
    staff = policies.require_staff(ctx.viewer)
    months = clean_term(term_months)
    role = await _active_role(role_id)
    if role.user_id == staff.id:
        raise Forbidden("Another member of staff renews your own role.")
    program = await require_program(role.kind)
    ends_at = add_months(role.ends_at, months)
    async with writing(ctx.hub) as change_log:
        # From the end read above: a concurrent renewal or end makes this one a conflict.
        claimed = await KocRole.filter(
            id=role.id, state=KocRoleState.ACTIVE, ends_at=role.ends_at
        ).update(ends_at=ends_at, reminded_at=None)
        if not claimed:
            raise Conflict("This role changed meanwhile; reload it and try again.")
        await change_log.changed(SearchEntity.USER, role.user_id)
        await notify_koc(
            change_log,
            role.user_id,
            f"Your role in the {program.name_en} ({program.name_zh}) was renewed until "
            f"{ends_at:%Y-%m-%d}.",
        )
        await audit.record(
            AuditKind.KOC_ROLE_RENEWED,
            staff.id,
            affected_user_id=role.user_id,
            detail={"roleId": role.id, "kind": str(role.kind), "termMonths": months},
        )
    await role.refresh_from_db()
    return role


async def _release_seat(kind: KocRoleKind) -> None:
    await KocProgram.filter(kind=kind, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)


async def revoke_role(ctx: Context, role_id: int, reason: str) -> KocRole:
    """End an active role before its term, saying why; its seat is free again. Staff only."""
    staff = policies.require_staff(ctx.viewer)
    why = validation.text(reason, "reason", minimum=1, maximum=MAX_NOTE, label="A reason")
    role = await _active_role(role_id)
    program = await require_program(role.kind)
    async with writing(ctx.hub) as change_log:
        claimed = await KocRole.filter(id=role.id, state=KocRoleState.ACTIVE).update(
            state=KocRoleState.REVOKED, active_key=None, revoked_reason=why
        )
        if not claimed:
            raise Conflict("This role has ended.")
        await _release_seat(role.kind)
        await change_log.changed(SearchEntity.USER, role.user_id)  # the badge leaves search
        await notify_koc(
            change_log,
            role.user_id,
            f"Your role in the {program.name_en} ({program.name_zh}) was revoked. {why}",
        )
        await audit.record(
            AuditKind.KOC_ROLE_REVOKED,
            staff.id,
            affected_user_id=role.user_id,
            reason=why,
            detail={"roleId": role.id, "kind": str(role.kind)},
        )
    await role.refresh_from_db()
    return role


@dataclass
class RoleSweep:
    """What one run of `end_due_koc_roles` did."""

    ended: list[int] = field(default_factory=list)
    reminded: list[int] = field(default_factory=list)


async def end_due_koc_roles(
    hub: Hub, now: datetime | None = None, *, settings: Settings | None = None
) -> RoleSweep:
    """End the roles whose term is over (freeing their seats) and remind, once per term, the
    holders of roles ending within 30 days. Each role is claimed by a conditional update: safe
    in several processes; one role's failure never holds up the others. With `settings` (the
    scheduler's), a term that ran its course earns KOC_TERM_COMPLETED."""
    moment = now or datetime.now(UTC)
    names = {p.kind: f"{p.name_en} ({p.name_zh})" for p in await ensure_programs()}
    sweep = RoleSweep()
    due = await KocRole.filter(state=KocRoleState.ACTIVE, ends_at__lte=moment).values_list(
        "id", "user_id", "kind"
    )
    for role_id, user_id, kind in cast(list[tuple[int, int, KocRoleKind]], due):
        try:
            async with writing(hub) as change_log:
                claimed = await KocRole.filter(
                    id=role_id, state=KocRoleState.ACTIVE, ends_at__lte=moment
                ).update(state=KocRoleState.EXPIRED, active_key=None)
                if claimed:
                    await _release_seat(kind)
                    await change_log.changed(SearchEntity.USER, user_id)
                    await notify_koc(
                        change_log,
                        user_id,
                        f"Your term in the {names[kind]} has ended. Thank you!",
                    )
                    if settings is not None:
                        await earnings.koc_term_completed(
                            change_log,
                            settings,
                            role_id=role_id,
                            user_id=user_id,
                            programme=names[kind],
                        )
                    sweep.ended.append(role_id)
        except Exception:
            log.exception("ending KOC role %s failed; retrying next round", role_id)
    soon = await KocRole.filter(
        state=KocRoleState.ACTIVE,
        reminded_at=None,
        ends_at__gt=moment,
        ends_at__lte=moment + REMIND_BEFORE,
    ).values_list("id", "user_id", "kind", "ends_at")
    for role_id, user_id, kind, ends_at in cast(list[tuple[int, int, KocRoleKind, datetime]], soon):
        try:
            async with writing(hub) as change_log:
                claimed = await KocRole.filter(
                    id=role_id, state=KocRoleState.ACTIVE, reminded_at=None
                ).update(reminded_at=moment)
                if claimed:
                    await notify_koc(
                        change_log,
                        user_id,
                        f"Your term in the {names[kind]} ends on {ends_at:%Y-%m-%d}.",
                    )
                    sweep.reminded.append(role_id)
        except Exception:
            log.exception("reminding the holder of KOC role %s failed; retrying", role_id)
    return sweep
