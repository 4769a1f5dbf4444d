"""The stored enumerations, registered as GraphQL enums under their own names.

`strawberry.enum` marks the model enums in place, so the schema and the models share one class
and type checkers see a plain Enum.
"""

import strawberry

from server.models import (
    AccountState,
    CommentState,
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
)

DESCRIPTIONS = {
    IdentityKind: "Who a user is to the brand: fan, deposit holder or owner.",
    PlatformRole: "A user's role on the platform.",
    AccountState: "Whether an account may write (suspended ones may not).",
    PersonaDomain: "The service a persona account answers for.",
    GroupKind: "INDUSTRY groups are created and certified by the brand; the others by owners.",
    GroupVisibility: (
        "PUBLIC: anyone sees the group's posts. MEMBERS_ONLY: members alone, everywhere."
    ),
    JoinPolicy: "How people join a group.",
    GroupRole: "A member's role in a group.",
    PostKind: "MOMENT: a short post with images. ARTICLE: long form, titled.",
    PostState: "DRAFT: its author's alone. PUBLISHED: visible. HIDDEN/REMOVED: by moderators.",
    CommentState: "The state of a comment.",
    MediaKind: "An image or a video.",
    ReactionKind: "A reaction: LIKE or one of a few emoji kinds.",
    NotificationKind: "What a notification is about.",
}
for enum_class, description in DESCRIPTIONS.items():
    strawberry.enum(enum_class, description=description)

__all__ = [
    "AccountState",
    "CommentState",
    "GroupKind",
    "GroupRole",
    "GroupVisibility",
    "IdentityKind",
    "JoinPolicy",
    "MediaKind",
    "NotificationKind",
    "PersonaDomain",
    "PlatformRole",
    "PostKind",
    "PostState",
    "ReactionKind",
]
