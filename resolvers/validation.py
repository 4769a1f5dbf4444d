"""Input rules shared by the use cases. Each check raises InvalidInput naming the field."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from server.errors import InvalidInput

HANDLE_RE = re.compile(r"^[a-z][a-z0-9_]{2,29}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$")


def text(value: str | None, field: str, *, minimum: int = 1, maximum: int, label: str) -> str:
    cleaned = (value or "").strip()
    if len(cleaned) < minimum:
        raise InvalidInput(
            f"{label} cannot be empty."
            if minimum == 1
            else f"{label} needs at least {minimum} characters.",
            field=field,
        )
    if len(cleaned) > maximum:
        raise InvalidInput(
            f"{label} is too long ({len(cleaned)} characters, at most {maximum}).", field=field
        )
    return cleaned


def optional_text(value: str | None, field: str, *, maximum: int, label: str) -> str | None:
    if value is None or not value.strip():
        return None
    return text(value, field, maximum=maximum, label=label)


def handle(value: str, field: str = "handle") -> str:
    cleaned = value.strip().lower().lstrip("@")
    if not HANDLE_RE.match(cleaned):
        raise InvalidInput(
            "A handle has 3 to 30 characters: a letter first, then letters, digits or '_'.",
            field=field,
        )
    return cleaned


def slug(value: str, field: str = "slug") -> str:
    cleaned = value.strip().lower()
    if not SLUG_RE.match(cleaned):
        raise InvalidInput(
            "A slug has 3 to 50 characters: lowercase letters, digits and '-'.", field=field
        )
    return cleaned


def url(value: str | None, field: str, *, maximum: int = 1000) -> str | None:
    if value is None or not value.strip():
        return None
    cleaned = value.strip()
    parsed = urlparse(cleaned)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(cleaned) > maximum:
        raise InvalidInput("Give an http(s) URL.", field=field)
    return cleaned


def password(value: str, field: str = "password") -> str:
    if len(value) < 8:
        raise InvalidInput("A password needs at least 8 characters.", field=field)
    if len(value) > 256:
        raise InvalidInput("A password has at most 256 characters.", field=field)
    return value


def string_list(
    values: list[str] | None, field: str, *, maximum_items: int, maximum_length: int, label: str
) -> list[str]:
    items = [v.strip() for v in values or [] if v.strip()]
    if len(items) > maximum_items:
        raise InvalidInput(f"At most {maximum_items} {label}.", field=field)
    for item in items:
        if len(item) > maximum_length:
            raise InvalidInput(
                f"Each of the {label} has at most {maximum_length} characters.", field=field
            )
    return list(dict.fromkeys(items))
