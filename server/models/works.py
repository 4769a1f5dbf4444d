"""Works made together and gathered: credits, curated collections and featured works.

A work is a post or a radio episode. Each row that points at one has both foreign keys, exactly
one of them set (the use cases guarantee it): the database keeps the reference honest, and a
deleted work takes its credits, collection places and featured mark with it.
"""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import CreditRole, CreditState
from server.models.posts import Post
from server.models.radio import RadioEpisode
from server.models.users import User


class Credit(Model):
    """One person credited on one work, with a role, once they agree."""

    id = fields.IntField(primary_key=True)
    post_id: int | None
    episode_id: int | None
    user_id: int
    post: fields.ForeignKeyNullableRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="credits", null=True, on_delete=fields.CASCADE
    )
    episode: fields.ForeignKeyNullableRelation[RadioEpisode] = fields.ForeignKeyField(
        "models.RadioEpisode", related_name="credits", null=True, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="credits", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(CreditRole, max_length=20)
    state = fields.CharEnumField(CreditState, max_length=10, default=CreditState.PENDING)
    answered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "credits"
        unique_together = (("post", "user", "role"), ("episode", "user", "role"))
        indexes = (("user_id", "state", "id"),)


class Collection(Model):
    id = fields.IntField(primary_key=True)
    created_by_id: int | None
    slug = fields.CharField(max_length=60, unique=True)
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    cover_url = fields.CharField(max_length=500, null=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="collections_created", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "collections"


class CollectionCurator(Model):
    id = fields.IntField(primary_key=True)
    collection_id: int
    user_id: int
    collection: fields.ForeignKeyRelation[Collection] = fields.ForeignKeyField(
        "models.Collection", related_name="curators", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="collections_curated", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "collection_curators"
        unique_together = (("collection", "user"),)


class CollectionItem(Model):
    """A work's place in a collection, in the curators' order, with their note."""

    id = fields.IntField(primary_key=True)
    collection_id: int
    post_id: int | None
    episode_id: int | None
    added_by_id: int | None
    collection: fields.ForeignKeyRelation[Collection] = fields.ForeignKeyField(
        "models.Collection", related_name="items", on_delete=fields.CASCADE
    )
    post: fields.ForeignKeyNullableRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="collection_items", null=True, on_delete=fields.CASCADE
    )
    episode: fields.ForeignKeyNullableRelation[RadioEpisode] = fields.ForeignKeyField(
        "models.RadioEpisode", related_name="collection_items", null=True, on_delete=fields.CASCADE
    )
    position = fields.IntField()
    note = fields.CharField(max_length=500, default="")
    added_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="collection_items_added", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "collection_items"
        unique_together = (("collection", "post"), ("collection", "episode"))
        indexes = (("collection_id", "position"),)


class FeaturedWork(Model):
    """A work staff picked out, with at most one mark per work."""

    id = fields.IntField(primary_key=True)
    post_id: int | None
    episode_id: int | None
    featured_by_id: int | None
    post: fields.OneToOneNullableRelation[Post] = fields.OneToOneField(
        "models.Post", related_name="featured", null=True, on_delete=fields.CASCADE
    )
    episode: fields.OneToOneNullableRelation[RadioEpisode] = fields.OneToOneField(
        "models.RadioEpisode", related_name="featured", null=True, on_delete=fields.CASCADE
    )
    note = fields.CharField(max_length=500, default="")
    featured_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="works_featured", null=True, on_delete=fields.SET_NULL
    )
    featured_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "featured_works"
