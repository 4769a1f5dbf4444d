"""Promise: nobody passes for the brand's staff or its persona accounts. A new handle is checked
against a reserved list (`admin`, `official`, `support`, `system`, `root`, … in any spelling) and
against the confusable skeletons of the handles of moderators, admins, employees with a badge
and persona accounts; a display name may not copy a protected account's name or handle, however
it is spelled. Handles and names refuse control, bidirectional and NUL characters; long texts
lose them, and keep the joiners emoji are written with.

Attacks (seen before the fix): any handle was free, so `admin_`, `adm1n`, `official`, `support`,
`system`, `root` and near-copies of persona handles (`charging_asistant`) could be registered;
display names could copy a persona's or a staff member's name (`充电助手`, in Cyrillic or
full-width letters, with a zero-width space inside), and carried a right-to-left override
(U+202E) or a NUL.
"""

from __future__ import annotations

from typing import Any

import pytest

from schema.relay import encode_id
from server.models import (
    Comment,
    EmployeeBadge,
    PersonaAccount,
    PersonaDomain,
    PlatformRole,
    Post,
    User,
)
from tests.conftest import Api
from tests.helpers import make_post
from tests.security.conftest import Accounts, code

ANSWER = "__typename ... on ValidationError { field message } ... on Error { message }"
REGISTER = f"""mutation($input: RegisterInput!) {{ register(input: $input) {{ {ANSWER} }} }}"""
UPDATE_PROFILE = f"""mutation($input: UpdateProfileInput!) {{ updateProfile(input: $input) {{
  {ANSWER} ... on UpdateProfileSuccess {{ user {{ displayName region bio }} }} }} }}"""
CREATE_PERSONA = f"""mutation($input: CreatePersonaAccountInput!) {{
  createPersonaAccount(input: $input) {{
    {ANSWER} ... on CreatePersonaAccountSuccess {{ user {{ handle displayName }} }} }} }}"""
CREATE_POST = """mutation($input: CreatePostInput!) { createPost(input: $input) {
  __typename ... on CreatePostSuccess { post { id body } } ... on Error { message } } }"""
ADD_COMMENT = """mutation($input: AddCommentInput!) { addComment(input: $input) {
  __typename ... on AddCommentSuccess { comment { id body } } ... on Error { message } } }"""

PERSONA_NAME = "充电助手"


@pytest.fixture
async def staff(accounts: Accounts) -> Accounts:
    """The accounts others would pass for: mia, a moderator ("Mia"); ada, an admin ("Ada");
    wang_fang, an employee with a badge ("Wang Fang"); and the charging assistant, a persona
    account named 充电助手. And kim, a member."""
    await accounts.make("mia", PlatformRole.MODERATOR)
    await accounts.make("ada", PlatformRole.ADMIN)
    await accounts.make("wang_fang")
    await EmployeeBadge.create(
        user=accounts.users["wang_fang"], department="Energy", title="Engineer"
    )
    await accounts.make("charging_assistant")
    await User.filter(handle="charging_assistant").update(display_name=PERSONA_NAME)
    await PersonaAccount.create(
        user=accounts.users["charging_assistant"], domain=PersonaDomain.CHARGING
    )
    await accounts.make("kim")
    return accounts


async def register(api: Api, handle: str, display_name: str = "Lin") -> dict[str, Any]:
    values = {"handle": handle, "password": "password-123", "displayName": display_name}
    return (await api.data(REGISTER, {"input": values}))["register"]


async def update_profile(api: Api, token: str, **fields: str) -> dict[str, Any]:
    return (await api.data(UPDATE_PROFILE, {"input": fields}, token=token))["updateProfile"]


def refused(result: dict[str, Any], field: str) -> bool:
    return result["__typename"] == "ValidationError" and result["field"] == field


async def handles() -> list[str]:
    return sorted(await User.all().values_list("handle", flat=True))


# --- handles --------------------------------------------------------------------------------------

RESERVED = ["admin_", "Admin", "adm1n", "4dmin", "admin2024", "official", "nio_official"]
RESERVED += ["support", "supp0rt", "system", "root", "staff_team", "moderat0r", "webmaster"]


@pytest.mark.parametrize("handle", RESERVED)
async def test_register_refuses_a_reserved_handle_in_any_spelling(
    api: Api, staff: Accounts, handle: str
) -> None:
    before = await handles()

    result = await register(api, handle)

    assert refused(result, "handle"), result
    assert await handles() == before


# Near copies of protected handles: one letter off, a number added, leet digits, no underscore.
NEAR_COPIES = {
    "charging_asistant": "charging_assistant",
    "chargng_assistant": "charging_assistant",
    "charging_assistamt": "charging_assistant",
    "charging_assistant2": "charging_assistant",
    "chargingassistant": "charging_assistant",
    "charg1ng_assistant": "charging_assistant",
    "wang_fanq": "wang_fang",
    "w4ng_fang": "wang_fang",
    "wangfang_": "wang_fang",
    "m1a": "mia",
    "ada_2024": "ada",
}


