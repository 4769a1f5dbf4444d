"""Watched words: whole words and substrings, wildcards, Chinese, case and width folding,
look-alikes and disguised words, masking, precedence and pattern validation, without a
database."""

from __future__ import annotations

import time

import pytest

from moderation.rules import (
    MAX_PATTERN_LENGTH,
    Hit,
    MatchKind,
    Rule,
    RuleAction,
    RuleSet,
    Screening,
    validate_pattern,
)
from server.errors import InvalidInput

WORD, SUBSTRING = MatchKind.WORD, MatchKind.SUBSTRING
BLOCK, HOLD, FLAG, REPLACE = RuleAction.BLOCK, RuleAction.HOLD, RuleAction.FLAG, RuleAction.REPLACE


def rules(*specs: tuple[str, MatchKind, RuleAction]) -> RuleSet:
    return RuleSet(Rule(i, p, m, a, f"reason {i}") for i, (p, m, a) in enumerate(specs, 1))


def matched(rule_set: RuleSet, text: str) -> list[str]:
    return [h.matched for h in rule_set.screen(text).hits]


@pytest.mark.parametrize(
    ("text", "word", "substring"),
    [
        ("you ass", ["ass"], ["ass"]),
        ("first class", [], ["ass"]),
        ("ass_hat", ["ass"], ["ass"]),
        ("ASS!", ["ASS"], ["ASS"]),
        ("asses", [], ["ass"]),
        ("ass2", [], ["ass"]),
    ],
)
def test_word_rule_matches_whole_words_and_substring_rule_anywhere(
    text: str, word: list[str], substring: list[str]
) -> None:
    assert matched(rules(("ass", WORD, FLAG)), text) == word
    assert matched(rules(("ass", SUBSTRING, FLAG)), text) == substring


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("spam", ["spam"]),
        ("Spammer spamming", ["Spammer", "spamming"]),
        ("spam42 here", ["spam42"]),
        ("antispam", []),
        ("spa", []),
    ],
)
def test_wildcard_stands_for_letters_and_digits_within_a_word(text: str, found: list[str]) -> None:
    assert matched(rules(("spam*", WORD, FLAG)), text) == found


def test_wildcard_inside_a_word_matches_spelling_variants() -> None:
    rule_set = rules(("f*ck", WORD, REPLACE))
    assert rule_set.screen("fuck, fck and FVCK but not fuckit").text == (
        "****, *** and **** but not fuckit"
    )


def test_wildcard_never_crosses_a_space() -> None:
    assert matched(rules(("f*ck", WORD, FLAG)), "fun duck") == []


def test_chinese_word_rule_matches_inside_a_sentence_without_spaces() -> None:
    rule_set = rules(("代购", WORD, HOLD), ("发票", SUBSTRING, BLOCK))
    screening = rule_set.screen("本店专业代购，可开发票")
    assert [(h.matched, h.action) for h in screening.hits] == [("代购", HOLD), ("发票", BLOCK)]
    assert screening.blocked and screening.held


def test_english_word_rule_matches_next_to_chinese_characters() -> None:
    assert matched(rules(("spam", WORD, FLAG)), "这是spam广告") == ["spam"]


def test_matching_ignores_case_and_full_width_and_returns_text_as_written() -> None:
    rule_set = rules(("spam", WORD, REPLACE))
    screening = rule_set.screen("ＳＰＡＭ and Spam and ｓｐａｍ！")
    assert screening.text == "**** and **** and ****！"
    # One hit per rule and word: the spellings fold to the same word.
    assert [h.matched for h in screening.hits] == ["ＳＰＡＭ"]


def test_matching_folds_case_beyond_ascii() -> None:
    assert matched(rules(("straße", SUBSTRING, FLAG)), "Die STRASSE") == ["STRASSE"]
    assert matched(rules(("ИДИОТ", WORD, FLAG)), "ты идиот.") == ["идиот"]


def test_decomposed_accents_match_a_composed_pattern_and_mask_whole_characters() -> None:
    screening = rules(("café", WORD, REPLACE)).screen("le cafe\u0301 noir")
    assert screening.text == "le ***** noir"
    assert screening.hits[0].matched == "cafe\u0301"


def test_masking_keeps_everything_else_intact() -> None:
    text = "  Hello\tdamn world,\n\nDAMN it — 该死 😀 damnation  "
    screening = rules(("damn", WORD, REPLACE), ("该死", WORD, REPLACE)).screen(text)
    assert screening.text == "  Hello\t**** world,\n\n**** it — ** 😀 damnation  "
    assert len(screening.text) == len(text)


def test_a_phrase_matches_across_any_whitespace() -> None:
    assert matched(rules(("buy now", WORD, FLAG)), "Buy\n  NOW!") == ["Buy\n  NOW"]


