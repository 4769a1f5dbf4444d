"""KOC programmes: how each of the seven starts out (PROGRAM_DEFAULTS, written the first time
a programme is needed), and an admin's changes to one (who may apply, the term, the seats,
whether it is open). Applications and roles are in resolvers.koc."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moderation import policies
from resolvers import audit, validation
from resolvers.changes import writing
from resolvers.context import Context
from server.errors import InvalidInput
from server.models import AuditKind, IdentityKind, KocProgram, KocRoleKind

MAX_DESCRIPTION = 2_000
MAX_TERM_MONTHS = 24
MAX_SEATS = 100_000


@dataclass(frozen=True)
class ProgramDefaults:
    """How a programme starts out, before an admin changes it."""

    name_zh: str
    name_en: str
    description: str
    eligible: tuple[IdentityKind, ...]
    term_months: int
    seats: int


OWNERS = (IdentityKind.OWNER,)
ANYONE = (IdentityKind.FAN, IdentityKind.DEPOSIT_HOLDER, IdentityKind.OWNER)
PROGRAM_DEFAULTS: dict[KocRoleKind, ProgramDefaults] = {
    KocRoleKind.VOLUNTEER: ProgramDefaults(
        "车主志愿者", "Owner volunteers", "Serve at events, deliveries and shows.", OWNERS, 12, 200
    ),
    KocRoleKind.EXPERIENCE_OFFICER: ProgramDefaults(
        "用户体验官",
        "Experience officers",
        "Find the moments where the user experience can improve.",
        (IdentityKind.DEPOSIT_HOLDER, IdentityKind.OWNER),
        6,
        100,
    ),
    KocRoleKind.CHIEF_CREATIVE_OFFICER: ProgramDefaults(
        "首席创意官",
        "Chief creative officers",
        "Photographers who record the community.",
        ANYONE,
        12,
        50,
    ),
    KocRoleKind.STORY_SCOUT: ProgramDefaults(
        "星河发现官", "Story scouts", "Find and write owners' stories.", ANYONE, 12, 100
    ),
    KocRoleKind.QUALITY_OFFICER: ProgramDefaults(
        "质量官",
        "Quality officers",
        "Test the quality of lifestyle products.",
        ANYONE,
        6,
        100,
    ),
    KocRoleKind.PERK_PARTNER: ProgramDefaults(
        "车主福利合伙人",
        "Owner perk partners",
        "Owners with resources who share perks at owner prices.",
        OWNERS,
        12,
        50,
    ),
    KocRoleKind.PRODUCT_ADVISOR: ProgramDefaults(
        "产品顾问团",
        "Product advisory board",
        "Join product definition, sample trials and critical reviews.",
        ANYONE,
        12,
        100,
    ),
}
ORDER = {kind: position for position, kind in enumerate(PROGRAM_DEFAULTS)}


async def ensure_programs() -> list[KocProgram]:
    """Every programme, written with its defaults where it has no row yet (idempotent: what
    admins changed stays). In the order of PROGRAM_DEFAULTS. A row another process writes at
    the same moment is skipped by the database (ON CONFLICT DO NOTHING), never raised: so this
    may run inside a transaction on PostgreSQL too, which an IntegrityError would abort."""
    rows = await KocProgram.all()
    missing = set(PROGRAM_DEFAULTS) - {row.kind for row in rows}
    if missing:
        await KocProgram.bulk_create(
            [
                KocProgram(
                    kind=kind,
                    name_zh=defaults.name_zh,
                    name_en=defaults.name_en,
                    description=defaults.description,
                    eligible_identities=[str(i) for i in defaults.eligible],
                    term_months=defaults.term_months,
                    seats=defaults.seats,
                )
                for kind, defaults in PROGRAM_DEFAULTS.items()
                if kind in missing
            ],
            ignore_conflicts=True,
        )
        rows = await KocProgram.all()
    return sorted(rows, key=lambda row: ORDER[row.kind])


async def require_program(kind: KocRoleKind) -> KocProgram:
    program = await KocProgram.get_or_none(kind=kind)
    if program is None:
        await ensure_programs()
        program = await KocProgram.get(kind=kind)
    return program


@dataclass
class ProgramChanges:
    """An admin's changes to a programme; None leaves a field as it is."""

    open: bool | None = None
    term_months: int | None = None
    seats: int | None = None
    eligible_identities: list[IdentityKind] | None = None
    description: str | None = None


def clean_term(months: int, name: str = "termMonths") -> int:
    if not 1 <= months <= MAX_TERM_MONTHS:
        raise InvalidInput(f"A term lasts 1 to {MAX_TERM_MONTHS} months.", field=name)
    return months


def _clean_program(changes: ProgramChanges) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if changes.open is not None:
        values["open"] = changes.open
    if changes.term_months is not None:
        values["term_months"] = clean_term(changes.term_months)
    if changes.seats is not None:
        if not 0 <= changes.seats <= MAX_SEATS:
            raise InvalidInput(f"Seats go from 0 to {MAX_SEATS}.", field="seats")
        values["seats"] = changes.seats
    if changes.eligible_identities is not None:
        if not changes.eligible_identities:
            raise InvalidInput("Name at least one identity.", field="eligibleIdentities")
        chosen = set(changes.eligible_identities)
        values["eligible_identities"] = [str(i) for i in IdentityKind if i in chosen]
    if changes.description is not None:
        values["description"] = validation.text(
            changes.description,
            "description",
            minimum=0,
            maximum=MAX_DESCRIPTION,
            label="A description",
        )
    return values


async def update_program(ctx: Context, kind: KocRoleKind, changes: ProgramChanges) -> KocProgram:
    """Open or close a programme, set its term, seats, identities or description. Admins only;
    seats never go below the seats taken (checked by the update itself)."""
    admin = policies.require_admin(ctx.viewer)
    program = await require_program(kind)
    values = _clean_program(changes)
    changed = {key: value for key, value in values.items() if getattr(program, key) != value}
    if not changed:
        return program
    async with writing(ctx.hub):
        query = KocProgram.filter(id=program.id)
        if "seats" in changed:
            query = query.filter(seats_taken__lte=changed["seats"])
        if not await query.update(**changed):
            raise InvalidInput(
                f"{program.seats_taken} seats are taken; seats cannot go below that.",
                field="seats",
            )
        await audit.record(
            AuditKind.KOC_PROGRAM_UPDATED,
            admin.id,
            detail={"kind": str(kind), "changes": {k: _jsonable(v) for k, v in changed.items()}},
        )
    await program.refresh_from_db()
    return program


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, bool | int | str | list) else str(value)
