"""Whichever launcher starts the server (`python -m server serve`, the uvicorn command line, gunicorn
with the worker class), uvicorn runs it with the same options and the process is tuned alike."""

from __future__ import annotations

import logging
import os
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gunicorn.config
import pytest
import uvicorn
from starlette.applications import Starlette
from uvicorn.main import main as uvicorn_command

from server import asgi, cli
from server.asgi import uvicorn_options
from server.settings import Settings
from server.worker import UvicornWorker

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_command(program: str) -> list[str]:
    """The README's command line that starts `program`, as its arguments."""
    lines = [
        line
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith(f"{program} -")
    ]
    assert len(lines) == 1, f"the README shows no single `{program}` command line: {lines}"
    return shlex.split(lines[0])[1:]


@pytest.fixture
def tunings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each garbage-collector tuning instead of applying it to the test process."""
    done: list[str] = []
    monkeypatch.setattr(asgi, "tune_garbage_collector", lambda: done.append("gc"))
    return done


@pytest.fixture
def uvicorn_loggers() -> Iterator[None]:
    """uvicorn-worker hands uvicorn's loggers to gunicorn's; they are given back afterwards."""
    loggers = [logging.getLogger(name) for name in ("uvicorn.error", "uvicorn.access")]
    saved = [(lg.handlers[:], lg.level, lg.propagate) for lg in loggers]
    yield
    for lg, (handlers, level, propagate) in zip(loggers, saved, strict=True):
        lg.handlers, lg.propagate = handlers, propagate
        lg.setLevel(level)


def test_serve_gives_uvicorn_the_tuned_options(
    monkeypatch: pytest.MonkeyPatch, tunings: list[str]
) -> None:
    settings = Settings(
        environment="test", websocket_keepalive_seconds=7, forwarded_allow_ips="10.0.0.0/8"
    )
    served: dict[str, Any] = {}

    async def no_migrations(_: Settings) -> None:
        return None

    def run(app: Starlette, **options: Any) -> None:
        served.update(options, app=app)

    monkeypatch.setattr(cli, "migrate", no_migrations)
    monkeypatch.setattr(uvicorn, "run", run)
    cli.serve(settings)
    assert isinstance(served.pop("app"), Starlette)
    assert served == {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        **uvicorn_options(settings),
    }
    assert (served["ws_ping_interval"], served["ws_ping_timeout"]) == (7, 14)
    assert served["forwarded_allow_ips"] == "10.0.0.0/8"
    assert tunings == ["gc"]


def test_the_factory_builds_the_app_in_a_tuned_process(tunings: list[str]) -> None:
    assert isinstance(asgi.app(), Starlette)
    assert tunings == ["gc"]


@pytest.mark.usefixtures("uvicorn_loggers")
def test_the_gunicorn_worker_gives_uvicorn_the_options_serve_gives() -> None:
    cfg = gunicorn.config.Config()
    log = type("Log", (), {"error_log": logging.getLogger(), "access_log": logging.getLogger()})
    worker = UvicornWorker(1, os.getpid(), [], None, 30, cfg, log)
    worker.tmp.close()
    for option, value in uvicorn_options(Settings.from_env()).items():
        assert getattr(worker.config, option) == value, option


def test_the_readme_uvicorn_command_passes_the_options_serve_gives() -> None:
    command = uvicorn_command.make_context("uvicorn", readme_command("uvicorn"))
    assert command.params["app"] == "server.asgi:app" and command.params["factory"]
    options = uvicorn_options(Settings())
    # uvicorn reads FORWARDED_ALLOW_IPS from the environment itself.
    del options["forwarded_allow_ips"]
    assert {option: command.params[option] for option in options} == options


def test_the_readme_gunicorn_command_uses_the_worker_and_the_factory() -> None:
    args = gunicorn.config.Config().parser().parse_args(readme_command("gunicorn"))
    assert args.worker_class == "server.worker.UvicornWorker"
    assert args.args == ["server.asgi:app()"]
