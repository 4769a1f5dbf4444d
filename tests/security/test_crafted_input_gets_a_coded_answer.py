"""Promise: no input a client can send produces an internal error. A bad argument to a query is
a top-level error `INVALID_INPUT` naming its `field`; bad mutation input is the mutation's own
`ValidationError` (or `NotFoundError`, `InvalidCredentialsError` where that is the answer); what
is missing or malformed in a lookup reads as `null`.

The tests run with environment "test", which masks an unexpected exception as
"Unexpected error.": no answer here may contain it, every answer is HTTP 200 (400 only for a
malformed request), and every error with a `path` carries `extensions.code`.

Attacks: cursors holding numbers no column can hold (`1e400`, a 30-digit integer), a JSON
object, 10,000 nested arrays, a float where an integer key belongs, oversized strings, or
another list's keys; global ids with a 30-digit key; an overlong handle; a lone UTF-16
surrogate (valid JSON, not valid UTF-8, so a database driver cannot encode it) and NUL
characters (PostgreSQL refuses them in text); variables of the wrong type, and a request body
nested 10,000 deep. Then a sweep sends such values in every text argument of every root query
and mutation, anonymously, as a member and as an admin.
`search` takes no part in the cursor attacks: it needs Meilisearch (tests/search).
"""

from __future__ import annotations

import base64
import dataclasses
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputType,
    Undefined,
    get_named_type,
    is_enum_type,
    is_input_object_type,
    is_interface_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    is_union_type,
)

from schema.relay import encode_id
from schema.schema import build_schema
from server.app import create_app
from server.db import Database
from server.models import Comment, ModerationItem, ModerationRule, PlatformRole, Post, User
from server.settings import Settings
from tests.conftest import Api, running
from tests.helpers import make_group, make_post
from tests.security.conftest import Accounts

UNEXPECTED = "Unexpected error."
TIME = "2024-01-01T00:00:00+00:00"
THIRTY_DIGITS = "123456789012345678901234567890"
SURROGATE = "\ud800"


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


FORGED_POST = b64(f"Post:{THIRTY_DIGITS}")
FORGED_COMMENT = b64(f"Comment:{THIRTY_DIGITS}")


# --- sending and judging ------------------------------------------------------------------------


async def post_body(api: Api, content: str, token: str | None = None) -> httpx.Response:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return await api.client.post("/graphql", content=content, headers=headers)


