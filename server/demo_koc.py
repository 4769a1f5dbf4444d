"""The demo community's KOC programmes: holders of every role, and applications waiting for the
`admin`'s review (development only, deterministic like the rest of the demo)."""

from __future__ import annotations

import random
from datetime import timedelta

from resolvers.koc_programs import ensure_programs
from server.demo_data import BASE_TIME, SEED
from server.models import (
    IdentityKind,
    KocApplication,
    KocApplicationState,
    KocProgram,
    KocRole,
    KocRoleKind,
    KocRoleState,
    User,
)

STATEMENTS = {
    KocRoleKind.VOLUNTEER: "周末有空，愿意在交付中心帮忙。Free most weekends for deliveries.",
    KocRoleKind.EXPERIENCE_OFFICER: "我记录了半年的用车细节，想把它们变成改进建议。",
    KocRoleKind.CHIEF_CREATIVE_OFFICER: "Landscape photographer; I shoot every community day.",
    KocRoleKind.STORY_SCOUT: "身边有很多车主故事值得被写下来。I know stories worth telling.",
    KocRoleKind.QUALITY_OFFICER: "做了十年质检，想帮忙测试生活方式产品。",
    KocRoleKind.PERK_PARTNER: "经营一家民宿，可以给车主提供车主价。I run a guesthouse.",
    KocRoleKind.PRODUCT_ADVISOR: "Software engineer and daily driver; happy to test betas.",
}
CITIES = ("上海", "北京", "成都", "杭州", "深圳", "武汉")


def _eligible(program: KocProgram, user: User) -> bool:
    return not program.eligible_identities or user.identity in program.eligible_identities


async def seed_koc(users: dict[str, User]) -> tuple[int, int]:
    """Holders of every programme (the `owner` among the volunteers), one expired role, one
    rejected application, and pending applications (the `fan`'s among them) for the `admin` to
    review. Returns (active roles, pending applications)."""
    rng = random.Random(f"{SEED}-koc")
    await ensure_programs()
    programs = {p.kind: p for p in await KocProgram.all()}
    members = [u for h, u in sorted(users.items()) if h.startswith("member")]
    admin = users["admin"]
    roles: list[KocRole] = []
    held: set[tuple[int, KocRoleKind]] = set()

    def grant(user: User, kind: KocRoleKind, months_ago: int) -> None:
        program = programs[kind]
        starts = BASE_TIME - timedelta(days=30 * months_ago)
        roles.append(
            KocRole(
                user_id=user.id,
                kind=kind,
                state=KocRoleState.ACTIVE,
                active_key=f"{user.id}:{kind}",
                starts_at=starts,
                ends_at=starts + timedelta(days=30 * program.term_months),
                granted_by_id=admin.id,
            )
        )
        held.add((user.id, kind))

    grant(users["owner"], KocRoleKind.VOLUNTEER, 2)
    for kind, program in programs.items():
        eligible = [u for u in members if _eligible(program, u) and (u.id, kind) not in held]
        for user in rng.sample(eligible, min(3, len(eligible))):
            grant(user, kind, rng.randint(0, min(program.term_months - 2, 5)))
    # One role whose term ran out.
    expired_holder = members[-1]
    roles.append(
        KocRole(
            user_id=expired_holder.id,
            kind=KocRoleKind.STORY_SCOUT,
            state=KocRoleState.EXPIRED,
            starts_at=BASE_TIME - timedelta(days=400),
            ends_at=BASE_TIME - timedelta(days=35),
            granted_by_id=admin.id,
        )
    )
    await KocRole.bulk_create(roles)
    for kind in programs:
        taken = sum(1 for r in roles if r.kind == kind and r.state == KocRoleState.ACTIVE)
        await KocProgram.filter(kind=kind).update(seats_taken=taken)

    applications: list[KocApplication] = []

    def apply(user: User, kind: KocRoleKind, state: KocApplicationState, note: str = "") -> None:
        pending = state == KocApplicationState.PENDING
        applications.append(
            KocApplication(
                user_id=user.id,
                kind=kind,
                statement=STATEMENTS[kind],
                city=rng.choice(CITIES),
                state=state,
                pending_key=f"{user.id}:{kind}" if pending else None,
                reviewer_id=None if pending else admin.id,
                note=note,
                decided_at=None if pending else BASE_TIME - timedelta(days=3),
            )
        )

    apply(users["fan"], KocRoleKind.STORY_SCOUT, KocApplicationState.PENDING)
    waiting = 1
    for kind, program in programs.items():
        candidates = [u for u in members if _eligible(program, u) and (u.id, kind) not in held]
        user = rng.choice(candidates)
        if (user.id, kind) != (users["fan"].id, kind):
            apply(user, kind, KocApplicationState.PENDING)
            waiting += 1
    fans = [u for u in members if u.identity == IdentityKind.FAN]
    apply(
        fans[0],
        KocRoleKind.PRODUCT_ADVISOR,
        KocApplicationState.REJECTED,
        "谢谢申请！本期名额已满，欢迎下期再来。Thank you; this term is full.",
    )
    await KocApplication.bulk_create(applications)
    active = sum(1 for r in roles if r.state == KocRoleState.ACTIVE)
    return active, waiting
