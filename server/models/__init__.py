"""The ORM models: the database is the one source of truth.

Foundation layer: imports nothing from schema/, resolvers/, moderation/ or search/.
"""

from server.models.comments import Comment, CommentReaction
from server.models.enums import (
    AccountState,
    CommentState,
    EventKind,
    GroupKind,
    GroupRole,
    GroupVisibility,
    IdentityKind,
    JoinPolicy,
    MediaKind,
    NotificationKind,
    PersonaDomain,
    PlatformRole,
    PostKind,
    PostState,
    ReactionKind,
    SearchEntity,
)
from server.models.events import Event, Notification
from server.models.groups import Group, GroupMembership
from server.models.posts import Post, PostReaction, PostRevision
from server.models.search import SearchOutbox
from server.models.users import EmployeeBadge, Follow, PersonaAccount, PersonaOperator, User

__all__ = [
    "AccountState",
    "Comment",
    "CommentReaction",
    "CommentState",
    "EmployeeBadge",
    "Event",
    "EventKind",
    "Follow",
    "Group",
    "GroupKind",
    "GroupMembership",
    "GroupRole",
    "GroupVisibility",
    "IdentityKind",
    "JoinPolicy",
    "MediaKind",
    "Notification",
    "NotificationKind",
    "PersonaAccount",
    "PersonaDomain",
    "PersonaOperator",
    "PlatformRole",
    "Post",
    "PostKind",
    "PostReaction",
    "PostRevision",
    "PostState",
    "ReactionKind",
    "SearchEntity",
    "SearchOutbox",
    "User",
]
