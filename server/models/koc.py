"""KOC programmes: the community roles owners take on for a term, the applications for them and
the roles granted."""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import KocApplicationState, KocRoleKind, KocRoleState
from server.models.users import User


class KocProgram(Model):
    """One kind of role as a programme: who may apply, for how long, how many seats. The row
    of each kind is written with its defaults the first time it is needed."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(KocRoleKind, max_length=30, unique=True)
    name_zh = fields.CharField(max_length=50)
    name_en = fields.CharField(max_length=80)
    description = fields.TextField(default="")
    # IdentityKind values that may apply.
    eligible_identities: list[str] = fields.JSONField(default=list)
    open = fields.BooleanField(default=True)
    term_months = fields.IntField(default=12)
    seats = fields.IntField(default=100)
    # Active roles of this kind, kept by the same conditional update that grants one, so two
    # approvals cannot both take the last seat.
    seats_taken = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "koc_programs"


class KocApplication(Model):
    id = fields.IntField(primary_key=True)
    user_id: int
    reviewer_id: int | None
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="koc_applications", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(KocRoleKind, max_length=30)
    statement = fields.TextField()
    city = fields.CharField(max_length=50, default="")
    state = fields.CharEnumField(
        KocApplicationState, max_length=10, default=KocApplicationState.PENDING
    )
    # Set while the application is pending ("<user>:<kind>"); NULL once decided (NULLs never
    # clash): one pending application per person and kind.
    pending_key = fields.CharField(max_length=50, null=True, unique=True)
    reviewer: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="koc_reviews", null=True, on_delete=fields.SET_NULL
    )
    note = fields.CharField(max_length=500, default="")
    decided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "koc_applications"
        indexes = (("kind", "state", "id"), ("user_id", "id"))


class KocRole(Model):
    id = fields.IntField(primary_key=True)
    user_id: int
    granted_by_id: int | None
    application_id: int | None
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="koc_roles", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(KocRoleKind, max_length=30)
    state = fields.CharEnumField(KocRoleState, max_length=10, default=KocRoleState.ACTIVE)
    # Set while the role is active ("<user>:<kind>"): one active role per person and kind.
    active_key = fields.CharField(max_length=50, null=True, unique=True)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField(db_index=True)
    granted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="koc_roles_granted", null=True, on_delete=fields.SET_NULL
    )
    application: fields.ForeignKeyNullableRelation[KocApplication] = fields.ForeignKeyField(
        "models.KocApplication", related_name="roles", null=True, on_delete=fields.SET_NULL
    )
    # When the holder was told the term ends within 30 days (told once per term).
    reminded_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "koc_roles"
        indexes = (("state", "ends_at"), ("user_id", "state"))
