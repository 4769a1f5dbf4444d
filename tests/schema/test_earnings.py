"""Earnings through GraphQL: a featured post shows in its author's points history and
contribution, and a removal by moderation shows as a reversal."""

from __future__ import annotations

from schema.relay import encode_id
from server.models import ModerationAction, PlatformRole, Post, User
from tests.conftest import Api
from tests.helpers import make_post, make_role, moderate

FEATURE = """mutation($input: FeatureWorkInput!) { featureWork(input: $input) {
  __typename ... on Error { message } } }"""
LEDGERS = """{ viewer {
  points { balance entries(first: 10) { edges { node { kind amount rule reference } } } }
  contribution { total thisYear } } }"""
NOTIFICATIONS = """{ notifications(first: 10) { edges { node { kind text } } } }"""


async def test_a_featured_post_shows_in_its_authors_points_and_contribution(api: Api):
    ann = await api.register("ann")
    mia = await api.register("mia")
    await make_role("mia", PlatformRole.MODERATOR)
    post = await make_post(await User.get(handle="ann"), "A road trip to Moganshan")
    post_id = encode_id("Post", post.id)

    answers = [
        (await api.data(FEATURE, {"input": {"workId": post_id}}, token=mia))["featureWork"]
        for _ in range(2)
    ]
    assert [a["__typename"] for a in answers] == ["FeatureWorkSuccess", "ConflictError"]

    viewer = (await api.data(LEDGERS, token=ann))["viewer"]
    assert viewer["points"]["balance"] == 100
    assert [edge["node"] for edge in viewer["points"]["entries"]["edges"]] == [
        {"kind": "EARNED", "amount": 100, "rule": "WORK_FEATURED", "reference": post_id}
    ]
    assert viewer["contribution"] == {"total": 30, "thisYear": 30}
    notes = (await api.data(NOTIFICATIONS, token=ann))["notifications"]["edges"]
    reward = {"kind": "REWARD", "text": "+100 points and +30 contribution: your work was featured."}
    assert reward in [edge["node"] for edge in notes]
    # The moderator who featured it earned nothing and sees only their own (empty) account.
    staff = (await api.data(LEDGERS, token=mia))["viewer"]
    assert staff["points"] == {"balance": 0, "entries": {"edges": []}}


async def test_a_removed_featured_post_shows_its_reversal(api: Api):
    ann = await api.register("ann")
    mia = await api.register("mia")
    rex = await api.register("rex")
    await make_role("mia", PlatformRole.MODERATOR)
    post = await make_post(await User.get(handle="ann"))
    post_id = encode_id("Post", post.id)
    await api.data(FEATURE, {"input": {"workId": post_id}}, token=mia)
    await moderate(api, mia, rex, post_id, [str(ModerationAction.REMOVE)])

    assert (await Post.get(id=post.id)).state == "REMOVED"
    viewer = (await api.data(LEDGERS, token=ann))["viewer"]
    assert viewer["points"]["balance"] == 0
    assert [edge["node"]["kind"] for edge in viewer["points"]["entries"]["edges"]] == [
        "REVERSED",
        "EARNED",
    ]
    assert viewer["contribution"] == {"total": 0, "thisYear": 0}
