"""Promise: writing as a persona account is checked at each action against the persona's
current operators and a current employee badge, never against who wrote a post once.

Attack (seen before the fix): an employee removed as the charging assistant's operator, or
whose badge was revoked, could still edit, publish and delete the persona posts they had
written, because the check trusted the post's stored `operator_id`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from schema.relay import encode_id
from server.models import (
    EmployeeBadge,
    PersonaAccount,
    PersonaDomain,
    PersonaOperator,
    Post,
    PostState,
)
from tests.conftest import Api
from tests.helpers import make_post
from tests.security.conftest import Accounts

EDITS = {
    "updatePost": 'mutation($id: ID!) { updatePost(input: {postId: $id, body: "edited"}) { __typename } }',
    "deletePost": "mutation($id: ID!) { deletePost(input: {postId: $id}) { __typename } }",
    "publishPost": "mutation($id: ID!) { publishPost(input: {postId: $id}) { __typename } }",
    "schedulePost": "mutation($id: ID!, $at: DateTime!) { schedulePost(input: {postId: $id, publishAt: $at}) { __typename } }",
}
# A published post can be edited and deleted; a draft published and scheduled as well.
STATES = {
    "updatePost": PostState.PUBLISHED,
    "deletePost": PostState.PUBLISHED,
    "publishPost": PostState.DRAFT,
    "schedulePost": PostState.DRAFT,
}


async def persona_world(accounts: Accounts) -> dict[str, Any]:
    """The charging assistant, operated by `emp` (who holds a badge)."""
    token = await accounts.make("emp")
    await accounts.make("charging_assistant")
    employee = accounts.users["emp"]
    await EmployeeBadge.create(user=employee, department="Energy", title="Engineer")
    persona = await PersonaAccount.create(
        user=accounts.users["charging_assistant"], domain=PersonaDomain.CHARGING
    )
    await PersonaOperator.create(persona=persona, operator=employee)
    return {"token": token, "persona": persona, "employee": employee}


async def persona_post(world: dict[str, Any], accounts: Accounts, state: PostState) -> Post:
    return await make_post(
        accounts.users["charging_assistant"],
        "Charging tips",
        operator=world["employee"],
        state=state,
        published_at=None if state == PostState.DRAFT else post_time(),
    )


def post_time() -> datetime:
    return datetime.now(UTC)


def variables(operation: str, target: Post) -> dict[str, Any]:
    values: dict[str, Any] = {"id": encode_id("Post", target.id)}
    if operation == "schedulePost":
        values["at"] = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    return values


async def lose_operation(how: str, world: dict[str, Any]) -> None:
    if how == "operator removed":
        await PersonaOperator.filter(operator_id=world["employee"].id).delete()
    else:  # the badge is gone while the operator row stays (left the company)
        await EmployeeBadge.filter(user_id=world["employee"].id).delete()


@pytest.mark.parametrize("how", ["operator removed", "badge revoked"])
@pytest.mark.parametrize("operation", sorted(EDITS))
async def test_a_former_operator_cannot_act_on_the_personas_posts(
    api: Api, accounts: Accounts, operation: str, how: str
) -> None:
    world = await persona_world(accounts)
    target = await persona_post(world, accounts, STATES[operation])
    await lose_operation(how, world)
    body = await api.query(EDITS[operation], variables(operation, target), token=world["token"])
    outcome = body["data"][operation]["__typename"] if body.get("data") else body["errors"]
    if STATES[operation] == PostState.DRAFT:
        # The persona's drafts are no longer theirs to see: missing, like any other.
        assert outcome == "NotFoundError", body
    else:
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    after = await Post.get(id=target.id)
    assert (after.state, after.body, after.scheduled_at) == (
        target.state,
        target.body,
        target.scheduled_at,
    )


@pytest.mark.parametrize("operation", sorted(EDITS))
async def test_a_current_operator_acts_on_the_personas_posts(
    api: Api, accounts: Accounts, operation: str
) -> None:
    world = await persona_world(accounts)
    target = await persona_post(world, accounts, STATES[operation])
    body = await api.data(EDITS[operation], variables(operation, target), token=world["token"])
    assert body[operation]["__typename"].endswith("Success"), body


@pytest.mark.parametrize("how", ["operator removed", "badge revoked"])
async def test_a_former_operator_cannot_write_as_the_persona_or_read_its_drafts(
    api: Api, accounts: Accounts, how: str
) -> None:
    world = await persona_world(accounts)
    draft = await persona_post(world, accounts, PostState.DRAFT)
    await lose_operation(how, world)
    created = await api.query(
        'mutation { createPost(input: {kind: MOMENT, body: "as the assistant", asPersona: "charging_assistant"}) { __typename } }',
        token=world["token"],
    )
    assert created["errors"][0]["extensions"]["code"] == "FORBIDDEN", created
    assert await Post.filter(body="as the assistant").count() == 0
    seen = await api.data(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": encode_id("Post", draft.id)},
        token=world["token"],
    )
    assert seen["node"] is None
    drafts = await api.data("{ viewer { drafts { edges { node { id } } } } }", token=world["token"])
    assert drafts["viewer"]["drafts"]["edges"] == []
