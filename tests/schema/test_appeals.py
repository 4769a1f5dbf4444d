"""Appeals: decided by another moderator, within the appeal window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schema.relay import encode_id
from server.models import AuditEntry
from tests.conftest import Api
from tests.helpers import feed_ids, moderate, post_id
from tests.schema.moderation_helpers import queue, staff


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
        __typename ... on AppealDecisionSuccess { appeal { id state } } ... on Error { message } } }"""
    appeal = (await api.data(appeal_doc, {"id": decision["id"]}, token=writer))["appealDecision"]
    assert appeal["__typename"] == "AppealDecisionSuccess"
    again = (await api.data(appeal_doc, {"id": decision["id"]}, token=writer))["appealDecision"]
    assert again["__typename"] == "ConflictError"  # once per decision
    [item] = await queue(api, second)
    assert "APPEAL" in item["reasons"]

    decide = """mutation($id: ID!) { decideAppeal(input: {appealId: $id, overturn: true, reason: "genuine"}) {
        __typename ... on DecideAppealSuccess { appeal { state } } ... on Error { message } } }"""
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
