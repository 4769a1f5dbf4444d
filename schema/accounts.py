"""Accounts: registering, signing in, the profile and following people."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import users as cases
from resolvers.context import Context
from schema.errors import (
    ConflictError,
    ContentRejectedError,
    InvalidCredentialsError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.users import User


@strawberry.input(description="A new account.")
class RegisterInput:
    handle: str = strawberry.field(
        description="3 to 30 characters: a letter, then letters, digits, '_'."
    )
    password: str = strawberry.field(description="At least 8 characters.")
    display_name: str = strawberry.field(description="The name shown to others.")


@strawberry.type(description="The account was created and signed in.")
class RegisterSuccess:
    token: str = strawberry.field(description="Send as `Authorization: Bearer <token>`.")
    viewer: User = strawberry.field(description="The new account.")


RegisterResult = Annotated[
    RegisterSuccess | ValidationError | ConflictError | RateLimitedError | ContentRejectedError,
    strawberry.union("RegisterResult"),
]


@strawberry.input(description="Credentials to sign in with.")
class SignInInput:
    handle: str = strawberry.field(description="The account's handle.")
    password: str = strawberry.field(description="The account's password.")


@strawberry.type(description="Signed in.")
class SignInSuccess:
    token: str = strawberry.field(description="Send as `Authorization: Bearer <token>`.")
    viewer: User = strawberry.field(description="The signed-in account.")


SignInResult = Annotated[
    SignInSuccess | InvalidCredentialsError | RateLimitedError, strawberry.union("SignInResult")
]


@strawberry.input(description="Profile fields to change; omitted fields stay as they are.")
class UpdateProfileInput:
    display_name: str | None = strawberry.field(
        default=None, description="The name shown to others."
    )
    avatar_url: str | None = strawberry.field(
        default=None, description="An http(s) image URL; empty to clear."
    )
    bio: str | None = strawberry.field(default=None, description="Up to 500 characters.")
    region: str | None = strawberry.field(
        default=None, description="City or region; empty to clear."
    )
    vehicle_models: list[str] | None = strawberry.field(
        default=None, description="Owners only: the models they drive (up to 10)."
    )


@strawberry.type(description="The profile was updated.")
class UpdateProfileSuccess:
    user: User = strawberry.field(description="The updated profile.")


UpdateProfileResult = Annotated[
    UpdateProfileSuccess | ValidationError | RateLimitedError | ContentRejectedError,
    strawberry.union("UpdateProfileResult"),
]


@strawberry.input(description="The user to follow.")
class FollowUserInput:
    handle: str = strawberry.field(description="Their handle.")


@strawberry.type(description="The viewer now follows the user.")
class FollowUserSuccess:
    user: User = strawberry.field(description="The followed user.")


FollowUserResult = Annotated[
    FollowUserSuccess | ValidationError | NotFoundError, strawberry.union("FollowUserResult")
]


@strawberry.input(description="The user to stop following.")
class UnfollowUserInput:
    handle: str = strawberry.field(description="Their handle.")


@strawberry.type(description="The viewer no longer follows the user.")
class UnfollowUserSuccess:
    user: User = strawberry.field(description="The unfollowed user.")


UnfollowUserResult = Annotated[
    UnfollowUserSuccess | ValidationError | NotFoundError, strawberry.union("UnfollowUserResult")
]


@strawberry.type
class UserMutations:
    @strawberry.mutation(
        description="Create an account and sign in. Limited per client address "
        "(RATE_LIMITS `register`); one per request."
    )
    async def register(self, info: Info[Context, None], input: RegisterInput) -> RegisterResult:
        signed = await cases.register(
            info.context, input.handle, input.password, input.display_name
        )
        return RegisterSuccess(token=signed.token, viewer=User.from_row(signed.user))

    @strawberry.mutation(
        description="Sign in with handle and password. Repeated failures, per handle and per "
        "client address, are answered with RateLimitedError and a growing wait; one per request."
    )
    async def sign_in(self, info: Info[Context, None], input: SignInInput) -> SignInResult:
        signed = await cases.sign_in(info.context, input.handle, input.password)
        return SignInSuccess(token=signed.token, viewer=User.from_row(signed.user))

    @strawberry.mutation(description="Change the viewer's profile.")
    async def update_profile(
        self, info: Info[Context, None], input: UpdateProfileInput
    ) -> UpdateProfileResult:
        changes = cases.ProfileChanges(
            display_name=input.display_name,
            avatar_url=input.avatar_url,
            bio=input.bio,
            region=input.region,
            vehicle_models=input.vehicle_models,
        )
        return UpdateProfileSuccess(
            user=User.from_row(await cases.update_profile(info.context, changes))
        )

    @strawberry.mutation(description="Follow a user.")
    async def follow_user(
        self, info: Info[Context, None], input: FollowUserInput
    ) -> FollowUserResult:
        return FollowUserSuccess(
            user=User.from_row(await cases.follow_user(info.context, input.handle))
        )

    @strawberry.mutation(description="Stop following a user.")
    async def unfollow_user(
        self, info: Info[Context, None], input: UnfollowUserInput
    ) -> UnfollowUserResult:
        return UnfollowUserSuccess(
            user=User.from_row(await cases.unfollow_user(info.context, input.handle))
        )
