"""Accounts through GraphQL: register, sign in, tokens, profiles, follows."""

from __future__ import annotations

import pytest

from server.models import User
from server.security import issue_token
from tests.conftest import TEST_SECRET

REGISTER = """mutation($input: RegisterInput!) { register(input: $input) {
  __typename
  ... on RegisterSuccess { token viewer { handle displayName identity role employeeBadge { title } } }
  ... on ValidationError { message field }
  ... on Error { message code }
} }"""
SIGN_IN = """mutation($input: SignInInput!) { signIn(input: $input) {
  __typename ... on SignInSuccess { token viewer { handle } } ... on Error { message code } } }"""


async def test_register_returns_a_token_that_signs_requests_in(api):
    data = await api.data(
        REGISTER,
        {"input": {"handle": "Li_Wei", "password": "pass-word-1", "displayName": " 李伟 "}},
    )
    result = data["register"]
    assert result["__typename"] == "RegisterSuccess"
    assert result["viewer"] == {
        "handle": "li_wei",
        "displayName": "李伟",
        "identity": "FAN",
        "role": "USER",
        "employeeBadge": None,
    }
    viewer = await api.data("{ viewer { handle } }", token=result["token"])
    assert viewer["viewer"]["handle"] == "li_wei"


@pytest.mark.parametrize(
    ("handle", "password", "display_name", "field"),
    [
        ("ab", "pass-word-1", "Ann", "handle"),
        ("1abc", "pass-word-1", "Ann", "handle"),
        ("has space", "pass-word-1", "Ann", "handle"),
        ("ann", "short", "Ann", "password"),
        ("ann", "pass-word-1", "   ", "displayName"),
    ],
)
async def test_register_rejects_bad_input_and_creates_nothing(
    api, handle, password, display_name, field
):
    data = await api.data(
        REGISTER, {"input": {"handle": handle, "password": password, "displayName": display_name}}
    )
    assert data["register"]["__typename"] == "ValidationError"
    assert data["register"]["field"] == field
    assert data["register"]["message"]
    assert await User.all().count() == 0


async def test_register_refuses_a_taken_handle_case_insensitively(api):
    await api.register("mia")
    data = await api.data(
        REGISTER, {"input": {"handle": "MIA", "password": "pass-word-1", "displayName": "Mia"}}
    )
    assert data["register"]["__typename"] == "ConflictError"
    assert await User.all().count() == 1


async def test_sign_in_with_right_and_wrong_password(api):
    await api.register("noah", password="right-password")
    ok = await api.data(SIGN_IN, {"input": {"handle": "noah", "password": "right-password"}})
    assert ok["signIn"]["__typename"] == "SignInSuccess"
    for handle, password in [("noah", "wrong-password"), ("nobody", "right-password")]:
        bad = await api.data(SIGN_IN, {"input": {"handle": handle, "password": password}})
        assert bad["signIn"] == {
            "__typename": "InvalidCredentialsError",
            "message": "Wrong handle or password.",
            "code": "INVALID_CREDENTIALS",
        }


async def test_password_is_stored_hashed(api):
    await api.register("olga", password="visible-secret")
    user = await User.get(handle="olga")
    assert "visible-secret" not in (user.password_hash or "")
    assert user.password_hash.startswith("$argon2")


@pytest.mark.parametrize(
    "token",
    [
        "not-a-jwt",
        issue_token("another-secret-0123456789-0123456789", 1, 60),
        issue_token(TEST_SECRET, 1, -10),
    ],
)
async def test_forged_expired_or_malformed_tokens_are_refused(api, token):
    await api.register("pia")
    response = await api.post("{ viewer { handle } }", token=token)
    assert response.status_code == 401


async def test_anonymous_viewer_is_null_and_writes_need_sign_in(api):
    assert (await api.data("{ viewer { handle } }"))["viewer"] is None
    body = await api.query(
        'mutation { createPost(input: {kind: MOMENT, body: "x"}) { __typename } }'
    )
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


