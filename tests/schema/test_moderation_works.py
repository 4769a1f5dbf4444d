"""Radio episodes, radio stations, collections and credits in the moderation queue through
GraphQL: reported by global id, shown as the queue item's `target`, decided by platform staff
only; a hidden episode leaves `node(id:)` and an overturned appeal brings it back."""

from __future__ import annotations

from typing import Any

import pytest

from schema.relay import encode_id
from server.models import (
    AccountState,
    Collection,
    CreditState,
    EpisodeState,
    ModerationItem,
    PlatformRole,
    RadioEpisode,
    RadioStation,
    StationHead,
    User,
)
from tests.conftest import Api
from tests.helpers import make_group, make_post
from tests.resolvers.work_helpers import credit, make_episode
from tests.schema.moderation_helpers import report, rule, staff

QUEUE = """{ moderationQueue(first: 50) { edges { node { id targetType targetHidden
  author { handle } group { slug }
  target { __typename
    ... on RadioEpisode { id title state }
    ... on RadioStation { id slug }
    ... on Collection { id slug }
    ... on Credit { id role creditState: state user { handle } } } } } } }"""
RESOLVE = """mutation($input: ResolveQueueItemInput!) { resolveQueueItem(input: $input) {
  __typename ... on ResolveQueueItemSuccess { item { state targetHidden } }
  ... on Error { code message } } }"""
REPORT = """mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) {
  __typename ... on ReportContentSuccess { report { reason } } ... on Error { code message } } }"""
NODE = "query($id: ID!) { node(id: $id) { id ... on RadioEpisode { state } } }"
DECISIONS = "{ viewerModerationDecisions { edges { node { id action targetType targetId } } } }"
APPEAL = """mutation($id: ID!) { appealDecision(input: {decisionId: $id, text: "please"}) {
  __typename ... on AppealDecisionSuccess { appeal { id } } ... on Error { message } } }"""
DECIDE_APPEAL = """mutation($id: ID!) { decideAppeal(input: {appealId: $id, overturn: true,
  reason: "fair"}) { __typename ... on DecideAppealSuccess { appeal { state } }
  ... on Error { message } } }"""


async def queue(api: Api, token: str) -> list[dict[str, Any]]:
    return [e["node"] for e in (await api.data(QUEUE, token=token))["moderationQueue"]["edges"]]


async def resolve(api: Api, token: str, item_id: str, *actions: str, **extra: Any) -> Any:
    variables = {"input": {"itemId": item_id, "actions": list(actions), **extra}}
    return await api.query(RESOLVE, variables, token=token)


async def user(handle: str) -> User:
    return await User.get(handle=handle)


async def test_each_new_kind_is_reported_and_shown_as_the_items_target(api: Api) -> None:
    await api.register("ann")
    await api.register("ben")
    reporter = await api.register("rex")
    mia = await staff(api, "mia")
    ann, ben = await user("ann"), await user("ben")
    episode = await make_episode(ann, title="Winter range")
    station = await RadioStation.get(id=episode.station_id)
    book = await Collection.create(slug="nio-book", title="NIO Book", created_by_id=ann.id)
    given = await credit(ben, post_id=(await make_post(ann)).id)
    ids = {
        "RadioEpisode": encode_id("RadioEpisode", episode.id),
        "RadioStation": encode_id("RadioStation", station.id),
        "Collection": encode_id("Collection", book.id),
        "Credit": encode_id("Credit", given.id),
    }
    for target_id in ids.values():
        await report(api, reporter, target_id)
    items = {i["target"]["__typename"]: i for i in await queue(api, mia)}
    assert {name: item["target"]["id"] for name, item in items.items()} == ids
    assert items["RadioEpisode"]["target"]["title"] == "Winter range"
    assert items["RadioStation"]["target"]["slug"] == "shanghai"
    assert items["Collection"]["target"]["slug"] == "nio-book"
    assert items["Credit"]["target"]["user"] == {"handle": "ben"}
    assert {name: item["targetType"] for name, item in items.items()} == {
        "RadioEpisode": "EPISODE",
        "RadioStation": "STATION",
        "Collection": "COLLECTION",
        "Credit": "CREDIT",
    }
    assert {name: item["author"] for name, item in items.items()} == {
        "RadioEpisode": {"handle": "ann"},
        "RadioStation": None,  # opened by staff, outside any account
        "Collection": {"handle": "ann"},
        "Credit": {"handle": "ann"},  # the work's author gave it
    }
    assert all(item["group"] is None for item in items.values())


