"""Product feedback through GraphQL: writing and marking group posts as feedback, staff adopting
it and who is refused how, what the adopted post and its author's profile show to whom, and
the author's notification."""

from __future__ import annotations

from typing import Any

from schema.relay import encode_id
from server.models import (
    AccountState,
    FeedbackAdoption,
    GroupVisibility,
    PlatformRole,
    Post,
    User,
)
from tests.conftest import Api
from tests.helpers import create_post, make_group, make_post, make_role

NOTE = "Scheduled seat heating ships in the next release."
ADOPT = """mutation($input: AdoptFeedbackInput!) { adoptFeedback(input: $input) {
  __typename
  ... on AdoptFeedbackSuccess { post { id feedback adoption { adoptedAt note } }
    adoption { adoptedAt note } }
  ... on ValidationError { field }
  ... on Error { code message } } }"""
POST = """query($id: ID!) { post(id: $id) { id feedback adoption { note adoptedAt } } }"""
UPDATE = """mutation($input: UpdatePostInput!) { updatePost(input: $input) {
  __typename ... on UpdatePostSuccess { post { id feedback } }
  ... on ValidationError { field } ... on Error { code } } }"""
PROFILE = """query($handle: String!) { user(handle: $handle) {
  adoptedFeedback(first: 10) { edges { node { id body adoption { note } } }
    pageInfo { hasNextPage } } } }"""
NOTIFICATIONS = """{ notifications(first: 10) { edges { node { kind text actor { handle }
  post { id } group { slug } } } } }"""


async def adopt(api: Api, token: str | None, post_id: str, note: str = "") -> dict[str, Any]:
    return await api.query(ADOPT, {"input": {"postId": post_id, "note": note}}, token)


def code(body: dict[str, Any]) -> tuple[str, str | None]:
    [error] = body["errors"]
    return error["extensions"]["code"], error["extensions"].get("reason")


async def world(api: Api) -> dict[str, Any]:
    """`lin` posted feedback in `es8-club` (with `ann`); `mia` is a moderator."""
    tokens = {handle: await api.register(handle) for handle in ("lin", "ann", "mia")}
    await make_role("mia", PlatformRole.MODERATOR)
    users = {u.handle: u for u in await User.all()}
    club = await make_group("es8-club", users["lin"], users["ann"])
    post = await make_post(users["lin"], "Let the seat heating remember me.", group=club)
    await Post.filter(id=post.id).update(feedback=True)
    return {"tokens": tokens, "users": users, "club": club, "post": encode_id("Post", post.id)}


async def test_a_group_post_is_written_and_marked_as_feedback_and_a_loose_one_is_refused(api):
    lin = await api.register("lin")
    lin_user = await User.get(handle="lin")
    await make_group("es8-club", lin_user)

    offered = await create_post(api, lin, groupSlug="es8-club", feedback=True)
    plain = await create_post(api, lin, groupSlug="es8-club")
    loose = await create_post(api, lin, feedback=True)

    assert offered["__typename"] == plain["__typename"] == "CreatePostSuccess"
    assert loose == {
        "__typename": "ValidationError",
        "message": "Only a post in a group can be product feedback; post it in a group.",
        "code": "INVALID_INPUT",
        "field": "feedback",
    }
    data = await api.data(POST, {"id": offered["post"]["id"]}, token=lin)
    assert data["post"] == {"id": offered["post"]["id"], "feedback": True, "adoption": None}

    marked = await api.data(
        UPDATE, {"input": {"postId": plain["post"]["id"], "feedback": True}}, token=lin
    )
    assert marked["updatePost"]["post"]["feedback"] is True
    unmarked = await api.data(
        UPDATE, {"input": {"postId": plain["post"]["id"], "feedback": False}}, token=lin
    )
    assert unmarked["updatePost"]["post"]["feedback"] is False


async def test_staff_adopt_feedback_and_everyone_who_sees_the_post_sees_the_adoption(api):
    given = await world(api)
    tokens, post = given["tokens"], given["post"]

    body = await adopt(api, tokens["mia"], post, NOTE)

    result = body["data"]["adoptFeedback"]
    assert result["__typename"] == "AdoptFeedbackSuccess", result
    assert result["post"]["id"] == post and result["post"]["feedback"] is True
    assert result["post"]["adoption"] == result["adoption"]
    assert result["adoption"]["note"] == NOTE
    for token in (None, tokens["ann"], tokens["lin"]):
        seen = await api.data(POST, {"id": post}, token=token)
        assert seen["post"]["adoption"]["note"] == NOTE
    profile = await api.data(PROFILE, {"handle": "lin"})
    assert profile["user"]["adoptedFeedback"]["edges"] == [
        {
            "node": {
                "id": post,
                "body": "Let the seat heating remember me.",
                "adoption": {"note": NOTE},
            }
        }
    ]
    # The author hears of it from nobody in particular, with a way to the post.
    told = await api.data(NOTIFICATIONS, token=tokens["lin"])
    nodes = [edge["node"] for edge in told["notifications"]["edges"]]
    assert [node for node in nodes if node["kind"] != "REWARD"] == [  # the reward: test_earnings
        {
            "kind": "FEEDBACK_ADOPTED",
            "text": f"Your product feedback was adopted. Thank you! {NOTE}",
            "actor": None,
            "post": {"id": post},
            "group": {"slug": "es8-club"},
        }
    ]


