"""Moderation as users meet it: screening rules, holds, reports, decisions, claims, appeals."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from resolvers.context import Context
from resolvers.queue import claim_item
from schema.relay import decode_pk, encode_id
from server.app import create_app
from server.db import Database
from server.errors import Conflict
from server.models import PlatformRole, Post, QueueItem, User
from server.settings import Settings
from tests.conftest import Api, running
from tests.helpers import create_post, feed_ids, make_role, moderate, post_id

RULE = """mutation($input: ModerationRuleInput!) { createModerationRule(input: $input) {
  __typename ... on ModerationRuleSuccess { rule { id pattern } } ... on Error { message } } }"""
QUEUE = """{ moderationQueue(first: 50) { edges { node { id state score reasons targetHidden
  target { __typename ... on Post { id state body } ... on Comment { id } ... on User { handle } }
  reports { reason weight } autoHits { action matched reason } timeline { kind text } } } } }"""
POST = "query($id: ID!) { post(id: $id) { id state body } }"


async def established(handle: str, days: int) -> None:
    """Make an account `days` old: reports from new accounts hide nothing."""
    await User.filter(handle=handle).update(created_at=datetime.now(UTC) - timedelta(days=days))


async def staff(api: Api, handle: str, role: PlatformRole = PlatformRole.MODERATOR) -> str:
    token = await api.register(handle)
    await make_role(handle, role)
    return token


async def rule(api: Api, token: str, pattern: str, action: str, match: str = "WORD") -> None:
    data = await api.data(
        RULE,
        {"input": {"pattern": pattern, "match": match, "action": action, "reason": "not here"}},
        token=token,
    )
    assert data["createModerationRule"]["__typename"] == "ModerationRuleSuccess", data


async def queue(api: Api, token: str) -> list[dict[str, Any]]:
    return [e["node"] for e in (await api.data(QUEUE, token=token))["moderationQueue"]["edges"]]


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


async def test_reports_gather_into_one_item_and_hide_the_target_past_the_threshold(
    api: Api, settings: Settings
) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    post = await post_id(api, writer, body="questionable claim about range")
    for n in range(4):  # established fans, ten days old: weight 1 each
        reporter = await api.register(f"reporter{n}")
        await established(f"reporter{n}", days=10)
        data = await api.data(
            """mutation($id: ID!) { reportContent(input: {targetId: $id, reason: MISINFORMATION,
                 note: "wrong numbers"}) { __typename } }""",
            {"id": post},
            token=reporter,
        )
        assert data["reportContent"]["__typename"] == "ReportContentSuccess"
    again = await api.data(
        """mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) {
             __typename } }""",
        {"id": post},
        token=reporter,
    )
    assert again["reportContent"]["__typename"] == "ConflictError"  # one report per target
    [item] = await queue(api, mod)
    assert item["score"] == 4.0 and not item["targetHidden"]
    assert post in await feed_ids(api)

    fifth = await api.register("reporter4")
    await established("reporter4", days=10)
    await api.data(
        "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }",
        {"id": post},
        token=fifth,
    )
    [item] = await queue(api, mod)
    assert item["score"] >= settings.report_hide_threshold and item["targetHidden"]
    assert post not in await feed_ids(api)  # hidden until reviewed
    assert [r["reason"] for r in item["reports"]].count("MISINFORMATION") == 4


async def test_a_removal_is_audited_notified_and_leaves_feeds(api: Api) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    reporter = await api.register("reporter")
    post = await post_id(api, writer, body="off-topic advert")
    await moderate(
        api, mod, reporter, post, ["REMOVE", "WARN"], reason="adverts go in the market group"
    )

    assert post not in await feed_ids(api)
    notes = await api.data("{ notifications { edges { node { kind text } } } }", token=writer)
    texts = [
        n["node"]["text"]
        for n in notes["notifications"]["edges"]
        if n["node"]["kind"] == "MODERATION"
    ]
    assert any("removed your post" in t and "market group" in t for t in texts)
    assert any("warned" in t for t in texts)
    log = await api.data(
        "{ auditLog(action: REMOVE) { edges { node { action reason actor { handle } affectedUser { handle } } } } }",
        token=mod,
    )
    assert log["auditLog"]["edges"] == [
        {
            "node": {
                "action": "REMOVE",
                "reason": "adverts go in the market group",
                "actor": {"handle": "mia"},
                "affectedUser": {"handle": "writer"},
            }
        }
    ]


async def test_a_suspended_user_cannot_write_until_the_term_ends(
    api: Api, settings: Settings
) -> None:
    mod = await staff(api, "mia")
    troll = await api.register("troll")
    reporter = await api.register("reporter")
    troll_id = encode_id("User", (await User.get(handle="troll")).id)
    await moderate(api, mod, reporter, troll_id, ["SUSPEND"], reason="harassment", days=2)

    body = await api.query(
        'mutation { createPost(input: {kind: MOMENT, body: "still here"}) { __typename } }',
        token=troll,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["extensions"]["reason"] == "ACCOUNT_SUSPENDED"
    # When the term has passed, writing works again.
    await User.filter(handle="troll").update(
        suspended_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    assert (await create_post(api, troll, body="back"))["__typename"] == "CreatePostSuccess"


async def test_locked_comments_refuse_new_comments(api: Api) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    reporter = await api.register("reporter")
    post = await post_id(api, writer, body="heated thread")
    await moderate(api, mod, reporter, post, ["LOCK_COMMENTS"], reason="cooling down")
    data = await api.data(
        """mutation($id: ID!) { addComment(input: {postId: $id, body: "one more"}) {
             __typename ... on Error { message } } }""",
        {"id": post},
        token=reporter,
    )
    assert data["addComment"]["__typename"] == "ConflictError"


async def test_concurrent_claims_on_one_item_exactly_one_wins(api: Api, settings: Settings) -> None:
    writer = await api.register("writer")
    reporter = await api.register("reporter")
    post = await post_id(api, writer, body="claim me")
    await api.data(
        "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }",
        {"id": post},
        token=reporter,
    )
    item = await QueueItem.get()
    moderators = []
    for n in range(8):
        user = await User.create(handle=f"mod{n}", display_name="Mod", role=PlatformRole.MODERATOR)
        moderators.append(Context(settings=settings, viewer=user))
    results = await asyncio.gather(
        *(claim_item(ctx, item.id) for ctx in moderators), return_exceptions=True
    )
    winners = [r for r in results if isinstance(r, QueueItem)]
    assert len(winners) == 1
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, QueueItem))
    await item.refresh_from_db()
    assert item.claimed_by_id == winners[0].claimed_by_id


async def test_a_claimed_item_cannot_be_decided_by_another_moderator(api: Api) -> None:
    first = await staff(api, "first")
    second = await staff(api, "second")
    writer = await api.register("writer")
    reporter = await api.register("reporter")
    post = await post_id(api, writer, body="contested")
    await api.data(
        "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }",
        {"id": post},
        token=reporter,
    )
    [item] = await queue(api, first)
    claim = "mutation($id: ID!) { claimQueueItem(input: {itemId: $id}) { __typename ... on Error { message } } }"
    assert (await api.data(claim, {"id": item["id"]}, token=first))["claimQueueItem"][
        "__typename"
    ] == "QueueItemSuccess"
    taken = await api.data(claim, {"id": item["id"]}, token=second)
    assert taken["claimQueueItem"]["__typename"] == "ConflictError"
    assert "@first" in taken["claimQueueItem"]["message"]
    decided = await api.data(
        "mutation($id: ID!) { resolveQueueItem(input: {itemId: $id, actions: [IGNORE]}) { __typename } }",
        {"id": item["id"]},
        token=second,
    )
    assert decided["resolveQueueItem"]["__typename"] == "ConflictError"


async def test_an_appeal_is_decided_by_another_moderator_and_can_restore_the_post(
    api: Api,
) -> None:
    first = await staff(api, "first")
    second = await staff(api, "second")
    writer = await api.register("writer")
    reporter = await api.register("reporter")
    post = await post_id(api, writer, body="a fair review")
    await moderate(api, first, reporter, post, ["HIDE"], reason="looked like spam")
    decisions = await api.data(
        "{ viewerModerationDecisions { edges { node { id action reason } } } }", token=writer
    )
    [decision] = [e["node"] for e in decisions["viewerModerationDecisions"]["edges"]]
    assert decision["action"] == "HIDE"
    appeal_doc = """mutation($id: ID!) { appealDecision(input: {decisionId: $id, text: "It is a real review"}) {
        __typename ... on AppealSuccess { appeal { id state } } ... on Error { message } } }"""
    appeal = (await api.data(appeal_doc, {"id": decision["id"]}, token=writer))["appealDecision"]
    assert appeal["__typename"] == "AppealSuccess"
    again = (await api.data(appeal_doc, {"id": decision["id"]}, token=writer))["appealDecision"]
    assert again["__typename"] == "ConflictError"  # once per decision
    [item] = await queue(api, second)
    assert "APPEAL" in item["reasons"]

    decide = """mutation($id: ID!) { decideAppeal(input: {appealId: $id, overturn: true, reason: "genuine"}) {
        __typename ... on AppealSuccess { appeal { state } } ... on Error { message } } }"""
    same = (await api.data(decide, {"id": appeal["appeal"]["id"]}, token=first))["decideAppeal"]
    assert same["__typename"] == "ConflictError"
    other = (await api.data(decide, {"id": appeal["appeal"]["id"]}, token=second))["decideAppeal"]
    assert other["appeal"]["state"] == "OVERTURNED"
    assert post in await feed_ids(api)
    log = await api.data("{ auditLog { edges { node { kind actor { handle } } } } }", token=first)
    assert log["auditLog"]["edges"][0]["node"] == {
        "kind": "APPEAL_OVERTURNED",
        "actor": {"handle": "second"},
    }


async def test_an_appeal_after_the_window_is_refused(api: Api) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    reporter = await api.register("reporter")
    post = await post_id(api, writer, body="old news")
    await moderate(api, mod, reporter, post, ["HIDE"], reason="stale")
    from server.models import AuditEntry

    await AuditEntry.all().update(created_at=datetime.now(UTC) - timedelta(days=21))
    decision = await AuditEntry.get(action="HIDE")
    result = await api.data(
        """mutation($id: ID!) { appealDecision(input: {decisionId: $id, text: "please"}) {
             __typename ... on Error { message } } }""",
        {"id": encode_id("AuditEntry", decision.id)},
        token=writer,
    )
    assert result["appealDecision"]["__typename"] == "ConflictError"
    assert "20 days" in result["appealDecision"]["message"]


async def test_bulk_decisions_succeed_or_fail_item_by_item(api: Api) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    reporter = await api.register("reporter")
    posts = [await post_id(api, writer, body=f"spam wave {n}") for n in range(3)]
    for post in posts:
        await api.data(
            "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }",
            {"id": post},
            token=reporter,
        )
    items = [i["id"] for i in await queue(api, mod)]
    await api.data(
        "mutation($id: ID!) { resolveQueueItem(input: {itemId: $id, actions: [IGNORE]}) { __typename } }",
        {"id": items[0]},
        token=mod,
    )
    result = await api.data(
        """mutation($ids: [ID!]!) { resolveQueueItems(input: {itemIds: $ids, actions: [REMOVE],
             reason: "spam wave"}) { __typename ... on ResolveQueueItemsSuccess {
             outcomes { item { state } error { __typename } } } } }""",
        {"ids": items},
        token=mod,
    )
    outcomes = result["resolveQueueItems"]["outcomes"]
    assert outcomes[0] == {"item": None, "error": {"__typename": "ConflictError"}}
    assert [o["item"]["state"] for o in outcomes[1:]] == ["RESOLVED", "RESOLVED"]
    assert await feed_ids(api) == [posts[0]]


async def test_writes_are_rate_limited_per_user_with_a_retry_time(
    settings: Settings, db: Database
) -> None:
    limited = replace(settings, rate_limits=(("post", 2, 60.0),))
    async with running(create_app(limited, database=db)) as client:
        api = Api(client)
        token = await api.register("eager")
        other = await api.register("calm")
        for _ in range(2):
            assert (await create_post(api, token))["__typename"] == "CreatePostSuccess"
        third = await api.data(
            """mutation { createPost(input: {kind: MOMENT, body: "third"}) { __typename
                 ... on RateLimitedError { retryAfterSeconds } } }""",
            token=token,
        )
        assert third["createPost"]["__typename"] == "RateLimitedError"
        assert 0 < third["createPost"]["retryAfterSeconds"] <= 60
        assert (await create_post(api, other))["__typename"] == "CreatePostSuccess"


@pytest.mark.parametrize("why", ["first posts", "repeats"])
async def test_new_accounts_and_repeated_text_are_held(
    settings: Settings, db: Database, why: str
) -> None:
    strict = replace(settings, new_account_held_posts=1, duplicate_threshold=2)
    async with running(create_app(strict, database=db)) as client:
        api = Api(client)
        token = await api.register("newcomer")
        if why == "first posts":
            first = await create_post(api, token, body="hello everyone")
            assert first["post"]["state"] == "HELD"
        else:
            await User.filter(handle="newcomer").update(
                created_at=datetime.now(UTC) - timedelta(days=90)
            )
            await Post.create(
                author=await User.get(handle="newcomer"),
                kind="MOMENT",
                body="x",
                state="PUBLISHED",
                published_at=datetime.now(UTC),
            )
            assert (await create_post(api, token, body="Buy now!"))["post"]["state"] == "PUBLISHED"
            assert (await create_post(api, token, body="buy   NOW!"))["post"]["state"] == "HELD"


async def test_new_accounts_may_not_post_many_links(api: Api) -> None:
    token = await api.register("linker")
    body = "see https://a.example.com and https://b.example.com and https://c.example.com"
    result = await create_post(api, token, body=body)
    assert result["__typename"] == "ValidationError" and "links" in result["message"]


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


async def test_silenced_authors_wait_for_approval_and_banned_ones_cannot_write(api: Api) -> None:
    mod = await staff(api, "mia")
    reporter = await api.register("reporter")
    quiet = await api.register("quiet")
    gone = await api.register("gone")
    for handle, action, days in (("quiet", "SILENCE", 1), ("gone", "BAN", None)):
        user_id = encode_id("User", (await User.get(handle=handle)).id)
        await moderate(api, mod, reporter, user_id, [action], reason="too loud", days=days)

    held = await create_post(api, quiet, body="still talking")
    assert held["post"]["state"] == "HELD"
    refused = await api.query(
        'mutation { createPost(input: {kind: MOMENT, body: "hello?"}) { __typename } }', token=gone
    )
    assert refused["errors"][0]["extensions"]["reason"] == "ACCOUNT_BANNED"


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
    assert updated["updateModerationRule"]["__typename"] == "ModerationRuleSuccess"
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


async def test_a_scheduled_post_is_screened_when_it_falls_due(api: Api) -> None:
    from resolvers.scheduled import publish_due_posts

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

    assert await publish_due_posts(when + timedelta(seconds=1)) == []
    assert (await Post.get(id=decode_pk(post, "Post"))).state == "HELD"
    [item] = await queue(api, mod)
    assert item["target"]["id"] == post and item["reasons"] == ["SCREENING"]


async def test_nobody_decides_about_themselves_and_group_reports_go_to_the_platform(
    api: Api,
) -> None:
    mod = await staff(api, "mia")
    reporter = await api.register("reporter")
    own = await post_id(api, mod, body="a moderator's own post")
    await api.data(
        "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }",
        {"id": own},
        token=reporter,
    )
    # The item about the moderator's own post is not theirs to see, claim or decide: another
    # moderator works it.
    assert await queue(api, mod) == []
    other = await staff(api, "otto")
    [item] = await queue(api, other)
    body = await api.data(
        "mutation($id: ID!) { resolveQueueItem(input: {itemId: $id, actions: [IGNORE]}) { __typename } }",
        {"id": item["id"]},
        token=mod,
    )
    assert body["resolveQueueItem"]["__typename"] == "NotFoundError"

    owner = await api.register("owner")
    group = await api.data(
        'mutation { createGroup(input: {slug: "club", name: "Club"}) { ... on CreateGroupSuccess { group { id } } } }',
        token=owner,
    )
    await api.data(
        "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: HATE}) { __typename } }",
        {"id": group["createGroup"]["group"]["id"]},
        token=reporter,
    )
    assert await queue(api, owner) == []  # the group's owner does not judge reports about it
    assert len(await queue(api, mod)) == 1
    assert len(await queue(api, other)) == 2
