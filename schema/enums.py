"""The stored enumerations, exposed unchanged as GraphQL enums."""

import strawberry

from server import models

IdentityKind = strawberry.enum(
    models.IdentityKind, description="Who a user is to the brand: fan, deposit holder or owner."
)
PlatformRole = strawberry.enum(models.PlatformRole, description="A user's role on the platform.")
AccountState = strawberry.enum(
    models.AccountState, description="Whether an account may write (suspended ones may not)."
)
PersonaDomain = strawberry.enum(
    models.PersonaDomain, description="The service a persona account answers for."
)
GroupKind = strawberry.enum(
    models.GroupKind,
    description="INDUSTRY groups are created and certified by the brand; the others by owners.",
)
GroupVisibility = strawberry.enum(
    models.GroupVisibility,
    description="PUBLIC: anyone sees the group's posts. MEMBERS_ONLY: members alone, everywhere.",
)
JoinPolicy = strawberry.enum(models.JoinPolicy, description="How people join a group.")
GroupRole = strawberry.enum(models.GroupRole, description="A member's role in a group.")
PostKind = strawberry.enum(
    models.PostKind, description="MOMENT: a short post with images. ARTICLE: long form, titled."
)
PostState = strawberry.enum(
    models.PostState,
    description="DRAFT: its author's alone. PUBLISHED: visible. HIDDEN/REMOVED: by moderators.",
)
CommentState = strawberry.enum(models.CommentState, description="The state of a comment.")
MediaKind = strawberry.enum(models.MediaKind, description="An image or a video.")
ReactionKind = strawberry.enum(
    models.ReactionKind, description="A reaction: LIKE or one of a few emoji kinds."
)
