"""The matching form and the name keys: invisible characters, look-alikes, spelled-out letters,
separated Chinese characters, reserved and look-alike handles, refused names, cleaned bodies."""

from __future__ import annotations

import time

import pytest

from moderation.names import (
    clean_body,
    handle_key,
    has_surrogate,
    is_reserved_handle,
    looks_like,
    name_problem,
    names_look_alike,
    skeleton,
)
from moderation.text import fold_pattern, matching_form

BYPASSES = [
    "scam",
    "SCAM",
    "ＳＣＡＭ",
    "sc\u200bam",
    "sc\u00adam",
    "ѕсаm",
    "s.c.a.m",
    "s c a m",
    "s-c-a-m",
    "s_c_a_m",
]


def test_look_alikes_fold_to_latin_and_keep_the_spans_of_what_was_written() -> None:
    # The skeleton writes `m` as `rn`: both letters come from the one `m`.
    assert matching_form("ѕсаm") == ("scarn", [0, 1, 2, 3, 3], [1, 2, 3, 4, 4])


@pytest.mark.parametrize("text", BYPASSES)
def test_a_pattern_is_found_in_every_bypass_of_it(text: str) -> None:
    assert fold_pattern("scam") in matching_form(text)[0]


@pytest.mark.parametrize(
    "invisible",
    [
        "\u200b",  # zero-width space
        "\u00ad",  # soft hyphen
        "\u034f",  # combining grapheme joiner
        "\u2060",  # word joiner
        "\ufeff",  # byte order mark
        "\u180e",  # Mongolian vowel separator
        "\u3164",  # Hangul filler
        "\u17b4",  # Khmer vowel inherent
        "\ufe0f",  # variation selector
        "\U000e0041",  # tag letter
        "\u200d",  # zero-width joiner
    ],
)
def test_invisible_characters_are_removed_and_skipped_in_the_spans(invisible: str) -> None:
    form, starts, ends = matching_form(f"sc{invisible}am")
    assert form == "scarn"
    assert (starts[2], ends[-1]) == (3, 5)


def test_composed_and_decomposed_accents_match_alike_and_map_to_whole_characters() -> None:
    assert matching_form("café")[0] == matching_form("cafe\u0301")[0]
    assert matching_form("cafe\u0301 x") == ("café x", [0, 1, 2, 3, 5, 6], [1, 2, 3, 5, 6, 7])


def test_an_nfkc_expansion_maps_every_character_to_the_one_it_came_from() -> None:
    assert matching_form("5㎏") == ("5kg", [0, 1, 1], [1, 2, 2])


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("诈 骗", "诈骗"),
        ("诈.骗", "诈骗"),
        ("诈，骗", "诈骗"),
        ("诈\u3000骗", "诈骗"),
        ("诈 。😀 骗", "诈骗"),
        ("诈 scam", "诈 scarn"),
    ],
)
def test_separators_between_chinese_or_japanese_characters_are_dropped(
    text: str, form: str
) -> None:
    assert matching_form(text)[0] == form


def test_separators_between_kana_are_dropped_and_between_hangul_kept() -> None:
    assert matching_form("ス パ ム")[0] == matching_form("スパム")[0]
    # Korean puts spaces between words.
    assert matching_form("나쁜 말")[0] != matching_form("나쁜말")[0]


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("s.c.a.m", "scarn"),
        ("s c a m", "scarn"),
        ("s/c/a/m!", "scarn!"),
        ("the s c a m is", "the scarn is"),
        ("1 2 3", "l23"),
        # Three letters at least: two are an abbreviation or a pair of names.
        ("e.g. a b", "e.g. a b"),
        ("a.b", "a.b"),
        # Exactly one separator between letters, and no letter next to a longer word.
        ("s. c. a. m", "s. c. a. rn"),
        ("sca m", "sca rn"),
        ("a.b.c.de", "abc.de"),
        # One separator throughout: the article before a spelled-out word stays a word.
        ("a s.c.a.m", "a scarn"),
        ("s.c-a_m", "s.c-a_rn"),
    ],
)
def test_runs_of_three_or_more_spelled_out_letters_are_joined(text: str, form: str) -> None:
    assert matching_form(text)[0] == form


@pytest.mark.parametrize(
    "text",
    [
        '50% off "m" s.c.a.m',
        "x\u0000y",
        "MIXED case | pipes 1 0",
        "a b c d e f",
        "诈 骗 ѕсаm sc\u200bam s\u200b.c.a.m ﬁ 5㎏",
    ],
)
def test_a_text_forms_alike_whether_or_not_a_combining_mark_follows_it(text: str) -> None:
    # A combining mark anywhere sends the whole text through the slower loop over units.
    form, starts, ends = matching_form(text)
    size = len(text)
    assert matching_form(text + "  e\u0301") == (
        form + "  é",
        [*starts, size, size + 1, size + 2],
        [*ends, size + 1, size + 2, size + 4],
    )
    assert len(form) == len(starts) == len(ends)


def test_separators_keep_their_form_where_a_skeleton_would_add_letters_or_syntax() -> None:
    # The skeleton of `%` is `º/₀` and that of `⁎` is `*`.
    assert matching_form("50%off")[0] == "5o%off"
    assert fold_pattern("a⁎b") == "a⁎b"


@pytest.mark.parametrize(
    ("pattern", "folded"),
    [
        ("scam", "scarn"),
        ("ѕсаm", "scarn"),
        ("spam*", "sparn*"),
        ("f*ck you", "f*ck you"),
        ("buy now", "buy now"),
        ("诈 骗", "诈骗"),
        ("诈*骗", "诈*骗"),
        ("u.s.a", "usa"),
        ("a*b*c", "a*b*c"),
        ("sc\u200bam", "scarn"),
        ("a \u200b b", "a b"),
    ],
)
def test_fold_pattern_maps_like_a_text_and_keeps_wildcards_and_spaces(
    pattern: str, folded: str
) -> None:
    assert fold_pattern(pattern) == folded