UPDATE_PROFILE = """mutation($input: UpdateProfileInput!) { updateProfile(input: $input) {
  __typename ... on UpdateProfileSuccess { user { displayName bio region avatarUrl vehicleModels } }
  ... on ValidationError { field message } } }"""


async def test_update_profile_changes_only_given_fields(api):
    token = await api.register("quinn")
    data = await api.data(
        UPDATE_PROFILE, {"input": {"bio": "ES6 车主, 上海", "region": "上海"}}, token=token
    )
    assert data["updateProfile"]["user"] == {
        "displayName": "Quinn",
        "bio": "ES6 车主, 上海",
        "region": "上海",
        "avatarUrl": None,
        "vehicleModels": [],
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"avatarUrl": "javascript:alert(1)"}, "avatarUrl"),
        ({"bio": "x" * 501}, "bio"),
        ({"vehicleModels": ["ES6"]}, "vehicleModels"),
        ({"displayName": ""}, "displayName"),
    ],
)
async def test_update_profile_rejects_bad_input_and_keeps_the_profile(api, changes, field):
    token = await api.register("rosa")
    data = await api.data(UPDATE_PROFILE, {"input": {"bio": "kept", **changes}}, token=token)
    assert data["updateProfile"]["__typename"] == "ValidationError"
    assert data["updateProfile"]["field"] == field
    assert (await User.get(handle="rosa")).bio == ""


async def test_employee_badge_cannot_be_set_through_user_input(api):
    token = await api.register("sam")
    for mutation in [
        'mutation { updateProfile(input: {employeeBadge: {title: "CEO"}}) { __typename } }',
        'mutation { register(input: {handle: "tom", password: "pass-word-1", displayName: "T", employeeBadge: {title: "CEO"}}) { __typename } }',
    ]:
        body = await api.query(mutation, token=token)
        assert "errors" in body and "employeeBadge" in body["errors"][0]["message"]
    body = await api.query(
        'mutation { grantEmployeeBadge(input: {handle: "sam", department: "x", title: "CEO"}) { __typename } }',
        token=token,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await api.data('{ user(handle: "sam") { employeeBadge { title } } }'))["user"][
        "employeeBadge"
    ] is None


FOLLOW = """mutation($h: String!) { followUser(input: {handle: $h}) {
  __typename ... on FollowUserSuccess { user { followerCount viewerIsFollowing } } ... on Error { code message } } }"""
UNFOLLOW = """mutation($h: String!) { unfollowUser(input: {handle: $h}) {
  __typename ... on UnfollowUserSuccess { user { followerCount viewerIsFollowing } } } }"""


async def test_follow_is_idempotent_and_counted(api):
    a = await api.register("ann")
    await api.register("ben")
    for _ in range(2):
        data = await api.data(FOLLOW, {"h": "ben"}, token=a)
        assert data["followUser"]["user"] == {"followerCount": 1, "viewerIsFollowing": True}
    me = await api.data(
        "{ viewer { followingCount following { edges { node { handle } } } } }", token=a
    )
    assert me["viewer"]["followingCount"] == 1
    assert [e["node"]["handle"] for e in me["viewer"]["following"]["edges"]] == ["ben"]
    followers = await api.data(
        '{ user(handle: "ben") { followers { edges { node { handle } } } } }'
    )
    assert [e["node"]["handle"] for e in followers["user"]["followers"]["edges"]] == ["ann"]
    data = await api.data(UNFOLLOW, {"h": "ben"}, token=a)
    assert data["unfollowUser"]["user"] == {"followerCount": 0, "viewerIsFollowing": False}


async def test_follow_self_or_unknown_user_is_an_error(api):
    a = await api.register("cat")
    assert (await api.data(FOLLOW, {"h": "cat"}, token=a))["followUser"][
        "__typename"
    ] == "ValidationError"
    assert (await api.data(FOLLOW, {"h": "ghost"}, token=a))["followUser"][
        "__typename"
    ] == "NotFoundError"
