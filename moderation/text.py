"""Text as it is compared rather than as it is shown: the form watched words are matched in, and
the keys handles and display names are compared by.

People get past a watched word by writing it so that it reads the same but is spelled
differently: `sc\\u200bam` (a zero-width space), `sc\\u00adam` (a soft hyphen), `ѕсаm` (Cyrillic
look-alikes), `s.c.a.m` or `s c a m` (letters spelled out), `诈 骗` (a space between Chinese
characters). `matching_form` undoes all of these, one base character and its combining marks (a
unit) at a time:

1. NFKC and case folding, so `ＳＰＡＭ`, `Spam` and `spam` agree and composed and decomposed
   accents fold alike.
2. Default-ignorable and format characters are removed. They are invisible, so the reader sees
   the word they split.
3. Every unit becomes its Unicode TR39 confusable skeleton (ICU's SpoofChecker), lowercased and
   recomposed. Look-alikes from other scripts then read as Latin: `ѕсаm` and `scam` both become
   `scarn`, because the skeleton also writes `m` as `rn` and `0` as `o`. A unit keeps its
   folded form when its skeleton would turn a separator into letters (`%` is `º/₀`) or a
   letter into a separator, or would add a `*` or a space, the two characters of rule syntax:
   word edges and patterns mean what they meant.
4. Separators between two Chinese or Japanese characters are dropped. Those scripts put no
   spaces between words, so a space or a comma there only splits a word (`诈 骗`, `诈，骗`).
5. A run of at least three single letters or digits, each separated from the next by exactly
   one separator, the same all along, is joined (`s.c.a.m`, `s c a m`, `s_c_a_m`). Two letters
   are not joined, so `e.g. a b` stays as written, and neither is a letter next to a longer
   word: `sca m` reads as two words. A single-letter word before a spelled-out one joins it
   when the same separator stands between them (`a s c a m`, not `a s.c.a.m`).

Each character of the result remembers the span of the units it came from, so a match is
reported and masked over the text as written.

The same steps make the keys of the impersonation checks (moderation.names).

Each distinct character costs a few ICU and normalisation calls, so it is mapped once and
remembered in `str.translate` tables. A text then forms in a few `translate` calls and scans of
a string with one letter per character, not a loop over characters; only a text with combining
marks takes that loop. A 50,000-character article forms in about 10 ms in English, 20 ms in
Chinese (3 ms and 75 ms with the NFKC and casefolding that came before).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache
from itertools import chain

import icu

WILDCARD = "*"

# Default_Ignorable_Code_Point (DerivedCoreProperties.txt) outside category Cf, which goes whole.
_IGNORABLE = frozenset(
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164\uffa0"
    + "".join(map(chr, range(0x2060, 0x2070)))
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xFFF0, 0xFFF9)))
)
_TAGS_AND_SELECTORS = range(0xE0000, 0xE1000)

# Scripts written without spaces between words, where a separator only splits a word. Korean
# and Thai are left out: they put spaces between words, so joining there would join words.
_CJK = (
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3005\u3007\u3021-\u3029\u3038-\u303b"  # ideographic iteration mark, numerals
    "\u3040-\u312f"  # Hiragana, Katakana, Bopomofo
    "\u31a0-\u31ff"  # Bopomofo extended, CJK strokes, Katakana extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U0001b000-\U0001b16f"  # Kana supplement and extensions
    "\U00020000-\U0003ffff"  # CJK extensions B and later
)
_CJK_ONLY = re.compile(f"[{_CJK}]+")

# What a unit is, one letter each, so the joining steps are regular expressions over a string
# with one letter per unit: a single letter or digit, a longer word piece, a CJK character, a
# separator, the wildcard of a pattern, anything else.
_SINGLE, _WORD, _CJK_CLASS, _SEPARATOR, _WILD, _OTHER = "a", "w", "c", "s", "*", "o"
_SPELLED_OUT = re.compile(r"(?<![aw])a(?:sa){2,}(?![aw])")
_BEFORE_CJK = re.compile(r"s+(?=c)")


@cache
def _checker() -> icu.SpoofChecker:
    return icu.SpoofChecker()


def _is_ignorable(char: str) -> bool:
    return (
        char in _IGNORABLE or ord(char) in _TAGS_AND_SELECTORS or unicodedata.category(char) == "Cf"
    )


def _is_separator(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PSZ"


def prepare(text: str) -> str:
    """NFKC, casefolded, without default-ignorable or format characters."""
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return "".join(c for c in folded if not _is_ignorable(c))


def icu_skeleton(prepared: str) -> str:
    return str(_checker().getSkeleton(0, prepared)).lower()


def _class_of(folded: str) -> str:
    if _CJK_ONLY.fullmatch(folded):
        return _CJK_CLASS
    base = [c for c in folded if not unicodedata.category(c).startswith("M")] or list(folded)
    if len(base) == 1 and base[0].isalnum():
        return _SINGLE
    if all(_is_separator(c) for c in base):
        return _SEPARATOR
    if any(c.isalnum() for c in base):
        return _WORD
    return _OTHER


def _keeps_its_kind(folded: str, mapped: str) -> bool:
    """Whether a skeleton leaves word edges and rule syntax where they were."""
    return (
        bool(mapped)
        and (WILDCARD in mapped) <= (WILDCARD in folded)
        and any(c.isspace() for c in mapped) == any(c.isspace() for c in folded)
        and any(c.isalnum() for c in mapped) == any(c.isalnum() for c in folded)
    )


@lru_cache(maxsize=1 << 16)
def _map_unit(unit: str) -> tuple[str, str]:
    """(matching form, class) of one base character with its combining marks; ("", "") for an
    ignorable one."""
    folded = prepare(unit)
    if not folded:
        return "", ""
    mapped = unicodedata.normalize("NFC", icu_skeleton(folded))
    return (mapped if _keeps_its_kind(folded, mapped) else folded), _class_of(folded)


class _Table(dict[int, str]):
    """A `str.translate` table holding one thing `_map_unit` says about a lone character, filled
    as characters are met. Bounded: a text of every code point cannot grow it without end."""

    def __init__(self, describe: Callable[[str], str]) -> None:
        super().__init__()
        self._describe = describe

    def __missing__(self, code: int) -> str:
        if len(self) >= _TABLE_LIMIT:
            self.clear()
        value = self[code] = self._describe(chr(code))
        return value


_TABLE_LIMIT = 1 << 16
_COMBINING, _IGNORED = "M", "x"
# The class of each character, `_IGNORED` for one removed and `_COMBINING` for a mark that
# joins the character before it into one unit.
_CLASSES = _Table(
    lambda c: _COMBINING if unicodedata.combining(c) else (_map_unit(c)[1] or _IGNORED)
)
_FORMS = _Table(lambda c: _map_unit(c)[0])
# "w" for a character whose form is longer than one character (`m` is `rn`), "." otherwise.
_WIDTHS = _Table(lambda c: "." if len(_map_unit(c)[0]) == 1 else "w")
_IGNORED_RUN = re.compile(f"{_IGNORED}+")
_WIDE = re.compile("w")


def _dropped(classes: str, separator: Callable[[int], str]) -> list[int]:
    """Indices of the units steps 4 and 5 drop, in order: separators between spelled-out
    letters and between CJK characters. `separator(i)` is the form of unit i. The `in` tests
    spare ordinary prose both scans."""
    drops: list[int] = []
    if "asasa" in classes:
        for m in _SPELLED_OUT.finditer(classes):
            drops.extend(_spelled_out(range(m.start() + 1, m.end(), 2), separator))
    if "cs" in classes:
        for m in _BEFORE_CJK.finditer(classes):
            if m.start() and classes[m.start() - 1] == _CJK_CLASS:
                drops.extend(range(m.start(), m.end()))
    return sorted(drops)


def _spelled_out(separators: range, separator: Callable[[int], str]) -> list[int]:
    """Of the separators between a run of single letters, those within stretches of one and
    the same separator that join at least three letters: in `a s.c.a.m` the article stays."""
    drops: list[int] = []
    stretch: list[int] = []
    for index in separators:
        if stretch and separator(index) != separator(stretch[0]):
            drops.extend(stretch if len(stretch) >= 2 else ())
            stretch = []
        stretch.append(index)
    drops.extend(stretch if len(stretch) >= 2 else ())
    return drops


def _kept_ranges(size: int, removed: list[int]) -> list[tuple[int, int]]:
    """The ranges of `range(size)` left once the sorted indices `removed` are taken out."""
    ranges = []
    begin = 0
    for index in removed:
        if index > begin:
            ranges.append((begin, index))
        begin = index + 1
    if begin < size:
        ranges.append((begin, size))
    return ranges


def matching_form(text: str) -> tuple[str, list[int], list[int]]:
    """The form texts are screened in (see the module docstring), with, for each of its
    characters, the start and end in `text` of the characters it came from.

    Without combining marks every unit is one character, so the steps are `str.translate`
    calls and scans of a string of classes rather than a loop over characters."""
    classes = text.translate(_CLASSES)
    if _COMBINING in classes:
        return _assemble(*_units(text, wildcard=False))
    removed: list[int] = []
    units: list[int] | range = range(len(text))
    if _IGNORED in classes:
        for m in _IGNORED_RUN.finditer(classes):
            removed.extend(range(m.start(), m.end()))
        classes = classes.replace(_IGNORED, "")
        units = list(chain.from_iterable(range(a, b) for a, b in _kept_ranges(len(text), removed)))
    drops = _dropped(classes, lambda unit: _FORMS[ord(text[units[unit]])])
    if drops:
        removed = sorted(removed + [units[d] for d in drops])
    if removed:
        ranges = _kept_ranges(len(text), removed)
        kept = "".join(text[a:b] for a, b in ranges)
        positions = list(chain.from_iterable(range(a, b) for a, b in ranges))
    else:
        kept, positions = text, list(range(len(text)))
    form = kept.translate(_FORMS)
    if len(form) != len(kept):
        extra: list[int] = []
        for m in _WIDE.finditer(kept.translate(_WIDTHS)):
            extra.extend([positions[m.start()]] * (len(_FORMS[ord(kept[m.start()])]) - 1))
        positions = sorted(positions + extra)
    return form, positions, [p + 1 for p in positions]


def _units(text: str, wildcard: bool) -> tuple[list[str], str, list[int], list[int]]:
    """Forms, classes, starts and ends of the units of `text` that are not ignorable."""
    forms: list[str] = []
    classes: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    combining = unicodedata.combining
    size = len(text)
    i = 0
    while i < size:
        j = i + 1
        while j < size and combining(text[j]):
            j += 1
        unit = text[i:j]
        form, kind = (WILDCARD, _WILD) if wildcard and unit == WILDCARD else _map_unit(unit)
        if kind:
            forms.append(form)
            classes.append(kind)
            starts.append(i)
            ends.append(j)
        i = j
    return forms, "".join(classes), starts, ends


def _assemble(
    forms: list[str], classes: str, starts: list[int], ends: list[int]
) -> tuple[str, list[int], list[int]]:
    """The matching form of the units `_units` found, once steps 4 and 5 have dropped some."""
    drops = _dropped(classes, forms.__getitem__)
    if drops:
        ranges = _kept_ranges(len(forms), drops)
        forms = list(chain.from_iterable(forms[a:b] for a, b in ranges))
        starts = list(chain.from_iterable(starts[a:b] for a, b in ranges))
        ends = list(chain.from_iterable(ends[a:b] for a, b in ranges))
    form = "".join(forms)
    if len(form) == len(forms):
        return form, starts, ends
    wide_starts: list[int] = []
    wide_ends: list[int] = []
    for piece, start, end in zip(forms, starts, ends, strict=True):
        wide_starts.extend([start] * len(piece))
        wide_ends.extend([end] * len(piece))
    return form, wide_starts, wide_ends


def fold_pattern(pattern: str) -> str:
    """A moderator's pattern (as `validate_pattern` stores it) in the matching form, so that it
    is found in the matching form of a text that contains it. `*` stays the wildcard and a
    space stays "any whitespace", except between CJK characters or spelled-out letters, where
    the text's separators are dropped too (`u.s.a` and `s c a m` fold like the texts)."""
    forms, classes, _, _ = _units(pattern, wildcard=True)
    drops = set(_dropped(classes, forms.__getitem__))
    folded = "".join(f for i, f in enumerate(forms) if i not in drops)
    folded = re.sub(r"\*{2,}", WILDCARD, re.sub(" {2,}", " ", folded))
    return folded.strip(" ")
