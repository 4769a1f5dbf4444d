"""Posts, their revisions and reactions."""

from typing import Any

from tortoise import fields
from tortoise.models import Model

from server.models.enums import PostKind, PostState, ReactionKind
from server.models.groups import Group
from server.models.users import User


class Post(Model):
    id = fields.IntField(primary_key=True)
    author_id: int
    operator_id: int | None
    group_id: int | None
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="posts", on_delete=fields.CASCADE
    )
    # The employee who wrote a persona account's post; shown to admins only.
    operator: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="persona_posts", null=True, on_delete=fields.SET_NULL
    )
    group: fields.ForeignKeyNullableRelation[Group] = fields.ForeignKeyField(
        "models.Group", related_name="posts", null=True, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(PostKind, max_length=20)
    title = fields.CharField(max_length=200, null=True)
    body = fields.TextField()
    media: list[dict[str, Any]] = fields.JSONField(default=list)
    tags: list[str] = fields.JSONField(default=list)
    state = fields.CharEnumField(PostState, max_length=20, default=PostState.DRAFT)
    published_at = fields.DatetimeField(null=True)
    scheduled_at = fields.DatetimeField(null=True, db_index=True)
    edited_at = fields.DatetimeField(null=True)
    comment_count = fields.IntField(default=0)
    reaction_count = fields.IntField(default=0)
    # Locked by a moderator: no new comments.
    comments_locked = fields.BooleanField(default=False, db_default=False)
    # Its author offers it as product feedback (a group post); staff may adopt it.
    feedback = fields.BooleanField(default=False, db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "posts"
        indexes = (
            ("state", "published_at"),
            ("author_id", "published_at"),
            ("group_id", "published_at"),
        )


class PostRevision(Model):
    """The text of a post as it was before one edit."""

    id = fields.IntField(primary_key=True)
    post_id: int
    editor_id: int | None
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="revisions", on_delete=fields.CASCADE
    )
    editor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="post_edits", null=True, on_delete=fields.SET_NULL
    )
    title = fields.CharField(max_length=200, null=True)
    body = fields.TextField()
    media: list[dict[str, Any]] = fields.JSONField(default=list)
    tags: list[str] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "post_revisions"


class PostReaction(Model):
    id = fields.IntField(primary_key=True)
    post_id: int
    user_id: int
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="reactions", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="post_reactions", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(ReactionKind, max_length=20)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "post_reactions"
        unique_together = (("post", "user", "kind"),)


class FeedbackAdoption(Model):
    """Staff adopted a post of product feedback: shown on its author's profile, rewarded by
    the points and contribution rules through the FEEDBACK_ADOPTED change event."""

    id = fields.IntField(primary_key=True)
    post_id: int
    author_id: int
    adopted_by_id: int | None
    post: fields.OneToOneRelation[Post] = fields.OneToOneField(
        "models.Post", related_name="adoption", on_delete=fields.CASCADE
    )
    # The post's author, kept here so a profile lists its adopted feedback by index.
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="adopted_feedback", on_delete=fields.CASCADE
    )
    adopted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="feedback_adopted", null=True, on_delete=fields.SET_NULL
    )
    note = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "feedback_adoptions"
        indexes = (("author_id", "id"),)
