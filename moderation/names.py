"""Who is who: the keys handles and display names are compared by, the handles nobody may take,
and what names and long texts may carry.

A display name's key is its TR39 skeleton (moderation.text) with everything but letters, marks
and digits gone; a handle's also folds leet digits (`adm1n`, `4dmin`) and drops a trailing
number (`admin2024`). Names are refused, not cleaned, when they carry control, bidirectional or
invisible characters; long texts lose them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from moderation.text import icu_skeleton, prepare


def skeleton(text: str) -> str:
    """A comparison key for names: NFKC, casefolded, default-ignorables removed, the TR39
    skeleton, lowercased, whitespace collapsed. Equal keys look alike."""
    return " ".join(icu_skeleton(prepare(text)).split())


# Digits read as letters, applied to a skeleton: there `0` is already `o`, and `1`, `I` and `|`
# are `l`, which is folded with `i` so that `adm1n`, `admln` and `admin` agree.
_LEET = str.maketrans({"3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "l": "i"})
_TRAILING_NUMBER = re.compile(r"[\d_]+\Z")


def handle_key(handle: str) -> str:
    """A comparison key for handles: a trailing number and underscores dropped, the skeleton,
    leet digits read as letters. `admin`, `Admin_2024`, `adm1n`, `admln` and `4dmin` share it.
    The number goes first, before the skeleton turns its `0` and `1` into letters."""
    prepared = _TRAILING_NUMBER.sub("", prepare(handle))
    key = icu_skeleton(prepared).translate(_LEET)
    return "".join(key.replace("_", "").split())


RESERVED_HANDLES = frozenset(
    "abuse admin administrator anonymous api everyone help helpdesk here mail mod moderator "
    "noreply null official postmaster root security service staff superuser support sysadmin "
    "system team undefined webmaster www".split()
)
# Words that claim to speak for the service are refused as one part of a handle too
# (`nio_official`); the others only as the whole handle, so `help_me` or `car_service` stay free.
_AUTHORITY = tuple(
    "admin administrator helpdesk mod moderator noreply official staff superuser support "
    "sysadmin team".split()
)
# A handle may not even begin with these (`adminnio`), unless the rest makes an ordinary word
# of it (`supporter`, `supportive`).
_HIGH_RISK = ("admin", "official", "moderator", "support")
_ORDINARY_ENDINGS = ("er", "ers", "ive", "ing", "ed")


@cache
def _keys(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(handle_key(word) for word in words)


def is_reserved_handle(handle: str) -> bool:
    """Whether a handle is, or passes for, one of RESERVED_HANDLES (see `_AUTHORITY` and
    `_HIGH_RISK` for when a part or a beginning is enough)."""
    if handle_key(handle) in _keys(tuple(sorted(RESERVED_HANDLES))):
        return True
    tokens = [handle_key(token) for token in prepare(handle).split("_")]
    if any(token in _keys(_AUTHORITY) for token in tokens):
        return True
    endings = _keys(_ORDINARY_ENDINGS)
    return any(
        token.startswith(word) and token[len(word) :] not in endings
        for token in tokens
        for word in _keys(_HIGH_RISK)
    )


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance at most 1, counting a swap of two neighbours as one edit too."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    head = 0
    while head < len(a) and a[head] == b[head]:
        head += 1
    if head == len(a):
        return True
    if len(a) < len(b):
        return a[head:] == b[head + 1 :]
    return a[head + 1 :] == b[head + 1 :] or (
        a[head : head + 2] == b[head : head + 2][::-1] and a[head + 2 :] == b[head + 2 :]
    )


# Shorter keys differ by one letter from too many honest handles (`ann`, `anna`).
_NEAR_COPY_MIN_LENGTH = 6


def looks_like(a: str, b: str) -> bool:
    """Whether handle `a` passes for handle `b`: the same key, or for keys of six characters or
    more, keys one edit apart (`charging_asistant` for `charging_assistant`)."""
    key_a, key_b = handle_key(a), handle_key(b)
    if key_a == key_b:
        return bool(key_a)
    if min(len(key_a), len(key_b)) < _NEAR_COPY_MIN_LENGTH:
        return False
    return _within_one_edit(key_a, key_b)


def names_look_alike(a: str, b: str) -> bool:
    """Whether two display names read the same: equal skeletons once everything but letters,
    marks and digits is gone (`充电 助手`, `充电·助手`, `充电助手。` and `充电助手🔋` read as
    `充电助手`; `Charging Assistant` and `@charging_assistant` as the handle
    `charging_assistant`)."""

    def key(name: str) -> str:
        return "".join(ch for ch in skeleton(name) if unicodedata.category(ch)[0] in "LMN")

    key_a = key(a)
    return bool(key_a) and key_a == key(b)


_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_INVISIBLE_SPACES = frozenset("\u200b\u2060\ufeff\u180e\u3164\u115f\u1160\uffa0")


def name_problem(text: str) -> str | None:
    """What makes `text` unfit for a handle or a display name, as a sentence; None if nothing.
    Joiners and variation selectors stay allowed: emoji sequences are written with them."""
    for char in text:
        code = f"U+{ord(char):04X}"
        category = unicodedata.category(char)
        if category == "Cs":
            return f"It contains a lone surrogate ({code}), which is not valid Unicode."
        if category == "Cc":
            return f"It contains a control character ({code}) such as a tab or a line break."
        if char in _BIDI_CONTROLS:
            return f"It contains a bidirectional control ({code}), which reorders the text."
        if char in _INVISIBLE_SPACES:
            return f"It contains an invisible space ({code})."
        if category == "Co":
            return f"It contains a private-use character ({code}), which devices show differently."
    return None


_BODY_REMOVED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(_BIDI_CONTROLS)) + "]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_body(text: str) -> str:
    """A long text (a post, a comment, a bio) fit to store and show: line breaks as `\\n`,
    without NULs (PostgreSQL refuses them), other control characters apart from `\\n` and
    `\\t`, or bidirectional controls (they reorder what others read). Everything else stays,
    joiners and variation selectors included."""
    return _BODY_REMOVED.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def has_surrogate(text: str) -> bool:
    """Whether `text` holds a lone UTF-16 surrogate: valid in JSON, not in UTF-8."""
    return _SURROGATE.search(text) is not None
