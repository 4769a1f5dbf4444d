"""Input rules shared by the use cases. Each check raises InvalidInput naming the field.

Texts pass `moderation.names` on the way in: long texts lose control and bidirectional
characters and NULs (which PostgreSQL refuses and which can reorder what others see); names
and short labels are refused if they carry any, or invisible spaces. A lone UTF-16 surrogate
(valid in JSON, not in UTF-8) is refused everywhere, before it reaches a database driver.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import urlsplit

from moderation import names as texts
from server.errors import InvalidInput

HANDLE_RE = re.compile(r"^[a-z][a-z0-9_]{2,29}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$")
# Host names that only ever mean a machine on the inside.
INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa")


def _no_surrogates(value: str, field: str) -> None:
    if texts.has_surrogate(value):
        raise InvalidInput("The text is not valid Unicode (a lone surrogate).", field=field)


def text(value: str | None, field: str, *, minimum: int = 1, maximum: int, label: str) -> str:
    """A long text (a body, a bio, a description): controls, bidi marks and NULs removed."""
    raw = value or ""
    _no_surrogates(raw, field)
    cleaned = texts.clean_body(raw).strip()
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


def name(value: str | None, field: str, *, minimum: int = 1, maximum: int, label: str) -> str:
    """A name or a short label others see next to content (a display name, a region, a vehicle
    model): refused, not cleaned, when it carries controls, bidi marks or invisible spaces."""
    raw = unicodedata.normalize("NFC", value or "")
    _no_surrogates(raw, field)
    problem = texts.name_problem(raw)
    if problem is not None:
        raise InvalidInput(f"{label}: {problem}", field=field)
    cleaned = " ".join(raw.split())
    if len(cleaned) < minimum:
        raise InvalidInput(f"{label} cannot be empty.", field=field)
    if len(cleaned) > maximum:
        raise InvalidInput(
            f"{label} is too long ({len(cleaned)} characters, at most {maximum}).", field=field
        )
    return cleaned


def optional_name(value: str | None, field: str, *, maximum: int, label: str) -> str | None:
    if value is None or not value.strip():
        return None
    return name(value, field, maximum=maximum, label=label)


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


def _inet_aton(host: str) -> int | None:
    """The IPv4 address a resolver reads in `host` (`2130706433`, `0x7f.1`, `0177.0.0.1` all
    mean 127.0.0.1), or None if it is not one."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for part in parts:
        if re.fullmatch(r"0x[0-9a-f]+", part):
            values.append(int(part, 16))
        elif re.fullmatch(r"0[0-7]*", part):
            values.append(int(part, 8))
        elif re.fullmatch(r"[1-9][0-9]{0,11}", part):
            values.append(int(part))
        else:
            return None
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    address = last
    for index, value in enumerate(head):
        address |= value << (24 - 8 * index)
    return address


def _internal_address(host: str) -> bool:
    """Whether `host` is an IP address, in any spelling, that is not a public one."""
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(host)
    except ValueError:
        number = _inet_aton(host)
        if number is None:
            return False
        address = ipaddress.IPv4Address(number)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def url(
    value: str | None, field: str, *, maximum: int = 1000, allow_http: bool = False
) -> str | None:
    """An https URL to something on the public internet (plain http in development only):
    no credentials in it, no loopback, link-local, private or internal host. Clients load these
    URLs; an internal address would point them (or a future media proxy) inside."""
    if value is None or not value.strip():
        return None
    cleaned = value.strip()
    _no_surrogates(cleaned, field)
    schemes = ("https", "http") if allow_http else ("https",)
    message = (
        "Give an https URL to a public address."
        if not allow_http
        else ("Give an http(s) URL to a public address.")
    )
    if len(cleaned) > maximum or any(ch.isspace() or ord(ch) < 32 for ch in cleaned):
        raise InvalidInput(message, field=field)
    try:
        parts = urlsplit(cleaned)
        host = (parts.hostname or "").rstrip(".").lower()
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise InvalidInput(message, field=field) from None
    if parts.scheme.lower() not in schemes or not host:
        raise InvalidInput(message, field=field)
    if parts.username is not None or parts.password is not None:
        raise InvalidInput("A URL cannot carry a user name or password.", field=field)
    if (
        host == "localhost"
        or host.endswith(INTERNAL_SUFFIXES)
        or ("." not in host and ":" not in host)
        or _internal_address(host)
    ):
        raise InvalidInput("The URL must point to a public address.", field=field)
    return cleaned


def password(value: str, field: str = "password") -> str:
    _no_surrogates(value, field)
    if len(value) < 8:
        raise InvalidInput("A password needs at least 8 characters.", field=field)
    if len(value) > 256:
        raise InvalidInput("A password has at most 256 characters.", field=field)
    return value


def string_list(
    values: list[str] | None, field: str, *, maximum_items: int, maximum_length: int, label: str
) -> list[str]:
    """Short labels (vehicle models): each one checked like a name; the same label given twice
    counts once."""
    items = list(
        dict.fromkeys(
            name(v, field, maximum=maximum_length, label=f"Each of the {label}")
            for v in values or []
            if v.strip()
        )
    )
    if len(items) > maximum_items:
        raise InvalidInput(f"At most {maximum_items} {label}.", field=field)
    return items


def tag(value: str, field: str = "tags", *, maximum: int) -> str:
    """A tag: letters of any script, digits, '-' and '_', nothing else (no markup, no spaces,
    no symbols), lowercased, without a leading '#'."""
    _no_surrogates(value, field)
    cleaned = unicodedata.normalize("NFKC", value).strip().lstrip("#").strip().lower()
    if not cleaned:
        raise InvalidInput("A tag cannot be empty.", field=field)
    if len(cleaned) > maximum:
        raise InvalidInput(f"A tag has at most {maximum} characters.", field=field)
    for ch in cleaned:
        category = unicodedata.category(ch)
        if not (category.startswith("L") or category in ("Nd", "Mn", "Mc") or ch in "-_"):
            raise InvalidInput(
                "A tag is one word without spaces: letters and digits ('-' and '_' allowed).",
                field=field,
            )
    if unicodedata.category(cleaned[0]).startswith("M"):
        raise InvalidInput("A tag starts with a letter or a digit.", field=field)
    return cleaned