def test_a_spelled_out_pattern_matches_the_text_it_is_copied_from() -> None:
    assert fold_pattern("u.s.a") == matching_form("made in u.s.a")[0][-3:]


def test_skeleton_folds_look_alikes_case_width_and_whitespace() -> None:
    assert skeleton("Сharging  Аssistant") == skeleton("charging assistant")
    assert skeleton("ＡＤＭＩＮ\u200b") == skeleton("admin") == "adrnin"


@pytest.mark.parametrize(
    "handle", ["admin", "Admin", "adm1n", "admln", "4dmin", "admin_", "admin_2024", "adrnin"]
)
def test_handle_key_is_shared_by_the_spellings_of_a_handle(handle: str) -> None:
    assert handle_key(handle) == handle_key("admin")


@pytest.mark.parametrize(
    "handle",
    [
        "admin",
        "admin_",
        "adm1n",
        "ad_min",
        "official",
        "0fficial",
        "support",
        "system",
        "root",
        "nio_official",
        "admin2024",
        "adminnio",
        "supportteam",
        "car_mod",
        "help",
        "noreply",
    ],
)
def test_reserved_handles_and_their_disguises_are_reserved(handle: str) -> None:
    assert is_reserved_handle(handle)


@pytest.mark.parametrize(
    "handle",
    [
        "badminton_fan",
        "rooted_in_shanghai",
        "supporter",
        "supportive",
        "ann",
        "ben_owner",
        "help_me",
        "car_service",
        "root_beer",
        "xadmin",
    ],
)
def test_ordinary_handles_are_not_reserved(handle: str) -> None:
    assert not is_reserved_handle(handle)


@pytest.mark.parametrize(
    ("handle", "alike"),
    [
        ("charging_assistant", True),
        ("charging_asistant", True),
        ("chargingassistant", True),
        ("charging_assistant1", True),
        ("charglng_assistant", True),
        ("charging_assistnat", True),
        ("hcarging_assistant", True),
        ("charging_assistants", True),
        ("charging_fan", False),
        ("charging_assist", False),
    ],
)
def test_looks_like_finds_near_copies_of_a_handle(handle: str, alike: bool) -> None:
    assert looks_like(handle, "charging_assistant") is alike


def test_short_handles_look_alike_only_with_equal_keys() -> None:
    assert looks_like("b0b", "bob")
    assert looks_like("bob_1", "bob")
    assert not looks_like("anna", "ann")
    assert not looks_like("bib", "bob")


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("充电助手", "充电 助手"),
        ("Charging Assistant", "Сharging Аssistant"),
        ("Charging Assistant", "Charging\u200b Assistant"),
        ("Charging Assistant", "charging_assistant"),
        ("Charging Assistant", "CHARGING  ASSISTANT"),
    ],
)
def test_names_look_alike_when_their_skeletons_match(name: str, other: str) -> None:
    assert names_look_alike(name, other)


@pytest.mark.parametrize(("name", "other"), [("Ann", "Anna"), ("充电助手", "充电"), ("", "")])
def test_different_or_empty_names_do_not_look_alike(name: str, other: str) -> None:
    assert not names_look_alike(name, other)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("a\x00b", "control character (U+0000)"),
        ("a\tb", "control character (U+0009)"),
        ("a\nb", "control character (U+000A)"),
        ("a\u202eb", "bidirectional control (U+202E)"),
        ("a\u2066b", "bidirectional control (U+2066)"),
        ("a\u200fb", "bidirectional control (U+200F)"),
        ("a\u200bb", "invisible space (U+200B)"),
        ("a\ufeffb", "invisible space (U+FEFF)"),
        ("a\u3164b", "invisible space (U+3164)"),
        ("a\ud800b", "lone surrogate (U+D800)"),
        ("a\ue000b", "private-use character (U+E000)"),
        ("a\U000f0000b", "private-use character (U+F0000)"),
    ],
)
def test_name_problem_names_what_a_name_may_not_contain(name: str, problem: str) -> None:
    found = name_problem(name)
    assert found is not None and problem in found


@pytest.mark.parametrize(
    "name", ["Ann 🚗", "李雷", "👨\u200d👩\u200d👧 family", "❤\ufe0f Zoë", "Ann-Marie O'Neil"]
)
def test_name_problem_accepts_names_with_emoji_sequences_and_any_script(name: str) -> None:
    assert name_problem(name) is None


def test_clean_body_normalises_line_breaks_and_removes_controls_but_keeps_joiners() -> None:
    raw = "one\r\ntwo\rthree\x00\x07\x7f\x85\tfour \u202eevil\u2069 👨\u200d👩\u200d👧\n"
    assert clean_body(raw) == "one\ntwo\nthree\tfour evil 👨\u200d👩\u200d👧\n"


def test_has_surrogate_finds_lone_surrogates_only() -> None:
    assert has_surrogate("a\udc00")
    assert not has_surrogate("a 😀 b")


@pytest.mark.parametrize(
    "text",
    [
        ("Charging at home is cheap, my 2020 model does 300 km. " * 1000)[:50_000],
        ("今天去充电站充电，人很多，等了半个小时。冬天续航下降明显。\n" * 2000)[:50_000],
    ],
)
def test_a_long_article_forms_quickly(text: str) -> None:
    started = time.perf_counter()
    form, starts, ends = matching_form(text)
    assert time.perf_counter() - started < 1
    assert len(form) == len(starts) == len(ends)
