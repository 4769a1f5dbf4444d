"""The house rules, checked on the source so that a newcomer reads them in one place:

1. Imports point downward only: composition (server.app, server.graphql_app, server.cli, ...)
   → schema → resolvers → moderation, search → the server foundation (models, settings,
   errors, topics, db, broadcast, security). moderation/ and search/ never import each other.
2. No import cycle inside a layer. Every import counts: top-level, function-local and under
   `TYPE_CHECKING`. When two modules need each other, what they share moves down into a
   module both call. GraphQL types that refer back to each other do so through one small
   module (schema.refs), the only one that names modules in `strawberry.lazy(...)`.
3. Absolute imports only: no `from . import x`.
4. One write path: transactions are opened, and search-outbox rows written, only by
   resolvers.changes (`writing`); nothing else imports `tortoise.transactions` or
   `search.outbox` (search/ itself excepted: the outbox is its own), nor passes a connection
   around with `using_db`.
5. The schema layer translates and delegates: schema/ never imports moderation/ (resolvers
   apply the policies) and never queries the ORM itself (`Model.filter(...)`, `.get(...)`, …);
   it may name models for typing rows and enums.
6. Every package's `__init__.py` says in its docstring what the package holds and what it may
   import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOUNDATION = {
    "server.models",
    "server.settings",
    "server.errors",
    "server.topics",
    "server.db",
    "server.security",
    "server.request_ids",
    "server.broadcast",
}
COMPOSITION = {
    "server.app",
    "server.graphql_app",
    "server.auth",
    "server.cli",
    "server.scheduler",
    "server.resources",
    "server.asgi",
    "server.worker",
    "server.demo",
    "server.demo_data",
    "server.demo_radio",
    "server.demo_radio_data",
    "server.demo_works",
    "server.demo_groups",
    "server.demo_koc",
    "server.demo_ledger",
    "server.demo_club",
    "server.demo_events",
    "server.demo_events_data",
    "server.tortoise_conf",
    "server.__main__",
}
PACKAGES = ("server", "schema", "resolvers", "moderation", "search")
# What each layer may import (besides itself and third-party packages).
ALLOWED = {
    "composition": {"composition", "schema", "resolvers", "moderation", "search", "foundation"},
    "schema": {"schema", "resolvers", "search", "foundation"},
    "resolvers": {"resolvers", "moderation", "search", "foundation"},
    "moderation": {"moderation", "foundation"},
    "search": {"search", "foundation"},
    "foundation": {"foundation"},
}
# The one module whose lazy type references lead back up the schema (rule 2).
LAZY_REFERENCES = "schema.refs"
# The one write path (rule 4), and what only it may import.
WRITE_PATH = "resolvers.changes"
WRITE_ONLY = ("tortoise.transactions", "search.outbox")
# ORM query methods the schema layer must leave to resolvers (rule 5).
QUERY_METHODS = {
    "all",
    "annotate",
    "bulk_create",
    "count",
    "create",
    "delete",
    "exclude",
    "exists",
    "filter",
    "first",
    "get",
    "get_or_create",
    "get_or_none",
    "raw",
    "select_for_update",
    "update",
    "update_or_create",
    "values",
    "values_list",
}


def layer(module: str) -> str:
    if module.startswith("server.migrations"):
        return "foundation"
    if any(module == m or module.startswith(m + ".") for m in FOUNDATION):
        return "foundation"
    if module == "server" or any(module == m or module.startswith(m + ".") for m in COMPOSITION):
        return "composition"
    return module.split(".", 1)[0]


def source_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = source_modules()


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def imports(path: Path) -> Iterator[tuple[str, int]]:
    """Every module `path` imports, wherever the import stands, with its line; `from a import
    b` names `a.b` when that is a module, else `a`."""
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                yield (full if full in MODULES else node.module), node.lineno


def lazy_references(path: Path) -> list[str]:
    """The modules `path` names in `strawberry.lazy("...")`."""
    return [
        arg.value
        for node in ast.walk(tree(path))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "lazy"
        for arg in node.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    ]


def own_imports(path: Path) -> set[str]:
    """The project's modules `path` imports (a package import counts as its __init__)."""
    return {name for name, _ in imports(path) if name in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), and modules that
    import themselves."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_graph(name: str) -> dict[str, set[str]]:
    members = {m for m in MODULES if layer(m) == name}
    return {
        m: {i for i in own_imports(MODULES[m]) if i in members and i != _package_of(m)}
        for m in members
    }


def _package_of(module: str) -> str:
    # A module importing its own package's __init__ (`from server import topics` resolves
    # to server.topics above; a bare `import server` would name the package) is no cycle.
    return module.rsplit(".", 1)[0]


# --- 1. downward only ------------------------------------------------------------------------


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_imports_point_downward(module: str) -> None:
    own = layer(module)
    upward = sorted(
        f"{name} (line {line})"
        for name, line in imports(MODULES[module])
        if name.split(".", 1)[0] in PACKAGES and layer(name) not in ALLOWED[own]
    )
    assert not upward, f"{module} ({own}) imports upward: {upward}"


