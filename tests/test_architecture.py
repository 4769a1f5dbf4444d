"""The house rules that keep the layers honest: imports point downward only."""

from __future__ import annotations

import ast
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
    "server.demo",
    "server.demo_data",
    "server.tortoise_conf",
    "server.__main__",
}


def layer(module: str) -> str:
    if module.startswith("server.migrations"):
        return "foundation"
    if any(module == m or module.startswith(m + ".") for m in FOUNDATION):
        return "foundation"
    if module == "server" or any(module == m or module.startswith(m + ".") for m in COMPOSITION):
        return "composition"
    return module.split(".", 1)[0]


# What each layer may import (besides itself and third-party packages).
ALLOWED = {
    "composition": {"composition", "schema", "resolvers", "moderation", "search", "foundation"},
    "schema": {"schema", "resolvers", "moderation", "search", "foundation"},
    "resolvers": {"resolvers", "moderation", "search", "foundation"},
    "moderation": {"moderation", "foundation"},
    "search": {"search", "foundation"},
    "foundation": {"foundation"},
}
PACKAGES = ("server", "schema", "resolvers", "moderation", "search")


def modules() -> list[tuple[str, Path]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((name, path))
    return found


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from server import models` imports server.models, not the package's __init__.
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {n for n in names if n.split(".", 1)[0] in PACKAGES}


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_module_imports_point_downward(module: str, path: Path) -> None:
    own = layer(module)
    upward = sorted(name for name in imported(path) if layer(name) not in ALLOWED[own])
    assert not upward, f"{module} ({own}) imports upward: {upward}"


def test_every_package_says_what_it_owns() -> None:
    for package in PACKAGES:
        doc = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text()))
        assert doc and "import" in doc.lower(), (
            f"{package}/__init__.py needs a docstring naming its imports"
        )


def test_layer_rules_catch_an_upward_import() -> None:
    assert layer("schema.posts") not in ALLOWED[layer("resolvers.posts")]
    assert layer("server.app") not in ALLOWED[layer("server.models")]
