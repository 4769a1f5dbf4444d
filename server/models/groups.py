"""Groups and their members."""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import (
    GroupInvitationState,
    GroupKind,
    GroupRequestState,
    GroupRole,
    GroupVisibility,
    Industry,
    JoinPolicy,
)
from server.models.users import User


class Group(Model):
    id = fields.IntField(primary_key=True)
    created_by_id: int | None
    slug = fields.CharField(max_length=50, unique=True)
    name = fields.CharField(max_length=80)
    description = fields.TextField(default="")
    kind = fields.CharEnumField(GroupKind, max_length=20)
    # The industry of an industry group, set at creation by an admin or by certification.
    industry = fields.CharEnumField(Industry, max_length=20, null=True)
    certified = fields.BooleanField(default=False)
    visibility = fields.CharEnumField(
        GroupVisibility, max_length=20, default=GroupVisibility.PUBLIC
    )
    join_policy = fields.CharEnumField(JoinPolicy, max_length=20, default=JoinPolicy.OPEN)
    # Asked of whoever requests to join a group that approves its members.
    join_question = fields.CharField(max_length=300, default="", db_default="")
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


class GroupBan(Model):
    """Someone removed from a group and barred from rejoining it, until its staff lift it."""

    id = fields.IntField(primary_key=True)
    group_id: int
    user_id: int
    banned_by_id: int | None
    group: fields.ForeignKeyRelation[Group] = fields.ForeignKeyField(
        "models.Group", related_name="bans", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="group_bans", on_delete=fields.CASCADE
    )
    banned_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="group_bans_given", null=True, on_delete=fields.SET_NULL
    )
    reason = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "group_bans"
        unique_together = (("group", "user"),)


class GroupJoinRequest(Model):
    """A request to join a group that approves its members, with the answer to its question."""

    id = fields.IntField(primary_key=True)
    group_id: int
    user_id: int
    decided_by_id: int | None
    group: fields.ForeignKeyRelation[Group] = fields.ForeignKeyField(
        "models.Group", related_name="join_requests", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="group_join_requests", on_delete=fields.CASCADE
    )
    answer = fields.CharField(max_length=1000, default="")
    state = fields.CharEnumField(
        GroupRequestState, max_length=10, default=GroupRequestState.PENDING
    )
    # Set while pending ("<group>:<user>"), NULL once decided: one pending request per person
    # and group.
    pending_key = fields.CharField(max_length=40, null=True, unique=True)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="group_join_decisions", null=True, on_delete=fields.SET_NULL
    )
    note = fields.CharField(max_length=500, default="")
    decided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "group_join_requests"
        indexes = (("group_id", "state", "id"), ("user_id", "id"))


class GroupInvitation(Model):
    """A group's staff invite one person by handle, who joins on accepting whatever the policy."""

    id = fields.IntField(primary_key=True)
    group_id: int
    user_id: int
    inviter_id: int | None
    group: fields.ForeignKeyRelation[Group] = fields.ForeignKeyField(
        "models.Group", related_name="invitations", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="group_invitations", on_delete=fields.CASCADE
    )
    inviter: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="group_invitations_sent", null=True, on_delete=fields.SET_NULL
    )
    state = fields.CharEnumField(
        GroupInvitationState, max_length=10, default=GroupInvitationState.PENDING
    )
    # Set while pending ("<group>:<user>"): one open invitation per person and group.
    pending_key = fields.CharField(max_length=40, null=True, unique=True)
    answered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "group_invitations"
        indexes = (("user_id", "state", "id"), ("group_id", "id"))


class GroupInviteLink(Model):
    """A code anyone who has it may join with, a number of times or until a moment."""

    id = fields.IntField(primary_key=True)
    group_id: int
    created_by_id: int | None
    group: fields.ForeignKeyRelation[Group] = fields.ForeignKeyField(
        "models.Group", related_name="invite_links", on_delete=fields.CASCADE
    )
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="group_invite_links", null=True, on_delete=fields.SET_NULL
    )
    code = fields.CharField(max_length=40, unique=True)
    # NULL: no limit. Uses are counted by the same conditional update that admits a member.
    max_uses = fields.IntField(null=True)
    uses = fields.IntField(default=0)
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "group_invite_links"
        indexes = (("group_id", "id"),)


class GroupCertificationApplication(Model):
    """A group owner asks the brand to certify the group as an industry group."""

    id = fields.IntField(primary_key=True)
    group_id: int
    applicant_id: int | None
    reviewer_id: int | None
    group: fields.ForeignKeyRelation[Group] = fields.ForeignKeyField(
        "models.Group", related_name="certification_applications", on_delete=fields.CASCADE
    )
    applicant: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User",
        related_name="certification_applications",
        null=True,
        on_delete=fields.SET_NULL,
    )
    industry = fields.CharEnumField(Industry, max_length=20)
    evidence = fields.TextField()
    state = fields.CharEnumField(
        GroupRequestState, max_length=10, default=GroupRequestState.PENDING
    )
    # Set while pending (the group's id): one pending application per group.
    pending_key = fields.CharField(max_length=20, null=True, unique=True)
    reviewer: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="certification_reviews", null=True, on_delete=fields.SET_NULL
    )
    note = fields.CharField(max_length=500, default="")
    decided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "group_certification_applications"
        indexes = (("state", "id"), ("group_id", "id"))
