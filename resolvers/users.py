"""Accounts: register, sign in, profiles and follows."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from moderation import policies
from resolvers import validation
from resolvers.context import Context
from resolvers.events import writing
from resolvers.moderation import Target
from resolvers.notifications import notify
from resolvers.pagination import Page, id_key, keyset_page
from resolvers.screening import review_if_needed, screen
from search.outbox import mark_changed
from server.errors import Conflict, InvalidCredentials, InvalidInput, NotFound
from server.models import (
    Follow,
    IdentityKind,
    ModerationTarget,
    NotificationKind,
    SearchEntity,
    User,
)
from server.security import hash_password, verify_password


@dataclass
class SignedIn:
    token: str
    user: User


@dataclass
class ProfileChanges:
    display_name: str | None = None
    avatar_url: str | None = None
    bio: str | None = None
    region: str | None = None
    vehicle_models: list[str] | None = None


async def register(ctx: Context, handle: str, password: str, display_name: str) -> SignedIn:
    clean_handle = validation.handle(handle)
    name = validation.text(display_name, "displayName", maximum=64, label="Display name")
    validation.password(password)
    if await User.filter(handle=clean_handle).exists():
        raise Conflict(f"The handle @{clean_handle} is taken.")
    try:
        async with in_transaction() as connection:
            user = await User.create(
                handle=clean_handle, display_name=name, password_hash=hash_password(password)
            )
            await mark_changed(SearchEntity.USER, user.id, connection=connection)
    except IntegrityError:
        raise Conflict(f"The handle @{clean_handle} is taken.") from None
    return SignedIn(token=ctx.token_for(user), user=user)


async def sign_in(ctx: Context, handle: str, password: str) -> SignedIn:
    user = await User.get_or_none(handle=handle.strip().lower().lstrip("@"))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok:
        raise InvalidCredentials()
    if user.is_demo and ctx.settings.production:
        raise InvalidCredentials("Demo accounts cannot sign in in production mode.")
    return SignedIn(token=ctx.token_for(user), user=user)


async def get_user(handle: str) -> User | None:
    try:
        return await User.get_or_none(handle=validation.handle(handle))
    except InvalidInput:
        return None


async def require_user(handle: str, field: str = "handle") -> User:
    user = await User.get_or_none(handle=validation.handle(handle, field))
    if user is None:
        raise NotFound(f"No user @{handle.strip().lstrip('@')}.")
    return user


async def update_profile(ctx: Context, changes: ProfileChanges) -> User:
    viewer = policies.require_writer(ctx.viewer)
    renamed = False
    if changes.display_name is not None:
        renamed = True
        viewer.display_name = validation.text(
            changes.display_name, "displayName", maximum=64, label="Display name"
        )
    if changes.avatar_url is not None:
        viewer.avatar_url = validation.url(changes.avatar_url, "avatarUrl", maximum=500)
    if changes.bio is not None:
        viewer.bio = changes.bio.strip()
        if len(viewer.bio) > 500:
            raise InvalidInput("A bio has at most 500 characters.", field="bio")
    if changes.region is not None:
        viewer.region = validation.optional_text(
            changes.region, "region", maximum=64, label="Region"
        )
    if changes.vehicle_models is not None:
        if viewer.identity != IdentityKind.OWNER:
            raise InvalidInput("Only owners list vehicle models.", field="vehicleModels")
        viewer.vehicle_models = validation.string_list(
            changes.vehicle_models,
            "vehicleModels",
            maximum_items=10,
            maximum_length=40,
            label="vehicle models",
        )
    verdict = await screen(
        ctx, viewer, "profile", {"displayName": viewer.display_name, "bio": viewer.bio}
    )
    viewer.display_name, viewer.bio = verdict.fields["displayName"], verdict.fields["bio"]
    async with writing(ctx.hub) as log:
        connection = log.connection
        await viewer.save(using_db=connection)
        target = Target(ModerationTarget.USER, viewer.id, viewer.id, None)
        verdict.hold_reasons.clear()  # a profile is not held back; a flagged one is reviewed
        await review_if_needed(log, verdict, target, viewer.id)
        # Posts show their author's name: they change with it.
        await mark_changed(SearchEntity.USER, viewer.id, with_posts=renamed, connection=connection)
    return viewer


async def follow(ctx: Context, handle: str) -> User:
    viewer = policies.require_writer(ctx.viewer)
    target = await require_user(handle)
    if target.id == viewer.id:
        raise InvalidInput("You cannot follow yourself.", field="handle")
    async with writing(ctx.hub) as log:
        _, created = await Follow.get_or_create(follower_id=viewer.id, followee_id=target.id)
        if created:
            await User.filter(id=target.id).update(follower_count=F("follower_count") + 1)
            await User.filter(id=viewer.id).update(following_count=F("following_count") + 1)
            await notify(log, target.id, NotificationKind.FOLLOW, viewer.id)
    await target.refresh_from_db()
    return target


async def unfollow(ctx: Context, handle: str) -> User:
    viewer = policies.require_writer(ctx.viewer)
    target = await require_user(handle)
    async with in_transaction():
        deleted = await Follow.filter(follower_id=viewer.id, followee_id=target.id).delete()
        if deleted:
            await User.filter(id=target.id).update(follower_count=F("follower_count") - 1)
            await User.filter(id=viewer.id).update(following_count=F("following_count") - 1)
    await target.refresh_from_db()
    return target


async def list_followers(user_id: int, first: int, after: str | None) -> Page[int]:
    return await keyset_page(
        Follow.filter(followee_id=user_id),
        [id_key()],
        first=first,
        after=after,
        wrap=lambda row: row.follower_id,
    )


async def list_following(user_id: int, first: int, after: str | None) -> Page[int]:
    return await keyset_page(
        Follow.filter(follower_id=user_id),
        [id_key()],
        first=first,
        after=after,
        wrap=lambda row: row.followee_id,
    )
