"""Who may do what in moderation: every moderation query and mutation, tried as each kind of
user, against one post in a group with an open queue item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from schema.relay import encode_id
from server.models import (
    Group,
    GroupKind,
    GroupMembership,
    GroupRole,
    PlatformRole,
    Post,
    PostKind,
    PostState,
    User,
)
from server.security import issue_token
from server.settings import Settings
from tests.conftest import Api

ROLES = ["anonymous", "member", "author", "admin_here", "admin_elsewhere", "moderator", "admin"]


@dataclass
class World:
    tokens: dict[str, str | None]
    post_id: str
    item_id: str | None = None
    decision_id: str | None = None
    appeal_id: str | None = None


async def _user(handle: str, role: PlatformRole = PlatformRole.USER) -> User:
    return await User.create(handle=handle, display_name=handle.title(), role=role)


async def build_world(api: Api, settings: Settings, stage: str) -> World:
    """A post by `author` in group `here`, reported by `reporter`; with `stage` "decided" a
    moderator hid it, with "appealed" the author appealed that."""
    users = {
        "member": await _user("member"),
        "author": await _user("author"),
        "reporter": await _user("reporter"),
        "admin_here": await _user("admin_here"),
        "admin_elsewhere": await _user("admin_elsewhere"),
        "moderator": await _user("moderator", PlatformRole.MODERATOR),
        "admin": await _user("admin", PlatformRole.ADMIN),
    }
    here = await Group.create(slug="here", name="Here", kind=GroupKind.INTEREST)
    elsewhere = await Group.create(slug="elsewhere", name="Elsewhere", kind=GroupKind.INTEREST)
    await GroupMembership.create(group=here, user=users["admin_here"], role=GroupRole.OWNER)
    await GroupMembership.create(
        group=elsewhere, user=users["admin_elsewhere"], role=GroupRole.OWNER
    )
    for name in ("author", "reporter", "member"):
        await GroupMembership.create(group=here, user=users[name], role=GroupRole.MEMBER)
    post = await Post.create(
        author=users["author"],
        group=here,
        kind=PostKind.MOMENT,
        body="a post someone objects to",
        state=PostState.PUBLISHED,
        published_at=datetime.now(UTC),
    )
    tokens: dict[str, str | None] = {
        name: issue_token(settings.secret_key, user.id, 3600) for name, user in users.items()
    }
    tokens["anonymous"] = None
    world = World(tokens=tokens, post_id=encode_id("Post", post.id))
    report = await api.data(
        """mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) {
             __typename } }""",
        {"id": world.post_id},
        token=tokens["reporter"],
    )
    assert report["reportContent"]["__typename"] == "ReportContentSuccess", report
    queue = await api.data(
        "{ moderationQueue { edges { node { id } } } }", token=tokens["moderator"]
    )
    world.item_id = queue["moderationQueue"]["edges"][0]["node"]["id"]
    if stage in ("decided", "appealed"):
        decided = await api.data(
            """mutation($id: ID!) { resolveQueueItem(input: {itemId: $id, actions: [HIDE],
                 reason: "spam"}) { __typename } }""",
            {"id": world.item_id},
            token=tokens["moderator"],
        )
        assert decided["resolveQueueItem"]["__typename"] == "ResolveQueueItemSuccess", decided
        mine = await api.data(
            "{ viewerModerationDecisions { edges { node { id action } } } }",
            token=tokens["author"],
        )
        world.decision_id = mine["viewerModerationDecisions"]["edges"][0]["node"]["id"]
    if stage == "appealed":
        appealed = await api.data(
            """mutation($id: ID!) { appealDecision(input: {decisionId: $id, text: "it was not"}) {
                 __typename ... on AppealSuccess { appeal { id } } } }""",
            {"id": world.decision_id},
            token=tokens["author"],
        )
        world.appeal_id = appealed["appealDecision"]["appeal"]["id"]
    return world


@dataclass(frozen=True)
class Operation:
    document: str
    stage: str = "reported"

    def variables(self, world: World) -> dict[str, Any]:
        values = {
            "item": world.item_id,
            "post": world.post_id,
            "decision": world.decision_id,
            "appeal": world.appeal_id,
        }
        return {name: value for name, value in values.items() if f"${name}" in self.document}


OPS = {
    "moderationQueue": Operation("query { moderationQueue { edges { node { id } } } }"),
    "moderationItem": Operation(
        "query($item: ID!) { moderationItem(id: $item) { id reports { reason } } }"
    ),
    "moderationPendingCount": Operation("query { moderationPendingCount }"),
    "auditLog": Operation("query { auditLog { edges { node { id } } } }"),
    "moderationRules": Operation("query { moderationRules { id } }"),
    "claimQueueItem": Operation(
        "mutation($item: ID!) { claimQueueItem(input: {itemId: $item}) { __typename } }"
    ),
    "addQueueNote": Operation(
        'mutation($item: ID!) { addQueueNote(input: {itemId: $item, text: "looked"}) { __typename } }'
    ),
    "hide": Operation(
        'mutation($item: ID!) { resolveQueueItem(input: {itemId: $item, actions: [HIDE], reason: "spam"}) { __typename } }'
    ),
    "suspend": Operation(
        'mutation($item: ID!) { resolveQueueItem(input: {itemId: $item, actions: [REMOVE, SUSPEND], reason: "spam", days: 3}) { __typename } }'
    ),
    "bulkHide": Operation(
        'mutation($item: ID!) { resolveQueueItems(input: {itemIds: [$item], actions: [HIDE], reason: "spam"}) { __typename ... on ResolveQueueItemsSuccess { outcomes { error { __typename } } } } }'
    ),
    "createRule": Operation(
        'mutation { createModerationRule(input: {pattern: "scam", match: WORD, action: BLOCK}) { __typename } }'
    ),
    "reportContent": Operation(
        "mutation($post: ID!) { reportContent(input: {targetId: $post, reason: SPAM}) { __typename } }"
    ),
    "appealDecision": Operation(
        'mutation($decision: ID!) { appealDecision(input: {decisionId: $decision, text: "please"}) { __typename } }',
        stage="decided",
    ),
    "decideAppeal": Operation(
        'mutation($appeal: ID!) { decideAppeal(input: {appealId: $appeal, overturn: true, reason: "fair"}) { __typename } }',
        stage="appealed",
    ),
}

U, F = "UNAUTHENTICATED", "FORBIDDEN"
# operation: outcome per role, in ROLES order. An outcome is a top-level error code, a
# result union's __typename, or a description of the data the role gets back.
EXPECTED: dict[str, list[str]] = {
    "moderationQueue": [U, F, F, "1 item", "0 items", "1 item", "1 item"],
    "moderationItem": [U, F, F, "item", "null", "item", "item"],
    "moderationPendingCount": [U, F, F, "1", "0", "1", "1"],
    "auditLog": [U, F, F, "ok", "ok", "ok", "ok"],
    "moderationRules": [U, F, F, F, F, "ok", "ok"],
    "claimQueueItem": [
        U,
        F,
        F,
        "QueueItemSuccess",
        "NotFoundError",
        "QueueItemSuccess",
        "QueueItemSuccess",
    ],
    "addQueueNote": [
        U,
        F,
        F,
        "AddQueueNoteSuccess",
        "NotFoundError",
        "AddQueueNoteSuccess",
        "AddQueueNoteSuccess",
    ],
    "hide": [
        U,
        F,
        F,
        "ResolveQueueItemSuccess",
        "NotFoundError",
        "ResolveQueueItemSuccess",
        "ResolveQueueItemSuccess",
    ],
    "suspend": [U, F, F, F, "NotFoundError", "ResolveQueueItemSuccess", "ResolveQueueItemSuccess"],
    "bulkHide": [U, F, F, "done", "NotFoundError", "done", "done"],
    "createRule": [U, F, F, F, F, "ModerationRuleSuccess", "ModerationRuleSuccess"],
    "reportContent": [
        U,
        "ReportContentSuccess",
        "ValidationError",
        "ReportContentSuccess",
        "ReportContentSuccess",
        "ReportContentSuccess",
        "ReportContentSuccess",
    ],
    "appealDecision": [
        U,
        "NotFoundError",
        "AppealSuccess",
        "NotFoundError",
        "NotFoundError",
        "NotFoundError",
        "NotFoundError",
    ],
    # A moderator hid the post: the group's admin is below that level, and another group's
    # admin does not find the item at all.
    "decideAppeal": [U, F, F, F, "NotFoundError", "ConflictError", "AppealSuccess"],
}


def outcome(operation: str, body: dict[str, Any]) -> str:
    if body.get("errors"):
        return body["errors"][0].get("extensions", {}).get("code", body["errors"][0]["message"])
    data = body["data"]
    value = next(iter(data.values()))
    if operation == "moderationQueue":
        return f"{len(value['edges'])} items".replace("1 items", "1 item")
    if operation == "moderationItem":
        return "null" if value is None else "item"
    if operation == "moderationPendingCount":
        return str(value)
    if operation in ("auditLog", "moderationRules"):
        return "ok"
    if operation == "bulkHide":
        error = value["outcomes"][0]["error"]
        return error["__typename"] if error else "done"
    return value["__typename"]


CASES = [(op, role, EXPECTED[op][i]) for op in OPS for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(
    ("operation", "role", "expected"), CASES, ids=[f"{o}-{r}" for o, r, _ in CASES]
)
async def test_moderation_authorisation_matrix(
    api: Api, settings: Settings, operation: str, role: str, expected: str
) -> None:
    op = OPS[operation]
    world = await build_world(api, settings, op.stage)
    body = await api.query(op.document, op.variables(world), token=world.tokens[role])
    assert outcome(operation, body) == expected, body


@pytest.mark.parametrize(
    ("role", "found"),
    [("member", False), ("admin_elsewhere", False), ("admin_here", True), ("moderator", True)],
)
async def test_node_returns_a_queue_item_only_to_who_works_it(
    api: Api, settings: Settings, role: str, found: bool
) -> None:
    world = await build_world(api, settings, "reported")
    data = await api.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": world.item_id}, token=world.tokens[role]
    )
    assert (data["node"] is not None) == found
