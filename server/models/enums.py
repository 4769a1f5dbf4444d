"""Enumerations stored in the database and exposed, unchanged, through the API."""

from enum import StrEnum


class IdentityKind(StrEnum):
    FAN = "FAN"
    DEPOSIT_HOLDER = "DEPOSIT_HOLDER"
    OWNER = "OWNER"


class PlatformRole(StrEnum):
    USER = "USER"
    MODERATOR = "MODERATOR"
    ADMIN = "ADMIN"


class AccountState(StrEnum):
    ACTIVE = "ACTIVE"
    SILENCED = "SILENCED"
    SUSPENDED = "SUSPENDED"


class PersonaDomain(StrEnum):
    CHARGING = "CHARGING"
    SERVICE = "SERVICE"
    PURCHASE = "PURCHASE"


class GroupKind(StrEnum):
    INDUSTRY = "INDUSTRY"
    INTEREST = "INTEREST"
    PROFESSION = "PROFESSION"
    REGION = "REGION"


class GroupVisibility(StrEnum):
    PUBLIC = "PUBLIC"
    MEMBERS_ONLY = "MEMBERS_ONLY"


class JoinPolicy(StrEnum):
    OPEN = "OPEN"


class GroupRole(StrEnum):
    OWNER = "OWNER"
    ADMIN = "ADMIN"
    MEMBER = "MEMBER"


class PostKind(StrEnum):
    MOMENT = "MOMENT"
    ARTICLE = "ARTICLE"


class PostState(StrEnum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    HIDDEN = "HIDDEN"
    REMOVED = "REMOVED"


class CommentState(StrEnum):
    PUBLISHED = "PUBLISHED"
    HIDDEN = "HIDDEN"
    REMOVED = "REMOVED"
    DELETED = "DELETED"


class MediaKind(StrEnum):
    IMAGE = "IMAGE"
    VIDEO = "VIDEO"


class ReactionKind(StrEnum):
    LIKE = "LIKE"
    LOVE = "LOVE"
    LAUGH = "LAUGH"
    WOW = "WOW"
    SAD = "SAD"
    CLAP = "CLAP"


class EventKind(StrEnum):
    POST_ADDED = "POST_ADDED"
    POST_UPDATED = "POST_UPDATED"
    POST_REMOVED = "POST_REMOVED"
    COMMENT_ADDED = "COMMENT_ADDED"
    NOTIFICATION_ADDED = "NOTIFICATION_ADDED"


class NotificationKind(StrEnum):
    REPLY = "REPLY"
    MENTION = "MENTION"
    REACTION = "REACTION"
    FOLLOW = "FOLLOW"
    GROUP_JOIN = "GROUP_JOIN"


class SearchEntity(StrEnum):
    """What a search outbox row asks to bring up to date in the index."""

    POST = "POST"
    GROUP = "GROUP"
    USER = "USER"
