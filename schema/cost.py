"""The static cost of a GraphQL operation, read from the document before anything runs, so that
one request cannot ask for millions of objects (ten aliases of a feed of followers' posts, 100 at
each level, once took 7 s and 1.6 MB).

The cost bounds how many objects (values of an object, interface or union type) the response can
hold; scalars are cheap next to the rows and loader calls behind each object.

- A field of object, interface or union type costs `n × (1 + its selection)`: 1 for each object it
  returns, plus what is selected on each. Scalar and enum fields cost 0, lists of them too.
- `n` is 1 for a single object. For a list it is, in this order:
  - the page size of the connection, for the `edges` of a type named `…Connection`. The connection
    field itself (`globalFeed(first:)`) is one object, and its `first` counts its edges, so
    `pageInfo` is counted once rather than once per edge;
  - `first`, for a list field that takes it (`searchSuggestions(first:)`);
  - the length of `ids`, for a list field that takes it (`nodes(ids:)`);
  - `default_list_size` for any other list (`Post.media`, `ModerationItem.reports`);
  and `default_list_size` again for each inner list of a list of lists. `ids` sizes lists only:
  `postUpdated(ids:)` returns one event at a time. A field that takes `first` but is neither a
  list nor a connection multiplies its selection by `first`.
- `first` comes from the literal, the variables, the variable's default or the argument's default in
  the schema (`search` has 20); null or omitted means `default_page_size`. Above `max_page_size` it
  counts as `max_page_size`, and so does anything that is not a whole number from 0 up (a negative,
  a string in unchecked variables): the resolvers refuse those, and the estimate should not lean on
  a resolver's refusal to make a page look cheaper than the largest one it allows.
- `__typename` costs 0. `__schema` and `__type` cost 1 and are not looked into: introspection is
  allowed, and its size is set by the schema, not by the client.
- A selection on an interface or a union costs what it costs for the most expensive of its possible
  object types. For one type, the fragments that apply to it (no type condition, the type itself,
  or an interface or union containing it) add up and the others count nothing. Sibling fragments on
  `Post`, `Group` and `User` thus cost the most expensive of them, while `... on Reactable` and
  `... on Post` both count for a post.
- `@skip(if:)` and `@include(if:)` are honoured, from literals or variables; a condition that cannot
  be read leaves the subtree counted.
- Mutations are counted the same way; a subscription's cost is that of one event.
- A field selected twice (by two fragments, say) is counted twice although execution merges the
  two: an overestimate, so on the safe side.

Example, with `first` at 20:

    { homeFeed(first: 20) {              1  the connection
        pageInfo { hasNextPage }       + 1
        edges { cursor                 + 20 × (1  the edge
          node { id body                         + 1  the post
            author { handle                      + 1  its author
              employeeBadge { title } }          + 1  the author's badge
            group { slug } } } } }               + 1  its group)       = 102

Each of the attack's ten aliases costs 1 + 100 × (1 + 1 + 1 + 1 + 100 × (1 + 1 + 201)): a feed edge,
its post, the author, the followers connection, then per follower an edge, the user and 201 for
`posts(first: 100) { edges { node { id } } }`; 20,304,010 in all.

The walk keeps its own stack, so no nesting can exhaust Python's, and it remembers the cost of each
(selection set, object type, page size): a fragment spread many times is costed once, and a
fragment cycle (which validation refuses anyway) counts nothing where it closes instead of looping.
Measured on a loaded 2-CPU container (a million empty loop turns: 54 ms), best of 7: 0.1 ms for the
page above, 0.7 ms for the attack, 1.7 ms for 30 aliased feed pages of 2,769 tokens and 2.2 ms for
a 3,951-token document, where graphql-core takes 25 ms to parse and 110 ms to validate those
2,769 tokens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, NamedTuple

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    Undefined,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_composite_type,
    is_list_type,
    value_from_ast_untyped,
)

INTROSPECTION_COST: Final = 1
CONNECTION_SUFFIX: Final = "Connection"
INTROSPECTION_FIELDS: Final = frozenset({"__schema", "__type"})

# Memo key of a selection set costed for one object type: (id of the node, type name, page size).
Key = tuple[int, str, int | None]


# A selection set to cost for one object type: (key, selection set, type, page size), the page
# size reaching the `edges` of a connection from the field that returned it. Plain tuples, not
# NamedTuples, on this path: building a NamedTuple is a Python call, and a 4,000-token document
# makes a few thousand of these.
Task = tuple[Key, SelectionSetNode, GraphQLObjectType, int | None]
# One field or fragment of a selection: (children, base, factor), costing
# `base + factor × (the most expensive child)`; a field of abstract type has a child per object
# type it may return.
Term = tuple[tuple[Task, ...], int, int]


class Shape(NamedTuple):
    """What costing a field of object, interface or union type needs from the schema, read once
    per operation for each (type, field) the document selects, not once per time it selects it."""

    # The object types its selection is costed for: those that have fields of object, interface
    # or union type, since a selection on any other (PageInfo, EmployeeBadge) costs 0.
    types: tuple[GraphQLObjectType, ...]
    lists: int  # how many lists wrap it
    first: GraphQLArgument | None
    ids: GraphQLArgument | None
    connection: bool  # a single `…Connection`: its `first` counts its edges
    edges: bool  # the `edges` list of a connection


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    operation_name: str | None = None,
    *,
    default_page_size: int,
    max_page_size: int,
    default_list_size: int = 10,
) -> int:
    """The cost of the operation `operation_name` (or the document's only operation), as the
    module docstring describes. ValueError if that operation cannot be chosen."""
    operation = _choose_operation(document, operation_name)
    root = schema.get_root_type(operation.operation)
    if root is None:
        raise ValueError(f"The schema has no {operation.operation.value} type.")
    walk = _Walk(
        schema,
        document,
        operation,
        variables or {},
        default_page_size=default_page_size,
        max_page_size=max_page_size,
        default_list_size=default_list_size,
    )
    return walk.cost(walk.task(operation.selection_set, root, None))


def _choose_operation(
    document: DocumentNode, operation_name: str | None
) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) != 1:
            raise ValueError("Name the operation to cost: the document has not exactly one.")
        return operations[0]
    for operation in operations:
        if operation.name is not None and operation.name.value == operation_name:
            return operation
    raise ValueError(f"The document has no operation named {operation_name!r}.")


class _Walk:
    """One costing of one operation: its fragments, variables, shapes and memo."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
        *,
        default_page_size: int,
        max_page_size: int,
        default_list_size: int,
    ) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = dict(variables)
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self.variables and definition.default_value is not None:
                self.variables[name] = value_from_ast_untyped(definition.default_value)
        self.default_page_size = default_page_size
        self.max_page_size = max_page_size
        self.default_list_size = default_list_size
        self.shapes: dict[str, dict[str, Shape | None]] = {}  # by type, then field, as read
        self.objects: dict[str, bool] = {}  # whether a type has fields of object type

    def task(
        self, selection_set: SelectionSetNode, type_: GraphQLObjectType, page_size: int | None
    ) -> Task:
        return (id(selection_set), type_.name, page_size), selection_set, type_, page_size

    def cost(self, root: Task) -> int:
        """Post-order over the tasks with an explicit stack: a task is planned when first on top
        (its children pushed above it) and summed when on top again (its children done). A child
        planned but not done is an ancestor, so a cycle: it counts 0 there."""
        memo: dict[Key, int] = {}
        plans: dict[Key, list[Term]] = {}
        stack = [root]
        while stack:
            task = stack[-1]
            key = task[0]
            if key in memo:
                stack.pop()
                continue
            plan = plans.get(key)
            if plan is None:
                plans[key] = plan = self.plan(task)
                for children, _, _ in plan:
                    for child in children:
                        if child[0] not in memo and child[0] not in plans:
                            stack.append(child)
                continue
            total = 0
            for children, base, factor in plan:
                if len(children) == 1:
                    total += base + factor * memo.get(children[0][0], 0)
                elif children:
                    total += base + factor * max(memo.get(child[0], 0) for child in children)
                else:
                    total += base
            memo[key] = total
            stack.pop()
        return memo[root[0]]

    def plan(self, task: Task) -> list[Term]:
        _, selection_set, type_, page_size = task
        shapes = self.shapes.get(type_.name)
        if shapes is None:
            shapes = self.shapes[type_.name] = {}
        terms: list[Term] = []
        for selection in selection_set.selections:
            if selection.directives and not self.included(selection):
                continue
            if isinstance(selection, FieldNode):
                name = selection.name.value
                try:
                    shape = shapes[name]
                except KeyError:
                    shape = shapes[name] = self.read_shape(type_, name)
                if shape is not None:
                    terms.append(self.field_term(selection, shape, page_size))
                elif name in INTROSPECTION_FIELDS:
                    terms.append(((), INTROSPECTION_COST, 0))
                continue
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                fragment_selection = selection.selection_set
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None:
                    continue
                condition = fragment.type_condition
                fragment_selection = fragment.selection_set
            else:
                continue
            if condition is None or self.applies(condition.name.value, type_):
                terms.append(((self.task(fragment_selection, type_, page_size),), 0, 1))
        return terms

    def field_term(self, node: FieldNode, shape: Shape, page_size: int | None) -> Term:
        first = None if shape.first is None else self.first(node, shape.first)
        child_page_size = None
        if shape.lists:
            if shape.edges:
                n = self.default_page_size if page_size is None else page_size
            elif first is not None:
                n = first
            elif shape.ids is not None:
                n = self.ids_length(node, shape.ids)
            else:
                n = self.default_list_size
            n *= self.default_list_size ** (shape.lists - 1)
            base, factor = n, n
        elif shape.connection:
            base, factor = 1, 1
            child_page_size = self.default_page_size if first is None else first
        else:
            base, factor = 1, 1 if first is None else first
        selection_set = node.selection_set
        if selection_set is None:  # refused by validation
            return (), base, 0
        return (
            tuple(self.task(selection_set, t, child_page_size) for t in shape.types),
            base,
            factor,
        )

    def read_shape(self, type_: GraphQLObjectType, name: str) -> Shape | None:
        """The field's shape; None for a scalar or enum field, `__typename`, introspection and
        fields validation refuses."""
        field = type_.fields.get(name)
        if field is None:
            return None
        named = get_named_type(field.type)
        if isinstance(named, GraphQLObjectType):
            possible: Sequence[GraphQLObjectType] = (named,)
        elif is_abstract_type(named):
            possible = self.schema.get_possible_types(named)
        else:
            return None
        lists = _list_depth(field.type)
        ids = field.args.get("ids")
        return Shape(
            types=tuple(t for t in possible if self.has_objects(t)),
            lists=lists,
            first=field.args.get("first"),
            ids=ids if ids is not None and is_list_type(get_nullable_type(ids.type)) else None,
            connection=not lists and named.name.endswith(CONNECTION_SUFFIX),
            edges=name == "edges" and type_.name.endswith(CONNECTION_SUFFIX),
        )

    def has_objects(self, type_: GraphQLObjectType) -> bool:
        known = self.objects.get(type_.name)
        if known is None:
            fields = type_.fields.values()
            known = self.objects[type_.name] = any(
                is_composite_type(get_named_type(f.type)) for f in fields
            )
        return known

    def applies(self, condition: str, type_: GraphQLObjectType) -> bool:
        if condition == type_.name:
            return True
        abstract = self.schema.get_type(condition)
        return is_abstract_type(abstract) and self.schema.is_sub_type(abstract, type_)

    def included(self, selection: SelectionNode) -> bool:
        for directive in selection.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            condition = _argument_value(directive.arguments, "if")
            value = self.value(condition) if condition is not None else Undefined
            if (name == "skip" and value is True) or (name == "include" and value is False):
                return False
        return True

    def first(self, node: FieldNode, argument: GraphQLArgument) -> int:
        value = self.argument(node, "first", argument)
        if value is None or value is Undefined:
            return self.default_page_size
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return self.max_page_size
        return min(value, self.max_page_size)

    def ids_length(self, node: FieldNode, argument: GraphQLArgument) -> int:
        literal = _argument_value(node.arguments, "ids")
        if isinstance(literal, ListValueNode):
            return len(literal.values)
        value = self.argument(node, "ids", argument)
        if value is Undefined:
            return self.default_list_size
        if value is None:
            return 0
        # GraphQL reads a single value given for a list as a list of one.
        return len(value) if isinstance(value, list | tuple) else 1

    def argument(self, node: FieldNode, name: str, argument: GraphQLArgument) -> Any:
        """The argument's value as the resolver would see it, Undefined if nothing gives one."""
        literal = _argument_value(node.arguments, name)
        value = self.value(literal) if literal is not None else Undefined
        return argument.default_value if value is Undefined else value

    def value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value, Undefined)
        return value_from_ast_untyped(node, self.variables)


def _argument_value(arguments: Sequence[ArgumentNode] | None, name: str) -> ValueNode | None:
    return next((a.value for a in arguments or () if a.name.value == name), None)


def _list_depth(type_: GraphQLOutputType) -> int:
    depth = 0
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        if isinstance(type_, GraphQLList):
            depth += 1
        type_ = type_.of_type
    return depth
