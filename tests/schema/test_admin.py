"""Admin mutations, employee badges and persona accounts through GraphQL."""

from __future__ import annotations

import pytest

from server.models import EmployeeBadge, Group, PersonaOperator, PlatformRole, Post, User
from tests.helpers import create_group, make_role

ADMIN_MUTATIONS = [
    'grantEmployeeBadge(input: {handle: "ben", department: "R&D", title: "Engineer"})',
    'revokeEmployeeBadge(input: {handle: "ben"})',
    'createPersonaAccount(input: {handle: "helper", displayName: "Helper", domain: CHARGING})',
    'addPersonaOperator(input: {personaHandle: "helper", operatorHandle: "ben"})',
    'removePersonaOperator(input: {personaHandle: "helper", operatorHandle: "ben"})',
    'setGroupCertified(input: {slug: "club", certified: true})',
    'setUserIdentity(input: {handle: "ben", identity: OWNER, vehicleModels: ["ES8"]})',
    'setUserRole(input: {handle: "ben", role: ADMIN})',
]


@pytest.mark.parametrize("mutation", ADMIN_MUTATIONS)
async def test_admin_mutations_are_refused_to_everyone_else(api, mutation):
    ann = await api.register("ann")
    ben = await api.register("ben")
    await make_role("ben", PlatformRole.MODERATOR)
    await create_group(api, ann, "club")
    for token, code in [(None, "UNAUTHENTICATED"), (ann, "FORBIDDEN"), (ben, "FORBIDDEN")]:
        body = await api.query(f"mutation {{ {mutation} {{ __typename }} }}", token=token)
        assert body["errors"][0]["extensions"]["code"] == code
    assert await EmployeeBadge.all().count() == 0
    assert (await User.get(handle="ben")).role == PlatformRole.MODERATOR
    assert (await Group.get()).certified is False


BADGE = """{ user(handle: "ben") { employeeBadge { department title executive } } }"""


async def test_badges_are_granted_shown_on_authors_and_revoked(api):
    admin = await api.register("chief")
    await make_role("chief", PlatformRole.ADMIN)
    ben = await api.register("ben")
    data = await api.data(
        'mutation { grantEmployeeBadge(input: {handle: "ben", department: "用户发展", title: "VP", executive: true}) { __typename } }',
        token=admin,
    )
    assert data["grantEmployeeBadge"]["__typename"] == "GrantEmployeeBadgeSuccess"
    assert (await api.data(BADGE))["user"]["employeeBadge"] == {
        "department": "用户发展",
        "title": "VP",
        "executive": True,
    }
    await api.data(
        'mutation { createPost(input: {kind: MOMENT, body: "hi"}) { __typename } }', token=ben
    )
    feed = await api.data(
        "{ globalFeed { edges { node { author { employeeBadge { title } } } } } }"
    )
    assert feed["globalFeed"]["edges"][0]["node"]["author"]["employeeBadge"] == {"title": "VP"}
    await api.data(
        'mutation { revokeEmployeeBadge(input: {handle: "ben"}) { __typename } }', token=admin
    )
    assert (await api.data(BADGE))["user"]["employeeBadge"] is None
    again = await api.data(
        'mutation { revokeEmployeeBadge(input: {handle: "ben"}) { __typename } }', token=admin
    )
    assert again["revokeEmployeeBadge"]["__typename"] == "NotFoundError"


PERSONA_POST = """mutation { createPost(input: {kind: MOMENT, body: "充电桩已修复", asPersona: "charging_assistant"}) {
  __typename ... on CreatePostSuccess { post { id author { handle persona { domain } } } } } }"""
OPERATOR = "query($id: ID!) { post(id: $id) { operator { handle } author { persona { operators { handle } } } } }"


