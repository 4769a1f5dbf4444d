"""What every operation passes before it runs, over HTTP and WebSocket alike.

- Who asks, afresh: an operation sent on a WebSocket runs with a context of its own whose
  viewer is read now (resolvers.sessions), not the row read at `connection_init`.
- What it may cost: the static cost of the operation (schema.cost) is computed from the document
  and its variables before anything executes. Past `MAX_QUERY_COST` it is refused with
  `QUERY_TOO_COSTLY`, the cost and the limit; otherwise it is charged to the caller's budget per
  minute (resolvers.budgets: the account, or the client address for anonymous callers, kept in
  Redis when configured so that every process counts together). An accepted operation reports
  its cost in `extensions.cost`. A subscription is costed and charged once, when it starts.
- Sign-in and registration one at a time: a validation rule refuses a request with more than
  one `signIn` or `register` field (aliases would otherwise try thirty passwords at once).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
)
from strawberry.extensions import SchemaExtension

from resolvers.budgets import charge_query_cost
from resolvers.context import Context
from resolvers.sessions import open_operation
from schema.cost import operation_cost
from schema.relay import DEFAULT_PAGE_SIZE
from server.errors import QueryTooCostly
from server.settings import Settings

ONE_AT_A_TIME = frozenset({"signIn", "register"})


class OperationGuard(SchemaExtension):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.cost: int | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        ctx = execution.context
        if isinstance(ctx, Context) and ctx.is_connection:
            ctx = await open_operation(ctx)
            execution.context = ctx
        document = execution.graphql_document
        assert document is not None
        settings = self.settings
        cost = operation_cost(
            execution.schema._schema,
            document,
            execution.variables,
            execution.operation_name,
            default_page_size=DEFAULT_PAGE_SIZE,
            max_page_size=settings.max_page_size,
        )
        self.cost = cost
        if cost > settings.max_query_cost:
            raise QueryTooCostly(cost, settings.max_query_cost)
        if isinstance(ctx, Context):
            await charge_query_cost(ctx, cost, settings.query_cost_per_minute)
        yield

    def get_results(self) -> dict[str, Any]:
        return {} if self.cost is None else {"cost": self.cost}


def _root_fields(
    selection_set: SelectionSetNode, fragments: Any, seen: set[str]
) -> Iterator[FieldNode]:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments(name)
            if fragment is not None and name not in seen:
                seen.add(name)
                yield from _root_fields(fragment.selection_set, fragments, seen)


class OneSignInPerRequest(ValidationRule):
    """At most one `signIn` or `register` field in a mutation."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        if node.operation != OperationType.MUTATION:
            return
        fields = [
            field
            for field in _root_fields(node.selection_set, self.context.get_fragment, set())
            if field.name.value in ONE_AT_A_TIME
        ]
        if len(fields) > 1:
            self.report_error(
                GraphQLError(
                    "Sign in or register once per request.",
                    fields,
                    extensions={"code": "INVALID_INPUT", "field": fields[1].name.value},
                )
            )
