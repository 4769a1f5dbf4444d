"""Every mutation has a contract of its own: `verbNoun(input: VerbNounInput!): VerbNounResult!`,
the result a union of `VerbNounSuccess` and errors that implement `Error`. Read from the
introspection of the built schema, as a client's code generator reads it."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from graphql import introspection_from_schema

from schema.schema import build_schema

SCHEMA: dict[str, Any] = dict(introspection_from_schema(build_schema()._schema)["__schema"])
TYPES = {t["name"]: t for t in SCHEMA["types"]}
MUTATIONS = TYPES[SCHEMA["mutationType"]["name"]]["fields"]


def named(type_ref: dict[str, Any]) -> tuple[bool, str, str]:
    """(non-null?, kind, name) of a field's or an argument's type."""
    non_null = type_ref["kind"] == "NON_NULL"
    inner = type_ref["ofType"] if non_null else type_ref
    return non_null, inner["kind"], inner["name"]


def contract(name: str) -> str:
    return name[0].upper() + name[1:]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m["name"] for m in MUTATIONS])
def test_every_mutation_takes_its_own_input_and_returns_its_own_result(
    mutation: dict[str, Any],
) -> None:
    stem = contract(mutation["name"])
    [argument] = mutation["args"]
    assert argument["name"] == "input"
    assert named(argument["type"]) == (True, "INPUT_OBJECT", f"{stem}Input")
    assert named(mutation["type"]) == (True, "UNION", f"{stem}Result")


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m["name"] for m in MUTATIONS])
def test_every_result_is_its_success_or_errors(mutation: dict[str, Any]) -> None:
    stem = contract(mutation["name"])
    _, _, result = named(mutation["type"])
    members = [m["name"] for m in TYPES[result]["possibleTypes"]]
    assert f"{stem}Success" in members
    for member in members:
        if member != f"{stem}Success":
            interfaces = [i["name"] for i in TYPES[member]["interfaces"]]
            assert "Error" in interfaces, f"{result}: {member} does not implement Error"


def test_no_input_or_result_type_serves_two_mutations() -> None:
    used = Counter(
        name
        for mutation in MUTATIONS
        for name in (
            *(named(a["type"])[2] for a in mutation["args"]),
            named(mutation["type"])[2],
        )
    )
    assert [name for name, n in used.items() if n > 1] == []


def test_success_types_belong_to_one_result_each() -> None:
    unions = [TYPES[named(m["type"])[2]] for m in MUTATIONS]
    members = Counter(
        member["name"]
        for union in unions
        for member in union["possibleTypes"]
        if not member["name"].endswith("Error")
    )
    assert [name for name, n in members.items() if n > 1] == []
