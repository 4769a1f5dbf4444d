"""One frozen settings object, built from the environment (and a `.env` file)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Writes per user per action: (how many, within so many seconds).
# `register` counts per client address, the others per account.
RATE_LIMITS = "post=10/60,comment=30/60,report=20/3600,group=5/3600,profile=20/3600,register=5/3600"
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
    # Static cost of one operation (the most objects its answer can hold, see schema.cost),
    # and each caller's budget of cost per minute (0: none).
    max_query_cost: int = 10_000
    query_cost_per_minute: int = 100_000
    # Scheduled posts are published by a background task this often.
    scheduler_interval_seconds: float = 5.0
    seed_demo: bool = True
    # Live feeds
    max_subscriptions_per_connection: int = 20
    websocket_keepalive_seconds: float = 15.0
    subscriber_queue_size: int = 100
    # How often an idle signed-in WebSocket re-reads its account (closed with 4403 once banned
    # or suspended; an expired token closes it on the dot).
    websocket_account_check_seconds: float = 30.0
    # Proxies whose X-Forwarded-For uvicorn believes (the client address of limits).
    forwarded_allow_ips: str = "127.0.0.1"
    # Search: a Meilisearch server (MEILI_URL), or a child process the server starts itself
    # (MEILI_URL unset; `from_env` turns it on). Neither: search answers SERVICE_UNAVAILABLE.
    meili_url: str | None = None
    meili_api_key: str = ""
    meili_embedded: bool = False
    meili_data_dir: str = "var/meilisearch"
    search_index_prefix: str = ""
    search_sync_interval_seconds: float = 0.5
    # Moderation
    report_hide_threshold: float = 5.0
    # Reports from accounts younger than this raise an item's priority but never hide anything.
    report_trusted_account_days: int = 7
    claim_minutes: int = 30
    appeal_days: int = 20
    # Rate limits and duplicate counts are shared through this Redis (unset: per process).
    redis_url: str | None = None
    # Prefix of every key kept there, so that several deployments can share one Redis.
    redis_key_prefix: str = ""
    rate_limits: tuple[tuple[str, int, float], ...] = field(
        default_factory=lambda: parse_rate_limits(RATE_LIMITS)
    )
    new_account_days: int = 3
    new_account_max_links: int = 2
    new_account_max_mentions: int = 5
    # A new account's first posts wait for approval (0: none do).
    new_account_held_posts: int = 0
    duplicate_window_seconds: float = 600
    duplicate_threshold: int = 3
    # Sign-in: failures allowed per handle and per address within the window before each
    # further failure locks for a growing delay (1 s, 2 s, 4 s … up to the maximum).
    sign_in_failures_per_handle: int = 5
    sign_in_failures_per_address: int = 20
    sign_in_failure_window_seconds: float = 900
    sign_in_max_delay_seconds: float = 900

    def rate_limit(self, action: str) -> tuple[int, float] | None:
        """How many writes of a kind a user may make, and within how many seconds."""
        return next(((n, s) for a, n, s in self.rate_limits if a == action), None)

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
            max_query_cost=int(get("MAX_QUERY_COST", str(d.max_query_cost))),
            query_cost_per_minute=int(get("QUERY_COST_PER_MINUTE", str(d.query_cost_per_minute))),
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
            websocket_account_check_seconds=float(
                get("WEBSOCKET_ACCOUNT_CHECK_SECONDS", str(d.websocket_account_check_seconds))
            ),
            forwarded_allow_ips=get("FORWARDED_ALLOW_IPS", d.forwarded_allow_ips),
            meili_url=get("MEILI_URL", "") or None,
            meili_api_key=get("MEILI_API_KEY", ""),
            meili_embedded=not get("MEILI_URL", "") and get("MEILI_EMBEDDED", "1") not in FALSE,
            meili_data_dir=get("MEILI_DATA_DIR", d.meili_data_dir),
            search_index_prefix=get("SEARCH_INDEX_PREFIX", d.search_index_prefix),
            search_sync_interval_seconds=float(
                get("SEARCH_SYNC_INTERVAL_SECONDS", str(d.search_sync_interval_seconds))
            ),
            report_hide_threshold=float(get("REPORT_HIDE_THRESHOLD", str(d.report_hide_threshold))),
            report_trusted_account_days=int(
                get("REPORT_TRUSTED_ACCOUNT_DAYS", str(d.report_trusted_account_days))
            ),
            claim_minutes=int(get("CLAIM_MINUTES", str(d.claim_minutes))),
            appeal_days=int(get("APPEAL_DAYS", str(d.appeal_days))),
            redis_url=get("REDIS_URL", "") or None,
            redis_key_prefix=get("REDIS_KEY_PREFIX", d.redis_key_prefix),
            rate_limits=parse_rate_limits(get("RATE_LIMITS", RATE_LIMITS)),
            new_account_days=int(get("NEW_ACCOUNT_DAYS", str(d.new_account_days))),
            new_account_max_links=int(get("NEW_ACCOUNT_MAX_LINKS", str(d.new_account_max_links))),
            new_account_max_mentions=int(
                get("NEW_ACCOUNT_MAX_MENTIONS", str(d.new_account_max_mentions))
            ),
            new_account_held_posts=int(
                get("NEW_ACCOUNT_HELD_POSTS", str(d.new_account_held_posts))
            ),
            duplicate_window_seconds=float(
                get("DUPLICATE_WINDOW_SECONDS", str(d.duplicate_window_seconds))
            ),
            duplicate_threshold=int(get("DUPLICATE_THRESHOLD", str(d.duplicate_threshold))),
            sign_in_failures_per_handle=int(
                get("SIGN_IN_FAILURES_PER_HANDLE", str(d.sign_in_failures_per_handle))
            ),
            sign_in_failures_per_address=int(
                get("SIGN_IN_FAILURES_PER_ADDRESS", str(d.sign_in_failures_per_address))
            ),
            sign_in_failure_window_seconds=float(
                get("SIGN_IN_FAILURE_WINDOW_SECONDS", str(d.sign_in_failure_window_seconds))
            ),
            sign_in_max_delay_seconds=float(
                get("SIGN_IN_MAX_DELAY_SECONDS", str(d.sign_in_max_delay_seconds))
            ),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if not self.broadcast_url.startswith(("memory://", "redis://", "rediss://")):
            raise SettingsError("BROADCAST_URL must be memory:// or redis://host:port")
        if self.meili_url and not self.meili_url.startswith(("http://", "https://")):
            raise SettingsError("MEILI_URL must be an http:// or https:// URL")
        if 0 < self.query_cost_per_minute < self.max_query_cost:
            raise SettingsError(
                "QUERY_COST_PER_MINUTE must be 0 (no budget) or at least MAX_QUERY_COST"
            )
        if self.sign_in_max_delay_seconds < 1:
            raise SettingsError("SIGN_IN_MAX_DELAY_SECONDS must be at least 1")
        if self.environment not in ENVIRONMENTS:
            raise SettingsError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}")
        if self.production and (self.secret_key == DEV_SECRET or len(self.secret_key) < 32):
            raise SettingsError(
                "production mode needs SECRET_KEY: a random string of at least 32 characters"
            )


def parse_rate_limits(text: str) -> tuple[tuple[str, int, float], ...]:
    """`post=10/60,comment=30/60` → (("post", 10, 60.0), ...); an empty text sets none."""
    limits = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            action, _, rule = part.partition("=")
            count, _, seconds = rule.partition("/")
            limits.append((action.strip(), int(count), float(seconds)))
        except ValueError:
            raise SettingsError(
                f"RATE_LIMITS: '{part}' is not action=count/seconds, as in post=10/60"
            ) from None
    return tuple(limits)
