"""KOC programmes as use cases: the defaults written once, who may apply for which role and who
may not, staff review with seats taken atomically (ten approvals racing for three seats), roles
renewed, revoked and ended by the scheduler with a reminder once per term, and what every step
tells the holder and writes to the audit log."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from resolvers.koc import (
    add_months,
    apply_for_role,
    end_due_koc_roles,
    list_applications,
    list_own_applications,
    renew_role,
    review_application,
    revoke_role,
    visible_application,
    visible_role,
    withdraw_application,
)
from resolvers.koc_programs import (
    PROGRAM_DEFAULTS,
    ProgramChanges,
    ensure_programs,
    update_program,
)
from server.errors import (
    AccountSuspended,
    Conflict,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotEligible,
    NotEligibleReason,
    NotFound,
)
from server.models import (
    AccountState,
    AuditEntry,
    AuditKind,
    IdentityKind,
    KocApplication,
    KocApplicationState,
    KocProgram,
    KocRole,
    KocRoleKind,
    KocRoleState,
    Notification,
    NotificationKind,
    PlatformRole,
    User,
)

STATEMENT = "I photograph every owners' meetup in Shanghai."


async def owner(people, handle: str, identity: IdentityKind = IdentityKind.OWNER) -> User:
    user = await people.make(handle)
    await User.filter(id=user.id).update(identity=identity)
    return user


async def koc_texts(user: User) -> list[str]:
    rows = await Notification.filter(recipient_id=user.id, kind=NotificationKind.KOC).order_by("id")
    return [row.text for row in rows]


async def granted(people, staff: User, holder: User, kind=KocRoleKind.STORY_SCOUT) -> KocRole:
    application = await apply_for_role(await people.context(holder), kind, STATEMENT)
    review = await review_application(await people.context(staff), application.id, True)
    assert review.role is not None
    return review.role


# --- programmes -------------------------------------------------------------------------------


async def test_ensure_programs_writes_the_defaults_once_and_keeps_admins_changes(db):
    programs = await ensure_programs()
    assert [p.kind for p in programs] == list(PROGRAM_DEFAULTS)
    names = {p.kind: p.name_zh for p in programs}
    assert names[KocRoleKind.VOLUNTEER] == "车主志愿者"
    assert names[KocRoleKind.STORY_SCOUT] == "星河发现官"
    eligible = {p.kind: p.eligible_identities for p in programs}
    assert eligible[KocRoleKind.PERK_PARTNER] == ["OWNER"]
    assert eligible[KocRoleKind.VOLUNTEER] == ["OWNER"]
    assert eligible[KocRoleKind.EXPERIENCE_OFFICER] == ["DEPOSIT_HOLDER", "OWNER"]
    assert eligible[KocRoleKind.QUALITY_OFFICER] == ["FAN", "DEPOSIT_HOLDER", "OWNER"]
    assert all(p.term_months in (6, 12) and 50 <= p.seats <= 200 for p in programs)
    await KocProgram.filter(kind=KocRoleKind.VOLUNTEER).update(seats=7)
    again = await ensure_programs()
    assert await KocProgram.all().count() == len(PROGRAM_DEFAULTS)
    assert {p.kind: p.seats for p in again}[KocRoleKind.VOLUNTEER] == 7


async def test_update_program_changes_only_what_is_given_and_is_audited(people):
    chief = await people.make("chief", role=PlatformRole.ADMIN)
    ctx = await people.context(chief)
    program = await update_program(ctx, KocRoleKind.VOLUNTEER, ProgramChanges(open=False, seats=60))
    assert (program.open, program.seats, program.term_months) == (False, 60, 12)
    assert program.eligible_identities == ["OWNER"]
    [entry] = await AuditEntry.filter(kind=AuditKind.KOC_PROGRAM_UPDATED)
    assert entry.actor_id == chief.id
    assert entry.detail == {"kind": "VOLUNTEER", "changes": {"open": False, "seats": 60}}


async def test_update_program_refuses_seats_below_those_taken_and_non_admins(people):
    chief = await people.make("chief", role=PlatformRole.ADMIN)
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    await ensure_programs()
    await KocProgram.filter(kind=KocRoleKind.STORY_SCOUT).update(seats_taken=5)
    ctx = await people.context(chief)
    with pytest.raises(InvalidInput) as refused:
        await update_program(ctx, KocRoleKind.STORY_SCOUT, ProgramChanges(seats=4))
    assert refused.value.field == "seats"
    for changes, field in [
        (ProgramChanges(term_months=0), "termMonths"),
        (ProgramChanges(term_months=25), "termMonths"),
        (ProgramChanges(eligible_identities=[]), "eligibleIdentities"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            await update_program(ctx, KocRoleKind.STORY_SCOUT, changes)
        assert refused.value.field == field
    assert (await update_program(ctx, KocRoleKind.STORY_SCOUT, ProgramChanges(seats=5))).seats == 5
    with pytest.raises(Forbidden):
        await update_program(await people.context(mia), KocRoleKind.STORY_SCOUT, ProgramChanges())
    with pytest.raises(NotAuthenticated):
        await update_program(await people.context(None), KocRoleKind.STORY_SCOUT, ProgramChanges())


# --- applying -----------------------------------------------------------------------------------


async def test_apply_for_role_stores_a_pending_application(people):
    lin = await owner(people, "lin")
    application = await apply_for_role(
        await people.context(lin), KocRoleKind.VOLUNTEER, f"  {STATEMENT} ", "Shanghai"
    )
    assert application.state == KocApplicationState.PENDING
    assert application.statement == STATEMENT
    assert application.city == "Shanghai"
    assert application.pending_key == f"{lin.id}:VOLUNTEER"


@pytest.mark.parametrize(
    ("kind", "identity", "allowed"),
    [
        (KocRoleKind.PERK_PARTNER, IdentityKind.FAN, False),
        (KocRoleKind.VOLUNTEER, IdentityKind.DEPOSIT_HOLDER, False),
        (KocRoleKind.EXPERIENCE_OFFICER, IdentityKind.FAN, False),
        (KocRoleKind.EXPERIENCE_OFFICER, IdentityKind.DEPOSIT_HOLDER, True),
        (KocRoleKind.QUALITY_OFFICER, IdentityKind.FAN, True),
    ],
)
async def test_apply_for_role_takes_only_the_identities_of_the_programme(
    people, kind, identity, allowed
):
    ann = await owner(people, "ann", identity)
    ctx = await people.context(ann)
    if allowed:
        assert (await apply_for_role(ctx, kind, STATEMENT)).kind == kind
        return
    with pytest.raises(NotEligible) as refused:
        await apply_for_role(ctx, kind, STATEMENT)
    assert refused.value.reason == NotEligibleReason.IDENTITY_NOT_ELIGIBLE
    assert not await KocApplication.exists()


async def test_apply_for_role_refuses_a_closed_programme(people):
    lin = await owner(people, "lin")
    await ensure_programs()
    await KocProgram.filter(kind=KocRoleKind.STORY_SCOUT).update(open=False)
    with pytest.raises(NotEligible) as refused:
        await apply_for_role(await people.context(lin), KocRoleKind.STORY_SCOUT, STATEMENT)
    assert refused.value.reason == NotEligibleReason.PROGRAM_CLOSED


async def test_apply_for_role_refuses_a_second_pending_application_and_a_held_role(people):
    lin = await owner(people, "lin")
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    ctx = await people.context(lin)
    await apply_for_role(ctx, KocRoleKind.STORY_SCOUT, STATEMENT)
    with pytest.raises(Conflict):
        await apply_for_role(ctx, KocRoleKind.STORY_SCOUT, STATEMENT)
    # Another kind is another application.
    await apply_for_role(ctx, KocRoleKind.QUALITY_OFFICER, STATEMENT)
    [pending] = await KocApplication.filter(kind=KocRoleKind.STORY_SCOUT)
    await review_application(await people.context(mia), pending.id, True)
    with pytest.raises(Conflict):
        await apply_for_role(ctx, KocRoleKind.STORY_SCOUT, STATEMENT)


@pytest.mark.parametrize(
    ("statement", "city"), [("too short", ""), ("x" * 2001, ""), (STATEMENT, "x" * 51)]
)
async def test_apply_for_role_refuses_bad_texts(people, statement, city):
    lin = await owner(people, "lin")
    with pytest.raises(InvalidInput):
        await apply_for_role(await people.context(lin), KocRoleKind.STORY_SCOUT, statement, city)


@pytest.mark.parametrize("state", [AccountState.SUSPENDED, AccountState.BANNED])
async def test_apply_for_role_refuses_sanctioned_and_anonymous_accounts(people, state):
    ann = await people.make("ann", state=state, until_days=3)
    with pytest.raises(AccountSuspended):
        await apply_for_role(await people.context(ann), KocRoleKind.STORY_SCOUT, STATEMENT)
    with pytest.raises(NotAuthenticated):
        await apply_for_role(await people.context(None), KocRoleKind.STORY_SCOUT, STATEMENT)


async def test_withdraw_application_is_the_applicants_while_pending(people):
    lin = await owner(people, "lin")
    ann = await owner(people, "ann")
    application = await apply_for_role(
        await people.context(lin), KocRoleKind.STORY_SCOUT, STATEMENT
    )
    with pytest.raises(NotFound):  # someone else's reads as missing
        await withdraw_application(await people.context(ann), application.id)
    withdrawn = await withdraw_application(await people.context(lin), application.id)
    assert withdrawn.state == KocApplicationState.WITHDRAWN
    assert withdrawn.pending_key is None
    with pytest.raises(Conflict):
        await withdraw_application(await people.context(lin), application.id)
    # Withdrawn, the applicant may apply again.
    await apply_for_role(await people.context(lin), KocRoleKind.STORY_SCOUT, STATEMENT)


# --- reviewing ----------------------------------------------------------------------------------


async def test_approval_grants_the_role_for_the_term_takes_a_seat_and_tells_the_holder(people):
    lin = await owner(people, "lin")
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    application = await apply_for_role(
        await people.context(lin), KocRoleKind.EXPERIENCE_OFFICER, STATEMENT
    )
    review = await review_application(await people.context(mia), application.id, True, "Welcome")
    role = review.role
    assert role is not None
    assert review.application.state == KocApplicationState.APPROVED
    assert review.application.reviewer_id == mia.id
    assert review.application.note == "Welcome"
    assert review.application.pending_key is None
    assert (role.kind, role.state, role.user_id) == (
        KocRoleKind.EXPERIENCE_OFFICER,
        KocRoleState.ACTIVE,
        lin.id,
    )
    assert role.ends_at == add_months(role.starts_at, 6)
    assert role.granted_by_id == mia.id and role.application_id == application.id
    program = await KocProgram.get(kind=KocRoleKind.EXPERIENCE_OFFICER)
    assert program.seats_taken == 1
    [text] = await koc_texts(lin)
    assert "用户体验官" in text
    [entry] = await AuditEntry.filter(kind=AuditKind.KOC_APPLICATION_DECIDED)
    assert (entry.actor_id, entry.affected_user_id, entry.reason) == (mia.id, lin.id, "Welcome")
    assert entry.detail["approved"] is True and entry.detail["roleId"] == role.id


async def test_rejection_tells_the_applicant_the_note_and_takes_no_seat(people):
    lin = await owner(people, "lin")
    chief = await people.make("chief", role=PlatformRole.ADMIN)
    application = await apply_for_role(
        await people.context(lin), KocRoleKind.STORY_SCOUT, STATEMENT
    )
    review = await review_application(
        await people.context(chief), application.id, False, "Show us a story first."
    )
    assert review.role is None
    assert review.application.state == KocApplicationState.REJECTED
    assert not await KocRole.exists()
    assert (await KocProgram.get(kind=KocRoleKind.STORY_SCOUT)).seats_taken == 0
    [text] = await koc_texts(lin)
    assert "not accepted" in text and "Show us a story first." in text
    with pytest.raises(Conflict):  # decided once
        await review_application(await people.context(chief), application.id, True)


async def test_review_is_for_staff_in_good_standing(people):
    lin = await owner(people, "lin")
    ann = await people.make("ann")
    silenced = await people.make(
        "mia", role=PlatformRole.MODERATOR, state=AccountState.SILENCED, until_days=2
    )
    application = await apply_for_role(
        await people.context(lin), KocRoleKind.STORY_SCOUT, STATEMENT
    )
    with pytest.raises(NotAuthenticated):
        await review_application(await people.context(None), application.id, True)
    with pytest.raises(Forbidden):
        await review_application(await people.context(ann), application.id, True)
    with pytest.raises(Forbidden):  # the applicant themself
        await review_application(await people.context(lin), application.id, True)
    with pytest.raises(AccountSuspended):
        await review_application(await people.context(silenced), application.id, True)
    for who in (None, ann, silenced):
        with pytest.raises(Forbidden if who else NotAuthenticated):
            await list_applications(await people.context(who), None, None, 10, None)
    assert (await KocApplication.get(id=application.id)).state == KocApplicationState.PENDING


async def test_ten_concurrent_approvals_for_three_seats_grant_exactly_three(people):
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    await ensure_programs()
    await KocProgram.filter(kind=KocRoleKind.CHIEF_CREATIVE_OFFICER).update(seats=3)
    applications = []
    for n in range(10):
        applicant = await owner(people, f"lin{n}")
        applications.append(
            await apply_for_role(
                await people.context(applicant), KocRoleKind.CHIEF_CREATIVE_OFFICER, STATEMENT
            )
        )
    contexts = [await people.context(mia) for _ in applications]
    outcomes = await asyncio.gather(
        *(review_application(c, a.id, True) for c, a in zip(contexts, applications, strict=True)),
        return_exceptions=True,
    )
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(refused) == 7, outcomes
    assert all(
        isinstance(o, NotEligible) and o.reason == NotEligibleReason.NO_SEATS for o in refused
    )
    assert await KocRole.filter(state=KocRoleState.ACTIVE).count() == 3
    assert (await KocProgram.get(kind=KocRoleKind.CHIEF_CREATIVE_OFFICER)).seats_taken == 3
    states = await KocApplication.all().values_list("state", flat=True)
    assert sorted(states) == ["APPROVED"] * 3 + ["PENDING"] * 7
    assert await AuditEntry.filter(kind=AuditKind.KOC_APPLICATION_DECIDED).count() == 3


async def test_list_applications_oldest_first_by_kind_and_state(people):
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    lin = await owner(people, "lin")
    ann = await owner(people, "ann")
    first = await apply_for_role(await people.context(lin), KocRoleKind.STORY_SCOUT, STATEMENT)
    second = await apply_for_role(await people.context(ann), KocRoleKind.STORY_SCOUT, STATEMENT)
    other = await apply_for_role(await people.context(ann), KocRoleKind.VOLUNTEER, STATEMENT)
    ctx = await people.context(mia)
    page = await list_applications(ctx, None, KocApplicationState.PENDING, 2, None)
    assert [a.id for _, a in page.edges] == [first.id, second.id] and page.has_next_page
    rest = await list_applications(ctx, None, KocApplicationState.PENDING, 2, page.end_cursor)
    assert [a.id for _, a in rest.edges] == [other.id]
    scouts = await list_applications(ctx, KocRoleKind.STORY_SCOUT, None, 10, None)
    assert [a.id for _, a in scouts.edges] == [first.id, second.id]
    own = await list_own_applications(await people.context(ann), ann.id, 10, None)
    assert own is not None and [a.id for _, a in own.edges] == [other.id, second.id]
    assert await list_own_applications(await people.context(lin), ann.id, 10, None) is None


async def test_applications_are_seen_by_the_applicant_and_staff_alone(people):
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    lin = await owner(people, "lin")
    ann = await people.make("ann")
    application = await apply_for_role(
        await people.context(lin), KocRoleKind.STORY_SCOUT, STATEMENT
    )
    assert await visible_application(await people.context(lin), application.id)
    assert await visible_application(await people.context(mia), application.id)
    assert await visible_application(await people.context(ann), application.id) is None
    assert await visible_application(await people.context(None), application.id) is None


# --- renewing, revoking, ending -----------------------------------------------------------------


async def test_renew_role_extends_from_the_current_end(people):
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    lin = await owner(people, "lin")
    role = await granted(people, mia, lin)
    await KocRole.filter(id=role.id).update(reminded_at=datetime.now(UTC))
    renewed = await renew_role(await people.context(mia), role.id, 6)
    assert renewed.ends_at == add_months(role.ends_at, 6)
    assert renewed.reminded_at is None  # the new term gets its own reminder
    assert "renewed" in (await koc_texts(lin))[-1]
    [entry] = await AuditEntry.filter(kind=AuditKind.KOC_ROLE_RENEWED)
    assert entry.detail == {"roleId": role.id, "kind": "STORY_SCOUT", "termMonths": 6}
    for months in (0, 25):
        with pytest.raises(InvalidInput):
            await renew_role(await people.context(mia), role.id, months)
    with pytest.raises(Forbidden):
        await renew_role(await people.context(lin), role.id, 6)


async def test_revoke_role_frees_the_seat_tells_the_holder_and_hides_the_badge(people):
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    lin = await owner(people, "lin")
    ann = await people.make("ann")
    role = await granted(people, mia, lin)
    with pytest.raises(Forbidden):
        await revoke_role(await people.context(ann), role.id, "No reason")
    with pytest.raises(InvalidInput):
        await revoke_role(await people.context(mia), role.id, " ")
    revoked = await revoke_role(await people.context(mia), role.id, "Posted fake reviews.")
    assert (revoked.state, revoked.active_key) == (KocRoleState.REVOKED, None)
    assert revoked.revoked_reason == "Posted fake reviews."
    assert (await KocProgram.get(kind=KocRoleKind.STORY_SCOUT)).seats_taken == 0
    assert "revoked" in (await koc_texts(lin))[-1]
    [entry] = await AuditEntry.filter(kind=AuditKind.KOC_ROLE_REVOKED)
    assert (entry.affected_user_id, entry.reason) == (lin.id, "Posted fake reviews.")
    with pytest.raises(Conflict):
        await revoke_role(await people.context(mia), role.id, "Again")
    # Ended, the role is the holder's and staff's to see.
    assert await visible_role(await people.context(ann), role.id) is None
    assert await visible_role(await people.context(None), role.id) is None
    assert await visible_role(await people.context(lin), role.id)
    assert await visible_role(await people.context(mia), role.id)
    ctx = await people.context(ann)
    assert await ctx.loaders.koc_roles_by_user_id.load(lin.id) == []


async def test_end_due_koc_roles_reminds_once_then_ends_the_term(people):
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    lin = await owner(people, "lin")
    role = await granted(people, mia, lin)
    hub = people.resources.hub
    assert await end_due_koc_roles(hub) == type(await end_due_koc_roles(hub))()  # nothing due
    soon = role.ends_at - timedelta(days=20)
    sweep = await end_due_koc_roles(hub, now=soon)
    assert (sweep.reminded, sweep.ended) == ([role.id], [])
    again = await end_due_koc_roles(hub, now=soon + timedelta(days=1))
    assert (again.reminded, again.ended) == ([], [])  # once per term
    assert "ends on" in (await koc_texts(lin))[-1]
    over = await end_due_koc_roles(hub, now=role.ends_at + timedelta(minutes=1))
    assert over.ended == [role.id]
    ended = await KocRole.get(id=role.id)
    assert (ended.state, ended.active_key) == (KocRoleState.EXPIRED, None)
    assert (await KocProgram.get(kind=KocRoleKind.STORY_SCOUT)).seats_taken == 0
    assert "ended" in (await koc_texts(lin))[-1]
    assert len(await koc_texts(lin)) == 3  # granted, ending soon, ended
    assert (await end_due_koc_roles(hub, now=role.ends_at + timedelta(days=1))).ended == []
    # The term over, the holder may apply again.
    await apply_for_role(await people.context(lin), KocRoleKind.STORY_SCOUT, STATEMENT)


async def test_badges_are_the_active_roles_loaded_in_one_batch(people):
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    lin = await owner(people, "lin")
    ann = await owner(people, "ann")
    await granted(people, mia, lin, KocRoleKind.STORY_SCOUT)
    await granted(people, mia, lin, KocRoleKind.VOLUNTEER)
    ctx = await people.context(None)
    badges = await ctx.loaders.koc_roles_by_user_id.load_many([lin.id, ann.id])
    assert [[r.kind for r in rows] for rows in badges] == [
        [KocRoleKind.STORY_SCOUT, KocRoleKind.VOLUNTEER],
        [],
    ]


async def test_staff_neither_approve_their_own_application_nor_renew_their_own_role(people):
    mia = await people.make("mia", PlatformRole.MODERATOR)
    chief = await people.make("chief", PlatformRole.ADMIN)
    application = await apply_for_role(
        await people.context(mia), KocRoleKind.STORY_SCOUT, STATEMENT
    )
    with pytest.raises(Forbidden):
        await review_application(await people.context(mia), application.id, True)
    assert (await KocApplication.get(id=application.id)).state == KocApplicationState.PENDING
    review = await review_application(await people.context(chief), application.id, True)
    assert review.role is not None
    with pytest.raises(Forbidden):
        await renew_role(await people.context(mia), review.role.id, 6)
    assert (await KocRole.get(id=review.role.id)).ends_at == review.role.ends_at
