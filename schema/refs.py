"""The types other modules refer back to, named once.

The GraphQL types refer to each other in circles: a post has an author, a group and comments,
and a user, a group and a comment each lead back to posts (`User.posts`, `Group.posts`,
`Comment.post`); an appeal names the decision it appeals, and a decision its appeal
(`AuditEntry.appeal`); a post and an episode carry credits, and a credit and a user lead back
to works (`Credit.work`, `User.works`, `User.creditInvitations`); a KOC role and application
name their user, and a user shows their roles and applications (`User.kocRoles`,
`User.kocApplications`). The modules follow one direction: `schema.posts` imports users, groups,
comments and credits, `schema.appeals` imports audit, `schema.works` imports posts and radio,
`schema.koc` imports users. The way back goes through here: a lazy reference
that Strawberry resolves when it builds the schema, and the type itself for fields that build a
post, an episode, a credit or an appeal from a row, looked up the first time one runs.

This module imports no schema module, not even for type checkers (that would be the import
cycle again): the lazy references are the only places that name those modules from below.
Type checkers see the references as `Any`, and the types through the few class methods their
back-referring fields call.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, ForwardRef, Protocol, get_args

import strawberry
from strawberry import Info

from resolvers.context import Context
from resolvers.pagination import Page
from server import models

if TYPE_CHECKING:
    PostRef = Any
    AppealRef = Any
    WorkRef = Any
    WorkConnectionRef = Any
    EpisodeRef = Any
    CreditRef = Any
    KocRoleRef = Any
    KocApplicationRef = Any
else:
    # The names are looked up in the lazily named modules, not here.
    PostRef = Annotated[ForwardRef("Post"), strawberry.lazy("schema.posts")]
    AppealRef = Annotated[ForwardRef("Appeal"), strawberry.lazy("schema.appeals")]
    WorkRef = Annotated[ForwardRef("Work"), strawberry.lazy("schema.works")]
    WorkConnectionRef = Annotated[ForwardRef("WorkConnection"), strawberry.lazy("schema.works")]
    EpisodeRef = Annotated[ForwardRef("RadioEpisode"), strawberry.lazy("schema.radio")]
    CreditRef = Annotated[ForwardRef("Credit"), strawberry.lazy("schema.credits")]
    KocRoleRef = Annotated[ForwardRef("KocRole"), strawberry.lazy("schema.koc")]
    KocApplicationRef = Annotated[ForwardRef("KocApplication"), strawberry.lazy("schema.koc")]


class PostType(Protocol):
    """What the fields that lead back to posts call on `Post`."""

    @classmethod
    def from_row(cls, row: models.Post) -> Any: ...

    @classmethod
    async def connection(cls, info: Info[Context, None], page: Page[models.Post]) -> Any: ...


class EpisodeType(Protocol):
    """What the fields that lead back to radio episodes call on `RadioEpisode`."""

    @classmethod
    def from_row(cls, row: models.RadioEpisode) -> Any: ...


class CreditType(Protocol):
    """What the fields that lead back to credits call on `Credit`."""

    @classmethod
    def from_row(cls, row: models.Credit) -> Any: ...


class KocRoleType(Protocol):
    """What `User.kocRoles` calls on `KocRole`."""

    @classmethod
    def from_row(cls, row: models.KocRole) -> Any: ...


class KocApplicationType(Protocol):
    """What `User.kocApplications` calls on `KocApplication`."""

    @classmethod
    def from_row(cls, row: models.KocApplication) -> Any: ...


class WorkConnectionType(Protocol):
    """What `User.works` calls on `WorkConnection`."""

    @classmethod
    def of(cls, page: Page[Any], wrap: Callable[[Any], Any]) -> Any: ...


class AppealType(Protocol):
    """What the fields that lead back to appeals call on `Appeal`."""

    @classmethod
    def from_row(cls, row: models.Appeal) -> Any: ...


def _resolve(ref: Any) -> Any:
    forward, lazy = get_args(ref)
    return lazy.resolve_forward_ref(forward).resolve_type()


# Cached: resolving a lazy type also compares files with __main__, too slow for every row.
@cache
def post_type() -> type[PostType]:
    """The `Post` type (schema.posts), for fields that build posts from rows."""
    post: type[PostType] = _resolve(PostRef)
    return post


@cache
def appeal_type() -> type[AppealType]:
    """The `Appeal` type (schema.appeals), for fields that build appeals from rows."""
    appeal: type[AppealType] = _resolve(AppealRef)
    return appeal


@cache
def episode_type() -> type[EpisodeType]:
    """The `RadioEpisode` type (schema.radio), for fields that build episodes from rows."""
    episode: type[EpisodeType] = _resolve(EpisodeRef)
    return episode


@cache
def credit_type() -> type[CreditType]:
    """The `Credit` type (schema.credits), for fields that build credits from rows."""
    credit: type[CreditType] = _resolve(CreditRef)
    return credit


@cache
def koc_role_type() -> type[KocRoleType]:
    """The `KocRole` type (schema.koc), for the badges next to a user's name."""
    role: type[KocRoleType] = _resolve(KocRoleRef)
    return role


