"""One frozen settings object, built from the environment (and a `.env` file).

`Settings(...)` takes its values as arguments and never reads the environment (tests build it that
way); `Settings.from_env()` reads every field from its variable with pydantic-settings. Settings is
a pydantic dataclass rather than a `BaseSettings`, so that plain construction stays free of the
environment and `dataclasses.replace` keeps working; the environment is read by a `BaseSettings`
model made from its fields (`_reader`), which validates each value under its variable's name.

Each field carries its description, and `settings_table()` prints them all as the README's table
(`python -m server settings-table`). A field's `json_schema_extra` may say more:

    env            its variable, when not the field's name in capitals
    env_default    its default when read from the environment, when not the field's own
    shown_default  what the table shows as its default, when not the value itself
"""

from __future__ import annotations

import functools
import os
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field, ValidationError, create_model
from pydantic.dataclasses import dataclass
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    NoDecode,
    SettingsConfigDict,
)

# Writes per user per action: (how many, within so many seconds).
# `register` counts per client address, the others per account.
RATE_LIMITS = (
    "post=10/60,comment=30/60,report=20/3600,group=5/3600,profile=20/3600,register=5/3600,"
    "join_request=20/3600,invite=30/3600"
)
DEV_SECRET = "development-secret-change-me-0123456789"  # noqa: S105 - refused in production
ENVIRONMENTS = ("development", "test", "production")
VOTE_WEIGHTS = ("log10", "sqrt", "equal")


class SettingsError(ValueError):
    """The environment asks for something the server will not run with."""


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


def format_rate_limits(limits: tuple[tuple[str, int, float], ...]) -> str:
    """The inverse of `parse_rate_limits`."""
    return ",".join(f"{action}={count}/{seconds:g}" for action, count, seconds in limits)


def _read_rate_limits(value: Any) -> Any:
    return parse_rate_limits(value) if isinstance(value, str) else value


