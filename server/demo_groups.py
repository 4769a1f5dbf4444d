"""The demo community's ways into groups and what their staff work on: groups that approve or
invite, join requests waiting, an invitation and an invite link, a member barred from
rejoining, two certification applications for the `admin` to review, and product feedback, some
of it adopted (development only, deterministic like the rest of the demo)."""

from __future__ import annotations

import random
from datetime import timedelta

from server.demo_data import BASE_TIME, SEED
from server.models import (
    FeedbackAdoption,
    Group,
    GroupBan,
    GroupCertificationApplication,
    GroupInvitation,
    GroupInviteLink,
    GroupJoinRequest,
    GroupMembership,
    Industry,
    JoinPolicy,
    KocRole,
    KocRoleKind,
    KocRoleState,
    Post,
    PostState,
    User,
)

# slug: (policy, the question asked of applicants)
POLICIES = {
    "founders-circle": (JoinPolicy.APPROVAL, "你是哪一年提车的？When did you take delivery?"),
    "architects": (JoinPolicy.APPROVAL, "Which building of yours are you proudest of?"),
    "doctors-on-call": (JoinPolicy.INVITE_ONLY, ""),
}
ANSWERS = [
    "2019 年，第一批 ES8 车主。",
    "The library in Hefei, finished last spring.",
    "Delivered in March; I have driven 40,000 km since.",
    "做了十年住宅设计，想认识同行。",
]
# The invite link the README's example uses.
DEMO_INVITE_CODE = "demo-doctors-on-call"
# slug: (industry, evidence)
CERTIFICATIONS = {
    "architects": (
        Industry.CONSTRUCTION,
        "Members are licensed architects: 12 of 15 sent their registration numbers to the "
        "community team, and the group meets monthly at the Shanghai design centre.",
    ),
    "doctors-on-call": (
        Industry.MEDICINE,
        "每位成员都通过了医师执业证核验；the group runs a charging-stop map for night shifts.",
    ),
}


async def seed_groups(users: dict[str, User], members: dict[int, list[int]]) -> str:
    """Join policies, requests, an invitation, an invite link, a ban, two certification
    applications and product feedback; returns a summary for the demo's one line."""
    rng = random.Random(f"{SEED}-groups")
    groups = {g.slug: g for g in await Group.filter(slug__in=[*POLICIES, *CERTIFICATIONS])}
    fan = users["fan"]
    requests: list[GroupJoinRequest] = []
    for slug, (policy, question) in POLICIES.items():
        group = groups[slug]
        await Group.filter(id=group.id).update(join_policy=policy, join_question=question)
        if policy != JoinPolicy.APPROVAL:
            continue
        outsiders = [u for h, u in sorted(users.items()) if u.id not in members[group.id]]
        applicants = [u for u in outsiders if u.handle.startswith("member")][:3]
        if slug == "founders-circle" and fan.id not in members[group.id]:
            applicants.append(fan)
        for n, applicant in enumerate(applicants):
            requests.append(
                GroupJoinRequest(
                    group_id=group.id,
                    user_id=applicant.id,
                    answer=rng.choice(ANSWERS),
                    pending_key=f"{group.id}:{applicant.id}",
                    created_at=BASE_TIME + timedelta(hours=n),
                )
            )
    await GroupJoinRequest.bulk_create(requests)

    doctors = groups["doctors-on-call"]
    inviter = members[doctors.id][0]
    if fan.id not in members[doctors.id]:
        await GroupInvitation.create(
            group_id=doctors.id,
            user_id=fan.id,
            inviter_id=inviter,
            pending_key=f"{doctors.id}:{fan.id}",
        )
    await GroupInviteLink.create(
        group_id=doctors.id, created_by_id=inviter, code=DEMO_INVITE_CODE, max_uses=25
    )
    # A member of the founders' circle removed for touting, and barred from rejoining.
    founders = groups["founders-circle"]
    removed = next(uid for uid in reversed(members[founders.id][3:]) if uid != users["owner"].id)
    await GroupMembership.filter(group_id=founders.id, user_id=removed).delete()
    members[founders.id].remove(removed)
    await Group.filter(id=founders.id).update(member_count=len(members[founders.id]))
    await GroupBan.create(
        group_id=founders.id,
        user_id=removed,
        banned_by_id=members[founders.id][0],
        reason="Kept advertising a resale service.",
    )

    for slug, (industry, evidence) in CERTIFICATIONS.items():
        group = groups[slug]
        await GroupCertificationApplication.create(
            group_id=group.id,
            applicant_id=members[group.id][0],
            industry=industry,
            evidence=evidence,
            pending_key=str(group.id),
        )
    adopted = await _feedback(users)
    return (
        f"{len(requests)} join requests, 1 invite link, {len(CERTIFICATIONS)} certification "
        f"applications, {adopted} adopted feedback"
    )


async def _feedback(users: dict[str, User]) -> int:
    """The product advisors' published group posts are feedback; the `admin` adopted one of
    each advisor's. Returns how many were adopted."""
    advisors = await KocRole.filter(
        kind=KocRoleKind.PRODUCT_ADVISOR, state=KocRoleState.ACTIVE
    ).values_list("user_id", flat=True)
    posts = await Post.filter(
        author_id__in=list(advisors), group_id__isnull=False, state=PostState.PUBLISHED
    ).order_by("id")
    await Post.filter(id__in=[p.id for p in posts]).update(feedback=True)
    adopted: dict[int, Post] = {}
    for post in posts:
        adopted.setdefault(post.author_id, post)
    await FeedbackAdoption.bulk_create(
        [
            FeedbackAdoption(
                post_id=post.id,
                author_id=post.author_id,
                adopted_by_id=users["admin"].id,
                note="Passed on to the product team for the next software release.",
            )
            for post in adopted.values()
        ]
    )
    return len(adopted)
