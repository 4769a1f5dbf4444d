"""The checked-in SDL is what client teams generate code from: it must match the code."""

from pathlib import Path

from schema.schema import build_schema


def test_checked_in_schema_matches_the_code(repo_root: Path) -> None:
    printed = build_schema().as_str() + "\n"
    committed = (repo_root / "schema.graphql").read_text(encoding="utf-8")
    assert committed == printed, "schema.graphql is stale: run `make schema`"


def test_every_type_and_field_has_a_description() -> None:
    schema = build_schema()._schema
    missing = []
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID", "DateTime"):
            continue
        if not graphql_type.description and not name.endswith(("Connection", "Edge", "Result")):
            missing.append(name)
        for field_name, field in getattr(graphql_type, "fields", {}).items():
            if not field.description and name not in ("Query", "Mutation"):
                missing.append(f"{name}.{field_name}")
    assert not missing, missing


def test_client_contract_names_exist() -> None:
    sdl = build_schema().as_str()
    for needle in [
        "viewer: User",
        "node(id: ID!): Node",
        "nodes(ids: [ID!]!): [Node]!",
        "user(handle: String!): User",
        "group(slug: String!): Group",
        "groups(first: Int",
        "post(id: ID!): Post",
        "globalFeed(first: Int",
        "homeFeed(first: Int",
        "groupFeed(slug: String!, first: Int",
        "register(input: RegisterInput!): RegisterResult!",
        "signIn(input: SignInInput!): SignInResult!",
        "createPost(input: CreatePostInput!)",
        "employeeBadge: EmployeeBadge",
        "certified: Boolean!",
        "identity: IdentityKind!",
    ]:
        assert needle in sdl, needle