async def send(
    api: Api, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> httpx.Response:
    """POST the body as written here: `json.dumps` escapes a lone surrogate as `\\ud800`
    (httpx's own encoder would refuse to send it)."""
    return await post_body(api, json.dumps({"query": query, "variables": variables or {}}), token)


def broken_promises(response: httpx.Response) -> list[str]:
    """How an answer breaks the promise, if it does."""
    found = []
    if response.status_code not in (200, 400):
        found.append(f"HTTP {response.status_code}")
    if UNEXPECTED in response.text:
        found.append("an internal error (masked)")
    try:
        body = response.json()
    except ValueError:
        return [*found, f"not JSON: {response.text[:200]}"]
    for error in body.get("errors") or []:
        if error.get("path") and not (error.get("extensions") or {}).get("code"):
            found.append(f"an error without a code at {error['path']}: {error['message']}")
    return found


async def answer(
    api: Api, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> dict[str, Any]:
    """The body of a well-formed request's answer, which must keep the promise."""
    response = await send(api, query, variables, token)
    assert not broken_promises(response), (broken_promises(response), response.text[:2000])
    assert response.status_code == 200, response.text[:2000]
    return response.json()  # type: ignore[no-any-return]


def only_error(body: dict[str, Any]) -> dict[str, Any]:
    errors = body.get("errors") or []
    assert len(errors) == 1, body
    return errors[0]  # type: ignore[no-any-return]


# --- the world ----------------------------------------------------------------------------------


@dataclass
class World:
    accounts: Accounts
    post_id: str
    comment_id: str

    def token(self, who: str | None) -> str | None:
        return self.accounts.token(who) if who else None


@pytest.fixture
async def world(accounts: Accounts) -> World:
    """An author with a post and a comment in a public group; a member; a moderator."""
    await accounts.make("author")
    await accounts.make("member")
    await accounts.make("moderator")
    await User.filter(handle="moderator").update(role=PlatformRole.MODERATOR)
    author = accounts.users["author"]
    club = await make_group("open-club", author, accounts.users["member"])
    row = await make_post(author, "a post to read", group=club)
    comment = await Comment.create(post=row, author=author, body="a comment")
    return World(accounts, encode_id("Post", row.id), encode_id("Comment", comment.id))


# --- cursors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """A paginated list: the name its cursors carry, a well-formed key, a document asking for
    a page `after` a cursor, and who may read the list."""

    listing: str
    keys: tuple[Any, ...]
    document: str
    viewer: str | None = None


LISTS = {
    "globalFeed": Listed(
        "globalFeed",
        (TIME, 1),
        "query($after: String) { globalFeed(after: $after) { edges { cursor } } }",
    ),
    "groups": Listed(
        "groups", (1, 1), "query($after: String) { groups(after: $after) { edges { cursor } } }"
    ),
    "notifications": Listed(
        "notifications",
        (TIME, 1),
        "query($after: String) { notifications(after: $after) { edges { cursor } } }",
        "member",
    ),
    "Post.comments": Listed(
        "comments",
        (TIME, 1),
        """query($after: String, $post: ID!) { post(id: $post) {
             comments(after: $after) { edges { cursor } } } }""",
    ),
    "moderationQueue": Listed(
        "moderationQueue",
        (1.5, 1),
        "query($after: String) { moderationQueue(after: $after) { edges { cursor } } }",
        "moderator",
    ),
}


def cursor(listing: str, keys_json: str) -> str:
    """A cursor as the server writes them (base64 of `{"l": list, "k": keys}`), keys written
    as raw JSON text so that they can hold what `json.dumps` cannot write (`1e400`)."""
    return b64(f'{{"l":{json.dumps(listing)},"k":{keys_json}}}')


def each_key(listed: Listed, value: str) -> str:
    return "[" + ",".join(value for _ in listed.keys) + "]"


CURSOR_ATTACKS = {
    "1e400": lambda ls: cursor(ls.listing, each_key(ls, "1e400")),
    "a 30-digit integer": lambda ls: cursor(ls.listing, each_key(ls, THIRTY_DIGITS)),
    "a JSON dict": lambda ls: cursor(ls.listing, each_key(ls, '{"a":1}')),
    "10,000 nested arrays": lambda ls: cursor(ls.listing, "[" * 10_000 + "]" * 10_000),
    "a float for an integer key": lambda ls: cursor(
        ls.listing, json.dumps([1.5 if type(k) is int else k for k in ls.keys])
    ),
    "oversized string keys": lambda ls: cursor(ls.listing, json.dumps(["x" * 150] * len(ls.keys))),
    "an oversized cursor": lambda ls: "A" * 100_000,
}


def refused_cursor(body: dict[str, Any]) -> None:
    error = only_error(body)
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": "after"}, body


@pytest.mark.parametrize("attack", sorted(CURSOR_ATTACKS))
@pytest.mark.parametrize("name", sorted(LISTS))
async def test_a_crafted_cursor_is_refused_as_invalid_input(
    api: Api, world: World, name: str, attack: str
) -> None:
    listed = LISTS[name]
    after = CURSOR_ATTACKS[attack](listed)
    variables = {"after": after, "post": world.post_id}
    body = await answer(api, listed.document, variables, world.token(listed.viewer))
    refused_cursor(body)


@pytest.mark.parametrize("name", sorted(LISTS))
async def test_a_cursor_built_like_the_servers_is_accepted(
    api: Api, world: World, name: str
) -> None:
    """The control: the crafted cursors above differ from a good one only in the attack."""
    listed = LISTS[name]
    after = cursor(listed.listing, json.dumps(listed.keys))
    variables = {"after": after, "post": world.post_id}
    body = await answer(api, listed.document, variables, world.token(listed.viewer))
    assert "errors" not in body, body


@pytest.mark.parametrize("name", sorted(LISTS))
async def test_another_lists_cursor_is_refused_as_invalid_input(
    api: Api, world: World, name: str
) -> None:
    """A well-formed cursor of the global feed (of the group list, for the global feed)."""
    source = "groups" if name == "globalFeed" else "globalFeed"
    page = await answer(api, LISTS[source].document, {"after": None})
    foreign = page["data"][source]["edges"][0]["cursor"]
    listed = LISTS[name]
    variables = {"after": foreign, "post": world.post_id}
    refused_cursor(await answer(api, listed.document, variables, world.token(listed.viewer)))


# --- global ids, handles, surrogates and NULs ---------------------------------------------------

LOOKUPS = {
    "node": ("query($id: ID!) { node(id: $id) { id } }", FORGED_POST),
    "nodes": ("query($id: ID!) { nodes(ids: [$id]) { id } }", FORGED_POST),
    "post": ("query($id: ID!) { post(id: $id) { id } }", FORGED_POST),
    "node (a comment)": ("query($id: ID!) { node(id: $id) { id } }", FORGED_COMMENT),
}


@pytest.mark.parametrize("lookup", sorted(LOOKUPS))
async def test_a_global_id_with_a_30_digit_key_reads_as_missing(
    api: Api, world: World, lookup: str
) -> None:
    document, forged = LOOKUPS[lookup]
    for who in (None, "member"):
        body = await answer(api, document, {"id": forged}, world.token(who))
        assert "errors" not in body, body
        assert body["data"] in ({"node": None}, {"nodes": [None]}, {"post": None}), body


WRITES_ON_FORGED_IDS = {
    "updatePost": ("updatePost", {"postId": FORGED_POST, "body": "edited"}),
    "deletePost": ("deletePost", {"postId": FORGED_POST}),
    "addComment": ("addComment", {"postId": FORGED_POST, "body": "hello"}),
    "addComment (parentId)": (
        "addComment",
        {"postId": None, "body": "hi", "parentId": FORGED_COMMENT},
    ),
}
INPUT_TYPES = {
    "updatePost": "UpdatePostInput",
    "deletePost": "DeletePostInput",
    "addComment": "AddCommentInput",
}


@pytest.mark.parametrize("write", sorted(WRITES_ON_FORGED_IDS))
async def test_a_global_id_with_a_30_digit_key_is_not_found_by_a_mutation(
    api: Api, world: World, write: str
) -> None:
    mutation, values = WRITES_ON_FORGED_IDS[write]
    values = {k: world.post_id if v is None else v for k, v in values.items()}
    document = f"""mutation($input: {INPUT_TYPES[mutation]}!) {{ {mutation}(input: $input) {{
        __typename ... on Error {{ code }} }} }}"""
    body = await answer(api, document, {"input": values}, world.token("member"))
    assert body["data"][mutation] == {"__typename": "NotFoundError", "code": "NOT_FOUND"}, body


SIGN_IN = """mutation($input: SignInInput!) { signIn(input: $input) {
  __typename ... on Error { code } } }"""
REGISTER = """mutation($input: RegisterInput!) { register(input: $input) {
  __typename ... on ValidationError { field } ... on Error { code } } }"""
CREATE_POST = """mutation($input: CreatePostInput!) { createPost(input: $input) {
  __typename ... on CreatePostSuccess { post { id body } }
  ... on ValidationError { field } ... on Error { code } } }"""
UPDATE_PROFILE = """mutation($input: UpdateProfileInput!) { updateProfile(input: $input) {
  __typename ... on ValidationError { field } ... on Error { code } } }"""


async def test_sign_in_with_a_31_character_handle_is_wrong_credentials(
    api: Api, world: World
) -> None:
    variables = {"input": {"handle": "a" * 31, "password": "password-123"}}
    body = await answer(api, SIGN_IN, variables)
    assert body["data"]["signIn"]["__typename"] == "InvalidCredentialsError", body


SURROGATE_WRITES = {
    "createPost body": (
        CREATE_POST,
        {"kind": "MOMENT", "body": f"hello {SURROGATE}"},
        "member",
        ("createPost", "ValidationError", "body"),
    ),
    "register displayName": (
        REGISTER,
        {"handle": "newcomer", "password": "password-123", "displayName": f"Ann {SURROGATE}"},
        None,
        ("register", "ValidationError", "displayName"),
    ),
    "register password": (
        REGISTER,
        {"handle": "newcomer", "password": f"password-{SURROGATE}", "displayName": "Ann"},
        None,
        ("register", "ValidationError", "password"),
    ),
    "signIn password": (
        SIGN_IN,
        {"handle": "member", "password": f"password-{SURROGATE}"},
        None,
        ("signIn", "InvalidCredentialsError", None),
    ),
}


@pytest.mark.parametrize("case", sorted(SURROGATE_WRITES))
async def test_a_lone_surrogate_in_mutation_input_is_refused_with_the_mutations_error(
    api: Api, world: World, case: str
) -> None:
    document, values, who, (mutation, typename, field) = SURROGATE_WRITES[case]
    body = await answer(api, document, {"input": values}, world.token(who))
    result = body["data"][mutation]
    assert result["__typename"] == typename, body
    if field is not None:
        assert result["field"] == field, body
    assert await User.filter(handle="newcomer").count() == 0
    assert await Post.filter(body__startswith="hello").count() == 0


@pytest.mark.parametrize(
    "document",
    [
        "query($v: String!) { user(handle: $v) { id } }",
        "query($v: String!) { group(slug: $v) { id } }",
    ],
    ids=["user(handle:)", "group(slug:)"],
)
async def test_a_lone_surrogate_in_a_lookup_reads_as_missing(
    api: Api, world: World, document: str
) -> None:
    body = await answer(api, document, {"v": f"member{SURROGATE}"})
    assert "errors" not in body, body
    assert list(body["data"].values()) == [None], body


async def test_a_nul_in_a_post_body_is_stored_without_it(api: Api, world: World) -> None:
    values = {"kind": "MOMENT", "body": "before\x00after"}
    body = await answer(api, CREATE_POST, {"input": values}, world.token("member"))
    result = body["data"]["createPost"]
    assert result["__typename"] == "CreatePostSuccess", body
    assert result["post"]["body"] == "beforeafter"
    stored = await Post.filter(body__startswith="before").values_list("body", flat=True)
    assert stored == ["beforeafter"]


@pytest.mark.parametrize("mutation", ["register", "updateProfile"])
async def test_a_nul_in_a_display_name_is_refused(api: Api, world: World, mutation: str) -> None:
    if mutation == "register":
        values = {"handle": "newcomer", "password": "password-123", "displayName": "Ann\x00"}
        body = await answer(api, REGISTER, {"input": values})
    else:
        body = await answer(
            api, UPDATE_PROFILE, {"input": {"displayName": "Ann\x00"}}, world.token("member")
        )
    result = body["data"][mutation]
    expected = {"__typename": "ValidationError", "field": "displayName", "code": "INVALID_INPUT"}
    assert result == expected, body
    assert await User.filter(display_name__startswith="Ann").count() == 0


RULE = """mutation($input: CreateModerationRuleInput!) { createModerationRule(input: $input) {
  __typename ... on ValidationError { field } ... on Error { code } } }"""


@pytest.mark.parametrize("crafted", [SURROGATE, "\x00"], ids=["a lone surrogate", "a NUL"])
@pytest.mark.parametrize("field", ["pattern", "reason"])
async def test_a_watched_word_with_a_lone_surrogate_or_nul_is_refused_or_stored_without_it(
    api: Api, world: World, field: str, crafted: str
) -> None:
    values = {"pattern": "scam", "match": "WORD", "action": "BLOCK", "reason": "fraud"}
    values[field] = f"{values[field]}{crafted}"
    body = await answer(api, RULE, {"input": values}, world.token("moderator"))
    result = body["data"]["createModerationRule"]
    if result["__typename"] == "CreateModerationRuleSuccess":
        stored = await ModerationRule.all().values_list(field, flat=True)
        assert not [v for v in stored if crafted in v], stored
    else:
        assert result == {"__typename": "ValidationError", "field": field, "code": "INVALID_INPUT"}


FEED_AFTER = "query($v: Int) { globalFeed(first: $v) { edges { cursor } } }"
AUDIT_SINCE = "query($v: DateTime) { auditLog(since: $v) { edges { cursor } } }"
NODES = "query($v: [ID!]!) { nodes(ids: $v) { id } }"
# Variables as JSON text, so that nesting can go deeper than `json.dumps` would write.
WRONG_TYPES = {
    "a word for an Int": (FEED_AFTER, '"x"'),
    "a 30-digit Int": (FEED_AFTER, THIRTY_DIGITS),
    "an object for an ID": ("query($v: ID!) { node(id: $v) { id } }", '{"a":1}'),
    "a number for a String": ("query($v: String!) { user(handle: $v) { id } }", "5"),
    "a word for a DateTime": (AUDIT_SINCE, '"yesterday"'),
    "a lone surrogate for a DateTime": (AUDIT_SINCE, '"\\ud800"'),
    "lists 900 deep for a list of IDs": (NODES, "[" * 900 + "]" * 900),
}


@pytest.mark.parametrize("case", sorted(WRONG_TYPES))
async def test_a_variable_of_the_wrong_type_is_a_request_error_not_an_internal_one(
    api: Api, world: World, case: str
) -> None:
    """Like a malformed document: refused before anything runs, saying which variable."""
    document, value = WRONG_TYPES[case]
    content = f'{{"query": {json.dumps(document)}, "variables": {{"v": {value}}}}}'
    response = await post_body(api, content, world.token("moderator"))
    assert not broken_promises(response), (broken_promises(response), response.text[:500])
    assert response.status_code in (200, 400), response.text[:500]
    assert "$v" in only_error(response.json())["message"], response.text[:500]


async def test_a_request_body_nested_10000_deep_is_refused_with_400(api: Api, world: World) -> None:
    """Malformed JSON for the server's parser: a 400, not a RecursionError (a 500 under
    uvicorn; the in-process client re-raises it)."""
    nested = "[" * 10_000 + "]" * 10_000
    content = f'{{"query": {json.dumps(NODES)}, "variables": {{"v": {nested}}}}}'
    try:
        response = await post_body(api, content)
    except RecursionError as exc:
        pytest.fail(f"parsing the request body raised {exc!r}: HTTP 500 under uvicorn")
    assert response.status_code == 400, response.text[:500]
    assert UNEXPECTED not in response.text


# --- the sweep ----------------------------------------------------------------------------------

SWEEP_VALUES = {
    "a lone surrogate": SURROGATE,
    "a NUL": "a\x00b",
    "10,000 characters": "x" * 10_000,
    "a 30-digit number": THIRTY_DIGITS,
    '{"a":1}': '{"a":1}',
    "a forged global id": FORGED_POST,
}
# Scalars that travel as JSON strings: what a client may put there is any string.
TEXT_SCALARS = frozenset({"String", "ID", "DateTime"})


@dataclass(frozen=True)
class Sweeper:
    """Plausible values for every argument, so that one crafted value at a time reaches the
    checks behind the others: the viewer's own post and comment, existing handles and slugs,
    fresh handles and slugs where something is created."""

    post_id: str
    comment_id: str
    others_post_id: str
    item_id: str
    fresh: itertools.count[int] = dataclasses.field(default_factory=itertools.count)

    def text(self, owner: str, name: str) -> str:
        if name in ("handle", "slug") and owner in (
            "RegisterInput",
            "CreatePersonaAccountInput",
            "CreateGroupInput",
        ):
            return f"fresh{'_' if name == 'handle' else '-'}{next(self.fresh)}"
        by_name = {
            "handle": "author",
            "personaHandle": "author",
            "operatorHandle": "member",
            "slug": "open-club",
            "password": "password-123",
            "url": "https://example.com/a.png",
            "query": "hello",
            "prefix": "hel",
        }
        return by_name.get(name, "Hello")

    def id(self, name: str) -> str:
        by_name = {
            "commentId": self.comment_id,
            "parentId": self.comment_id,
            "targetId": self.others_post_id,
            "itemId": self.item_id,
            "itemIds": self.item_id,
            "decisionId": encode_id("AuditEntry", 1),
            "appealId": encode_id("Appeal", 1),
            "ruleId": encode_id("ModerationRule", 1),
        }
        return by_name.get(name, self.post_id)

    def value(self, owner: str, name: str, type_: GraphQLInputType) -> Any:
        if is_non_null_type(type_):
            return self.value(owner, name, type_.of_type)
        if is_list_type(type_):
            return [self.value(owner, name, type_.of_type)]
        named = get_named_type(type_)
        if is_input_object_type(named):
            return {
                field_name: self.value(named.name, field_name, field.type)
                for field_name, field in named.fields.items()
                if required(field)
            }
        if is_enum_type(named):
            return next(iter(named.values))
        return {
            "String": lambda: self.text(owner, name),
            "ID": lambda: self.id(name),
            "DateTime": lambda: (datetime.now(UTC) + timedelta(days=1)).isoformat(),
            "Int": lambda: 1,
            "Float": lambda: 1.0,
            "Boolean": lambda: False,
        }[named.name]()


def required(argument: GraphQLArgument | GraphQLInputField) -> bool:
    return is_non_null_type(argument.type) and argument.default_value is Undefined


def text_slots(
    fields: dict[str, GraphQLArgument] | dict[str, GraphQLInputField], path: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    """The paths to every text argument, and to every text field of an input object argument."""
    slots = []
    for name, field in fields.items():
        named = get_named_type(field.type)
        if named.name in TEXT_SCALARS:
            slots.append((*path, name))
        elif is_input_object_type(named):
            slots.extend(text_slots(named.fields, (*path, name)))
    return slots


def with_value(
    sweeper: Sweeper, owner: str, fields: Any, slot: tuple[str, ...], crafted: str
) -> dict[str, Any]:
    """Required arguments (or input fields) filled in plausibly, and `crafted` at `slot`: a
    list of it where a list belongs."""
    values = {name: sweeper.value(owner, name, f.type) for name, f in fields.items() if required(f)}
    head, *rest = slot
    type_ = fields[head].type
    type_ = type_.of_type if is_non_null_type(type_) else type_
    value: Any = crafted
    if rest:
        named = get_named_type(type_)
        value = with_value(sweeper, named.name, named.fields, tuple(rest), crafted)
    values[head] = [value] if is_list_type(type_) else value
    return values


def selection(field: GraphQLField) -> str:
    named = get_named_type(field.type)
    if is_union_type(named):
        members = {t.name: t for t in named.types}
        parts = ["__typename"]
        if any("Error" in (i.name for i in t.interfaces) for t in members.values()):
            parts.append("... on Error { code }")
        if "ValidationError" in members:
            parts.append("... on ValidationError { field }")
        return "{ " + " ".join(parts) + " }"
    if is_object_type(named) or is_interface_type(named):
        return "{ __typename }"
    return ""


def document(kind: str, name: str, field: GraphQLField, values: dict[str, Any]) -> str:
    declared = ", ".join(f"${a}: {field.args[a].type}" for a in values)
    passed = ", ".join(f"{a}: ${a}" for a in values)
    head = f"{kind}({declared})" if declared else kind
    call = f"{name}({passed})" if passed else name
    return f"{head} {{ {call} {selection(field)} }}"


@pytest.fixture
async def unlimited_api(settings: Settings, db: Database) -> AsyncIterator[Api]:
    """The app without rate limits, sign-in throttles or duplicate holds, so that a crafted
    value reaches the checks behind them rather than a limiter's RateLimitedError."""
    relaxed = dataclasses.replace(
        settings,
        rate_limits=(),
        sign_in_failures_per_handle=1_000_000,
        sign_in_failures_per_address=1_000_000,
        duplicate_threshold=1_000_000,
        query_cost_per_minute=0,
    )
    async with running(create_app(relaxed, database=db)) as client:
        yield Api(client)


@pytest.mark.parametrize("who", [None, "member", "admin"], ids=["anonymous", "member", "admin"])
async def test_no_root_field_answers_crafted_text_with_an_internal_error(
    unlimited_api: Api, world: World, who: str | None
) -> None:
    """Every text argument (String, ID, DateTime: a client may send any string there) and every
    text field of an input argument of every root query and mutation, one at a time, set to
    each of SWEEP_VALUES, the other required arguments filled in plausibly. As an admin the
    sweep reaches the moderation and admin writes; a queue item exists for them to work."""
    accounts = world.accounts
    await accounts.make("admin", PlatformRole.ADMIN)
    await accounts.make("reporter")
    own = accounts.users[who] if who else accounts.users["author"]
    own_post = await make_post(own, "the viewer's own post")
    own_comment = await Comment.create(post=own_post, author=own, body="the viewer's own comment")
    report = await answer(
        unlimited_api,
        "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }",
        {"id": world.post_id},
        world.token("reporter"),
    )
    assert report["data"]["reportContent"]["__typename"] == "ReportContentSuccess", report
    [item] = await ModerationItem.all()
    sweeper = Sweeper(
        post_id=encode_id("Post", own_post.id),
        comment_id=encode_id("Comment", own_comment.id),
        others_post_id=world.post_id,
        item_id=encode_id("ModerationItem", item.id),
    )
    token = world.token(who)
    schema = build_schema(Settings(environment="test"))._schema
    roots = (("query", schema.query_type), ("mutation", schema.mutation_type))
    broken = []
    for kind, root in roots:
        assert root is not None
        for name, field in root.fields.items():
            for slot in text_slots(field.args):
                for label, crafted in SWEEP_VALUES.items():
                    values = with_value(sweeper, root.name, field.args, slot, crafted)
                    response = await send(
                        unlimited_api, document(kind, name, field, values), values, token
                    )
                    for problem in broken_promises(response):
                        broken.append(
                            f"{name}({'.'.join(slot)} = {label}): {problem}: {response.text[:300]}"
                        )
    assert not broken, "\n".join(broken)
