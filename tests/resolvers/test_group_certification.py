"""Certified industry groups as use cases: an owner applies (and who may not: members, the
group's admins and moderators, another group's owner, platform staff, sanctioned owners), one
pending application per group, the member minimum; platform admins decide, never for a group
they own, and two racing decide once; an approval certifies the group with the application's
industry (taking more members), a revocation takes it back; the owners hear of each, every
decision is audited, search follows, and the applications are seen by who runs the group."""

from __future__ import annotations

import asyncio

import pytest

from resolvers.admin import set_group_certified
from resolvers.changes import writing
from resolvers.group_admission import admit, member_limit
from resolvers.group_certification import (
    apply_for_certification,
    latest_application,
    list_applications,
    review_application,
    revoke_certification,
    visible_application,
    withdraw_application,
)
from resolvers.rules import RuleInput, create_rule
from server.errors import (
    AccountSuspended,
    Conflict,
    ContentRejected,
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
    Group,
    GroupCertificationApplication,
    GroupKind,
    GroupMembership,
    GroupRequestState,
    GroupRole,
    Industry,
    MatchKind,
    Notification,
    NotificationKind,
    PlatformRole,
    RuleAction,
    SearchEntity,
    SearchOutbox,
    User,
)
from tests.helpers import make_group
from tests.resolvers.conftest import outbox

EVIDENCE = "Forty teachers from Shanghai schools who drive to class every morning."


async def club(people, slug: str = "teachers", **roles: User) -> Group:
    """A group owned by `owner`, with an `admin`, a `moderator` and a `member` when given,
    as many members as certification needs."""
    group = await make_group(slug, roles["owner"])
    for name, role in (
        ("coowner", GroupRole.OWNER),
        ("admin", GroupRole.ADMIN),
        ("moderator", GroupRole.MODERATOR),
        ("member", GroupRole.MEMBER),
    ):
        if name in roles:
            await GroupMembership.create(group=group, user=roles[name], role=role)
    minimum = people.resources.settings.group_certification_min_members
    await Group.filter(id=group.id).update(member_count=minimum)
    await group.refresh_from_db()
    return group


async def certification_texts(user: User) -> list[str]:
    rows = await Notification.filter(
        recipient_id=user.id, kind=NotificationKind.GROUP_CERTIFICATION
    ).order_by("id")
    return [row.text for row in rows]


async def applied(people, owner: User, slug: str = "teachers", industry=Industry.EDUCATION):
    return await apply_for_certification(await people.context(owner), slug, industry, EVIDENCE)


# --- applying -----------------------------------------------------------------------------------


async def test_an_owner_applies_and_the_application_waits_keyed_by_the_group(people):
    lin = await people.make("lin")
    group = await club(people, owner=lin)
    application = await apply_for_certification(
        await people.context(lin), "teachers", Industry.EDUCATION, f"  {EVIDENCE}  "
    )
    assert application.state == GroupRequestState.PENDING
    assert (application.group_id, application.applicant_id) == (group.id, lin.id)
    assert application.industry == Industry.EDUCATION
    assert application.evidence == EVIDENCE
    assert application.pending_key == str(group.id)
    assert (application.reviewer_id, application.decided_at, application.note) == (None, None, "")
    untouched = await Group.get(id=group.id)
    assert (untouched.certified, untouched.kind, untouched.industry) == (
        False,
        GroupKind.INTEREST,
        None,
    )


async def test_only_an_owner_of_the_group_may_apply(people):
    lin = await people.make("lin")
    ann = await people.make("ann")
    rui = await people.make("rui")
    zoe = await people.make("zoe")
    ivy = await people.make("ivy")
    chief = await people.make("chief", PlatformRole.ADMIN)
    mia = await people.make("mia", PlatformRole.MODERATOR)
    await club(people, owner=lin, admin=ann, moderator=rui, member=zoe)
    await club(people, "sailors", owner=ivy)
    with pytest.raises(NotAuthenticated):
        await applied(people, None)
    for who in (zoe, ann, rui, ivy, chief, mia):  # a member, the group's staff, outsiders
        with pytest.raises(Forbidden):
            await applied(people, who)
    assert not await GroupCertificationApplication.exists()


