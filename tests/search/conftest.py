"""Fixtures: the Meilisearch binary, one private Meilisearch for the whole session, and a unique
index-name prefix per test so tests never see each other's indexes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.binary import MeilisearchNotFound, meilisearch_binary
from search.process import EmbeddedMeilisearch, MeilisearchEndpoint
from tests.conftest import require_service


@pytest.fixture(scope="session")
def meili_binary() -> Path:
    """The Meilisearch binary (MEILI_BIN, PATH or the verified copy under var/bin/)."""
    try:
        return meilisearch_binary()
    except MeilisearchNotFound as exc:
        require_service("Meilisearch", exc)
        raise  # unreachable: require_service skips or fails


@pytest.fixture(scope="session")
def meili(
    meili_binary: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MeilisearchEndpoint]:
    """A private Meilisearch on a free port for the session: `.url` and `.api_key`."""
    server = EmbeddedMeilisearch(tmp_path_factory.mktemp("meilisearch"), binary=meili_binary)
    with server as endpoint:
        yield endpoint


@pytest.fixture
def meili_prefix() -> str:
    """A prefix for this test's index names, e.g. `t1a2b3c4d_`."""
    return f"t{uuid.uuid4().hex[:8]}_"
