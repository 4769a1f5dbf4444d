"""The database: Tortoise configuration, one context per process, and migrations.

Tortoise 1.x keeps its state in a context variable; a context opened in the ASGI lifespan is
invisible to request tasks, so the process-wide context is registered as Tortoise's global
fallback (what its own Starlette integration does).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tortoise.context import TortoiseContext
from tortoise.migrations.executor import MigrationExecutor

MODEL_MODULES = ["server.models"]
MIGRATIONS_MODULE = "server.migrations"


def connection_label(database_url: str) -> str:
    """The connection name for a URL. SQLite and PostgreSQL get different names because
    Tortoise keys its statement caches by connection name."""
    return "sqlite" if database_url.startswith("sqlite") else "postgres"


def tortoise_config(database_url: str) -> dict[str, Any]:
    label = connection_label(database_url)
    return {
        "connections": {label: database_url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "migrations": MIGRATIONS_MODULE,
                "default_connection": label,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _ensure_sqlite_directory(database_url: str) -> None:
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        Path(path).parent.mkdir(parents=True, exist_ok=True)


class Database:
    """One process's connection to the database."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.label = connection_label(database_url)
        self.context: TortoiseContext | None = None

    @property
    def dialect(self) -> str:
        return self.label

    async def open(self, *, create: bool = False) -> None:
        _ensure_sqlite_directory(self.url)
        ctx = TortoiseContext()
        # Initialising needs the context current; afterwards the global fallback serves
        # every task of the process.
        with ctx:
            await ctx.init(
                config=tortoise_config(self.url), _create_db=create, _enable_global_fallback=True
            )
        self.context = ctx

    async def close(self) -> None:
        if self.context is not None:
            await self.context.close_connections()
            self.context = None

    def connection(self) -> Any:
        assert self.context is not None, "database is not open"
        return self.context.db(self.label)

    async def migrate(self, progress: Callable[[str, str, str], object] | None = None) -> None:
        """Apply every migration not yet applied (idempotent)."""
        apps = tortoise_config(self.url)["apps"]
        executor = MigrationExecutor(self.connection(), apps)
        await executor.migrate(None, progress=progress)