async def test_adopt_feedback_refuses_whoever_is_not_staff_in_good_standing(api):
    given = await world(api)
    tokens, post = given["tokens"], given["post"]
    for handle, role, state in (
        ("kai", PlatformRole.MODERATOR, AccountState.SILENCED),
        ("zoe", PlatformRole.ADMIN, AccountState.BANNED),
        ("rui", PlatformRole.USER, AccountState.SUSPENDED),
    ):
        tokens[handle] = await api.register(handle)
        await User.filter(handle=handle).update(role=role, state=state)

    assert code(await adopt(api, None, post)) == ("UNAUTHENTICATED", None)
    assert code(await adopt(api, tokens["ann"], post)) == ("FORBIDDEN", None)
    assert code(await adopt(api, tokens["lin"], post)) == ("FORBIDDEN", None)
    assert code(await adopt(api, tokens["rui"], post)) == ("FORBIDDEN", None)
    assert code(await adopt(api, tokens["kai"], post)) == ("FORBIDDEN", "ACCOUNT_SILENCED")
    assert code(await adopt(api, tokens["zoe"], post)) == ("FORBIDDEN", "ACCOUNT_BANNED")
    assert not await FeedbackAdoption.exists()


async def test_adopt_feedback_answers_with_typed_errors(api):
    given = await world(api)
    tokens, post, users = given["tokens"], given["post"], given["users"]
    plain = await make_post(users["lin"], "Just my car.", group=given["club"])
    circle = await make_group("inner-circle", users["lin"], visibility=GroupVisibility.MEMBERS_ONLY)
    secret = await make_post(users["lin"], "Members only.", group=circle, feedback=True)
    own = await make_post(users["mia"], "Mine.", group=given["club"], feedback=True)
    mia = tokens["mia"]

    def typename(body: dict[str, Any]) -> str:
        return body["data"]["adoptFeedback"]["__typename"]

    assert typename(await adopt(api, mia, encode_id("Post", plain.id))) == "ConflictError"
    missing = await adopt(api, mia, encode_id("Post", 2_000_000_000))
    assert typename(missing) == "NotFoundError"
    assert await adopt(api, mia, encode_id("Post", secret.id)) == missing
    assert typename(await adopt(api, mia, encode_id("User", users["lin"].id))) == "NotFoundError"
    too_long = await adopt(api, mia, post, "x" * 501)
    refusal = too_long["data"]["adoptFeedback"]
    assert (refusal["__typename"], refusal["field"]) == ("ValidationError", "note")
    assert code(await adopt(api, mia, encode_id("Post", own.id))) == ("FORBIDDEN", None)
    assert typename(await adopt(api, mia, post)) == "AdoptFeedbackSuccess"
    assert typename(await adopt(api, mia, post)) == "ConflictError"
    unmark = await api.data(UPDATE, {"input": {"postId": post, "feedback": False}}, tokens["lin"])
    assert unmark["updatePost"] == {"__typename": "ConflictError", "code": "CONFLICT"}
    assert await FeedbackAdoption.all().count() == 1


async def test_a_members_only_groups_adopted_feedback_stays_with_its_members(api):
    given = await world(api)
    tokens, users = given["tokens"], given["users"]
    circle = await make_group(
        "inner-circle",
        users["lin"],
        users["ann"],
        users["mia"],
        visibility=GroupVisibility.MEMBERS_ONLY,
    )
    secret = await make_post(users["lin"], "Members only.", group=circle, feedback=True)
    secret_id = encode_id("Post", secret.id)
    adopted = await adopt(api, tokens["mia"], secret_id)
    assert adopted["data"]["adoptFeedback"]["__typename"] == "AdoptFeedbackSuccess"

    ivy = await api.register("ivy")  # signed in, not a member
    for token in (None, ivy):
        profile = await api.data(PROFILE, {"handle": "lin"}, token=token)
        assert profile["user"]["adoptedFeedback"]["edges"] == []
        assert (await api.data(POST, {"id": secret_id}, token=token))["post"] is None
    profile = await api.data(PROFILE, {"handle": "lin"}, token=tokens["ann"])
    assert [e["node"]["id"] for e in profile["user"]["adoptedFeedback"]["edges"]] == [secret_id]
