"""Watched words: what is acceptable in the texts users write.

Moderators keep rules as data; a process compiles them once into a `RuleSet` and screens every
title, body and comment with it before anything is stored:

    rules = RuleSet([Rule(1, "spam*", MatchKind.WORD, RuleAction.FLAG, "spam")])
    fields, hits = rules.screen_fields({"title": title, "body": body})

Rules and texts are compared in the matching form of moderation.text: NFKC and casefolded,
without invisible characters, every character replaced by its Unicode TR39 confusable skeleton,
separators dropped between Chinese characters and between spelled-out letters. So `ＳＰＡＭ`,
`Spam`, `ѕраm` (Cyrillic), `sp\\u200bam` and `s.p.a.m` all match `spam`, and `诈 骗` matches
`诈骗`. Masks and `Hit.matched` refer to the text as written: every character of the matching
form remembers the span of the original characters it came from, and a match covers whole
original spans. When NFKC expands one character into several (`㎏` → `kg`) a match on part of
them masks all of it; a spelled-out word is masked with the separators between its letters.

A WORD rule matches whole words: not next to another letter or digit. Scripts written without
spaces (Chinese, Japanese, Korean, Thai, ...) have no word edges to find, so on their side a
WORD rule matches anywhere. In both kinds `*` stands for up to MAX_WILDCARD_SPAN letters or
digits (of spaced scripts only, unless the pattern itself has characters of a script without
spaces) and a space for any run of whitespace. A pattern has at most MAX_WILDCARDS wildcards and
every other character is escaped, so no moderator's text can make a regular expression backtrack
without bound.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from moderation.text import fold_pattern, matching_form
from server.errors import InvalidInput
from server.models import MatchKind, RuleAction

log = logging.getLogger(__name__)

MAX_PATTERN_LENGTH = 100
MAX_WILDCARDS = 2
MAX_WILDCARD_SPAN = 20
WILDCARD = "*"


# Most severe first: `Screening.strongest` and the order of the compiled expressions.
SEVERITY = (RuleAction.BLOCK, RuleAction.HOLD, RuleAction.FLAG, RuleAction.REPLACE)


@dataclass(frozen=True)
class Rule:
    id: int
    pattern: str
    match: MatchKind
    action: RuleAction
    reason: str = ""


@dataclass(frozen=True)
class Hit:
    rule_id: int
    action: RuleAction
    matched: str  # as the user wrote it
    reason: str


@dataclass(frozen=True)
class Screening:
    text: str  # with REPLACE matches masked
    hits: tuple[Hit, ...]

    @property
    def blocked(self) -> bool:
        return any(h.action == RuleAction.BLOCK for h in self.hits)

    @property
    def held(self) -> bool:
        return any(h.action == RuleAction.HOLD for h in self.hits)

    @property
    def flagged(self) -> bool:
        return any(h.action == RuleAction.FLAG for h in self.hits)

    @property
    def strongest(self) -> RuleAction | None:
        return strongest(self.hits)


def strongest(hits: Iterable[Hit]) -> RuleAction | None:
    """The most severe action among `hits`: BLOCK > HOLD > FLAG > REPLACE."""
    actions = {h.action for h in hits}
    return next((a for a in SEVERITY if a in actions), None)


# Letters of scripts written without spaces between words, where word edges cannot be found.
_NO_SPACE = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1100-\u11ff"  # Hangul Jamo
    "\u1780-\u17ff"  # Khmer
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3040-\u31ff"  # Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\ua960-\ua97f"  # Hangul Jamo extended A
    "\uac00-\ud7ff"  # Hangul syllables, Jamo extended B
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003ffff"  # CJK extensions B and later
)
_NO_SPACE_CHAR = re.compile(f"[{_NO_SPACE}]")
# A letter or digit of a script with spaces: what may not touch a WORD match.
_SPACED_ALNUM = f"[^\\W_{_NO_SPACE}]"
_ANY_ALNUM = r"[^\W_]"


def validate_pattern(pattern: str, match: MatchKind) -> str:
    """The pattern as it is stored and compiled: NFKC, stripped, lowercased, runs of spaces and
    of `*` collapsed. Raises InvalidInput naming the field `pattern`."""
    cleaned = " ".join(unicodedata.normalize("NFKC", pattern or "").split()).lower()
    cleaned = re.sub(r"\*{2,}", WILDCARD, cleaned)
    if not cleaned:
        raise InvalidInput("A pattern cannot be empty.", field="pattern")
    if len(cleaned) > MAX_PATTERN_LENGTH:
        raise InvalidInput(
            f"A pattern has at most {MAX_PATTERN_LENGTH} characters ({len(cleaned)} given).",
            field="pattern",
        )
    if not cleaned.replace(WILDCARD, "").strip():
        raise InvalidInput(
            "A pattern needs more than '*': it would match every word.", field="pattern"
        )
    if cleaned.count(WILDCARD) > MAX_WILDCARDS:
        raise InvalidInput(f"A pattern has at most {MAX_WILDCARDS} '*' wildcards.", field="pattern")
    literal = cleaned.replace(WILDCARD, "")
    if match == MatchKind.SUBSTRING and len(literal) == 1 and literal.isascii():
        raise InvalidInput(
            "A one-letter substring would match almost every text; use a whole word.",
            field="pattern",
        )
    return cleaned


def _expression(pattern: str, match: MatchKind) -> str:
    """One rule as a regular expression over folded text. Only `*` and spaces are
    translated; everything else the moderator wrote is escaped."""
    no_space = _NO_SPACE_CHAR.search(pattern) is not None
    wild = _ANY_ALNUM if no_space else _SPACED_ALNUM
    span = f"{{0,{MAX_WILDCARD_SPAN}}}"
    pieces = pattern.split(WILDCARD)
    out: list[str] = []
    for index, piece in enumerate(pieces):
        if index > 0:
            if index == len(pieces) - 1 and not piece:
                # Trailing: taking every letter is the only choice that can end a word.
                out.append(f"{wild}{span}+")
            elif index == 1 and not pieces[0]:
                out.append(f"{wild}{span}?")
            else:
                out.append(f"{wild}{span}")
        out.append(r"\s+".join(re.escape(word) for word in piece.split(" ")))
    body = "".join(out)
    if match == MatchKind.SUBSTRING:
        return body
    literal = pattern.replace(WILDCARD, "")
    head = "" if _NO_SPACE_CHAR.match(literal[0]) else f"(?<!{_SPACED_ALNUM})"
    tail = "" if _NO_SPACE_CHAR.match(literal[-1]) else f"(?!{_SPACED_ALNUM})"
    return f"{head}(?:{body}){tail}"


class RuleSet:
    """Rules compiled into one expression per action. Build it once per change of the rules;
    screening is then one scan of each text per action that has rules."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        alternatives: dict[RuleAction, list[tuple[int, str]]] = {a: [] for a in SEVERITY}
        for index, rule in enumerate(self.rules):
            try:
                pattern = fold_pattern(validate_pattern(rule.pattern, MatchKind(rule.match)))
            except (InvalidInput, ValueError) as exc:
                # A stored rule that no longer validates must not stop every write.
                log.warning("skipping watched-word rule %s %r: %s", rule.id, rule.pattern, exc)
                continue
            if not pattern.replace(WILDCARD, "").strip():
                # Nothing but invisible characters: it would match every word, or nothing.
                log.warning(
                    "skipping watched-word rule %s %r: nothing visible", rule.id, rule.pattern
                )
                continue
            source = f"(?P<r{index}>{_expression(pattern, MatchKind(rule.match))})"
            alternatives[RuleAction(rule.action)].append((len(pattern), source))
        # At one position the longest pattern wins, so `spammer` is found before `spam`.
        self._expressions = [
            (action, re.compile("|".join(s for _, s in sorted(found, key=lambda f: -f[0]))))
            for action, found in alternatives.items()
            if found
        ]

    def __len__(self) -> int:
        return len(self.rules)

    def screen(self, text: str) -> Screening:
        fields, hits = self.screen_fields({"text": text})
        return Screening(fields["text"], hits)

    def screen_fields(self, fields: Mapping[str, str]) -> tuple[dict[str, str], tuple[Hit, ...]]:
        """Screen the texts of one write together (a post's title and body): each field comes
        back with its REPLACE matches masked, and the hits of all of them in order of
        appearance, one per rule and matched word."""
        masked: dict[str, str] = {}
        hits: dict[tuple[int, str], Hit] = {}
        for name, text in fields.items():
            masked[name], found = self._screen_one(text)
            for hit in found:
                hits.setdefault((hit.rule_id, matching_form(hit.matched)[0]), hit)
        return masked, tuple(hits.values())

    def _screen_one(self, text: str) -> tuple[str, list[Hit]]:
        if not self._expressions or not text:
            return text, []
        folded, starts, ends = matching_form(text)
        found: list[tuple[int, Hit]] = []
        mask: list[tuple[int, int]] = []
        for action, expression in self._expressions:
            for m in expression.finditer(folded):
                if m.end() == m.start():
                    continue
                begin, end = starts[m.start()], ends[m.end() - 1]
                rule = self.rules[int(m.lastgroup[1:])] if m.lastgroup else None
                if rule is None:
                    continue
                found.append((begin, Hit(rule.id, action, text[begin:end], rule.reason)))
                if action == RuleAction.REPLACE:
                    mask.append((begin, end))
        found.sort(key=lambda f: f[0])
        if mask:
            chars = list(text)
            for begin, end in mask:
                chars[begin:end] = WILDCARD * (end - begin)
            text = "".join(chars)
        return text, [hit for _, hit in found]