@cache
def koc_application_type() -> type[KocApplicationType]:
    """The `KocApplication` type (schema.koc), for a user's own applications."""
    application: type[KocApplicationType] = _resolve(KocApplicationRef)
    return application


@cache
def work_connection_type() -> type[WorkConnectionType]:
    """The `WorkConnection` type (schema.works), for fields that list works."""
    connection: type[WorkConnectionType] = _resolve(WorkConnectionRef)
    return connection


def work_from_row(row: models.Post | models.RadioEpisode) -> Any:
    """The GraphQL object of a work (a `Work`: a post or a radio episode) from its row."""
    if isinstance(row, models.Post):
        return post_type().from_row(row)
    return episode_type().from_row(row)


# A group leads to its latest certification application (`Group.certificationApplication`),
# which names its group back (`schema.group_certification` imports groups).
if TYPE_CHECKING:
    CertificationApplicationRef = Any
else:
    CertificationApplicationRef = Annotated[
        ForwardRef("GroupCertificationApplication"), strawberry.lazy("schema.group_certification")
    ]


class CertificationApplicationType(Protocol):
    """What `Group.certificationApplication` calls on `GroupCertificationApplication`."""

    @classmethod
    async def for_group(cls, info: Info[Context, None], group: models.Group) -> Any: ...


@cache
def certification_application_type() -> type[CertificationApplicationType]:
    """The `GroupCertificationApplication` type (schema.group_certification), for a group's
    latest application."""
    application: type[CertificationApplicationType] = _resolve(CertificationApplicationRef)
    return application


# A group lists its invite links (`Group.inviteLinks`) and a user their invitations
# (`User.groupInvitations`); both types name their group and users back
# (`schema.group_invitations` imports groups and users).
if TYPE_CHECKING:
    GroupInvitationRef = Any
    GroupInviteLinkRef = Any
else:
    GroupInvitationRef = Annotated[
        ForwardRef("GroupInvitation"), strawberry.lazy("schema.group_invitations")
    ]
    GroupInviteLinkRef = Annotated[
        ForwardRef("GroupInviteLink"), strawberry.lazy("schema.group_invitations")
    ]


class GroupInvitationType(Protocol):
    """What `User.groupInvitations` calls on `GroupInvitation`."""

    @classmethod
    async def for_user(
        cls, info: Info[Context, None], user_id: int, first: int | None, after: str | None
    ) -> Any: ...


class GroupInviteLinkType(Protocol):
    """What `Group.inviteLinks` calls on `GroupInviteLink`."""

    @classmethod
    async def for_group(
        cls, info: Info[Context, None], group: models.Group, first: int | None, after: str | None
    ) -> Any: ...


@cache
def group_invitation_type() -> type[GroupInvitationType]:
    """The `GroupInvitation` type (schema.group_invitations), for a user's own invitations."""
    invitation: type[GroupInvitationType] = _resolve(GroupInvitationRef)
    return invitation


@cache
def group_invite_link_type() -> type[GroupInviteLinkType]:
    """The `GroupInviteLink` type (schema.group_invitations), for a group's invite links."""
    link: type[GroupInviteLinkType] = _resolve(GroupInviteLinkRef)
    return link


# A user lists their own satisfaction ratings (`User.ratings`); a rating names its rater back
# (`schema.ratings` imports users).
if TYPE_CHECKING:
    SatisfactionRatingRef = Any
else:
    SatisfactionRatingRef = Annotated[
        ForwardRef("SatisfactionRating"), strawberry.lazy("schema.ratings")
    ]


class SatisfactionRatingType(Protocol):
    """What `User.ratings` calls on `SatisfactionRating`."""

    @classmethod
    def from_row(cls, row: models.SatisfactionRating) -> Any: ...


@cache
def satisfaction_rating_type() -> type[SatisfactionRatingType]:
    """The `SatisfactionRating` type (schema.ratings), for a user's own ratings."""
    rating: type[SatisfactionRatingType] = _resolve(SatisfactionRatingRef)
    return rating


# A user lists their own event signups (`User.eventSignups`); a signup names its user and
# event back (`schema.events` imports users).
if TYPE_CHECKING:
    EventSignupRef = Any
else:
    EventSignupRef = Annotated[ForwardRef("EventSignup"), strawberry.lazy("schema.events")]


class EventSignupType(Protocol):
    """What `User.eventSignups` calls on `EventSignup`."""

    @classmethod
    def from_row(cls, row: models.EventSignup) -> Any: ...


@cache
def event_signup_type() -> type[EventSignupType]:
    """The `EventSignup` type (schema.events), for a user's own signups."""
    signup: type[EventSignupType] = _resolve(EventSignupRef)
    return signup
