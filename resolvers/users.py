"""Accounts: register, sign in, profiles and follows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from moderation import policies
from resolvers import earnings, identity, validation
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.lookups import require_user, user_by_handle
from resolvers.moderation_items import Target
from resolvers.notifications import notify
from resolvers.pagination import Listing, Page, id_key, keyset_page
from resolvers.screening import limit, review_if_needed, screen, screen_text
from server.errors import Conflict, InvalidCredentials, InvalidInput, RateLimited
from server.models import (
    AccountState,
    Follow,
    IdentityKind,
    ModerationTarget,
    NotificationKind,
    SearchEntity,
    User,
)
from server.security import hash_password, verify_password

FOLLOWERS = Listing("followers", id_key())
FOLLOWING = Listing("following", id_key())


@dataclass
class SignedIn:
    token: str
    user: User


@dataclass(frozen=True)
class AccountStanding:
    state: AccountState
    suspended_until: datetime | None


def account_standing(user: User) -> AccountStanding:
    """An account's state as it stands now: a suspension whose term has ended reads ACTIVE,
    and `suspended_until` is told only while a suspension runs."""
    suspended = policies.is_suspended(user)
    state = user.state
    if state == AccountState.SUSPENDED and not suspended:
        state = AccountState.ACTIVE
    return AccountStanding(state, user.suspended_until if suspended else None)


@dataclass
class ProfileChanges:
    display_name: str | None = None
    avatar_url: str | None = None
    bio: str | None = None
    region: str | None = None
    vehicle_models: list[str] | None = None


async def register(ctx: Context, handle: str, password: str, display_name: str) -> SignedIn:
    clean_handle = validation.handle(handle)
    name = validation.name(display_name, "displayName", maximum=64, label="Display name")
    validation.password(password)
    await identity.check_new_handle(clean_handle)
    await identity.check_display_name(name)
    verdict = await screen_text(ctx, {"displayName": name})
    name = verdict.fields["displayName"]
    if await User.filter(handle=clean_handle).exists():
        raise Conflict(f"The handle @{clean_handle} is taken.")
    # New accounts per client address: throwaway accounts are how reports and spam scale.
    await limit(ctx, "register", ctx.client_address, "Too many new accounts from this address")
    try:
        async with writing(ctx.hub) as log:
            user = await User.create(
                handle=clean_handle,
                display_name=name,
                password_hash=hash_password(password),
            )
            await log.changed(SearchEntity.USER, user.id)
            target = Target(ModerationTarget.USER, user.id, user.id, None)
            await review_if_needed(log, verdict, target, user.id)
    except IntegrityError:
        raise Conflict(f"The handle @{clean_handle} is taken.") from None
    return SignedIn(token=ctx.token_for(user), user=user)


def _sign_in_key(handle: str) -> str:
    """What failures are counted under: the handle as typed (normalised), whether or not an
    account has it, so the answers never tell which handles exist."""
    return handle.strip().lower().lstrip("@")[:64].encode("utf-8", "replace").hex()


async def sign_in(ctx: Context, handle: str, password: str) -> SignedIn:
    services = ctx.moderation
    handle_key, address_key = _sign_in_key(handle), ctx.client_address
    waits = [
        await services.sign_in_handles.wait(handle_key),
        await services.sign_in_addresses.wait(address_key),
    ]
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        raise RateLimited(
            f"Too many failed sign-ins; try again in {max(1, round(wait))} seconds.",
            retry_after_seconds=round(wait, 1),
        )
    user = await user_by_handle(handle)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok:
        if services is not None:
            await services.sign_in_handles.failed(handle_key)
            await services.sign_in_addresses.failed(address_key)
        raise InvalidCredentials()
    if user.is_demo and ctx.settings.production:
        raise InvalidCredentials("Demo accounts cannot sign in in production mode.")
    if services is not None:
        await services.sign_in_handles.succeeded(handle_key)
    return SignedIn(token=ctx.token_for(user), user=user)


async def update_profile(ctx: Context, changes: ProfileChanges) -> User:
    """Change the viewer's own profile: only the columns given, never the account's role or
    state (a profile saved over a ban would lift it)."""
    viewer = policies.require_writer(ctx.viewer)
    new: dict[str, Any] = {}
    if changes.display_name is not None:
        new["display_name"] = validation.name(
            changes.display_name, "displayName", maximum=64, label="Display name"
        )
        await identity.check_display_name(new["display_name"], own_id=viewer.id)
    if changes.avatar_url is not None:
        new["avatar_url"] = validation.url(
            changes.avatar_url, "avatarUrl", maximum=500, allow_http=ctx.settings.development
        )
    if changes.bio is not None:
        new["bio"] = validation.text(changes.bio, "bio", minimum=0, maximum=500, label="A bio")
    if changes.region is not None:
        new["region"] = validation.optional_name(
            changes.region, "region", maximum=64, label="Region"
        )
    if changes.vehicle_models is not None:
        if viewer.identity != IdentityKind.OWNER:
            raise InvalidInput("Only owners list vehicle models.", field="vehicleModels")
        new["vehicle_models"] = validation.string_list(
            changes.vehicle_models,
            "vehicleModels",
            maximum_items=10,
            maximum_length=40,
            label="vehicle models",
        )
    changed = {key: value for key, value in new.items() if value != getattr(viewer, key)}
    if not changed:
        return viewer
    screened = {
        field: value
        for field, value in (
            ("displayName", changed.get("display_name")),
            ("bio", changed.get("bio")),
            ("region", changed.get("region")),
            ("vehicleModels", " ".join(changed.get("vehicle_models") or [])),
        )
        if value
    }
    verdict = await screen(ctx, viewer, "profile", screened) if screened else None
    if verdict is not None:
        for field, column in (
            ("displayName", "display_name"),
            ("bio", "bio"),
            ("region", "region"),
        ):
            if field in verdict.fields:
                changed[column] = verdict.fields[field]
    async with writing(ctx.hub) as log:
        await User.filter(id=viewer.id).update(**changed, updated_at=datetime.now(UTC))
        if verdict is not None:
            target = Target(ModerationTarget.USER, viewer.id, viewer.id, None)
            verdict.hold_reasons.clear()  # a profile is not held back; a flagged one is reviewed
            await review_if_needed(log, verdict, target, viewer.id)
        # Posts show their author's name: they change with it.
        await log.changed(SearchEntity.USER, viewer.id, with_posts="display_name" in changed)
        await earnings.profile_completed(log, ctx.settings, viewer.id)
    await viewer.refresh_from_db()
    return viewer


async def follow_user(ctx: Context, handle: str) -> User:
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


async def unfollow_user(ctx: Context, handle: str) -> User:
    viewer = policies.require_writer(ctx.viewer)
    target = await require_user(handle)
    async with writing(ctx.hub):
        deleted = await Follow.filter(follower_id=viewer.id, followee_id=target.id).delete()
        if deleted:
            await User.filter(id=target.id).update(follower_count=F("follower_count") - 1)
            await User.filter(id=viewer.id).update(following_count=F("following_count") - 1)
    await target.refresh_from_db()
    return target


async def list_followers(user_id: int, first: int, after: str | None) -> Page[int]:
    return await keyset_page(
        Follow.filter(followee_id=user_id),
        FOLLOWERS,
        first=first,
        after=after,
        wrap=lambda row: row.follower_id,
    )


async def list_following(user_id: int, first: int, after: str | None) -> Page[int]:
    return await keyset_page(
        Follow.filter(follower_id=user_id),
        FOLLOWING,
        first=first,
        after=after,
        wrap=lambda row: row.followee_id,
    )
