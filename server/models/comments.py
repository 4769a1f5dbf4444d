"""Threaded comments on posts and radio episodes, and their reactions.

A comment belongs to exactly one post or one episode (the use cases guarantee it); replies
belong to what their parent belongs to."""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import CommentState, ReactionKind
from server.models.posts import Post
from server.models.radio import RadioEpisode
from server.models.users import User


class Comment(Model):
    id = fields.IntField(primary_key=True)
    post_id: int | None
    episode_id: int | None
    author_id: int
    parent_id: int | None
    post: fields.ForeignKeyNullableRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="comments", null=True, on_delete=fields.CASCADE
    )
    episode: fields.ForeignKeyNullableRelation[RadioEpisode] = fields.ForeignKeyField(
        "models.RadioEpisode", related_name="comments", null=True, on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="comments", on_delete=fields.CASCADE
    )
    parent: fields.ForeignKeyNullableRelation["Comment"] = fields.ForeignKeyField(
        "models.Comment", related_name="replies", null=True, on_delete=fields.CASCADE
    )
    body = fields.TextField()
    state = fields.CharEnumField(CommentState, max_length=20, default=CommentState.PUBLISHED)
    reply_count = fields.IntField(default=0)
    reaction_count = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "comments"
        indexes = (
            ("post_id", "parent_id", "created_at"),
            ("episode_id", "parent_id", "created_at"),
        )


class CommentReaction(Model):
    id = fields.IntField(primary_key=True)
    comment_id: int
    user_id: int
    comment: fields.ForeignKeyRelation[Comment] = fields.ForeignKeyField(
        "models.Comment", related_name="reactions", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="comment_reactions", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(ReactionKind, max_length=20)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "comment_reactions"
        unique_together = (("comment", "user", "kind"),)
