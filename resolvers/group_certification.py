"""Certified industry groups (认证行业社群): a group's owner applies, platform admins decide.

An owner of a group with enough members applies for one industry, with evidence that the group
brings that industry's owners together; one application per group waits at a time (its
`pending_key` is the group's id). A platform admin who does not own the group approves or
rejects it by one conditional update of its state, so two reviewers racing decide it once. An
approval makes the group a certified INDUSTRY group of that industry (more members may join,
`group_admission.member_limit`); an admin may revoke the certification later, saying why. The
group's owners hear of each decision (NotificationKind.GROUP_CERTIFICATION), every decision is
audited, and search follows the group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from strawberry.dataloader import DataLoader
from tortoise.exceptions import IntegrityError

from moderation import policies
from resolvers import audit, validation
from resolvers.changes import ChangeLog, writing
from resolvers.context import Context
from resolvers.lookups import require_group
from resolvers.notifications import notify_group
from resolvers.pagination import Listing, Page, id_key, keyset_page
from resolvers.screening import screen
from server.errors import Conflict, Forbidden, NotEligible, NotEligibleReason, NotFound
from server.models import (
    AuditKind,
    Group,
    GroupCertificationApplication,
    GroupKind,
    GroupMembership,
    GroupRequestState,
    GroupRole,
    Industry,
    NotificationKind,
    SearchEntity,
    User,
)

# Admins work the oldest applications first.
APPLICATIONS = Listing("groupCertificationApplications", id_key(descending=False))
MIN_EVIDENCE = 20
MAX_EVIDENCE = 2_000
MAX_NOTE = 500


def industry_name(industry: Industry) -> str:
    """EDUCATION → "education", HUMAN_RESOURCES → "human resources"."""
    return industry.value.replace("_", " ").lower()


async def _role_in(group_id: int, user_id: int) -> GroupRole | None:
    membership = await GroupMembership.get_or_none(group_id=group_id, user_id=user_id)
    return membership.role if membership else None


async def _owner_ids(group_id: int) -> list[int]:
    rows = await GroupMembership.filter(group_id=group_id, role=GroupRole.OWNER).values_list(
        "user_id", flat=True
    )
    return [int(r) for r in rows]  # type: ignore[call-overload]


async def _tell_owners(log: ChangeLog, group: Group, text: str) -> None:
    """Each owner of the group, in words; the admin who decided is not named (the brand
    certifies, not a person)."""
    for owner_id in await _owner_ids(group.id):
        await notify_group(log, owner_id, NotificationKind.GROUP_CERTIFICATION, text, group.id)


# --- applying -----------------------------------------------------------------------------------


async def apply_for_certification(
    ctx: Context, slug: str, industry: Industry, evidence: str
) -> GroupCertificationApplication:
    """An owner of the group, in good standing, asks for it to be certified as an industry
    group: once it has the members it needs, while it is not certified and no application of
    it waits. The evidence is screened like any text."""
    viewer = policies.require_writer(ctx.viewer)
    group = await require_group(slug)
    if await _role_in(group.id, viewer.id) != GroupRole.OWNER:
        raise Forbidden("Only the group's owners can apply for its certification.")
    policies.refuse_if_sanctioned(viewer)  # a silenced owner has no powers in the group
    text = validation.text(
        evidence, "evidence", minimum=MIN_EVIDENCE, maximum=MAX_EVIDENCE, label="The evidence"
    )
    if group.certified:
        raise Conflict(f"{group.name} is certified already.")
    key = str(group.id)
    if await GroupCertificationApplication.filter(pending_key=key).exists():
        raise Conflict(f"An application for {group.name} waits for review already.")
    needed = ctx.settings.group_certification_min_members
    if group.member_count < needed:
        raise NotEligible(
            f"A group needs at least {needed} members to apply for certification; "
            f"{group.name} has {group.member_count}.",
            NotEligibleReason.TOO_FEW_MEMBERS,
        )
    verdict = await screen(ctx, viewer, "certification", {"evidence": text})
    try:
        async with writing(ctx.hub):
            return await GroupCertificationApplication.create(
                group_id=group.id,
                applicant_id=viewer.id,
                industry=industry,
                evidence=verdict.fields["evidence"],
                pending_key=key,
            )
    except IntegrityError:  # another owner's application got in first
        raise Conflict(f"An application for {group.name} waits for review already.") from None


async def withdraw_application(ctx: Context, application_id: int) -> GroupCertificationApplication:
    """An owner of the group takes back its pending application. Who may not see it finds it
    missing; its other viewers (the group's admins, platform admins) are refused."""
    viewer = policies.require_writer(ctx.viewer)
    application = await visible_application(ctx, application_id)
    if application is None:
        raise NotFound("No such application.")
    if await _role_in(application.group_id, viewer.id) != GroupRole.OWNER:
        raise Forbidden("Only the group's owners can withdraw its application.")
    policies.refuse_if_sanctioned(viewer)
    async with writing(ctx.hub):
        claimed = await GroupCertificationApplication.filter(
            id=application.id, state=GroupRequestState.PENDING
        ).update(state=GroupRequestState.WITHDRAWN, pending_key=None, decided_at=datetime.now(UTC))
    if not claimed:
        raise Conflict("Only a pending application can be withdrawn.")
    await application.refresh_from_db()
    return application


# --- reviewing and revoking ---------------------------------------------------------------------


@dataclass
class Review:
    """A decided application and its group as the decision left it."""

    application: GroupCertificationApplication
    group: Group


async def review_application(
    ctx: Context, application_id: int, approve: bool, note: str = ""
) -> Review:
    """Approve (certifying the group as an industry group of the application's industry) or
    reject a pending application. Platform admins in good standing; another admin decides for
    a group one owns or applied for."""
    admin = policies.require_admin(ctx.viewer)
    application = await GroupCertificationApplication.get_or_none(id=application_id)
    if application is None:
        raise NotFound("No such application.")
    remark = validation.text(note, "note", minimum=0, maximum=MAX_NOTE, label="A note")
    if (
        application.applicant_id == admin.id
        or await _role_in(application.group_id, admin.id) == GroupRole.OWNER
    ):
        raise Forbidden("Another admin decides the certification of a group you own.")
    if application.state != GroupRequestState.PENDING:
        raise Conflict("This application was decided already.")
    group = await Group.get(id=application.group_id)
    state = GroupRequestState.APPROVED if approve else GroupRequestState.REJECTED
    decided = {"pending_key": None, "reviewer_id": admin.id, "note": remark}
    async with writing(ctx.hub) as log:
        claimed = await GroupCertificationApplication.filter(
            id=application.id, state=GroupRequestState.PENDING
        ).update(state=state, decided_at=datetime.now(UTC), **decided)
        if not claimed:
            raise Conflict("This application was decided already.")
        field = industry_name(application.industry)
        if approve:
            # Just these columns: a rename or a join meanwhile stands.
            await Group.filter(id=group.id).update(
                certified=True, kind=GroupKind.INDUSTRY, industry=application.industry
            )
            await log.changed(SearchEntity.GROUP, group.id)
            text = f"{group.name} is now a certified {field} group."
        else:
            text = f"The application to certify {group.name} as a {field} group was not accepted."
        await _tell_owners(log, group, text + (f" {remark}" if remark else ""))
        await audit.record(
            AuditKind.GROUP_CERTIFICATION_DECIDED,
            admin.id,
            affected_user_id=application.applicant_id,
            group_id=group.id,
            reason=remark,
            detail={
                "applicationId": application.id,
                "industry": str(application.industry),
                "approved": approve,
            },
        )
    await application.refresh_from_db()
    await group.refresh_from_db()
    return Review(application=application, group=group)


async def revoke_certification(ctx: Context, slug: str, reason: str) -> Group:
    """Take a group's certification away, saying why (its kind and industry stay). Platform
    admins in good standing."""
    admin = policies.require_admin(ctx.viewer)
    group = await require_group(slug)
    why = validation.text(reason, "reason", minimum=1, maximum=MAX_NOTE, label="A reason")
    if not group.certified:
        raise Conflict(f"{group.name} is not certified.")
    async with writing(ctx.hub) as log:
        claimed = await Group.filter(id=group.id, certified=True).update(certified=False)
        if not claimed:
            raise Conflict(f"{group.name} is not certified.")
        await log.changed(SearchEntity.GROUP, group.id)
        await _tell_owners(log, group, f"{group.name} is no longer certified. {why}")
        await audit.record(
            AuditKind.GROUP_CERTIFICATION_REVOKED, admin.id, group_id=group.id, reason=why
        )
    await group.refresh_from_db()
    return group


# --- reading ------------------------------------------------------------------------------------


async def may_see_applications(ctx: Context, group_id: int) -> bool:
    """A group's applications are for its owners and admins in good standing, and platform
    admins."""
    if ctx.viewer is None:
        return False
    if policies.is_admin(ctx.viewer):
        return True
    membership = await ctx.loaders.viewer_membership_by_group_id.load(group_id)
    return policies.runs_group(ctx.viewer, membership)


async def visible_application(
    ctx: Context, application_id: int
) -> GroupCertificationApplication | None:
    """An application, for those who may see its group's; None for anyone else."""
    if ctx.viewer is None:
        return None
    application = await GroupCertificationApplication.get_or_none(id=application_id)
    if application is None or not await may_see_applications(ctx, application.group_id):
        return None
    return application


async def _load_latest(group_ids: list[int]) -> Sequence[GroupCertificationApplication | None]:
    found: dict[int, GroupCertificationApplication] = {}
    for row in await GroupCertificationApplication.filter(group_id__in=group_ids).order_by("id"):
        found[row.group_id] = row
    return [found.get(i) for i in group_ids]


async def latest_application(ctx: Context, group_id: int) -> GroupCertificationApplication | None:
    """The group's newest application, for those who may see it; None for anyone else. Loaded
    in one batch for a page of groups."""
    if not await may_see_applications(ctx, group_id):
        return None

    async def make() -> DataLoader[int, GroupCertificationApplication | None]:
        return DataLoader(_load_latest)

    loader: DataLoader[int, GroupCertificationApplication | None] = await ctx.once(
        "latest_certification_application_by_group_id", make
    )
    return await loader.load(group_id)


async def list_applications(
    ctx: Context, state: GroupRequestState | None, first: int, after: str | None
) -> Page[GroupCertificationApplication]:
    """Applications for admins to decide, oldest first; all states for None."""
    policies.require_admin(ctx.viewer)
    query = GroupCertificationApplication.all()
    if state is not None:
        query = query.filter(state=state)
    return await keyset_page(query, APPLICATIONS, first=first, after=after)


def reviewer_for(viewer: User | None, application: GroupCertificationApplication) -> int | None:
    """Who decided: for platform admins; None for anyone else (the group hears the brand's
    decision, not a person's)."""
    return application.reviewer_id if policies.is_admin(viewer) else None