@pytest.mark.parametrize(
    ("state", "silenced"),
    [(AccountState.SUSPENDED, False), (AccountState.BANNED, False), (AccountState.SILENCED, True)],
)
async def test_a_sanctioned_owner_is_refused_saying_why(people, state, silenced):
    kai = await people.make("kai", state=state, until_days=3)
    await club(people, owner=kai)
    with pytest.raises(AccountSuspended) as refused:
        await applied(people, kai)
    assert refused.value.silenced is silenced
    assert not await GroupCertificationApplication.exists()


async def test_apply_refuses_an_unknown_group_a_certified_one_and_a_second_application(people):
    lin = await people.make("lin")
    kai = await people.make("kai")
    group = await club(people, owner=lin, coowner=kai)
    with pytest.raises(NotFound):
        await applied(people, lin, "nowhere")
    first = await applied(people, lin)
    with pytest.raises(Conflict):  # a co-owner too: one pending application per group
        await applied(people, kai, industry=Industry.FINANCE)
    await GroupCertificationApplication.filter(id=first.id).update(
        state=GroupRequestState.REJECTED, pending_key=None
    )
    await applied(people, kai)  # decided, the group may apply again
    await GroupCertificationApplication.all().update(
        state=GroupRequestState.REJECTED, pending_key=None
    )
    await Group.filter(id=group.id).update(certified=True)
    with pytest.raises(Conflict):
        await applied(people, lin)


async def test_a_group_with_too_few_members_is_not_eligible_and_told_how_many(people):
    lin = await people.make("lin")
    group = await club(people, owner=lin)
    needed = people.resources.settings.group_certification_min_members
    await Group.filter(id=group.id).update(member_count=needed - 1)
    with pytest.raises(NotEligible) as refused:
        await applied(people, lin)
    assert refused.value.reason == NotEligibleReason.TOO_FEW_MEMBERS
    assert f"at least {needed} members" in str(refused.value)
    assert not await GroupCertificationApplication.exists()


@pytest.mark.parametrize("evidence", ["too short", "x" * 2001, "   "])
async def test_evidence_runs_from_20_to_2000_characters(people, evidence):
    lin = await people.make("lin")
    await club(people, owner=lin)
    with pytest.raises(InvalidInput) as refused:
        await apply_for_certification(
            await people.context(lin), "teachers", Industry.EDUCATION, evidence
        )
    assert refused.value.field == "evidence"


async def test_evidence_is_screened_like_any_text(people):
    mia = await people.make("mia", PlatformRole.MODERATOR)
    rule = RuleInput("bribe", MatchKind.WORD, RuleAction.BLOCK, "corruption")
    await create_rule(await people.context(mia), rule)
    lin = await people.make("lin")
    await club(people, owner=lin)
    with pytest.raises(ContentRejected):
        await apply_for_certification(
            await people.context(lin), "teachers", Industry.EDUCATION, f"{EVIDENCE} A bribe."
        )
    assert not await GroupCertificationApplication.exists()


async def test_any_owner_withdraws_and_the_group_may_apply_again(people):
    lin = await people.make("lin")
    kai = await people.make("kai")
    ann = await people.make("ann")
    zoe = await people.make("zoe")
    chief = await people.make("chief", PlatformRole.ADMIN)
    await club(people, owner=lin, coowner=kai, admin=ann, member=zoe)
    application = await applied(people, lin)
    with pytest.raises(NotFound):  # not theirs to see
        await withdraw_application(await people.context(zoe), application.id)
    for who in (ann, chief):  # they see it, but it is the owners' to take back
        with pytest.raises(Forbidden):
            await withdraw_application(await people.context(who), application.id)
    with pytest.raises(NotAuthenticated):
        await withdraw_application(await people.context(None), application.id)
    withdrawn = await withdraw_application(await people.context(kai), application.id)
    assert (withdrawn.state, withdrawn.pending_key) == (GroupRequestState.WITHDRAWN, None)
    assert withdrawn.decided_at is not None
    with pytest.raises(Conflict):
        await withdraw_application(await people.context(lin), application.id)
    await applied(people, lin)


# --- reviewing ----------------------------------------------------------------------------------


