"""Settings: what the environment may say, what it may not, and the README's table of it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from server.cli import with_settings_table
from server.settings import (
    RATE_LIMITS,
    Settings,
    SettingsError,
    parse_rate_limits,
    settings_table,
    variable,
)

README = Path(__file__).resolve().parent.parent / "README.md"
NO_FILE = "/nonexistent/.env"


def from_env(**environ: str) -> Settings:
    return Settings.from_env(environ, env_file=NO_FILE)


def test_readme_settings_table_is_the_generated_one() -> None:
    readme = README.read_text(encoding="utf-8")
    assert with_settings_table(readme) == readme, (
        "README.md's settings table is not the one server/settings.py describes: "
        "run `make settings-table` (python -m server settings-table --readme README.md)"
    )


def test_every_setting_has_a_row_with_its_variable_and_a_description() -> None:
    rows = settings_table().splitlines()[2:]
    assert len(rows) == len(dataclasses.fields(Settings))
    for field, row in zip(dataclasses.fields(Settings), rows, strict=True):
        name, default, meaning = row.strip("| ").split(" | ")
        assert name == f"`{variable(field.name)}`" and default and meaning, row
    assert variable("environment") == "APP_ENV"
    assert variable("database_url") == "DATABASE_URL"


def test_plain_settings_have_the_environment_defaults_but_no_embedded_search() -> None:
    read = from_env()
    assert read.meili_embedded and not Settings().meili_embedded
    assert dataclasses.replace(read, meili_embedded=False) == Settings()


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"SCHEDULER_INTERVAL_SECONDS": "soon"}, "SCHEDULER_INTERVAL_SECONDS"),
        ({"SEED_DEMO": "maybe"}, "SEED_DEMO"),
        ({"RATE_LIMITS": "post=10"}, "RATE_LIMITS: 'post=10' is not action=count/seconds"),
        ({"BROADCAST_URL": "kafka://x"}, "BROADCAST_URL"),
        ({"MEILI_URL": "localhost:7700"}, "MEILI_URL"),
        ({"QUERY_COST_PER_MINUTE": "5", "MAX_QUERY_COST": "10"}, "QUERY_COST_PER_MINUTE"),
        ({"SIGN_IN_MAX_DELAY_SECONDS": "0.5"}, "SIGN_IN_MAX_DELAY_SECONDS"),
    ],
)
def test_a_bad_value_is_refused_naming_its_variable(environ: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(environ, env_file=NO_FILE)


def test_every_bad_value_is_named_at_once() -> None:
    with pytest.raises(SettingsError, match="PORT.*'x'.*MAX_TOKENS.*'y'"):
        from_env(PORT="x", MAX_TOKENS="y")


@pytest.mark.parametrize(
    ("value", "on"),
    [("1", True), ("true", True), ("yes", True), ("on", True), ("True", True)]
    + [("0", False), ("false", False), ("no", False), ("off", False), ("OFF", False)],
)
def test_flags_read_the_usual_words(value: str, on: bool) -> None:
    assert from_env(SEED_DEMO=value).seed_demo is on
    assert from_env(MEILI_EMBEDDED=value).meili_embedded is on


def test_naming_a_meilisearch_server_turns_the_embedded_one_off() -> None:
    assert not from_env(MEILI_URL="http://search:7700").meili_embedded
    assert from_env(MEILI_URL="").meili_url is None


def test_rate_limits_are_read_as_action_count_seconds() -> None:
    assert from_env(RATE_LIMITS="post=2/30, comment=5/60").rate_limits == (
        ("post", 2, 30.0),
        ("comment", 5, 60.0),
    )
    assert from_env(RATE_LIMITS="").rate_limits == ()
    assert from_env().rate_limits == parse_rate_limits(RATE_LIMITS) == Settings().rate_limits
    assert from_env(RATE_LIMITS="post=2/30").rate_limit("post") == (2, 30.0)


def test_env_file_values_may_be_quoted_and_other_variables_are_ignored(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# production\nAPP_ENV='production'\nSECRET_KEY=\"" + "s" * 40 + '"\nMEILI_BIN=/bin/x\n'
    )
    settings = Settings.from_env({}, env_file=env_file)
    assert settings.production and settings.secret_key == "s" * 40


def test_settings_take_only_their_own_fields() -> None:
    with pytest.raises(ValueError, match="secret"):
        Settings(secret="x")  # type: ignore[call-arg]
