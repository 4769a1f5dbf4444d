"""Community votes: polls, their options and the votes cast.

An option keeps its vote count and summed weight beside the votes, changed in the transaction of
the vote that moves them, so results cost one row per option.
"""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import PollWeighting, ResultsVisibility
from server.models.groups import Group
from server.models.users import User


class Poll(Model):
    id = fields.IntField(primary_key=True)
    group_id: int | None
    created_by_id: int
    closed_by_id: int | None
    question = fields.CharField(max_length=300)
    description = fields.TextField(default="")
    # Voters may choose several options.
    multiple = fields.BooleanField(default=False)
    closes_at = fields.DatetimeField()
    weighting = fields.CharEnumField(PollWeighting, max_length=15)
    results_visibility = fields.CharEnumField(ResultsVisibility, max_length=15)
    # A group's poll is for its members; NULL: a platform poll, open to everyone.
    group: fields.ForeignKeyNullableRelation[Group] = fields.ForeignKeyField(
        "models.Group", related_name="polls", null=True, on_delete=fields.CASCADE
    )
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="polls_created", on_delete=fields.CASCADE
    )
    # Closed early by its staff (NULL: open until `closes_at`).
    closed_at = fields.DatetimeField(null=True)
    closed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="polls_closed", null=True, on_delete=fields.SET_NULL
    )
    voters = fields.IntField(default=0)
    # The sum of every vote's weight, in thousandths.
    total_weight = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "polls"
        indexes = (("group_id", "id"), ("closes_at",))


class PollOption(Model):
    id = fields.IntField(primary_key=True)
    poll_id: int
    poll: fields.ForeignKeyRelation[Poll] = fields.ForeignKeyField(
        "models.Poll", related_name="options", on_delete=fields.CASCADE
    )
    label = fields.CharField(max_length=200)
    position = fields.IntField()
    votes = fields.IntField(default=0)
    # The summed weight of the votes that chose it, in thousandths.
    weight = fields.BigIntField(default=0)

    class Meta:
        table = "poll_options"
        unique_together = (("poll", "position"),)


class PollVote(Model):
    """One person's vote in one poll: final, with the weight fixed when it was cast."""

    id = fields.IntField(primary_key=True)
    poll_id: int
    user_id: int
    poll: fields.ForeignKeyRelation[Poll] = fields.ForeignKeyField(
        "models.Poll", related_name="votes", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="poll_votes", on_delete=fields.CASCADE
    )
    # The ids of the options chosen, in ascending order.
    option_ids: fields.Field[list[int]] = fields.JSONField()
    # Thousandths: 1000 is one vote.
    weight = fields.IntField()
    contribution = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "poll_votes"
        unique_together = (("poll", "user"),)
        indexes = (("poll_id", "id"),)