async def test_approval_certifies_the_group_tells_its_owners_audits_and_updates_search(people):
    lin = await people.make("lin")
    kai = await people.make("kai")
    zoe = await people.make("zoe")
    chief = await people.make("chief", PlatformRole.ADMIN)
    group = await club(people, owner=lin, coowner=kai, member=zoe)
    application = await applied(people, kai, industry=Industry.HUMAN_RESOURCES)
    assert await outbox(SearchEntity.GROUP, group.id) == []  # applying changes no document
    review = await review_application(
        await people.context(chief), application.id, True, "Welcome aboard."
    )
    assert review.application.state == GroupRequestState.APPROVED
    assert (review.application.reviewer_id, review.application.note) == (
        chief.id,
        "Welcome aboard.",
    )
    assert review.application.pending_key is None and review.application.decided_at is not None
    certified = await Group.get(id=group.id)
    assert (certified.certified, certified.kind, certified.industry) == (
        True,
        GroupKind.INDUSTRY,
        Industry.HUMAN_RESOURCES,
    )
    assert review.group.certified and review.group.industry == Industry.HUMAN_RESOURCES
    for owner in (lin, kai):
        [text] = await certification_texts(owner)
        assert "certified human resources group" in text and "Welcome aboard." in text
    assert await certification_texts(zoe) == []
    [note] = await Notification.filter(recipient_id=lin.id)
    assert (note.group_id, note.actor_id) == (group.id, None)  # the brand decided, not a person
    [entry] = await AuditEntry.filter(kind=AuditKind.GROUP_CERTIFICATION_DECIDED)
    assert (entry.actor_id, entry.group_id, entry.affected_user_id) == (chief.id, group.id, kai.id)
    assert entry.detail == {
        "applicationId": application.id,
        "industry": "HUMAN_RESOURCES",
        "approved": True,
    }
    assert await outbox(SearchEntity.GROUP, group.id)


async def test_approval_writes_only_the_certification_columns_of_the_group(people, sql_statements):
    lin = await people.make("lin")
    chief = await people.make("chief", PlatformRole.ADMIN)
    group = await club(people, owner=lin)
    application = await applied(people, lin)
    sql_statements.statements.clear()
    await review_application(await people.context(chief), application.id, True)
    writes = [
        s for s in sql_statements.statements if s.lstrip().upper().startswith('UPDATE "GROUPS"')
    ]
    assert len(writes) == 1, writes
    assigned = writes[0].split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    assert sorted(part.split("=")[0].strip().strip('"') for part in assigned.split(",")) == [
        "certified",
        "industry",
        "kind",
    ]
    assert (await Group.get(id=group.id)).member_count == group.member_count


async def test_rejection_tells_the_owners_the_note_and_leaves_the_group_as_it_was(people):
    lin = await people.make("lin")
    chief = await people.make("chief", PlatformRole.ADMIN)
    group = await club(people, owner=lin)
    application = await applied(people, lin)
    review = await review_application(
        await people.context(chief), application.id, False, "Show us the members' schools."
    )
    assert review.application.state == GroupRequestState.REJECTED
    assert not (await Group.get(id=group.id)).certified
    [text] = await certification_texts(lin)
    assert "not accepted" in text and "Show us the members' schools." in text
    [entry] = await AuditEntry.filter(kind=AuditKind.GROUP_CERTIFICATION_DECIDED)
    assert entry.detail["approved"] is False
    assert entry.reason == "Show us the members' schools."
    with pytest.raises(Conflict):  # decided once
        await review_application(await people.context(chief), application.id, True)


async def test_review_is_for_platform_admins_in_good_standing_who_do_not_own_the_group(people):
    lin = await people.make("lin")
    ann = await people.make("ann")
    zoe = await people.make("zoe")
    mia = await people.make("mia", PlatformRole.MODERATOR)
    banned = await people.make("kai", PlatformRole.ADMIN, AccountState.BANNED)
    silenced = await people.make("rui", PlatformRole.ADMIN, AccountState.SILENCED, until_days=2)
    owning = await people.make("vera", PlatformRole.ADMIN)
    await club(people, owner=lin, admin=ann, member=zoe, coowner=owning)
    application = await applied(people, lin)
    with pytest.raises(NotAuthenticated):
        await review_application(await people.context(None), application.id, True)
    for who in (zoe, ann, lin, mia):  # a member, the group's admin and owner, a moderator
        with pytest.raises(Forbidden):
            await review_application(await people.context(who), application.id, True)
    for who in (banned, silenced):
        with pytest.raises(AccountSuspended):
            await review_application(await people.context(who), application.id, True)
    with pytest.raises(Forbidden) as refused:  # an admin owning the group
        await review_application(await people.context(owning), application.id, True)
    assert "another admin decides" in str(refused.value).lower()
    with pytest.raises(NotFound):
        await review_application(await people.context(owning), application.id + 1000, True)
    assert (await GroupCertificationApplication.get(id=application.id)).state == "PENDING"
    assert not await AuditEntry.filter(kind=AuditKind.GROUP_CERTIFICATION_DECIDED).exists()


