"""Accounts as use cases: registering (each refusal naming its field), signing in, following,
and changing one's profile."""

from __future__ import annotations

import pytest

from resolvers.users import (
    ProfileChanges,
    follow_user,
    register,
    sign_in,
    unfollow_user,
    update_profile,
)
from server.errors import (
    AccountSuspended,
    Conflict,
    InvalidCredentials,
    InvalidInput,
    NotFound,
)
from server.models import (
    AccountState,
    IdentityKind,
    Notification,
    NotificationKind,
    PlatformRole,
    SearchEntity,
    User,
)
from tests.resolvers.conftest import outbox

PASSWORD = "correct horse battery"


async def test_registering_signs_the_new_account_in_and_indexes_it(people):
    signed = await register(await people.context(None), " Ann_Lee ", PASSWORD, "Ann Lee")
    assert signed.token
    assert (signed.user.handle, signed.user.display_name) == ("ann_lee", "Ann Lee")
    assert len(await outbox(SearchEntity.USER, signed.user.id)) == 1


@pytest.mark.parametrize(
    ("handle", "password", "display_name", "field"),
    [
        ("1ann", PASSWORD, "Ann", "handle"),
        ("an", PASSWORD, "Ann", "handle"),
        ("admin", PASSWORD, "Ann", "handle"),
        ("ann", "short", "Ann", "password"),
        ("ann", PASSWORD, "   ", "displayName"),
        ("ann", PASSWORD, "Ann\u200b", "displayName"),
    ],
)
async def test_register_refuses_bad_input_naming_the_field(
    people, handle, password, display_name, field
):
    with pytest.raises(InvalidInput) as refused:
        await register(await people.context(None), handle, password, display_name)
    assert refused.value.field == field
    assert await User.all().count() == 0


async def test_a_handle_that_passes_for_a_moderators_is_refused(people):
    await people.make("marta", PlatformRole.MODERATOR)
    with pytest.raises(InvalidInput) as refused:
        await register(await people.context(None), "rnarta", PASSWORD, "Someone")
    assert refused.value.field == "handle"


async def test_a_taken_handle_is_a_conflict(people):
    await people.make("ann")
    with pytest.raises(Conflict):
        await register(await people.context(None), "ANN", PASSWORD, "Another Ann")


async def test_sign_in_gives_the_same_answer_for_a_wrong_password_and_an_unknown_handle(people):
    await register(await people.context(None), "ann", PASSWORD, "Ann")
    ctx = await people.context(None)
    with pytest.raises(InvalidCredentials) as wrong:
        await sign_in(ctx, "ann", "not the password")
    with pytest.raises(InvalidCredentials) as unknown:
        await sign_in(ctx, "nobody_here", PASSWORD)
    assert wrong.value.message == unknown.value.message
    assert (await sign_in(ctx, "@Ann", PASSWORD)).user.handle == "ann"


async def test_following_counts_once_and_tells_the_followed_once(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    for _ in range(2):
        followed = await follow_user(await people.context(ben), "ann")
    assert followed.follower_count == 1
    assert (await User.get(id=ben.id)).following_count == 1
    [told] = await Notification.filter(recipient_id=ann.id)
    assert (told.kind, told.actor_id) == (NotificationKind.FOLLOW, ben.id)
    unfollowed = await unfollow_user(await people.context(ben), "ann")
    assert unfollowed.follower_count == 0
    assert (await unfollow_user(await people.context(ben), "ann")).follower_count == 0


async def test_nobody_follows_themselves_or_someone_who_does_not_exist(people):
    ann = await people.make("ann")
    with pytest.raises(InvalidInput) as refused:
        await follow_user(await people.context(ann), "ann")
    assert refused.value.field == "handle"
    with pytest.raises(NotFound):
        await follow_user(await people.context(ann), "nobody_here")


async def test_a_banned_account_follows_nobody(people):
    await people.make("ann")
    ben = await people.make("ben", state=AccountState.BANNED)
    with pytest.raises(AccountSuspended):
        await follow_user(await people.context(ben), "ann")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (ProfileChanges(avatar_url="https://192.168.1.10/me.png"), "avatarUrl"),
        (ProfileChanges(avatar_url="javascript:alert(1)"), "avatarUrl"),
        (ProfileChanges(bio="x" * 501), "bio"),
        (ProfileChanges(region="Ber\u202elin"), "region"),
        (ProfileChanges(vehicle_models=["ES8"]), "vehicleModels"),
    ],
)
async def test_update_profile_refuses_bad_input_naming_the_field(people, changes, field):
    ann = await people.make("ann")
    with pytest.raises(InvalidInput) as refused:
        await update_profile(await people.context(ann), changes)
    assert refused.value.field == field


async def test_an_owner_lists_vehicle_models_and_a_new_name_reindexes_their_posts(people):
    ann = await people.make("ann")
    await User.filter(id=ann.id).update(identity=IdentityKind.OWNER)
    updated = await update_profile(
        await people.context(ann),
        ProfileChanges(display_name="Ann Lee", vehicle_models=["ES8", "ES8", " ET5 "]),
    )
    assert (updated.display_name, updated.vehicle_models) == ("Ann Lee", ["ES8", "ET5"])
    [row] = await outbox(SearchEntity.USER, ann.id)
    assert row.with_posts


async def test_a_profile_change_never_touches_role_or_state(people):
    ann = await people.make("ann", state=AccountState.SILENCED, until_days=2)
    ctx = await people.context(ann)
    await User.filter(id=ann.id).update(role=PlatformRole.MODERATOR)  # an admin, meanwhile
    await update_profile(ctx, ProfileChanges(bio="hello"))
    row = await User.get(id=ann.id)
    assert (row.role, row.state, row.bio) == (
        PlatformRole.MODERATOR,
        AccountState.SILENCED,
        "hello",
    )
