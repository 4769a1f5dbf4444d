"""Users, employee badges and persona accounts, and what a profile shows; `viewer` and `user`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import Info

from resolvers import credits as credit_cases
from resolvers import feedback as feedback_cases
from resolvers import feeds as feed_cases
from resolvers import koc as koc_cases
from resolvers import lookups
from resolvers import users as cases
from resolvers.admin import visible_persona_operators
from resolvers.context import Context
from resolvers.pagination import Page
from schema.enums import AccountState, IdentityKind, PersonaDomain, PlatformRole
from schema.loading import now_or_later
from schema.refs import (
    CreditRef,
    GroupInvitationRef,
    KocApplicationRef,
    KocRoleRef,
    PostRef,
    WorkConnectionRef,
    credit_type,
    group_invitation_type,
    koc_application_type,
    koc_role_type,
    post_type,
    work_connection_type,
    work_from_row,
)
from schema.relay import Connection, Node, encode_id, page_size, to_connection
from schema.user_events import UserEventFields
from schema.user_ledger import UserLedgerFields
from schema.user_ratings import UserRatingFields
from server import models


@strawberry.type(description="A verified employee identity, shown next to the name.")
class EmployeeBadge:
    department: str = strawberry.field(description="The employee's department.")
    title: str = strawberry.field(description="The employee's job title.")
    executive: bool = strawberry.field(description="An executive of the company.")
    granted_at: datetime = strawberry.field(description="When an admin granted the badge.")

    @classmethod
    def from_row(cls, row: models.EmployeeBadge) -> EmployeeBadge:
        return cls(
            department=row.department,
            title=row.title,
            executive=row.executive,
            granted_at=row.granted_at,
        )


@strawberry.type(description="An official persona account (charging, service, purchase assistant).")
class Persona:
    user_pk: strawberry.Private[int]
    domain: PersonaDomain = strawberry.field(description="The service this persona answers for.")

    @strawberry.field(
        description="The employees who write as this persona. Admins only; null otherwise."
    )
    async def operators(self, info: Info[Context, None]) -> list[User] | None:
        rows = await visible_persona_operators(info.context, self.user_pk)
        return None if rows is None else [User.from_row(u) for u in rows]


@strawberry.type(description="A member of the community.")
class User(Node, UserLedgerFields, UserEventFields, UserRatingFields):
    pk: strawberry.Private[int]
    handle: str = strawberry.field(description="The unique handle, without the @.")
    display_name: str = strawberry.field(description="The name shown to others.")
    avatar_url: str | None = strawberry.field(description="The avatar image URL.")
    bio: str = strawberry.field(description="A short self-description.")
    region: str | None = strawberry.field(description="The user's city or region.")
    identity: IdentityKind = strawberry.field(description="Fan, deposit holder or owner.")
    vehicle_models: list[str] = strawberry.field(description="The models an owner drives.")
    role: PlatformRole = strawberry.field(description="USER, MODERATOR or ADMIN.")
    account_state: AccountState = strawberry.field(
        description="The account's state now (an expired suspension reads ACTIVE)."
    )
    suspended_until: datetime | None = strawberry.field(
        description="When a running suspension ends; null if none or indefinite."
    )
    follower_count: int = strawberry.field(description="How many users follow this user.")
    following_count: int = strawberry.field(description="How many users this user follows.")
    created_at: datetime = strawberry.field(description="When the account was created.")

    @classmethod
    def from_row(cls, row: models.User) -> User:
        standing = cases.account_standing(row)
        return cls(
            id=encode_id("User", row.id),
            pk=row.id,
            handle=row.handle,
            display_name=row.display_name,
            avatar_url=row.avatar_url,
            bio=row.bio,
            region=row.region,
            identity=row.identity,
            vehicle_models=list(row.vehicle_models or []),
            role=row.role,
            account_state=standing.state,
            suspended_until=standing.suspended_until,
            follower_count=row.follower_count,
            following_count=row.following_count,
            created_at=row.created_at,
        )

    @strawberry.field(description="The verified employee badge, if this user is an employee.")
    def employee_badge(self, info: Info[Context, None]) -> EmployeeBadge | None:
        loader = info.context.loaders.badge_by_user_id
        return now_or_later(loader, self.pk, lambda b: EmployeeBadge.from_row(b) if b else None)

    @strawberry.field(
        description="The KOC roles this user holds now, shown as badges next to the name."
    )
    def koc_roles(self, info: Info[Context, None]) -> list[KocRoleRef]:
        loader = info.context.loaders.koc_roles_by_user_id
        return now_or_later(
            loader, self.pk, lambda rows: [koc_role_type().from_row(r) for r in rows]
        )

    @strawberry.field(
        description="The viewer's own KOC applications with the reviewers' notes, newest "
        "first; null for anyone else."
    )
    async def koc_applications(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[KocApplicationRef] | None:
        ctx = info.context
        page = await koc_cases.list_own_applications(
            ctx, self.pk, page_size(ctx.settings, first), after
        )
        return to_connection(page, koc_application_type().from_row) if page is not None else None

    @strawberry.field(description="Set when this is an official persona account.")
    async def persona(self, info: Info[Context, None]) -> Persona | None:
        row = await info.context.loaders.persona_by_user_id.load(self.pk)
        return Persona(user_pk=self.pk, domain=row.domain) if row else None

    @strawberry.field(description="Whether the viewer follows this user.")
    async def viewer_is_following(self, info: Info[Context, None]) -> bool:
        return await info.context.loaders.viewer_follows_by_user_id.load(self.pk)

    @strawberry.field(description="The user's published posts, newest first.")
    async def posts(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[PostRef]:
        ctx = info.context
        page = await feed_cases.user_posts(ctx, self.pk, page_size(ctx.settings, first), after)
        return await post_type().connection(info, page)

    @strawberry.field(description="The viewer's own drafts, newest first; null for anyone else.")
    async def drafts(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[PostRef] | None:
        ctx = info.context
        page = await feed_cases.user_drafts(ctx, self.pk, page_size(ctx.settings, first), after)
        return await post_type().connection(info, page) if page is not None else None

    @strawberry.field(
        description="This user's product feedback that staff adopted, most recently adopted "
        "first (the posts the viewer may see)."
    )
    async def adopted_feedback(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[PostRef]:
        ctx = info.context
        size = page_size(ctx.settings, first)
        page = await feedback_cases.list_adopted_feedback(ctx, self.pk, size, after)
        return await post_type().connection(info, page)

    @strawberry.field(
        description="The works this user accepted a credit on, newest credit first (posts and "
        "radio episodes the viewer may see)."
    )
    async def works(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> WorkConnectionRef:
        ctx = info.context
        page = await credit_cases.list_user_works(
            ctx, self.pk, page_size(ctx.settings, first), after
        )
        return await _work_connection(ctx, page)

    @strawberry.field(
        description="The viewer's pending credits on live works, newest first, to accept or "
        "decline; null for anyone else."
    )
    async def credit_invitations(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[CreditRef] | None:
        ctx = info.context
        if ctx.viewer is None or ctx.viewer.id != self.pk:
            return None
        page = await credit_cases.list_credit_invitations(
            ctx, page_size(ctx.settings, first), after
        )
        return to_connection(page, credit_type().from_row)

    @strawberry.field(
        description="The viewer's open invitations to join groups, newest first, to accept or "
        "decline; null for anyone else."
    )
    async def group_invitations(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[GroupInvitationRef] | None:
        return await group_invitation_type().for_user(info, self.pk, first, after)

    @strawberry.field(description="Who follows this user, most recent first.")
    async def followers(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[User]:
        ctx = info.context
        page = await cases.list_followers(self.pk, page_size(ctx.settings, first), after)
        return await _user_connection(ctx, page)

    @strawberry.field(description="Whom this user follows, most recent first.")
    async def following(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[User]:
        ctx = info.context
        page = await cases.list_following(self.pk, page_size(ctx.settings, first), after)
        return await _user_connection(ctx, page)


async def load_user(ctx: Context, user_id: int | None) -> User | None:
    """The user with this id, through the request's loader; None for none."""
    if user_id is None:
        return None
    row = await ctx.loaders.user_by_id.load(user_id)
    return User.from_row(row) if row else None


