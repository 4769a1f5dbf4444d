"""The review queue: who sees which items, its filters, and claims."""

from __future__ import annotations

import asyncio

from resolvers.context import Context, Resources
from resolvers.moderation_items import claim_item
from schema.relay import decode_pk, encode_id
from server.errors import Conflict
from server.models import ModerationItem, PlatformRole, User
from tests.conftest import Api
from tests.helpers import post_id
from tests.schema.moderation_helpers import queue, staff


async def test_concurrent_claims_on_one_item_exactly_one_wins(
    api: Api, resources: Resources
) -> None:
    writer = await api.register("writer")
    reporter = await api.register("reporter")
    post = await post_id(api, writer, body="claim me")
    await api.data(
        "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }",
        {"id": post},
        token=reporter,
    )
    item = await ModerationItem.get()
    moderators = []
    for n in range(8):
        user = await User.create(handle=f"mod{n}", display_name="Mod", role=PlatformRole.MODERATOR)
        moderators.append(Context(resources, viewer=user))
    results = await asyncio.gather(
        *(claim_item(ctx, item.id) for ctx in moderators), return_exceptions=True
    )
    winners = [r for r in results if isinstance(r, ModerationItem)]
    assert len(winners) == 1
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, ModerationItem))
    await item.refresh_from_db()
    assert item.claimed_by_id == winners[0].claimed_by_id


async def test_group_admins_see_only_their_groups_items(api: Api) -> None:
    owner = await api.register("owner")
    writer = await api.register("writer")
    reporter = await api.register("reporter")
    for slug in ("mine", "theirs"):
        await api.data(
            "mutation($s: String!) { createGroup(input: {slug: $s, name: $s}) { __typename } }",
            {"s": slug},
            token=owner if slug == "mine" else writer,
        )
    await api.data('mutation { joinGroup(input: {slug: "mine"}) { __typename } }', token=writer)
    in_mine = await post_id(api, writer, body="in my group", groupSlug="mine")
    in_theirs = await post_id(api, writer, body="in theirs", groupSlug="theirs")
    for post in (in_mine, in_theirs):
        await api.data(
            "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }",
            {"id": post},
            token=reporter,
        )
    seen = await queue(api, owner)
    assert [i["target"]["id"] for i in seen] == [in_mine]
    assert decode_pk(in_mine, "Post") != decode_pk(in_theirs, "Post")


async def test_the_queue_filters_by_state_reason_type_and_claim(api: Api) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    reporter = await api.register("reporter")
    post = await post_id(api, writer, body="two reports, two reasons")
    user = encode_id("User", (await User.get(handle="writer")).id)
    for target, reason in ((post, "SPAM"), (user, "HARASSMENT")):
        await api.data(
            """mutation($id: ID!, $r: ReportReason!) { reportContent(input: {targetId: $id,
                 reason: $r}) { __typename } }""",
            {"id": target, "r": reason},
            token=reporter,
        )

    async def count(args: str) -> int:
        data = await api.data(
            f"{{ moderationQueue({args}) {{ edges {{ node {{ id }} }} }} }}", token=mod
        )
        return len(data["moderationQueue"]["edges"])

    assert await count("state: PENDING") == 2
    assert await count('reason: "HARASSMENT"') == 1
    assert await count("targetType: POST") == 1
    assert await count("claimedByMe: true") == 0
    assert await count("olderThanHours: 1") == 0
    assert await count("state: RESOLVED") == 0