# An empty variable reads as unset, as it did before it had a type.
OptionalUrl = Annotated[str | None, BeforeValidator(lambda value: value or None)]
# The variable is `post=10/60,…`, not JSON (NoDecode keeps pydantic-settings from decoding it).
RateLimits = Annotated[
    tuple[tuple[str, int, float], ...], NoDecode, BeforeValidator(_read_rate_limits)
]


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Settings:
    environment: str = Field(
        default="development",
        description="`development`, `test` or `production` (masks unexpected errors, no "
        "GraphiQL, refuses development secrets and demo accounts)",
        json_schema_extra={"env": "APP_ENV"},
    )
    database_url: str = Field(
        default="sqlite://var/community.sqlite3",
        description="`sqlite://PATH` or `postgres://user@host:port/db`",
    )
    broadcast_url: str = Field(
        default="memory://",
        description="pub/sub for live feeds: `redis://host:port` when several processes serve",
    )
    secret_key: str = Field(
        default=DEV_SECRET,
        description="signs access tokens; production needs 32+ random characters",
        json_schema_extra={"shown_default": "a development key"},
    )
    host: str = Field(default="127.0.0.1", description="where `python -m server serve` listens")
    port: int = Field(default=8000, description="the port `python -m server serve` listens on")
    token_ttl_seconds: int = Field(
        default=30 * 24 * 3600, description="access token lifetime (30 days)"
    )
    # GraphQL limits
    max_query_depth: int = Field(
        default=12, description="how deeply one operation may nest selections"
    )
    max_aliases: int = Field(default=30, description="aliases one operation may use")
    max_tokens: int = Field(default=4000, description="tokens one GraphQL document may have")
    max_page_size: int = Field(
        default=100, description="the most items one page of a list may ask for"
    )
    max_query_cost: int = Field(
        default=10_000,
        description="the most one operation may cost: the most objects its answer can hold "
        "(see [Security model](#security-model))",
    )
    query_cost_per_minute: int = Field(
        default=100_000,
        description="each account's (or anonymous client address's) budget of cost per minute; "
        "0: none, else at least `MAX_QUERY_COST`",
    )
    scheduler_interval_seconds: float = Field(
        default=5.0, description="how often scheduled posts are checked and published"
    )
    seed_demo: bool = Field(
        default=True,
        description="`0` stops `make run` seeding the demo community (development only)",
    )
    # Live feeds
    max_subscriptions_per_connection: int = Field(
        default=20, description="subscriptions one WebSocket may hold"
    )
    websocket_keepalive_seconds: float = Field(
        default=15.0,
        description="ping interval for idle WebSockets (GraphQL keep-alive, and protocol pings: "
        "a peer that leaves one unanswered for twice as long is dropped)",
    )
    subscriber_queue_size: int = Field(
        default=100,
        description="live messages queued per subscriber before it resyncs from the database",
    )
    websocket_account_check_seconds: float = Field(
        default=30.0,
        description="how often an idle signed-in WebSocket re-reads its account (closed with "
        "4403 once banned or suspended; an expired token closes it on the dot)",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="proxies whose `X-Forwarded-For` names the client address (limits of "
        "anonymous callers, sign-in and registration throttles): addresses or networks, "
        "comma-separated, `*` for any",
    )
    # Search: a Meilisearch server (MEILI_URL), or a child process the server starts itself
    # (MEILI_URL unset; `from_env` turns it on). Neither: search answers SERVICE_UNAVAILABLE.
    meili_url: OptionalUrl = Field(
        default=None,
        description="a Meilisearch server to use (production); unset: the server starts its own",
    )
    meili_api_key: str = Field(default="", description="the API key of the `MEILI_URL` server")
    meili_embedded: bool = Field(
        default=False,
        description="`0` runs without search when `MEILI_URL` is unset (search answers "
        "`SERVICE_UNAVAILABLE`)",
        json_schema_extra={"env_default": True},
    )
    meili_data_dir: str = Field(
        default="var/meilisearch", description="the embedded Meilisearch's data, master key and log"
    )
    search_index_prefix: str = Field(
        default="",
        description="prefix of the index names, so several deployments can share a Meilisearch",
    )
    search_sync_interval_seconds: float = Field(
        default=0.5, description="how often an idle process looks for changes to index"
    )
    # Moderation
    report_hide_threshold: float = Field(
        default=5.0,
        description="the established reporters' weight at which a post or comment is hidden "
        "until reviewed",
    )
    report_trusted_account_days: int = Field(
        default=7,
        description="reports from younger accounts raise priority but never hide anything",
    )
    claim_minutes: int = Field(
        default=30, description="how long a moderator's claim on an item lasts"
    )
    appeal_days: int = Field(default=20, description="how long a decision can be appealed")
    redis_url: OptionalUrl = Field(
        default=None,
        description="shares rate limits, duplicate counts, sign-in throttles and query-cost "
        "budgets among processes; unset: each process keeps its own",
    )
    redis_key_prefix: str = Field(
        default="",
        description="prefix of every key kept there, so that several deployments can share a Redis",
    )
    rate_limits: RateLimits = Field(
        default_factory=lambda: parse_rate_limits(RATE_LIMITS),
        description="writes per user per kind, `action=count/seconds` comma-separated "
        "(`register` per client address, the others per account); empty: none",
    )
    new_account_days: int = Field(default=3, description="how many days an account counts as new")
    new_account_max_links: int = Field(
        default=2, description="links one text of a new account may hold"
    )
    new_account_max_mentions: int = Field(
        default=5, description="mentions one text of a new account may hold"
    )
    group_member_limit: int = Field(
        default=500, description="the most members a group that is not certified may have"
    )
    certified_group_member_limit: int = Field(
        default=5000, description="the most members a certified industry group may have"
    )
    group_certification_min_members: int = Field(
        default=10, description="members a group needs before its owner may apply for certification"
    )
    community_timezone: str = Field(
        default="Asia/Shanghai",
        description="the community's time zone: its calendar days (check-ins, daily caps) and "
        "years (contribution, the club)",
    )
    club_top_contributors: int = Field(
        default=120, description="seats a year's top contributors take in the club the next year"
    )
    vote_weight: str = Field(
        default="log10",
        description="how contribution weighs a vote in CONTRIBUTION polls: log10 (1 + "
        "log10(1 + contribution)), sqrt (1 + sqrt(contribution) / 10) or equal (1)",
    )
    vote_weight_cap: float = Field(
        default=4.0, description="the most one vote may weigh in a CONTRIBUTION poll (at least 1)"
    )
    vote_min_account_age_days: float = Field(
        default=7, description="days an account must exist before it votes in CONTRIBUTION polls"
    )
    rating_period_days: int = Field(
        default=30,
        description="days before a person may rate the same kind of experience again",
    )
    new_account_held_posts: int = Field(
        default=0, description="a new account's first posts held for approval (0: none are)"
    )
    duplicate_window_seconds: float = Field(
        default=600, description="the window within which the same text is counted"
    )
    duplicate_threshold: int = Field(
        default=3, description="the same text this often within `DUPLICATE_WINDOW_SECONDS` is held"
    )
    # Sign-in: failures allowed per handle and per address within the window before each
    # further failure locks for a growing delay (1 s, 2 s, 4 s … up to the maximum).
    sign_in_failures_per_handle: int = Field(
        default=5,
        description="failed sign-ins for one handle within the window before each further "
        "one locks for a growing delay",
    )
    sign_in_failures_per_address: int = Field(
        default=20,
        description="failed sign-ins from one client address within the window before each "
        "further one locks for a growing delay",
    )
    sign_in_failure_window_seconds: float = Field(
        default=900, description="how long failed sign-ins are remembered"
    )
    sign_in_max_delay_seconds: float = Field(
        default=900, description="the longest lock after failed sign-ins (1 s, 2 s, 4 s … up to it)"
    )

    def rate_limit(self, action: str) -> tuple[int, float] | None:
        """How many writes of a kind a user may make, and within how many seconds."""
        return next(((n, s) for a, n, s in self.rate_limits if a == action), None)

    @property
    def timezone(self) -> zoneinfo.ZoneInfo:
        """The community's time zone."""
        return zoneinfo.ZoneInfo(self.community_timezone)

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
        """The settings the environment (`environ` in its place), then `env_file`, ask for.
        A bad value raises SettingsError naming its variable."""
        reader = _reader()
        sources = (
            _Environ(reader, os.environ if environ is None else environ),
            DotEnvSettingsSource(reader, env_file=env_file),
        )
        try:
            values = reader(_build_sources=(sources, {})).model_dump()
        except ValidationError as exc:
            raise SettingsError(_explain(exc)) from None
        # A Meilisearch server, when one is named, rather than a child process.
        values["meili_embedded"] = values["meili_embedded"] and not values["meili_url"]
        settings = cls(**values)
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
        try:
            zoneinfo.ZoneInfo(self.community_timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                "COMMUNITY_TIMEZONE must be an IANA time zone such as Asia/Shanghai"
            ) from None
        if self.club_top_contributors < 1:
            raise SettingsError("CLUB_TOP_CONTRIBUTORS must be at least 1")
        if self.vote_weight not in VOTE_WEIGHTS:
            raise SettingsError(f"VOTE_WEIGHT must be one of {', '.join(VOTE_WEIGHTS)}")
        if self.vote_weight_cap < 1:
            raise SettingsError("VOTE_WEIGHT_CAP must be at least 1")
        if self.vote_min_account_age_days < 0:
            raise SettingsError("VOTE_MIN_ACCOUNT_AGE_DAYS must not be negative")
        if self.rating_period_days < 1:
            raise SettingsError("RATING_PERIOD_DAYS must be at least 1")
        if self.environment not in ENVIRONMENTS:
            raise SettingsError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}")
        if self.production and (self.secret_key == DEV_SECRET or len(self.secret_key) < 32):
            raise SettingsError(
                "production mode needs SECRET_KEY: a random string of at least 32 characters"
            )


