"""People: accounts, follows, employee badges and persona accounts."""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import AccountState, IdentityKind, PersonaDomain, PlatformRole


class User(Model):
    id = fields.IntField(primary_key=True)
    handle = fields.CharField(max_length=30, unique=True)
    display_name = fields.CharField(max_length=64)
    avatar_url = fields.CharField(max_length=500, null=True)
    bio = fields.TextField(default="")
    region = fields.CharField(max_length=64, null=True)
    identity = fields.CharEnumField(IdentityKind, max_length=20, default=IdentityKind.FAN)
    vehicle_models: list[str] = fields.JSONField(default=list)
    role = fields.CharEnumField(PlatformRole, max_length=20, default=PlatformRole.USER)
    state = fields.CharEnumField(AccountState, max_length=20, default=AccountState.ACTIVE)
    suspended_until = fields.DatetimeField(null=True)
    # Persona accounts have no password: only their operators write as them.
    password_hash = fields.CharField(max_length=255, null=True)
    # Seeded development accounts; refused at sign-in in production mode.
    is_demo = fields.BooleanField(default=False)
    follower_count = fields.IntField(default=0)
    following_count = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "users"


class Follow(Model):
    id = fields.IntField(primary_key=True)
    follower_id: int
    followee_id: int
    follower: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="following_rows", on_delete=fields.CASCADE
    )
    followee: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="follower_rows", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "follows"
        unique_together = (("follower", "followee"),)


class EmployeeBadge(Model):
    id = fields.IntField(primary_key=True)
    user_id: int
    granted_by_id: int | None
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "models.User", related_name="employee_badge", on_delete=fields.CASCADE
    )
    department = fields.CharField(max_length=80)
    title = fields.CharField(max_length=80)
    executive = fields.BooleanField(default=False)
    granted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="badges_granted", null=True, on_delete=fields.SET_NULL
    )
    granted_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "employee_badges"


class PersonaAccount(Model):
    id = fields.IntField(primary_key=True)
    user_id: int
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "models.User", related_name="persona", on_delete=fields.CASCADE
    )
    domain = fields.CharEnumField(PersonaDomain, max_length=20)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "persona_accounts"


class PersonaOperator(Model):
    id = fields.IntField(primary_key=True)
    persona_id: int
    operator_id: int
    persona: fields.ForeignKeyRelation[PersonaAccount] = fields.ForeignKeyField(
        "models.PersonaAccount", related_name="operators", on_delete=fields.CASCADE
    )
    operator: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="operated_personas", on_delete=fields.CASCADE
    )
    added_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "persona_operators"
        unique_together = (("persona", "operator"),)
