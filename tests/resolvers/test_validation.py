"""Input rules shared by the use cases, without a database: each refusal names its field."""

from __future__ import annotations

import pytest

from resolvers import validation
from server.errors import InvalidInput


def refusal(check, *args, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        check(*args, **kwargs)
    return refused.value


@pytest.mark.parametrize(
    "url",
    [
        "http://img.example.com/a.jpg",
        "ftp://img.example.com/a.jpg",
        "https://user:secret@img.example.com/a.jpg",
        "https://localhost/a.jpg",
        "https://printer.local/a.jpg",
        "https://intranet/a.jpg",
        "https://127.0.0.1/a.jpg",
        "https://2130706433/a.jpg",
        "https://0x7f.1/a.jpg",
        "https://0177.0.0.1/a.jpg",
        "https://10.1.2.3/a.jpg",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/a.jpg",
        "https://[::ffff:192.168.0.1]/a.jpg",
        "https://img.example.com:99999/a.jpg",
        "https://img.example.com/a b.jpg",
    ],
)
def test_a_url_must_be_https_to_a_public_address(url):
    assert refusal(validation.url, url, "avatarUrl").field == "avatarUrl"


@pytest.mark.parametrize(
    "url",
    ["https://img.example.com/a.jpg", "https://93.184.216.34/a.jpg", "https://[2606:4700::1]/"],
)
def test_a_public_https_url_is_kept(url):
    assert validation.url(f"  {url} ", "avatarUrl") == url


def test_plain_http_is_allowed_in_development_only():
    assert validation.url("http://img.example.com/a.jpg", "media", allow_http=True)
    assert (
        refusal(validation.url, "http://10.0.0.1/a.jpg", "media", allow_http=True).field == "media"
    )


def test_an_empty_url_means_none():
    assert validation.url("   ", "avatarUrl") is None


@pytest.mark.parametrize("handle", ["1ann", "an", "ann-lee", "a" * 31, "ann lee", "änn"])
def test_a_handle_is_a_letter_then_letters_digits_or_underscores(handle):
    assert refusal(validation.handle, handle).field == "handle"


def test_a_handle_is_lowercased_and_loses_its_at_sign():
    assert validation.handle(" @Ann_Lee ") == "ann_lee"


@pytest.mark.parametrize("slug", ["ab", "-road", "road-", "road_trips", "r" * 51])
def test_a_slug_has_lowercase_letters_digits_and_inner_dashes(slug):
    assert refusal(validation.slug, slug).field == "slug"


def test_a_long_text_loses_bidi_controls_and_an_empty_one_is_refused():
    assert validation.text("a\u202eb\x00c", "body", maximum=10, label="The body") == "abc"
    error = refusal(validation.text, " \u200e ", "body", maximum=10, label="The body")
    assert (error.field, error.message) == ("body", "The body cannot be empty.")
    too_long = refusal(validation.text, "x" * 11, "body", maximum=10, label="The body")
    assert "11 characters, at most 10" in too_long.message


@pytest.mark.parametrize("value", ["Ann\u202e", "Ann\u200bLee", "Ann\x07"])
def test_a_name_with_hidden_characters_is_refused_not_cleaned(value):
    assert refusal(validation.name, value, "displayName", maximum=64, label="Name").field == (
        "displayName"
    )


def test_a_lone_surrogate_is_refused_everywhere():
    for check, args in (
        (validation.text, ("\ud800", "bio")),
        (validation.name, ("\ud800", "bio")),
    ):
        assert refusal(check, *args, maximum=10, label="Bio").field == "bio"
    assert refusal(validation.password, "\ud800" * 8).field == "password"


@pytest.mark.parametrize(
    ("tag", "cleaned"),
    [("#ES8", "es8"), (" 换电 ", "换电"), ("ＥＴ５", "et5"), ("road_trip", "road_trip")],
)
def test_a_tag_is_folded_and_lowercased(tag, cleaned):
    assert validation.tag(tag, maximum=30) == cleaned


@pytest.mark.parametrize("tag", ["two words", "<b>", "a+b", "#", "x" * 31])
def test_a_tag_is_one_word(tag):
    assert refusal(validation.tag, tag, maximum=30).field == "tags"


def test_short_labels_are_deduplicated_and_limited():
    models = validation.string_list(
        ["ES8", " ES8 ", "ET5", ""],
        "vehicleModels",
        maximum_items=3,
        maximum_length=40,
        label="models",
    )
    assert models == ["ES8", "ET5"]
    error = refusal(
        validation.string_list,
        ["A1", "B2", "C3"],
        "vehicleModels",
        maximum_items=2,
        maximum_length=40,
        label="models",
    )
    assert error.field == "vehicleModels"


def test_a_label_given_twice_counts_once_against_the_limit():
    models = validation.string_list(
        ["ES8", " ES8 ", "ET5"],
        "vehicleModels",
        maximum_items=2,
        maximum_length=40,
        label="models",
    )
    assert models == ["ES8", "ET5"]
