"""Watched words as writers and moderators meet them: blocked, masked, held and flagged text,
rules that apply at once in every process, and their audited changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from resolvers.context import Resources
from resolvers.scheduled import publish_due_posts
from schema.relay import decode_pk
from server.app import create_app
from server.db import Database
from server.models import Post
from server.settings import Settings
from tests.conftest import Api, running
from tests.helpers import create_post, feed_ids, post_id
from tests.schema.moderation_helpers import POST, RULE, queue, rule, staff


async def test_blocked_words_refuse_the_text_in_chinese_and_english(api: Api) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    await rule(api, mod, "诈骗", "BLOCK")
    await rule(api, mod, "scam", "BLOCK")

    for body in ("这是一个诈骗链接", "Total SCAM, avoid", "ｓｃａｍ in full width"):
        result = await create_post(api, writer, body=body)
        assert result["__typename"] == "ContentRejectedError", result
        assert "not here" in result["message"]
    assert await Post.all().count() == 0  # nothing stored
    # Whole words only: "scampi" is food.
    assert (await create_post(api, writer, body="scampi for dinner"))[
        "__typename"
    ] == "CreatePostSuccess"


async def test_replaced_words_are_masked(api: Api) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    await rule(api, mod, "傻瓜", "REPLACE")
    await rule(api, mod, "darn", "REPLACE")
    result = await create_post(api, writer, body="你这个傻瓜, darn it")
    assert result["post"]["body"] == "你这个**, **** it"


async def test_a_held_post_waits_for_approval_then_goes_live_everywhere(api: Api) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    reader = await api.register("reader")
    await rule(api, mod, "代购", "HOLD", match="SUBSTRING")

    result = await create_post(api, writer, body="ES8 代购 low price")
    assert result["__typename"] == "CreatePostSuccess"
    held = result["post"]["id"]
    assert result["post"]["state"] == "HELD"
    assert (await api.data(POST, {"id": held}, token=writer))["post"]["state"] == "HELD"
    assert (await api.data(POST, {"id": held}, token=reader))["post"] is None
    assert held not in await feed_ids(api, token=reader)
    [item] = await queue(api, mod)
    assert item["reasons"] == ["SCREENING"] and item["targetHidden"]
    assert item["autoHits"] == [{"action": "HOLD", "matched": "代购", "reason": "not here"}]

    decided = await api.data(
        """mutation($id: ID!) { resolveQueueItem(input: {itemId: $id, actions: [APPROVE]}) {
             __typename ... on ResolveQueueItemSuccess { item { state } } } }""",
        {"id": item["id"]},
        token=mod,
    )
    assert decided["resolveQueueItem"]["item"]["state"] == "RESOLVED"
    assert (await api.data(POST, {"id": held}, token=reader))["post"]["state"] == "PUBLISHED"
    assert held in await feed_ids(api, token=reader)


async def test_a_flagged_post_is_published_and_queued(api: Api) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    await rule(api, mod, "crypto*", "FLAG")
    flagged = await post_id(api, writer, body="Cryptocurrency tips inside")
    assert flagged in await feed_ids(api)
    [item] = await queue(api, mod)
    assert item["target"]["id"] == flagged and not item["targetHidden"]
    assert item["autoHits"][0]["matched"] == "Cryptocurrency"


async def test_rule_changes_apply_at_once_in_every_process(
    settings: Settings, db: Database
) -> None:
    # Two apps over one database stand for two server processes.
    async with (
        running(create_app(settings, database=db)) as a,
        running(create_app(settings, database=db)) as b,
    ):
        first, second = Api(a), Api(b)
        mod = await staff(first, "mia")
        writer = await first.register("writer")
        assert (await create_post(second, writer, body="buy followers"))[
            "__typename"
        ] == "CreatePostSuccess"
        await rule(first, mod, "followers", "BLOCK")
        assert (await create_post(second, writer, body="buy followers"))[
            "__typename"
        ] == "ContentRejectedError"


async def test_rejecting_a_held_post_never_publishes_it(api: Api) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    await rule(api, mod, "代购", "HOLD", match="SUBSTRING")
    held = (await create_post(api, writer, body="代购 cheap"))["post"]["id"]
    [item] = await queue(api, mod)
    await api.data(
        """mutation($id: ID!) { resolveQueueItem(input: {itemId: $id, actions: [REMOVE],
             reason: "resale is not allowed"}) { __typename } }""",
        {"id": item["id"]},
        token=mod,
    )
    post = await Post.get(id=decode_pk(held, "Post"))
    assert post.state == "REMOVED" and post.published_at is None
    assert held not in await feed_ids(api)


async def test_moderators_edit_and_delete_rules_and_each_change_is_audited(api: Api) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    await rule(api, mod, "spam", "BLOCK")
    duplicate = await api.data(
        RULE, {"input": {"pattern": "SPAM", "match": "WORD", "action": "FLAG"}}, token=mod
    )
    assert duplicate["createModerationRule"]["__typename"] == "ConflictError"
    [current] = (await api.data("{ moderationRules { id } }", token=mod))["moderationRules"]
    updated = await api.data(
        """mutation($id: ID!) { updateModerationRule(input: {ruleId: $id, pattern: "spam",
             match: WORD, action: REPLACE}) { __typename } }""",
        {"id": current["id"]},
        token=mod,
    )
    assert updated["updateModerationRule"]["__typename"] == "UpdateModerationRuleSuccess"
    assert (await create_post(api, writer, body="no spam"))["post"]["body"] == "no ****"
    await api.data(
        "mutation($id: ID!) { deleteModerationRule(input: {ruleId: $id}) { __typename } }",
        {"id": current["id"]},
        token=mod,
    )
    assert (await create_post(api, writer, body="spam again"))["post"]["body"] == "spam again"
    log = await api.data("{ auditLog { edges { node { kind } } } }", token=mod)
    kinds = [e["node"]["kind"] for e in log["auditLog"]["edges"]]
    assert kinds == ["RULE_DELETED", "RULE_UPDATED", "RULE_CREATED"]


async def test_a_scheduled_post_is_screened_when_it_falls_due(
    api: Api, resources: Resources
) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    draft = await api.data(
        """mutation { createPost(input: {kind: MOMENT, body: "团购 代购 tomorrow", publish: false}) {
             ... on CreatePostSuccess { post { id } } } }""",
        token=writer,
    )
    post = draft["createPost"]["post"]["id"]
    when = datetime.now(UTC) + timedelta(hours=1)
    await api.data(
        "mutation($id: ID!, $at: DateTime) { schedulePost(input: {postId: $id, publishAt: $at}) { __typename } }",
        {"id": post, "at": when.isoformat()},
        token=writer,
    )
    await rule(api, mod, "代购", "HOLD", match="SUBSTRING")  # a rule made after it was written

    assert await publish_due_posts(resources, when + timedelta(seconds=1)) == []
    assert (await Post.get(id=decode_pk(post, "Post"))).state == "HELD"
    [item] = await queue(api, mod)
    assert item["target"]["id"] == post and item["reasons"] == ["SCREENING"]
