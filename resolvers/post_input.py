"""What a client sends to write a post, cleaned: the kinds' limits on title, body, tags and
media, and the texts of a post that screening reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from resolvers import validation
from resolvers.credits import CreditDraft
from server.errors import InvalidInput
from server.models import MediaKind, PostKind
from server.settings import Settings

MAX_BODY = {PostKind.MOMENT: 5_000, PostKind.ARTICLE: 50_000}
MAX_TITLE = 120
MAX_TAGS = 10
MAX_TAG_LENGTH = 30
MAX_MEDIA = 9
MAX_MEDIA_SIDE = 20_000


@dataclass
class MediaInput:
    url: str
    kind: MediaKind = MediaKind.IMAGE
    width: int | None = None
    height: int | None = None
    alt: str | None = None


@dataclass
class PostDraft:
    kind: PostKind
    body: str
    title: str | None = None
    tags: list[str] = field(default_factory=list)
    media: list[MediaInput] = field(default_factory=list)
    group_slug: str | None = None
    as_persona: str | None = None
    # The people it was made with; None and [] both credit nobody.
    credits: list[CreditDraft] | None = None
    # Offered as product feedback (a group post only).
    feedback: bool = False


@dataclass
class PostChanges:
    title: str | None = None
    body: str | None = None
    tags: list[str] | None = None
    media: list[MediaInput] | None = None
    # The credits it should carry from now on; None keeps them.
    credits: list[CreditDraft] | None = None
    # Mark or unmark it as product feedback; None keeps it.
    feedback: bool | None = None


def clean_title(kind: PostKind, title: str | None) -> str | None:
    if kind == PostKind.ARTICLE:
        return validation.text(title, "title", maximum=MAX_TITLE, label="An article's title")
    if title is not None and title.strip():
        raise InvalidInput("Moments have no title; write an article for that.", field="title")
    return None


def clean_body(kind: PostKind, body: str | None) -> str:
    return validation.text(body, "body", maximum=MAX_BODY[kind], label="The body")


def clean_tags(tags: list[str] | None) -> list[str]:
    raw = [t for t in tags or [] if t.strip().lstrip("#").strip()]
    cleaned = list(dict.fromkeys(validation.tag(t, maximum=MAX_TAG_LENGTH) for t in raw))
    if len(cleaned) > MAX_TAGS:
        raise InvalidInput(f"At most {MAX_TAGS} tags.", field="tags")
    return cleaned


def clean_media(media: list[MediaInput] | None, settings: Settings) -> list[dict[str, Any]]:
    items = media or []
    if len(items) > MAX_MEDIA:
        raise InvalidInput(f"At most {MAX_MEDIA} images or videos per post.", field="media")
    cleaned = []
    for item in items:
        url = validation.url(item.url, "media", allow_http=settings.development)
        if url is None:
            raise InvalidInput("Every image or video needs a URL.", field="media")
        for side in (item.width, item.height):
            if side is not None and not 0 < side <= MAX_MEDIA_SIDE:
                raise InvalidInput(
                    f"Width and height are between 1 and {MAX_MEDIA_SIDE} pixels.", field="media"
                )
        alt = validation.optional_text(item.alt, "media", maximum=500, label="Alt text") or ""
        cleaned.append(
            {
                "url": url,
                "kind": str(item.kind),
                "width": item.width,
                "height": item.height,
                "alt": alt or None,
            }
        )
    return cleaned


def screened_fields(
    title: str | None, body: str, tags: list[str], media: list[dict[str, Any]]
) -> dict[str, str]:
    """Every text of a post that others read: the title and body (masked where a rule says),
    and the tags and alt texts (refused or held like the body, never masked)."""
    return {
        "title": title or "",
        "body": body,
        "tags": " ".join(tags),
        "media": " ".join(m["alt"] for m in media if m.get("alt")),
    }
