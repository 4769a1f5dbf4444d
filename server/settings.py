"""One frozen settings object, built from the environment (and a `.env` file)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEV_SECRET = "development-secret-change-me-0123456789"  # noqa: S105 - refused in production
ENVIRONMENTS = ("development", "test", "production")
FALSE = ("0", "false", "no", "off")


class SettingsError(ValueError):
    """The environment asks for something the server will not run with."""


def _read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


@dataclass(frozen=True)
class Settings:
    environment: str = "development"
    database_url: str = "sqlite://var/community.sqlite3"
    broadcast_url: str = "memory://"
    secret_key: str = DEV_SECRET
    host: str = "127.0.0.1"
    port: int = 8000
    token_ttl_seconds: int = 30 * 24 * 3600
    # GraphQL limits
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 4000
    max_page_size: int = 100
    # Scheduled posts are published by a background task this often.
    scheduler_interval_seconds: float = 5.0
    seed_demo: bool = True
    # Live feeds
    max_subscriptions_per_connection: int = 20
    websocket_keepalive_seconds: float = 15.0
    subscriber_queue_size: int = 100
    # Search: a Meilisearch server (MEILI_URL), or a child process the server starts itself
    # (MEILI_URL unset; `from_env` turns it on). Neither: search answers SERVICE_UNAVAILABLE.
    meili_url: str | None = None
    meili_api_key: str = ""
    meili_embedded: bool = False
    meili_data_dir: str = "var/meilisearch"
    search_index_prefix: str = ""
    search_sync_interval_seconds: float = 0.5

    @property
    def development(self) -> bool:
        return self.environment == "development"

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, env_file: str | Path = ".env"
    ) -> Settings:
        env = {**_read_env_file(Path(env_file)), **(os.environ if environ is None else environ)}
        d = cls()

        def get(name: str, default: str) -> str:
            return env.get(name, default)

        settings = cls(
            environment=get("APP_ENV", d.environment),
            database_url=get("DATABASE_URL", d.database_url),
            broadcast_url=get("BROADCAST_URL", d.broadcast_url),
            secret_key=get("SECRET_KEY", d.secret_key),
            host=get("HOST", d.host),
            port=int(get("PORT", str(d.port))),
            token_ttl_seconds=int(get("TOKEN_TTL_SECONDS", str(d.token_ttl_seconds))),
            max_query_depth=int(get("MAX_QUERY_DEPTH", str(d.max_query_depth))),
            max_aliases=int(get("MAX_ALIASES", str(d.max_aliases))),
            max_tokens=int(get("MAX_TOKENS", str(d.max_tokens))),
            max_page_size=int(get("MAX_PAGE_SIZE", str(d.max_page_size))),
            scheduler_interval_seconds=float(
                get("SCHEDULER_INTERVAL_SECONDS", str(d.scheduler_interval_seconds))
            ),
            seed_demo=get("SEED_DEMO", "1") not in FALSE,
            max_subscriptions_per_connection=int(
                get("MAX_SUBSCRIPTIONS_PER_CONNECTION", str(d.max_subscriptions_per_connection))
            ),
            websocket_keepalive_seconds=float(
                get("WEBSOCKET_KEEPALIVE_SECONDS", str(d.websocket_keepalive_seconds))
            ),
            subscriber_queue_size=int(get("SUBSCRIBER_QUEUE_SIZE", str(d.subscriber_queue_size))),
            meili_url=get("MEILI_URL", "") or None,
            meili_api_key=get("MEILI_API_KEY", ""),
            meili_embedded=not get("MEILI_URL", "") and get("MEILI_EMBEDDED", "1") not in FALSE,
            meili_data_dir=get("MEILI_DATA_DIR", d.meili_data_dir),
            search_index_prefix=get("SEARCH_INDEX_PREFIX", d.search_index_prefix),
            search_sync_interval_seconds=float(
                get("SEARCH_SYNC_INTERVAL_SECONDS", str(d.search_sync_interval_seconds))
            ),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if not self.broadcast_url.startswith(("memory://", "redis://", "rediss://")):
            raise SettingsError("BROADCAST_URL must be memory:// or redis://host:port")
        if self.meili_url and not self.meili_url.startswith(("http://", "https://")):
            raise SettingsError("MEILI_URL must be an http:// or https:// URL")
        if self.environment not in ENVIRONMENTS:
            raise SettingsError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}")
        if self.production and (self.secret_key == DEV_SECRET or len(self.secret_key) < 32):
            raise SettingsError(
                "production mode needs SECRET_KEY: a random string of at least 32 characters"
            )