async def _work_connection(ctx: Context, page: Page[models.Credit]) -> Any:
    """A page of credits shown as the works they are on, loaded in one batch per kind."""
    credits = [credit for _, credit in page.edges]
    posts = await ctx.loaders.post_by_id.load_many([c.post_id for c in credits if c.post_id])
    episodes = await ctx.loaders.episode_by_id.load_many(
        [c.episode_id for c in credits if c.episode_id]
    )
    found_posts = {p.id: p for p in posts if p}
    found_episodes = {e.id: e for e in episodes if e}

    def work_of(credit: models.Credit) -> Any:
        if credit.post_id is not None:
            return work_from_row(found_posts[credit.post_id])
        assert credit.episode_id is not None
        return work_from_row(found_episodes[credit.episode_id])

    return work_connection_type().of(page, work_of)


async def _user_connection(ctx: Context, page: Page[int]) -> Connection[User]:
    rows = await ctx.loaders.user_by_id.load_many([uid for _, uid in page.edges])
    by_id = {row.id: row for row in rows if row}
    return to_connection(page, lambda uid: User.from_row(by_id[uid]))


@strawberry.type
class UserQueries:
    @strawberry.field(description="The signed-in user, or null.")
    def viewer(self, info: Info[Context, None]) -> User | None:
        viewer = info.context.viewer
        return User.from_row(viewer) if viewer else None

    @strawberry.field(description="A user by handle, or null.")
    async def user(self, handle: str) -> User | None:
        row = await lookups.user_by_handle(handle)
        return User.from_row(row) if row else None