def _fields() -> dict[str, FieldInfo]:
    """Settings' fields by name, in the order they are declared."""
    fields: dict[str, FieldInfo] = Settings.__pydantic_fields__  # type: ignore[attr-defined]
    return fields


def _extra(field: FieldInfo) -> dict[str, Any]:
    return field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}


def variable(name: str) -> str:
    """The environment variable of the setting `name`."""
    return str(_extra(_fields()[name]).get("env", name.upper()))


def _env_default(field: FieldInfo) -> Any:
    extra = _extra(field)
    return (
        extra["env_default"]
        if "env_default" in extra
        else field.get_default(call_default_factory=True)
    )


class _FromEnvironment(BaseSettings):
    # Variables are spelled as documented; other variables (and lines of `.env`) are not ours.
    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore")


@functools.cache
def _reader() -> type[BaseSettings]:
    """A pydantic-settings model of Settings' fields, each read from its variable."""
    fields: dict[str, Any] = {
        name: (
            field.rebuild_annotation(),
            Field(_env_default(field), validation_alias=variable(name)),
        )
        for name, field in _fields().items()
    }
    return create_model(
        "SettingsFromEnvironment",
        __base__=_FromEnvironment,
        **fields,
    )


class _Environ(EnvSettingsSource):
    """The process's environment, or the mapping `from_env` was given in its place."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ  # read by the base class's __init__
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return dict(self._environ)


def _explain(exc: ValidationError) -> str:
    """Each bad variable with what is wrong with it, in the words of the check that failed."""
    problems = []
    for error in exc.errors():
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, SettingsError):
            problems.append(str(cause))
        else:
            name = ".".join(str(part) for part in error["loc"])
            problems.append(f"{name}: {error['msg']} (got {error['input']!r})")
    return "; ".join(problems)


def _shown_default(field: FieldInfo) -> str:
    extra = _extra(field)
    if "shown_default" in extra:
        return str(extra["shown_default"])
    value = _env_default(field)
    if value is None:
        return "unset"
    if value == "":
        return "empty"
    if isinstance(value, bool):
        return "`1`" if value else "`0`"
    if isinstance(value, float):
        return f"`{value:g}`"
    if isinstance(value, tuple):
        return f"`{format_rate_limits(value)}`"
    return f"`{value}`"


def settings_table() -> str:
    """The README's table of settings, from the fields' descriptions."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in _fields().items():
        meaning = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{variable(name)}` | {_shown_default(field)} | {meaning} |")
    return "\n".join(rows) + "\n"