async def test_two_admins_approving_at_once_decide_it_once(people):
    lin = await people.make("lin")
    chief = await people.make("chief", PlatformRole.ADMIN)
    vera = await people.make("vera", PlatformRole.ADMIN)
    group = await club(people, owner=lin)
    application = await applied(people, lin)
    contexts = [await people.context(chief), await people.context(vera)]
    outcomes = await asyncio.gather(
        *(review_application(ctx, application.id, True) for ctx in contexts),
        return_exceptions=True,
    )
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], Conflict), outcomes
    assert (await Group.get(id=group.id)).certified
    assert await AuditEntry.filter(kind=AuditKind.GROUP_CERTIFICATION_DECIDED).count() == 1
    assert len(await certification_texts(lin)) == 1


async def test_certification_raises_the_member_limit(people):
    lin = await people.make("lin")
    zoe = await people.make("zoe")
    chief = await people.make("chief", PlatformRole.ADMIN)
    group = await club(people, owner=lin)
    settings = people.resources.settings
    assert member_limit(settings, group) == settings.group_member_limit
    await Group.filter(id=group.id).update(member_count=settings.group_member_limit)
    with pytest.raises(NotEligible) as full:
        async with writing(people.resources.hub) as log:
            await admit(log, settings, await Group.get(id=group.id), zoe.id)
    assert full.value.reason == NotEligibleReason.GROUP_FULL
    # The application was sent while the group was smaller.
    await Group.filter(id=group.id).update(member_count=settings.group_certification_min_members)
    application = await applied(people, lin)
    await Group.filter(id=group.id).update(member_count=settings.group_member_limit)
    review = await review_application(await people.context(chief), application.id, True)
    assert member_limit(settings, review.group) == settings.certified_group_member_limit
    async with writing(people.resources.hub) as log:
        assert await admit(log, settings, await Group.get(id=group.id), zoe.id)
    assert (await Group.get(id=group.id)).member_count == settings.group_member_limit + 1


# --- revoking, setting directly -----------------------------------------------------------------


async def test_revoke_takes_the_certification_keeps_kind_and_industry_and_says_why(people):
    lin = await people.make("lin")
    chief = await people.make("chief", PlatformRole.ADMIN)
    mia = await people.make("mia", PlatformRole.MODERATOR)
    group = await club(people, owner=lin)
    await review_application(await people.context(chief), (await applied(people, lin)).id, True)
    with pytest.raises(Forbidden):
        await revoke_certification(await people.context(mia), "teachers", "No reason")
    with pytest.raises(Forbidden):
        await revoke_certification(await people.context(lin), "teachers", "No reason")
    with pytest.raises(InvalidInput):
        await revoke_certification(await people.context(chief), "teachers", "  ")
    with pytest.raises(NotFound):
        await revoke_certification(await people.context(chief), "nowhere", "Gone")
    await SearchOutbox.all().delete()
    revoked = await revoke_certification(
        await people.context(chief), "teachers", "Most members are not teachers."
    )
    assert (revoked.certified, revoked.kind, revoked.industry) == (
        False,
        GroupKind.INDUSTRY,
        Industry.EDUCATION,
    )
    assert "no longer certified" in (await certification_texts(lin))[-1]
    assert "Most members are not teachers." in (await certification_texts(lin))[-1]
    [entry] = await AuditEntry.filter(kind=AuditKind.GROUP_CERTIFICATION_REVOKED)
    assert (entry.actor_id, entry.group_id) == (chief.id, group.id)
    assert entry.reason == "Most members are not teachers."
    assert await outbox(SearchEntity.GROUP, group.id)
    with pytest.raises(Conflict):  # not certified any more
        await revoke_certification(await people.context(chief), "teachers", "Again")


async def test_set_group_certified_changes_that_column_alone_audited_and_searched(people):
    lin = await people.make("lin")
    chief = await people.make("chief", PlatformRole.ADMIN)
    group = await club(people, owner=lin)
    await Group.filter(id=group.id).update(industry=Industry.LAW)
    changed = await set_group_certified(await people.context(chief), "teachers", True)
    assert (changed.certified, changed.kind, changed.industry) == (
        True,
        GroupKind.INTEREST,
        Industry.LAW,  # written by someone else meanwhile, kept
    )
    [entry] = await AuditEntry.filter(kind=AuditKind.GROUP_CERTIFIED_SET)
    assert (entry.actor_id, entry.group_id, entry.detail) == (
        chief.id,
        group.id,
        {"certified": True},
    )
    assert await outbox(SearchEntity.GROUP, group.id)
    with pytest.raises(Forbidden):
        await set_group_certified(await people.context(lin), "teachers", False)