@pytest.mark.parametrize(("handle", "protected"), NEAR_COPIES.items(), ids=NEAR_COPIES.keys())
async def test_register_refuses_a_handle_that_passes_for_a_staff_or_persona_handle(
    api: Api, staff: Accounts, handle: str, protected: str
) -> None:
    before = await handles()

    result = await register(api, handle)

    assert refused(result, "handle"), result
    assert f"@{protected}" in result["message"]
    assert await handles() == before


# Ordinary handles near the reserved words: documented in moderation/names.py.
ORDINARY_HANDLES = ["supporter", "help_me", "car_service", "rootbeer", "anna", "charging_fan"]


@pytest.mark.parametrize("handle", ORDINARY_HANDLES)
async def test_register_leaves_ordinary_handles_free(
    api: Api, staff: Accounts, handle: str
) -> None:
    result = await register(api, handle)

    assert result["__typename"] == "RegisterSuccess", result
    assert await User.exists(handle=handle)


# --- display names --------------------------------------------------------------------------------

COPIED_NAMES = {
    "persona name": PERSONA_NAME,
    "persona name spaced": "充电 助手",
    "persona name with a zero-width space": "充电\u200b助手",
    "persona name with a zero-width joiner": "充电\u200d助手",
    "persona handle as a name": "Charging Assistant",
    "persona handle with cyrillic A": "Charging \u0410ssistant",
    "persona handle in full-width letters": "Ｃｈａｒｇｉｎｇ Ａｓｓｉｓｔａｎｔ",
    "persona handle with a soft hyphen": "Charging Assis\u00adtant",
    "employee name in capitals": "WANG FANG",
    "employee name with cyrillic a": "W\u0430ng Fang",
    "moderator name with cyrillic i": "M\u0456a",
    "admin name": "Ada",
}


@pytest.mark.parametrize("name", COPIED_NAMES.values(), ids=COPIED_NAMES.keys())
async def test_register_and_update_profile_refuse_a_display_name_copied_from_staff_or_persona(
    api: Api, staff: Accounts, name: str
) -> None:
    before = await handles()

    registered = await register(api, "lin_wei", name)
    updated = await update_profile(api, staff.token("kim"), displayName=name)

    assert refused(registered, "displayName"), registered
    assert refused(updated, "displayName"), updated
    assert await handles() == before
    assert await User.get(handle="kim").values_list("display_name", flat=True) == "Kim"


# The same words joined or ended with punctuation instead of a space read as the same name.
PUNCTUATED_COPIES = {
    "persona name with an interpunct": "充电·助手",
    "persona name with a full stop": "充电助手。",
    "persona handle with a hyphen": "Charging-Assistant",
    "persona handle with an at sign": "@charging_assistant",
    "employee name with a dot": "Wang.Fang",
}


@pytest.mark.parametrize("name", PUNCTUATED_COPIES.values(), ids=PUNCTUATED_COPIES.keys())
async def test_update_profile_refuses_a_copied_name_split_or_ended_with_punctuation(
    api: Api, staff: Accounts, name: str
) -> None:
    result = await update_profile(api, staff.token("kim"), displayName=name)

    assert refused(result, "displayName"), result
    assert await User.get(handle="kim").values_list("display_name", flat=True) == "Kim"


@pytest.mark.parametrize(
    ("handle", "own_name"),
    [("wang_fang", "WANG FANG"), ("wang_fang", "wang_fang"), ("mia", "MIA")],
)
async def test_an_account_may_rename_itself_to_its_own_name(
    api: Api, staff: Accounts, handle: str, own_name: str
) -> None:
    result = await update_profile(api, staff.token(handle), displayName=own_name)

    assert result["__typename"] == "UpdateProfileSuccess", result
    assert await User.get(handle=handle).values_list("display_name", flat=True) == own_name


@pytest.mark.parametrize("name", [PERSONA_NAME, "Charging Assistant", "Mia"])
async def test_an_employee_may_not_take_another_protected_accounts_name(
    api: Api, staff: Accounts, name: str
) -> None:
    result = await update_profile(api, staff.token("wang_fang"), displayName=name)

    assert refused(result, "displayName"), result
    assert await User.get(handle="wang_fang").values_list("display_name", flat=True) == "Wang Fang"


# --- control, bidirectional and NUL characters ---------------------------------------------------

HIDDEN = {
    "right-to-left override": "Kim\u202egnp.exe",
    "left-to-right isolate": "Kim\u2066 Lee",
    "NUL": "Kim\x00Lee",
    "line break": "Kim\nLee",
    "zero-width space": "Kim\u200bLee",
}


@pytest.mark.parametrize("text", HIDDEN.values(), ids=HIDDEN.keys())
async def test_register_refuses_hidden_characters_in_a_handle_or_a_name(
    api: Api, staff: Accounts, text: str
) -> None:
    before = await handles()

    as_handle = await register(api, text.lower())
    as_name = await register(api, "lin_wei", text)

    assert refused(as_handle, "handle"), as_handle
    assert refused(as_name, "displayName"), as_name
    assert await handles() == before


