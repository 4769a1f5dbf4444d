"""The HTTP surface of the app and its settings."""

from __future__ import annotations

import pytest

from schema.schema import build_schema
from server.app import create_app
from server.settings import DEV_SECRET, Settings, SettingsError
from tests.conftest import TEST_SECRET, running


async def test_healthz_and_the_schema_are_served(api):
    health = await api.client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "subscribers": 0, "search": "off"}
    sdl = await api.client.get("/schema.graphql")
    assert sdl.status_code == 200
    assert sdl.text == build_schema().as_str() + "\n"


async def test_queries_work_over_get_and_post_without_redirects(api):
    response = await api.client.get("/graphql", params={"query": "{ viewer { id } }"})
    assert response.status_code == 200
    assert response.json()["data"] == {"viewer": None}
    response = await api.client.post("/graphql", json={"query": "{ viewer { id } }"})
    assert response.status_code == 200


@pytest.mark.parametrize(("environment", "ide"), [("development", True), ("production", False)])
async def test_graphiql_is_served_in_development_only(db, environment, ide):
    settings = Settings(environment=environment, database_url=db.url, secret_key=TEST_SECRET)
    async with running(create_app(settings, database=db)) as client:
        response = await client.get("/graphql", headers={"accept": "text/html"})
    assert ("graphiql" in response.text.lower()) is ide


def test_settings_come_from_the_environment():
    settings = Settings.from_env(
        {"DATABASE_URL": "postgres://x/y", "PORT": "9000", "HOST": "0.0.0.0"},
        env_file="/nonexistent",
    )
    assert (settings.database_url, settings.port, settings.host) == (
        "postgres://x/y",
        9000,
        "0.0.0.0",
    )
    assert Settings.from_env({}, env_file="/nonexistent").database_url.startswith("sqlite://var/")


def test_env_file_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=7000\nHOST=10.0.0.1\n# comment\n")
    settings = Settings.from_env({"PORT": "7001"}, env_file=env_file)
    assert (settings.port, settings.host) == (7001, "10.0.0.1")


@pytest.mark.parametrize("secret", [DEV_SECRET, "short"])
def test_production_refuses_development_or_weak_secrets(secret):
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env({"APP_ENV": "production", "SECRET_KEY": secret}, env_file="/nonexistent")
    ok = Settings.from_env(
        {"APP_ENV": "production", "SECRET_KEY": "s" * 40}, env_file="/nonexistent"
    )
    assert ok.production


def test_unknown_environment_is_refused():
    with pytest.raises(SettingsError, match="APP_ENV"):
        Settings.from_env({"APP_ENV": "staging"}, env_file="/nonexistent")
