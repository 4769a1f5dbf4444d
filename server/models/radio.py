"""The owners' radio: city stations, the heads who run them, their followers and episodes."""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import EpisodeState, ReactionKind
from server.models.users import User


class RadioStation(Model):
    id = fields.IntField(primary_key=True)
    created_by_id: int | None
    slug = fields.CharField(max_length=60, unique=True)
    name = fields.CharField(max_length=100)
    city = fields.CharField(max_length=50, db_index=True)
    description = fields.TextField(default="")
    cover_url = fields.CharField(max_length=500, null=True)
    follower_count = fields.IntField(default=0)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="stations_created", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "radio_stations"


class StationHead(Model):
    """A user who runs a station: publishes without review and reviews what others submit."""

    id = fields.IntField(primary_key=True)
    station_id: int
    user_id: int
    appointed_by_id: int | None
    station: fields.ForeignKeyRelation[RadioStation] = fields.ForeignKeyField(
        "models.RadioStation", related_name="heads", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="stations_headed", on_delete=fields.CASCADE
    )
    appointed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="heads_appointed", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "station_heads"
        unique_together = (("station", "user"),)


class StationFollow(Model):
    id = fields.IntField(primary_key=True)
    station_id: int
    user_id: int
    station: fields.ForeignKeyRelation[RadioStation] = fields.ForeignKeyField(
        "models.RadioStation", related_name="follows", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="stations_followed", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "station_follows"
        unique_together = (("station", "user"),)


class RadioEpisode(Model):
    id = fields.IntField(primary_key=True)
    station_id: int
    author_id: int
    reviewed_by_id: int | None
    station: fields.ForeignKeyRelation[RadioStation] = fields.ForeignKeyField(
        "models.RadioStation", related_name="episodes", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="episodes", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    # The audio file itself lives in object storage; the server keeps what clients need.
    audio_url = fields.CharField(max_length=500)
    duration_seconds = fields.IntField()
    mime_type = fields.CharField(max_length=100)
    size_bytes = fields.BigIntField(null=True)
    cover_url = fields.CharField(max_length=500, null=True)
    state = fields.CharEnumField(EpisodeState, max_length=20, default=EpisodeState.DRAFT)
    published_at = fields.DatetimeField(null=True)
    edited_at = fields.DatetimeField(null=True)
    reviewed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="episodes_reviewed", null=True, on_delete=fields.SET_NULL
    )
    review_note = fields.CharField(max_length=500, default="")
    play_count = fields.IntField(default=0)
    comment_count = fields.IntField(default=0)
    reaction_count = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "radio_episodes"
        indexes = (
            ("state", "published_at"),
            ("station_id", "state", "published_at"),
            ("author_id", "created_at"),
        )


class EpisodeReaction(Model):
    id = fields.IntField(primary_key=True)
    episode_id: int
    user_id: int
    episode: fields.ForeignKeyRelation[RadioEpisode] = fields.ForeignKeyField(
        "models.RadioEpisode", related_name="reactions", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="episode_reactions", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(ReactionKind, max_length=20)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "episode_reactions"
        unique_together = (("episode", "user", "kind"),)