def test_pattern_characters_are_literal_apart_from_the_wildcard() -> None:
    rule_set = rules(("a.b", SUBSTRING, FLAG), ("(x)", SUBSTRING, FLAG), ("c++", WORD, FLAG))
    assert matched(rule_set, "axb a.b (x) c++") == ["a.b", "(x)", "c++"]


def test_longest_rule_wins_where_two_start_together() -> None:
    rule_set = rules(("spam", SUBSTRING, FLAG), ("spam link", SUBSTRING, FLAG))
    assert [h.rule_id for h in rule_set.screen("a spam link").hits] == [2]


def test_fields_are_screened_together_and_masked_each_on_its_own() -> None:
    rule_set = rules(("damn", WORD, REPLACE), ("scam", WORD, HOLD), ("spam", WORD, FLAG))
    fields, hits = rule_set.screen_fields({"title": "Damn scam", "body": "damn spam, damn"})
    assert fields == {"title": "**** scam", "body": "**** spam, ****"}
    assert [(h.rule_id, h.matched) for h in hits] == [(1, "Damn"), (2, "scam"), (3, "spam")]


def test_a_rule_reports_each_matched_word_once() -> None:
    hits = rules(("spam*", WORD, FLAG)).screen("spam Spam spammer SPAM spammer").hits
    assert [h.matched for h in hits] == ["spam", "spammer"]


def test_hits_carry_the_rule_and_its_reason() -> None:
    rule_set = RuleSet([Rule(7, "scam", WORD, HOLD, "fraud")])
    assert rule_set.screen("a scam").hits == (Hit(7, HOLD, "scam", "fraud"),)


@pytest.mark.parametrize(
    ("text", "strongest"),
    [
        ("fine", None),
        ("darn", REPLACE),
        ("darn spam", FLAG),
        ("darn spam scam", HOLD),
        ("darn spam scam fraud", BLOCK),
        ("fraud darn", BLOCK),
    ],
)
def test_strongest_action_orders_block_hold_flag_replace(
    text: str, strongest: RuleAction | None
) -> None:
    rule_set = rules(
        ("darn", WORD, REPLACE), ("spam", WORD, FLAG), ("scam", WORD, HOLD), ("fraud", WORD, BLOCK)
    )
    screening = rule_set.screen(text)
    assert screening.strongest == strongest
    assert screening.blocked == (strongest == BLOCK)


def test_screening_properties_report_each_action() -> None:
    screening = Screening("x", (Hit(1, FLAG, "a", ""), Hit(2, HOLD, "b", "")))
    assert (screening.blocked, screening.held, screening.flagged) == (False, True, True)
    assert screening.strongest == HOLD


def test_empty_rule_set_returns_text_unchanged() -> None:
    assert RuleSet([]).screen("anything at all") == Screening("anything at all", ())


def test_rules_stored_with_model_enums_or_plain_strings_compile() -> None:
    rule_set = RuleSet([Rule(1, "Spam", "WORD", "FLAG")])  # type: ignore[arg-type]
    assert rule_set.screen("spam").hits == (Hit(1, FLAG, "spam", ""),)


def test_a_stored_rule_that_no_longer_validates_is_skipped_not_fatal() -> None:
    rule_set = RuleSet([Rule(1, "", WORD, BLOCK), Rule(2, "spam", WORD, FLAG)])
    assert [h.rule_id for h in rule_set.screen("spam").hits] == [2]


@pytest.mark.parametrize(
    ("pattern", "match", "text"),
    [
        ("a*a*b", SUBSTRING, "a" * 20_000),
        ("*a*b", WORD, "a" * 20_000),
        ("a*a*b", WORD, "a " * 10_000),
        ("(a+)+$", SUBSTRING, "a" * 20_000 + "!"),
    ],
)
def test_hostile_patterns_and_texts_screen_quickly(
    pattern: str, match: MatchKind, text: str
) -> None:
    rule_set = rules((pattern, match, FLAG))
    started = time.perf_counter()
    rule_set.screen(text)
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("  Spam  ", "spam"),
        ("ＳＰＡＭ*", "spam*"),
        ("buy   NOW", "buy now"),
        ("f**ck", "f*ck"),
        ("代购", "代购"),
    ],
)
def test_validate_pattern_cleans_what_it_accepts(raw: str, cleaned: str) -> None:
    assert validate_pattern(raw, WORD) == cleaned


