"""What the moderation tests share: staff accounts, watched words, reports and the queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from server.models import PlatformRole, User
from tests.conftest import Api
from tests.helpers import make_role

RULE = """mutation($input: CreateModerationRuleInput!) { createModerationRule(input: $input) {
  __typename ... on CreateModerationRuleSuccess { rule { id pattern } } ... on Error { message } } }"""
QUEUE = """{ moderationQueue(first: 50) { edges { node { id state score reasons targetHidden
  target { __typename ... on Post { id state body } ... on Comment { id } ... on User { handle } }
  reports { reason weight } autoHits { action matched reason } timeline { kind text } } } } }"""
POST = "query($id: ID!) { post(id: $id) { id state body } }"
REPORT = """mutation($id: ID!, $reason: ReportReason!) { reportContent(input: {targetId: $id,
  reason: $reason}) { __typename ... on Error { message } } }"""


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
    assert data["createModerationRule"]["__typename"] == "CreateModerationRuleSuccess", data


async def queue(api: Api, token: str) -> list[dict[str, Any]]:
    return [e["node"] for e in (await api.data(QUEUE, token=token))["moderationQueue"]["edges"]]


async def report(api: Api, token: str, target_id: str, reason: str = "SPAM") -> None:
    data = await api.data(REPORT, {"id": target_id, "reason": reason}, token=token)
    assert data["reportContent"]["__typename"] == "ReportContentSuccess", data
