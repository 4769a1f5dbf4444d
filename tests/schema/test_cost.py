"""The static cost of operations, computed from the document against the real schema (no
database): what a page, an attack, fragments, directives and each operation type cost."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    parse,
)

from schema.cost import operation_cost
from schema.schema import build_schema
from server.settings import Settings

HOME_PAGE = """{ homeFeed(first: 20) {
  pageInfo { hasNextPage endCursor }
  edges { cursor node { id body
    author { handle employeeBadge { title } }
    group { slug } } } } }"""

ATTACK = (
    "{ "
    + " ".join(
        f"a{i}: globalFeed(first: 100) {{ edges {{ node {{ author {{ followers(first: 100) {{ edges {{ node {{ posts(first: 100) {{ edges {{ node {{ id }} }} }} }} }} }} }} }} }} }}"
        for i in range(10)
    )
    + " }"
)


@functools.cache
def app_schema() -> GraphQLSchema:
    return build_schema(Settings(environment="test"))._schema


def cost(
    query: str | DocumentNode,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
    **sizes: int,
) -> int:
    document = parse(query) if isinstance(query, str) else query
    sizes = {"default_page_size": 20, "max_page_size": 100, **sizes}
    return operation_cost(app_schema(), document, variables, operation_name, **sizes)


def test_home_feed_page_of_twenty_posts_costs_a_hundred_and_two():
    # 1 the connection + 1 pageInfo
    # + 20 × (1 edge + 1 post + 1 author + 1 badge + 1 group)   (cursor, id, body, handle… cost 0)
    # = 2 + 100 = 102
    assert cost(HOME_PAGE) == 102


def test_ten_aliases_of_nested_pages_of_a_hundred_cost_over_twenty_million():
    # Per alias: 1 connection + 100 × (1 edge + 1 post + 1 author + 1 followers connection
    #   + 100 × (1 edge + 1 user + 201)), where 201 = posts(first: 100) { edges { node { id } } }
    #   = 1 + 100 × (4 + 100 × 203) = 2,030,401.
    assert cost(ATTACK) == 10 * 2_030_401
    assert cost(ATTACK) > 1_000_000


def test_first_is_read_from_variables_and_their_defaults():
    query = "query($n: Int = 7) { globalFeed(first: $n) { edges { node { id } } } }"
    assert cost(query, {"n": 3}) == 1 + 3 * 2
    assert cost(query) == 1 + 7 * 2
    # A variable set to null (or missing without a default) leaves the resolver's default.
    assert cost(query, {"n": None}) == 1 + 20 * 2
    no_default = "query($n: Int) { globalFeed(first: $n) { edges { node { id } } } }"
    assert cost(no_default) == 1 + 20 * 2


def test_omitted_first_counts_the_default_page_size_or_the_schema_default():
    assert cost("{ globalFeed { edges { node { id } } } }") == 1 + 20 * 2
    assert cost("{ globalFeed { edges { node { id } } } }", default_page_size=5) == 1 + 5 * 2
    # search declares `first: Int = 20` itself; searchSuggestions `first: Int = 5`.
    search = '{ search(query: "es8") { edges { node { ... on Post { id } } } } }'
    assert cost(search, default_page_size=5) == 1 + 20 * 2
    assert cost('{ searchSuggestions(prefix: "es") { text } }') == 5


@pytest.mark.parametrize(
    ("first", "counted"),
    [
        ("0", 0),
        ("1", 1),
        ("100", 100),
        ("1000", 100),  # above the maximum: the largest page the resolver allows
        ("-1", 100),  # refused by the resolver, but not cheaper than the largest page
    ],
)
def test_first_is_clamped_to_the_page_size_limits(first, counted):
    query = f"{{ globalFeed(first: {first}) {{ edges {{ node {{ id }} }} }} }}"
    assert cost(query) == 1 + counted * 2


@pytest.mark.parametrize(("value", "counted"), [(5.0, 5), (2.5, 100), ("3", 100), (True, 100)])
def test_first_from_unchecked_variables_counts_the_maximum_unless_a_whole_number(value, counted):
    query = "query($n: Int) { globalFeed(first: $n) { edges { node { id } } } }"
    assert cost(query, {"n": value}) == 1 + counted * 2


def test_nodes_counts_one_object_per_id():
    assert cost('{ nodes(ids: ["a", "b", "c"]) { id } }') == 3
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Post { author { handle } } } }"
    assert cost(query, {"ids": ["a"] * 50}) == 50 * (1 + 1)
    assert cost(query, {"ids": "a"}) == 2  # one value given for a list is a list of one


def test_lists_without_a_size_argument_count_the_default_list_size():
    query = '{ post(id: "x") { media { url } revisions { body } tags } }'
    assert cost(query) == 1 + 10 + 10  # tags are strings: free
    assert cost(query, default_list_size=3) == 1 + 3 + 3


def test_a_named_fragment_and_an_inline_fragment_cost_what_they_select():
    inline = "{ globalFeed(first: 5) { edges { node { author { handle } group { slug } } } } }"
    spread = """{ globalFeed(first: 5) { edges { node { ...Card } } } }
        fragment Card on Post { author { handle } group { slug } }"""
    untyped = """{ globalFeed(first: 5) { edges { node { author { handle }
        ... { group { slug } } } } } }"""
    on_parent = """{ globalFeed(first: 5) { edges { node { author { handle }
        ... on Post { group { slug } } } } } }"""
    expected = 1 + 5 * (1 + 1 + 1 + 1)
    assert cost(inline) == cost(spread) == cost(untyped) == cost(on_parent) == expected


def test_a_fragment_spread_inside_a_page_counts_the_page_size():
    query = """{ globalFeed(first: 10) { ...Page } }
        fragment Page on PostConnection { edges { node { author { handle } } } pageInfo { endCursor } }"""
    assert cost(query) == 1 + 1 + 10 * (1 + 1 + 1)


def test_search_edges_count_the_most_expensive_member_of_the_union():
    query = """{ search(query: "es8", first: 10) { edges { node {
        ... on Post { author { handle } group { slug } }
        ... on Group { name }
        ... on User { handle } } } } }"""
    # 1 connection + 10 × (1 edge + 1 hit + the post's 2: author and group)
    assert cost(query) == 1 + 10 * (1 + 1 + 2)


def test_fragments_that_apply_to_the_same_object_add_up():
    # A post is Reactable and a Post: it gets both; a comment only the first.
    query = """{ nodes(ids: ["a"]) {
        ... on Reactable { reactionSummary { count } }
        ... on Post { author { handle } } } }"""
    assert cost(query) == 1 * (1 + 10 + 1)


@pytest.mark.parametrize(
    ("directive", "variables", "counted"),
    [
        ("@skip(if: true)", None, False),
        ("@skip(if: false)", None, True),
        ("@include(if: false)", None, False),
        ("@skip(if: $flag)", {"flag": True}, False),
        ("@include(if: $flag)", {"flag": False}, False),
        ("@include(if: $flag)", {"flag": True}, True),
        ("@include(if: $flag)", None, False),  # the variable's default
    ],
)
def test_skip_and_include_remove_a_subtree(directive, variables, counted):
    query = f"""query($flag: Boolean = false) {{ viewer {{ handle
        followers(first: 50) {directive} {{ edges {{ node {{ handle }} }} }} }} }}"""
    assert cost(query, variables) == 1 + (1 + 50 * 2 if counted else 0)


def test_skip_also_removes_fragments():
    query = """{ globalFeed(first: 5) { edges { node {
        ... on Post @skip(if: true) { author { handle } }
        ...Group @include(if: false) } } } }
        fragment Group on Post { group { slug } }"""
    assert cost(query) == 1 + 5 * 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("{ __typename }", 0),
        ("{ viewer { __typename } }", 1),
        ('{ search(query: "x", first: 3) { edges { node { __typename } } } }', 1 + 3 * 2),
    ],
)
def test_typename_costs_nothing_beyond_its_object(query, expected):
    assert cost(query) == expected


def test_introspection_costs_a_fixed_small_amount():
    query = """{ __schema { types { name fields { name args { name type { name ofType { name } } } } } }
        __type(name: "Post") { fields { name } } }"""
    assert cost(query) == 2


def test_a_mutation_result_selection_is_counted_the_same_way():
    query = """mutation { createPost(input: {kind: MOMENT, body: "hi"}) {
        __typename
        ... on CreatePostSuccess { post { id author { handle } comments(first: 5) { edges { node { id } } } } }
        ... on ValidationError { field } } }"""
    # 1 result + the success's post (1 + author 1 + comments 1 + 5 × 2)
    assert cost(query) == 1 + 1 + 1 + 1 + 5 * 2


def test_a_subscription_costs_one_event():
    assert cost("subscription { postAdded { post { author { handle } } } }") == 3


def test_the_named_operation_is_costed_and_an_unclear_choice_is_refused():
    document = """query Cheap { viewer { handle } }
        query Dear { globalFeed(first: 100) { edges { node { id } } } }"""
    assert cost(document, operation_name="Cheap") == 1
    assert cost(document, operation_name="Dear") == 201
    with pytest.raises(ValueError, match="exactly one"):
        cost(document)
    with pytest.raises(ValueError, match="Other"):
        cost(document, operation_name="Other")
    with pytest.raises(ValueError, match="exactly one"):
        cost("fragment F on User { handle }")


def test_fragment_cycles_end_instead_of_looping():
    # Validation refuses this document; the cost still comes back, with the cycle counted 0.
    query = """{ viewer { ...A } }
        fragment A on User { ...B }
        fragment B on User { ...A followers(first: 2) { edges { node { handle } } } }"""
    assert cost(query) == 1 + 1 + 2 * 2


def test_a_document_nested_far_deeper_than_the_stack_is_costed():
    # The parser refuses such depth, so the tree is built by hand: node { ... on Comment {
    # parent { parent { … { id } } } } }, 20,000 levels.
    def selections(*nodes: FieldNode | InlineFragmentNode) -> SelectionSetNode:
        return SelectionSetNode(selections=nodes)

    def field(
        name: str, selection_set: SelectionSetNode | None = None, *arguments: ArgumentNode
    ) -> FieldNode:
        return FieldNode(
            name=NameNode(value=name),
            arguments=arguments,
            directives=(),
            selection_set=selection_set,
        )

    depth = 20_000
    inner = field("id")
    for _ in range(depth):
        inner = field("parent", selections(inner))
    on_comment = InlineFragmentNode(
        type_condition=NamedTypeNode(name=NameNode(value="Comment")),
        directives=(),
        selection_set=selections(inner),
    )
    node_id = ArgumentNode(name=NameNode(value="id"), value=StringValueNode(value="x"))
    node = field("node", selections(on_comment), node_id)
    operation = OperationDefinitionNode(
        operation=OperationType.QUERY,
        variable_definitions=(),
        directives=(),
        selection_set=selections(node),
    )
    assert cost(DocumentNode(definitions=(operation,))) == 1 + depth