@pytest.mark.parametrize("state", [EpisodeState.DRAFT, EpisodeState.HIDDEN])
async def test_an_episode_the_reporter_cannot_see_reads_as_missing(
    api: Api, state: EpisodeState
) -> None:
    await api.register("ann")
    reporter = await api.register("rex")
    episode = await make_episode(await user("ann"), state=state)
    result = await api.data(REPORT, {"id": encode_id("RadioEpisode", episode.id)}, token=reporter)
    assert result["reportContent"]["code"] == "NOT_FOUND"
    live = await make_episode(await user("ann"))
    pending = await credit(await user("rex"), episode_id=live.id, state=CreditState.PENDING)
    other = await api.register("lin")
    result = await api.data(REPORT, {"id": encode_id("Credit", pending.id)}, token=other)
    assert result["reportContent"]["code"] == "NOT_FOUND"
    assert await ModerationItem.all().count() == 0


async def test_hiding_an_episode_takes_it_out_of_node_and_an_overturned_appeal_restores_it(
    api: Api,
) -> None:
    author = await api.register("ann")
    reporter = await api.register("rex")
    first, second = await staff(api, "mia"), await staff(api, "max")
    episode = await make_episode(await user("ann"))
    episode_id = encode_id("RadioEpisode", episode.id)
    assert (await api.data(NODE, {"id": episode_id}))["node"]["state"] == "PUBLISHED"
    await report(api, reporter, episode_id)
    [item] = await queue(api, first)
    hidden = await resolve(api, first, item["id"], "HIDE", reason="off topic")
    assert hidden["data"]["resolveQueueItem"]["item"]["state"] == "RESOLVED"
    assert (await api.data(NODE, {"id": episode_id}))["node"] is None
    assert (await api.data(NODE, {"id": episode_id}, token=reporter))["node"] is None
    assert (await api.data(NODE, {"id": episode_id}, token=second))["node"]["state"] == "HIDDEN"

    decisions = (await api.data(DECISIONS, token=author))["viewerModerationDecisions"]["edges"]
    [decision] = [e["node"] for e in decisions]
    assert (decision["action"], decision["targetType"], decision["targetId"]) == (
        "HIDE",
        "EPISODE",
        episode_id,
    )
    appeal = (await api.data(APPEAL, {"id": decision["id"]}, token=author))["appealDecision"]
    assert appeal["__typename"] == "AppealDecisionSuccess", appeal
    overturned = await api.data(DECIDE_APPEAL, {"id": appeal["appeal"]["id"]}, token=second)
    assert overturned["decideAppeal"]["appeal"] == {"state": "OVERTURNED"}
    assert (await api.data(NODE, {"id": episode_id}))["node"]["state"] == "PUBLISHED"


