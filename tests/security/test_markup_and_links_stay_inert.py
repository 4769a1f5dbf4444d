"""Promise: what people write stays text. A tag is one word of letters (any script, CJK
included), digits, `-` and `_`; search highlights mark only what the search matched, and no text
can forge a mark; every URL a client will load (an avatar, a post's media) is https (plain http
in development only), carries no user name or password, and points to a public address, never
to loopback, link-local, private or internal hosts, however the address is spelled.

Attacks (seen before the fix): a tag `<svg/onload=alert(3)>` was stored and shown as it was;
the private-use characters U+E000 and U+E001 that Meilisearch was asked to mark matches with,
written into a post's body, came back as `<mark>` in search highlights; `avatarUrl` and media
URLs took anything, `javascript:` and internal addresses such as `http://169.254.169.254/`
(the cloud metadata service) included.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from search.engine import SearchEngine
from search.indexes import SPECS
from search.query import POST, PRE, Highlight, highlights
from server.app import create_app
from server.db import Database
from server.models import Post, User
from server.settings import Settings
from tests.conftest import Api, running
from tests.search import test_search
from tests.security.conftest import Accounts

# The app-with-search fixtures live in tests/search/test_search.py, out of this folder's sight:
# naming them here makes them visible (the Meilisearch they use is the session's one).
search_settings = test_search.search_settings
engine = test_search.engine
search_api = test_search.search_api

CREATE_POST = """mutation($input: CreatePostInput!) { createPost(input: $input) {
  __typename ... on CreatePostSuccess { post { id body tags media { url alt } } }
  ... on ValidationError { field message } ... on Error { message } } }"""
UPDATE_PROFILE = """mutation($input: UpdateProfileInput!) { updateProfile(input: $input) {
  __typename ... on UpdateProfileSuccess { user { avatarUrl } }
  ... on ValidationError { field message } ... on Error { message } } }"""


async def create_post(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    values = {"kind": "MOMENT", "body": "Out on the road"} | fields
    return (await api.data(CREATE_POST, {"input": values}, token=token))["createPost"]


async def set_avatar(api: Api, token: str, url: str) -> dict[str, Any]:
    return (await api.data(UPDATE_PROFILE, {"input": {"avatarUrl": url}}, token=token))[
        "updateProfile"
    ]


async def attach(api: Api, token: str, url: str) -> dict[str, Any]:
    return await create_post(api, token, media=[{"url": url, "alt": "the view"}])


# --- tags -----------------------------------------------------------------------------------------

NOT_TAGS = {
    "svg onload": "<svg/onload=alert(3)>",
    "script element": "<script>x</script>",
    "quote and angle bracket": 'a"><b',
    "ampersand": "a&b",
    "space": "road trip",
    "ideographic space": "换电\u3000站",
    "slash": "ev/life",
    "dot": "es.6",
    "dollar": "$100",
    "plus": "c++",
    "car emoji": "\U0001f697",
    "emoji after a word": "ev\U0001f50b",
    "zero-width space": "ev\u200blife",
    "soft hyphen": "ev\u00adlife",
    "private use": "\ue000ev\ue001",
    "right-to-left override": "ev\u202elife",
}


@pytest.mark.parametrize("tag", NOT_TAGS.values(), ids=NOT_TAGS.keys())
async def test_tags_refuse_markup_spaces_symbols_and_emoji(
    api: Api, accounts: Accounts, tag: str
) -> None:
    token = await accounts.make("kim")

    result = await create_post(api, token, tags=["ev", tag])

    assert result["__typename"] == "ValidationError", result
    assert result["field"] == "tags"
    assert not await Post.exists()


TAGS = {
    "换电": "换电",
    "es6": "es6",
    "road-trip": "road-trip",
    "ev_life": "ev_life",
    "#Road-Trip": "road-trip",
    "ＥＳ８": "es8",
    "Café": "café",
    "電気自動車": "電気自動車",
}


@pytest.mark.parametrize(("tag", "stored"), TAGS.items(), ids=TAGS.keys())
async def test_tags_accept_letters_digits_cjk_hyphen_and_underscore(
    api: Api, accounts: Accounts, tag: str, stored: str
) -> None:
    token = await accounts.make("kim")

    result = await create_post(api, token, tags=[tag])

    assert result["__typename"] == "CreatePostSuccess", result
    assert result["post"]["tags"] == [stored]
    assert await Post.all().values_list("tags", flat=True) == [[stored]]


# --- URLs -----------------------------------------------------------------------------------------

NOT_PUBLIC_HTTPS = {
    "plain http": "http://img.example.com/a.jpg",
    "javascript": "javascript:alert(document.cookie)",
    "data": "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    "credentials": "https://user:pw@example.com/a.png",
    "user name only": "https://user@example.com/a.png",
    "localhost": "https://localhost/a.png",
    "localhost with a trailing dot": "https://localhost./a.png",
    "loopback": "https://127.0.0.1/a.png",
    "loopback short form": "https://127.1/a.png",
    "loopback as a number": "https://2130706433/a.png",
    "loopback in hex": "https://0x7f000001/a.png",
    "loopback in octal": "https://0177.0.0.1/a.png",
    "ipv6 loopback": "https://[::1]/a.png",
    "ipv4-mapped loopback": "https://[::ffff:127.0.0.1]/a.png",
    "private 10/8": "https://10.0.0.5/a.png",
    "private 192.168/16": "https://192.168.1.1/a.png",
    "link-local metadata": "https://169.254.169.254/latest/meta-data/",
    "unspecified": "https://0.0.0.0/a.png",
    "internal name": "https://metadata.internal/a.png",
    "single-label host": "https://intranet/a.png",
    "no host": "https:///a.png",
}
PUBLIC_HTTPS = {
    "plain": "https://img.example.com/a.jpg",
    "with a port and a query": "https://img.example.com:8443/a.jpg?w=640",
    "idn host": "https://bücher.example/cover.png",
    "idn host in punycode": "https://xn--bcher-kva.example/cover.png",
}


@pytest.mark.parametrize("url", NOT_PUBLIC_HTTPS.values(), ids=NOT_PUBLIC_HTTPS.keys())
async def test_avatar_and_media_urls_refuse_anything_but_a_public_https_address(
    api: Api, accounts: Accounts, url: str
) -> None:
    token = await accounts.make("kim")

    avatar = await set_avatar(api, token, url)
    media = await attach(api, token, url)

    assert (avatar["__typename"], avatar["field"]) == ("ValidationError", "avatarUrl"), avatar
    assert (media["__typename"], media["field"]) == ("ValidationError", "media"), media
    assert await User.get(handle="kim").values_list("avatar_url", flat=True) is None
    assert not await Post.exists()


@pytest.mark.parametrize("url", PUBLIC_HTTPS.values(), ids=PUBLIC_HTTPS.keys())
async def test_avatar_and_media_urls_accept_a_public_https_address(
    api: Api, accounts: Accounts, url: str
) -> None:
    token = await accounts.make("kim")

    avatar = await set_avatar(api, token, url)
    media = await attach(api, token, url)

    assert avatar == {"__typename": "UpdateProfileSuccess", "user": {"avatarUrl": url}}
    assert media["__typename"] == "CreatePostSuccess", media
    assert media["post"]["media"] == [{"url": url, "alt": "the view"}]


async def test_plain_http_urls_are_for_development_only_and_never_reach_inside(
    settings: Settings, db: Database, accounts: Accounts
) -> None:
    token = await accounts.make("kim")
    development = replace(settings, environment="development")
    async with running(create_app(development, database=db)) as client:
        api = Api(client)

        public = "http://img.example.com/a.jpg"
        assert (await set_avatar(api, token, public))["__typename"] == "UpdateProfileSuccess"
        assert (await attach(api, token, public))["__typename"] == "CreatePostSuccess"

        for inside in ("http://127.0.0.1/a.png", "http://169.254.169.254/", "http://localhost/"):
            assert (await set_avatar(api, token, inside))["field"] == "avatarUrl", inside
            assert (await attach(api, token, inside))["field"] == "media", inside

    assert await User.get(handle="kim").values_list("avatar_url", flat=True) == public
    assert await Post.all().count() == 1


# --- search highlights ----------------------------------------------------------------------------

SEARCH = """query($q: String!) { search(query: $q, types: [POST], first: 10) {
  edges { highlights { field snippet } node { ... on Post { id body } } } } }"""


async def test_search_highlights_cannot_be_forged_with_private_use_marks(
    search_api: Api, engine: SearchEngine
) -> None:
    token = await search_api.register("kim")
    body = "\ue000evil\ue001 \ue000<script>alert(1)</script>\ue001 waits at the charging station"
    written = await create_post(search_api, token, body=body)
    assert written["__typename"] == "CreatePostSuccess", written
    await test_search.settled(search_api, engine)

    data = await search_api.data(SEARCH, {"q": "charging"})

    [edge] = data["search"]["edges"]
    assert edge["node"]["id"] == written["post"]["id"]
    [highlight] = edge["highlights"]
    assert highlight["field"] == "body"
    assert highlight["snippet"] == (
        "evil &lt;script&gt;alert(1)&lt;/script&gt; waits at the <mark>charging</mark> station"
    )


def post_highlights(body: str) -> list[Highlight]:
    """The highlights of a post hit whose body Meilisearch formatted as `body`."""
    return highlights({"id": 1, "_formatted": {"title": "", "body": body}}, SPECS["posts"])


def test_highlights_mark_only_what_meilisearch_marked() -> None:
    forged = f"\ue000evil\ue001 <b>and</b> {PRE}charging{POST}{PRE}站{POST} \ue001x\ue000"

    assert post_highlights(forged) == [
        Highlight("body", "evil &lt;b&gt;and&lt;/b&gt; <mark>charging站</mark> x")
    ]


def test_highlights_ignore_a_text_marked_only_by_its_writer() -> None:
    assert post_highlights("\ue000evil\ue001 <mark>evil</mark>") == []