@pytest.mark.parametrize("text", HIDDEN.values(), ids=HIDDEN.keys())
async def test_update_profile_refuses_hidden_characters_in_a_name_or_a_region(
    api: Api, staff: Accounts, text: str
) -> None:
    as_name = await update_profile(api, staff.token("kim"), displayName=text)
    as_region = await update_profile(api, staff.token("kim"), region=text)

    assert refused(as_name, "displayName"), as_name
    assert refused(as_region, "region"), as_region
    kim = await User.get(handle="kim")
    assert (kim.display_name, kim.region) == ("Kim", None)


# --- persona accounts -----------------------------------------------------------------------------


async def create_persona(
    api: Api, token: str | None, handle: str, display_name: str
) -> dict[str, Any]:
    values = {"handle": handle, "displayName": display_name, "domain": "SERVICE"}
    return await api.query(CREATE_PERSONA, {"input": values}, token=token)


@pytest.mark.parametrize(
    ("handle", "name"),
    [("nio_official", "蔚来官方"), ("service_support", "Service Support"), ("nio_team", "NIO")],
)
async def test_admin_may_give_a_persona_an_official_sounding_handle(
    api: Api, staff: Accounts, handle: str, name: str
) -> None:
    body = await create_persona(api, staff.token("ada"), handle, name)

    result = body["data"]["createPersonaAccount"]
    assert result["__typename"] == "CreatePersonaAccountSuccess", body
    assert result["user"] == {"handle": handle, "displayName": name}
    assert await PersonaAccount.exists(user__handle=handle)


@pytest.mark.parametrize(
    ("handle", "name", "field"),
    [
        ("charging_asistant", "Charging help", "handle"),
        ("wang_fanq", "Energy desk", "handle"),
        ("charging_desk", "充电 助手", "displayName"),
        ("charging_desk", "Charging Аssistant", "displayName"),
        ("charging_desk", "Wang Fang", "displayName"),
    ],
)
async def test_admin_may_not_create_a_persona_that_passes_for_another_protected_account(
    api: Api, staff: Accounts, handle: str, name: str, field: str
) -> None:
    before = await handles()

    body = await create_persona(api, staff.token("ada"), handle, name)

    assert refused(body["data"]["createPersonaAccount"], field), body
    assert await handles() == before
    assert await PersonaAccount.all().count() == 1


@pytest.mark.parametrize(
    ("who", "answer"),
    [
        (None, "UNAUTHENTICATED"),
        ("kim", "FORBIDDEN"),
        ("wang_fang", "FORBIDDEN"),
        ("mia", "FORBIDDEN"),
        ("charging_assistant", "FORBIDDEN"),
    ],
)
async def test_only_admins_create_persona_accounts(
    api: Api, staff: Accounts, who: str | None, answer: str
) -> None:
    token = staff.token(who) if who else None

    body = await create_persona(api, token, "nio_official", "蔚来官方")

    assert code(body) == answer, body
    assert not await User.exists(handle="nio_official")


# --- long texts -----------------------------------------------------------------------------------

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # 👨‍👩‍👧: three emoji and two joiners
WRITTEN = f"Road\u202e trip\u2066 with the\x00 family {FAMILY}\u2069 \u200dok"
STORED = f"Road trip with the family {FAMILY} \u200dok"


async def test_a_post_body_loses_bidi_controls_and_nul_and_keeps_emoji_joiners(
    api: Api, staff: Accounts
) -> None:
    data = await api.data(
        CREATE_POST, {"input": {"kind": "MOMENT", "body": WRITTEN}}, token=staff.token("kim")
    )

    assert data["createPost"]["__typename"] == "CreatePostSuccess", data
    assert data["createPost"]["post"]["body"] == STORED
    assert await Post.all().values_list("body", flat=True) == [STORED]


async def test_a_comment_loses_bidi_controls_and_nul_and_keeps_emoji_joiners(
    api: Api, staff: Accounts
) -> None:
    target = await make_post(staff.users["kim"], "Where to?")
    variables = {"input": {"postId": encode_id("Post", target.id), "body": WRITTEN}}

    data = await api.data(ADD_COMMENT, variables, token=staff.token("kim"))

    assert data["addComment"]["__typename"] == "AddCommentSuccess", data
    assert data["addComment"]["comment"]["body"] == STORED
    assert await Comment.all().values_list("body", flat=True) == [STORED]


async def test_a_bio_loses_bidi_controls_and_nul_and_keeps_emoji_joiners(
    api: Api, staff: Accounts
) -> None:
    result = await update_profile(api, staff.token("kim"), bio=WRITTEN)

    assert result["__typename"] == "UpdateProfileSuccess", result
    assert result["user"]["bio"] == STORED
    assert await User.get(handle="kim").values_list("bio", flat=True) == STORED