async def test_persona_operators_post_as_the_persona_and_only_admins_see_who(api):
    admin = await api.register("chief")
    await make_role("chief", PlatformRole.ADMIN)
    emp = await api.register("emp")
    outsider = await api.register("outsider")
    await api.data(
        'mutation { createPersonaAccount(input: {handle: "charging_assistant", displayName: "充电小助手", domain: CHARGING}) { __typename } }',
        token=admin,
    )
    refused = await api.data(
        'mutation { addPersonaOperator(input: {personaHandle: "charging_assistant", operatorHandle: "emp"}) { __typename ... on ValidationError { field } } }',
        token=admin,
    )
    assert refused["addPersonaOperator"] == {
        "__typename": "ValidationError",
        "field": "operatorHandle",
    }
    await api.data(
        'mutation { grantEmployeeBadge(input: {handle: "emp", department: "Power", title: "Ops"}) { __typename } }',
        token=admin,
    )
    await api.data(
        'mutation { addPersonaOperator(input: {personaHandle: "charging_assistant", operatorHandle: "emp"}) { __typename } }',
        token=admin,
    )

    body = await api.query(PERSONA_POST, token=outsider)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    post = (await api.data(PERSONA_POST, token=emp))["createPost"]["post"]
    assert post["author"] == {"handle": "charging_assistant", "persona": {"domain": "CHARGING"}}
    assert (await Post.get()).operator_id == (await User.get(handle="emp")).id

    seen_by_admin = await api.data(OPERATOR, {"id": post["id"]}, token=admin)
    assert seen_by_admin["post"] == {
        "operator": {"handle": "emp"},
        "author": {"persona": {"operators": [{"handle": "emp"}]}},
    }
    for token in (emp, outsider, None):
        seen = await api.data(OPERATOR, {"id": post["id"]}, token=token)
        assert seen["post"] == {"operator": None, "author": {"persona": {"operators": None}}}


async def test_revoking_a_badge_ends_persona_operation(api):
    admin = await api.register("chief")
    await make_role("chief", PlatformRole.ADMIN)
    emp = await api.register("emp")
    for mutation in [
        'createPersonaAccount(input: {handle: "charging_assistant", displayName: "C", domain: CHARGING})',
        'grantEmployeeBadge(input: {handle: "emp", department: "Power", title: "Ops"})',
        'addPersonaOperator(input: {personaHandle: "charging_assistant", operatorHandle: "emp"})',
        'revokeEmployeeBadge(input: {handle: "emp"})',
    ]:
        await api.data(f"mutation {{ {mutation} {{ __typename }} }}", token=admin)
    assert await PersonaOperator.all().count() == 0
    body = await api.query(PERSONA_POST, token=emp)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_persona_accounts_cannot_sign_in(api):
    admin = await api.register("chief")
    await make_role("chief", PlatformRole.ADMIN)
    await api.data(
        'mutation { createPersonaAccount(input: {handle: "service_assistant", displayName: "S", domain: SERVICE}) { __typename } }',
        token=admin,
    )
    data = await api.data(
        'mutation { signIn(input: {handle: "service_assistant", password: ""}) { __typename } }'
    )
    assert data["signIn"]["__typename"] == "InvalidCredentialsError"


async def test_admin_sets_identity_role_and_certification(api):
    admin = await api.register("chief")
    await make_role("chief", PlatformRole.ADMIN)
    await api.register("ben")
    await create_group(api, admin, "finance-club")
    await api.data(
        'mutation { setUserIdentity(input: {handle: "ben", identity: OWNER, vehicleModels: ["ES8", "ET5"]}) { __typename } }',
        token=admin,
    )
    await api.data(
        'mutation { setUserRole(input: {handle: "ben", role: MODERATOR}) { __typename } }',
        token=admin,
    )
    await api.data(
        'mutation { setGroupCertified(input: {slug: "finance-club", certified: true}) { __typename } }',
        token=admin,
    )
    data = await api.data(
        '{ user(handle: "ben") { identity vehicleModels role } group(slug: "finance-club") { certified } }'
    )
    assert data == {
        "user": {"identity": "OWNER", "vehicleModels": ["ES8", "ET5"], "role": "MODERATOR"},
        "group": {"certified": True},
    }
    self_demote = await api.data(
        'mutation { setUserRole(input: {handle: "chief", role: USER}) { __typename } }', token=admin
    )
    assert self_demote["setUserRole"]["__typename"] == "ConflictError"