async def test_a_held_episode_approved_by_a_moderator_goes_on_air(api: Api) -> None:
    head = await api.register("lin")
    mia = await staff(api, "mia")
    await rule(api, mia, "giveaway", "HOLD")
    station = await RadioStation.create(slug="shanghai", name="Radio Shanghai", city="Shanghai")
    await StationHead.create(station_id=station.id, user_id=(await user("lin")).id)
    sent = await api.data(
        """mutation { submitEpisode(input: {stationSlug: "shanghai", title: "Big giveaway",
             audio: {url: "https://media.example.com/a.mp3", durationSeconds: 60,
             mimeType: "audio/mpeg"}}) { __typename ... on SubmitEpisodeSuccess {
             episode { id state } } ... on Error { message } } }""",
        token=head,
    )
    episode = sent["submitEpisode"]["episode"]
    assert episode["state"] == "SUBMITTED"
    assert (await api.data(NODE, {"id": episode["id"]}))["node"] is None
    [item] = await queue(api, mia)
    assert (item["targetHidden"], item["target"]) == (
        True,
        {
            "__typename": "RadioEpisode",
            "id": episode["id"],
            "title": "Big giveaway",
            "state": "SUBMITTED",
        },
    )
    approved = await resolve(api, mia, item["id"], "APPROVE")
    assert approved["data"]["resolveQueueItem"]["item"] == {
        "state": "RESOLVED",
        "targetHidden": False,
    }
    assert (await api.data(NODE, {"id": episode["id"]}))["node"]["state"] == "PUBLISHED"


async def test_group_admins_neither_see_nor_decide_these_items(api: Api) -> None:
    await api.register("ann")
    reporter = await api.register("rex")
    owner = await api.register("owner")
    await make_group("riders", await user("owner"))
    episode = await make_episode(await user("ann"))
    await report(api, reporter, encode_id("RadioEpisode", episode.id))
    await report(api, reporter, encode_id("RadioStation", episode.station_id))
    assert await queue(api, owner) == []
    for item in await ModerationItem.all():
        result = await resolve(api, owner, encode_id("ModerationItem", item.id), "IGNORE")
        assert result["data"]["resolveQueueItem"]["code"] == "NOT_FOUND"
    assert {i.state for i in await ModerationItem.all()} == {"PENDING"}


async def test_a_banned_moderator_has_no_power_over_these_items(api: Api) -> None:
    await api.register("ann")
    reporter = await api.register("rex")
    banned = await staff(api, "mia")
    episode = await make_episode(await user("ann"))
    await report(api, reporter, encode_id("RadioEpisode", episode.id))
    await User.filter(handle="mia").update(state=AccountState.BANNED)
    [item] = await ModerationItem.all()
    result = await resolve(api, banned, encode_id("ModerationItem", item.id), "HIDE")
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await RadioEpisode.get(id=episode.id)).state == EpisodeState.PUBLISHED


async def test_hiding_a_station_is_a_validation_error_and_its_maker_can_be_warned(
    api: Api,
) -> None:
    await api.register("ann")
    reporter = await api.register("rex")
    admin = await staff(api, "ada", PlatformRole.ADMIN)
    episode = await make_episode(await user("ann"))
    await RadioStation.filter(id=episode.station_id).update(created_by_id=(await user("ann")).id)
    await report(api, reporter, encode_id("RadioStation", episode.station_id))
    [item] = await queue(api, admin)
    refused = await resolve(api, admin, item["id"], "HIDE")
    assert refused["data"]["resolveQueueItem"]["code"] == "INVALID_INPUT"
    warned = await resolve(api, admin, item["id"], "WARN", reason="rude description")
    assert warned["data"]["resolveQueueItem"]["item"]["state"] == "RESOLVED"


async def test_removing_a_credit_makes_the_target_null(api: Api) -> None:
    await api.register("ann")
    await api.register("ben")
    reporter = await api.register("rex")
    mia = await staff(api, "mia")
    given = await credit(await user("ben"), post_id=(await make_post(await user("ann"))).id)
    await report(api, reporter, encode_id("Credit", given.id))
    [item] = await queue(api, mia)
    removed = await resolve(api, mia, item["id"], "REMOVE", reason="not a real contributor")
    assert removed["data"]["resolveQueueItem"]["item"]["state"] == "RESOLVED"
    target = await api.data(
        "query($id: ID!) { moderationItem(id: $id) { target { __typename } } }",
        {"id": item["id"]},
        token=mia,
    )
    assert target["moderationItem"]["target"] is None
    node = await api.data(NODE, {"id": encode_id("Credit", given.id)}, token=mia)
    assert node["node"] is None