# --- reading ------------------------------------------------------------------------------------


async def test_an_application_is_seen_by_the_groups_owners_and_admins_and_platform_admins(people):
    lin = await people.make("lin")
    ann = await people.make("ann")
    rui = await people.make("rui")
    zoe = await people.make("zoe")
    ivy = await people.make("ivy")
    chief = await people.make("chief", PlatformRole.ADMIN)
    mia = await people.make("mia", PlatformRole.MODERATOR)
    silenced = await people.make("kai", state=AccountState.SILENCED, until_days=2)
    group = await club(people, owner=lin, admin=ann, moderator=rui, member=zoe, coowner=silenced)
    await club(people, "sailors", owner=ivy)
    application = await applied(people, lin)
    for who in (lin, ann, chief):
        ctx = await people.context(who)
        assert (await visible_application(ctx, application.id)).id == application.id
        assert (await latest_application(ctx, group.id)).id == application.id
    for who in (None, zoe, rui, ivy, mia, silenced):
        ctx = await people.context(who)
        assert await visible_application(ctx, application.id) is None
        assert await latest_application(ctx, group.id) is None


async def test_the_latest_application_is_the_newest_and_loaded_in_one_batch(people, sql_statements):
    lin = await people.make("lin")
    ivy = await people.make("ivy")
    chief = await people.make("chief", PlatformRole.ADMIN)
    teachers = await club(people, owner=lin)
    sailors = await club(people, "sailors", owner=ivy)
    bare = await club(people, "bare", owner=ivy)
    first = await applied(people, lin)
    await withdraw_application(await people.context(lin), first.id)
    second = await applied(people, lin, industry=Industry.RESEARCH)
    other = await applied(people, ivy, "sailors", Industry.SHIPPING)
    ctx = await people.context(chief)
    sql_statements.statements.clear()
    latest = await asyncio.gather(
        *(latest_application(ctx, g.id) for g in (teachers, sailors, bare))
    )
    assert [a.id if a else None for a in latest] == [second.id, other.id, None]
    assert len(sql_statements.statements) == 1, sql_statements.statements


async def test_admins_list_applications_oldest_first_by_state(people):
    lin = await people.make("lin")
    ivy = await people.make("ivy")
    chief = await people.make("chief", PlatformRole.ADMIN)
    await club(people, owner=lin)
    await club(people, "sailors", owner=ivy)
    await club(people, "builders", owner=ivy)
    first = await applied(people, lin)
    second = await applied(people, ivy, "sailors", Industry.SHIPPING)
    third = await applied(people, ivy, "builders", Industry.MANUFACTURING)
    ctx = await people.context(chief)
    await review_application(ctx, second.id, False)
    page = await list_applications(ctx, GroupRequestState.PENDING, 1, None)
    assert [a.id for _, a in page.edges] == [first.id] and page.has_next_page
    rest = await list_applications(ctx, GroupRequestState.PENDING, 5, page.end_cursor)
    assert [a.id for _, a in rest.edges] == [third.id]
    every = await list_applications(ctx, None, 5, None)
    assert [a.id for _, a in every.edges] == [first.id, second.id, third.id]
    rejected = await list_applications(ctx, GroupRequestState.REJECTED, 5, None)
    assert [a.id for _, a in rejected.edges] == [second.id]


async def test_only_platform_admins_in_good_standing_list_applications(people):
    lin = await people.make("lin")
    mia = await people.make("mia", PlatformRole.MODERATOR)
    banned = await people.make("kai", PlatformRole.ADMIN, AccountState.BANNED)
    await club(people, owner=lin)
    await applied(people, lin)
    with pytest.raises(NotAuthenticated):
        await list_applications(await people.context(None), None, 5, None)
    for who in (lin, mia):  # the group's owner, a platform moderator
        with pytest.raises(Forbidden):
            await list_applications(await people.context(who), None, 5, None)
    with pytest.raises(AccountSuspended):
        await list_applications(await people.context(banned), None, 5, None)