@pytest.mark.parametrize(
    ("pattern", "match", "message"),
    [
        ("", WORD, "empty"),
        ("   \t", WORD, "empty"),
        ("*", WORD, "more than '*'"),
        (" ** ", SUBSTRING, "more than '*'"),
        ("x" * (MAX_PATTERN_LENGTH + 1), WORD, "at most"),
        ("a*b*c*d", WORD, "wildcards"),
        ("a", SUBSTRING, "one-letter"),
    ],
)
def test_validate_pattern_refuses_patterns_that_cannot_work(
    pattern: str, match: MatchKind, message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_pattern(pattern, match)
    assert caught.value.field == "pattern"
    assert message in caught.value.message


def test_validate_pattern_accepts_one_letter_words_and_one_chinese_character() -> None:
    assert validate_pattern("X", WORD) == "x"
    assert validate_pattern("屌", SUBSTRING) == "屌"


# --- the matching form: invisible characters, look-alikes, spelled-out letters ---------------


@pytest.mark.parametrize(
    "text",
    [
        "sc\u200bam",
        "sc\u00adam",
        "ѕсаm",
        "s.c.a.m",
        "s c a m",
        "s-c-a-m",
        "s_c_a_m",
        "SC\u2060AM",
        "what a s.c.a.m!",
        "这是ѕсаm广告",
    ],
)
def test_a_block_rule_blocks_every_disguise_of_a_word(text: str) -> None:
    screening = rules(("scam", WORD, BLOCK)).screen(text)
    assert screening.blocked
    assert screening.hits[0].matched in text


@pytest.mark.parametrize(
    "text", ["诈 骗", "诈.骗", "诈，骗", "诈\u200b骗", "诈\u3000骗", "这是诈 骗吗", "诈 。 骗"]
)
def test_a_block_rule_blocks_a_chinese_word_split_by_separators(text: str) -> None:
    assert rules(("诈骗", WORD, BLOCK)).screen(text).blocked


def test_a_masked_look_alike_is_masked_over_its_original_characters_only() -> None:
    screening = rules(("scam", WORD, REPLACE)).screen("a ѕсаm, a sc\u200bam.")
    assert screening.text == "a ****, a *****."
    assert [h.matched for h in screening.hits] == ["ѕсаm"]


def test_a_spelled_out_word_is_masked_with_the_separators_between_its_letters() -> None:
    assert rules(("scam", WORD, REPLACE)).screen("no s.c.a.m. here").text == "no *******. here"


def test_a_word_and_its_disguises_are_one_hit() -> None:
    hits = rules(("scam", WORD, HOLD)).screen("scam, ѕсаm, s c a m and SCAM").hits
    assert [h.matched for h in hits] == ["scam"]


@pytest.mark.parametrize("text", ["scampi", "scams", "sca m", "s cam", "s.c.a.m.p.i", "escam"])
def test_a_word_rule_does_not_match_longer_words_or_a_word_split_unevenly(text: str) -> None:
    # `sca m` reads as two words: only single letters, each after one separator, are joined.
    assert matched(rules(("scam", WORD, BLOCK)), text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("e.g. a b", []),
        ("a b", []),
        ("a.b", []),
        ("plan a b c", ["a b c"]),
    ],
)
def test_two_spelled_out_letters_stay_apart_and_three_are_joined(
    text: str, found: list[str]
) -> None:
    rule_set = rules(("ab", WORD, FLAG), ("abc", WORD, FLAG))
    assert matched(rule_set, text) == found


def test_letters_the_skeleton_calls_confusable_match_each_other() -> None:
    # TR39 reads `rn` as `m` and `0` as `o`: the price of catching look-alikes. A digit that
    # looks like no letter (`4`) stays a digit in texts.
    rule_set = rules(("scam", WORD, FLAG), ("boo", WORD, FLAG))
    assert matched(rule_set, "scarn b00 sc4m") == ["scarn", "b00"]


def test_a_pattern_written_with_look_alikes_or_invisible_characters_matches_plain_text() -> None:
    rule_set = rules(("ѕсаm", WORD, FLAG), ("sp\u200bam", WORD, FLAG), ("u.s.a", WORD, FLAG))
    assert matched(rule_set, "scam spam usa") == ["scam", "spam", "usa"]
    assert matched(rules(("u.s.a", WORD, FLAG)), "made in u.s.a.") == ["u.s.a"]


def test_a_look_alike_of_the_wildcard_in_a_pattern_stays_a_literal_character() -> None:
    rule_set = rules(("a⁎b", SUBSTRING, FLAG))
    assert matched(rule_set, "a⁎b axb ab") == ["a⁎b"]


def test_a_stored_rule_of_only_invisible_characters_is_skipped_not_fatal() -> None:
    rule_set = RuleSet([Rule(1, "\u200b", WORD, BLOCK), Rule(2, "spam", WORD, FLAG)])
    assert [h.rule_id for h in rule_set.screen("spam and eggs").hits] == [2]
