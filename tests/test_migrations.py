"""Migrations: they describe the models exactly, and an upgrade keeps the rows it renames."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from server.db import Database, tortoise_config
from server.models import ChangeEvent, ChangeKind, ModerationItem
from tests.conftest import database_of_its_own, postgres_database

BEFORE_RENAMES = "0005_report_standing"


@contextlib.asynccontextmanager
async def empty_database(kind: str, tmp_path: Path) -> AsyncIterator[tuple[str, Any]]:
    async with contextlib.AsyncExitStack() as stack:
        if kind == "sqlite":
            url = f"sqlite://{tmp_path / 'upgrade.sqlite3'}"
        else:
            url = await stack.enter_async_context(postgres_database())
        yield url, await stack.enter_async_context(database_of_its_own(url))


async def migrate(url: str, connection: Any, target: str | None = None) -> None:
    executor = MigrationExecutor(connection, tortoise_config(url)["apps"])
    await executor.migrate([MigrationTarget("models", target)] if target else None)


async def test_the_migrations_describe_the_models_exactly(database: Database) -> None:
    assert database.context is not None
    detector = MigrationAutodetector(database.context.apps, tortoise_config(database.url)["apps"])
    missing = [op.describe() for writer in await detector.changes() for op in writer.operations]
    assert not missing, f"models changed without a migration (make migrations): {missing}"


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_upgrading_renames_the_change_log_and_keeps_its_rows(
    kind: str, tmp_path: Path
) -> None:
    async with empty_database(kind, tmp_path) as (url, connection):
        await migrate(url, connection, BEFORE_RENAMES)
        await connection.execute_query(
            "INSERT INTO events (kind, queue_item_id, post_id, created_at) "
            "VALUES ('QUEUE_CHANGED', 7, NULL, CURRENT_TIMESTAMP)"
        )
        await connection.execute_query(
            "INSERT INTO moderation_items (target_type, target_id, state, score, reasons, "
            "auto_hits, target_hidden, created_at, updated_at) VALUES "
            "('POST', 3, 'PENDING', 1.5, '[]', '[]', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )

        await migrate(url, connection)

        event = await ChangeEvent.get()
        assert (event.kind, event.moderation_item_id) == (ChangeKind.QUEUE_CHANGED, 7)
        item = await ModerationItem.get()
        assert (item.target_id, item.score) == (3, 1.5)
        tables = await connection.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            if kind == "sqlite"
            else "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
        )
        names = {row["name"] for row in tables}
        assert "change_events" in names and "events" not in names
