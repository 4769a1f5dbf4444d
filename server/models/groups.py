"""Groups and their members."""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import GroupKind, GroupRole, GroupVisibility, JoinPolicy
from server.models.users import User


class Group(Model):
    id = fields.IntField(primary_key=True)
    created_by_id: int | None
    slug = fields.CharField(max_length=50, unique=True)
    name = fields.CharField(max_length=80)
    description = fields.TextField(default="")
    kind = fields.CharEnumField(GroupKind, max_length=20)
    # The industry of a certified industry group (education, shipping, …); free text.
    industry = fields.CharField(max_length=40, null=True)
    certified = fields.BooleanField(default=False)
    visibility = fields.CharEnumField(
        GroupVisibility, max_length=20, default=GroupVisibility.PUBLIC
    )
    join_policy = fields.CharEnumField(JoinPolicy, max_length=20, default=JoinPolicy.OPEN)
    member_count = fields.IntField(default=0)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="groups_created", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "groups"


class GroupMembership(Model):
    id = fields.IntField(primary_key=True)
    group_id: int
    user_id: int
    group: fields.ForeignKeyRelation[Group] = fields.ForeignKeyField(
        "models.Group", related_name="memberships", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="memberships", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(GroupRole, max_length=20, default=GroupRole.MEMBER)
    joined_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "group_memberships"
        unique_together = (("group", "user"),)