# --- 2. no cycle inside a layer --------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_no_import_cycle_inside_a_layer(name: str) -> None:
    loops = cycles(layer_graph(name))
    assert not loops, f"import cycles in {name}: {loops}"


def test_cycle_finder_counts_local_and_type_checking_imports(tmp_path: Path) -> None:
    first, second, third = tmp_path / "a.py", tmp_path / "b.py", tmp_path / "c.py"
    first.write_text("def f():\n    from resolvers.b import x\n")
    second.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import resolvers.c\n"
    )
    third.write_text("import resolvers.a\n")
    names = {"resolvers.a": first, "resolvers.b": second, "resolvers.c": third}
    graph = {module: {n for n, _ in imports(path) if n in names} for module, path in names.items()}
    assert cycles(graph) == [["resolvers.a", "resolvers.b", "resolvers.c"]]


def test_lazy_type_references_go_through_one_module() -> None:
    naming = {m for m, path in MODULES.items() if lazy_references(path)}
    assert naming <= {LAZY_REFERENCES}, (
        f"strawberry.lazy outside {LAZY_REFERENCES}: {sorted(naming - {LAZY_REFERENCES})}"
    )
    if LAZY_REFERENCES in MODULES:
        schema_imports = {
            name for name in own_imports(MODULES[LAZY_REFERENCES]) if layer(name) == "schema"
        }
        assert not schema_imports, f"{LAZY_REFERENCES} imports {sorted(schema_imports)}"


# --- 3. absolute imports ---------------------------------------------------------------------


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_are_absolute(module: str) -> None:
    relative = [
        node.lineno
        for node in ast.walk(tree(MODULES[module]))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert not relative, f"{module} imports relatively on lines {relative}"


# --- 4. one write path -----------------------------------------------------------------------


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_the_write_path_opens_transactions_and_marks_the_outbox(module: str) -> None:
    if module == WRITE_PATH or layer(module) == "search" or module.startswith("server.migrations"):
        return
    path = MODULES[module]
    found = sorted(
        f"{name} (line {line})"
        for name, line in imports(path)
        if any(name == w or name.startswith(w + ".") for w in WRITE_ONLY)
    )
    found += [
        f"using_db (line {node.lineno})"
        for node in ast.walk(tree(path))
        if isinstance(node, ast.Attribute) and node.attr in ("using_db", "in_transaction")
    ]
    assert not found, f"{module} writes outside {WRITE_PATH}: {found}"


# --- 5. the schema delegates -----------------------------------------------------------------


def model_names(module: ast.Module) -> tuple[set[str], set[str]]:
    """Names bound to ORM model classes (`from server.models import Post`) and to the models
    module itself (`from server import models`, `import server.models as models`)."""
    classes: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                bound = alias.asname or alias.name
                if node.module == "server" and alias.name == "models":
                    modules.add(bound)
                elif node.module.startswith("server.models"):
                    classes.add(bound)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("server.models") and alias.asname:
                    modules.add(alias.asname)
    return classes, modules


def orm_queries(module: ast.Module) -> list[str]:
    classes, modules = model_names(module)
    found = []
    for node in ast.walk(module):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in QUERY_METHODS:
            continue
        owner = node.func.value
        named = (isinstance(owner, ast.Name) and owner.id in classes) or (
            isinstance(owner, ast.Attribute)
            and isinstance(owner.value, ast.Name)
            and owner.value.id in modules
        )
        if named:
            found.append(f"{ast.unparse(node.func)} (line {node.lineno})")
    return found


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer(m) == "schema"))
def test_schema_leaves_policies_and_queries_to_resolvers(module: str) -> None:
    path = MODULES[module]
    policy_imports = sorted(
        f"{name} (line {line})"
        for name, line in imports(path)
        if name == "moderation" or name.startswith("moderation.")
    )
    assert not policy_imports, f"{module} decides for itself: {policy_imports}"
    queries = orm_queries(tree(path))
    assert not queries, f"{module} queries the ORM itself: {queries}"


def test_orm_query_finder_sees_model_classes_and_the_models_module() -> None:
    source = ast.parse(
        "from server import models\nfrom server.models import Post\n"
        "async def f():\n    await Post.filter(id=1)\n    await models.User.get(id=2)\n"
        "    await something.filter()\n"
    )
    assert orm_queries(source) == ["Post.filter (line 4)", "models.User.get (line 5)"]


# --- 6. packages say what they hold ----------------------------------------------------------


def test_every_package_says_what_it_owns() -> None:
    for package in PACKAGES:
        doc = ast.get_docstring(tree(ROOT / package / "__init__.py"))
        assert doc and "import" in doc.lower(), (
            f"{package}/__init__.py needs a docstring naming its imports"
        )


def test_layer_rules_catch_an_upward_import() -> None:
    assert layer("schema.posts") not in ALLOWED[layer("resolvers.posts")]
    assert layer("server.app") not in ALLOWED[layer("server.models")]
    assert layer("moderation.policies") not in ALLOWED[layer("schema.posts")]
