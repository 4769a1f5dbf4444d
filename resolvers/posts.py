"""Posts: write, edit, publish, schedule, delete; read one; the feeds."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import Q, Subquery

from moderation import policies
from resolvers import validation
from resolvers.context import Context
from resolvers.events import EventLog, writing
from resolvers.lookups import group_by_slug as get_group
from resolvers.lookups import user_by_handle as get_user
from resolvers.moderation import Target, deleted_by_staff
from resolvers.notifications import notify_mentions
from resolvers.pagination import Listing, Page, id_key, keyset_page, time_key
from resolvers.screening import review_if_needed, screen
from resolvers.visibility import visible_post
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    EventKind,
    Follow,
    GroupMembership,
    MediaKind,
    ModerationTarget,
    PersonaAccount,
    Post,
    PostKind,
    PostRevision,
    PostState,
    SearchEntity,
)
from server.models.groups import Group
from server.models.users import User
from server.settings import Settings

log = logging.getLogger(__name__)

MAX_BODY = {PostKind.MOMENT: 5_000, PostKind.ARTICLE: 50_000}
MAX_TITLE = 120
MAX_TAGS = 10
MAX_TAG_LENGTH = 30
MAX_MEDIA = 9
MAX_MEDIA_SIDE = 20_000
MAX_SCHEDULE_AHEAD = timedelta(days=366)
FEED_KEYS = (time_key("published_at"), id_key())
GLOBAL_FEED = Listing("globalFeed", *FEED_KEYS)
HOME_FEED = Listing("homeFeed", *FEED_KEYS)
GROUP_FEED = Listing("groupFeed", *FEED_KEYS)
USER_POSTS = Listing("userPosts", *FEED_KEYS)
DRAFTS = Listing("drafts", time_key("created_at"), id_key())


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


@dataclass
class PostChanges:
    title: str | None = None
    body: str | None = None
    tags: list[str] | None = None
    media: list[MediaInput] | None = None


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


async def _acting_author(
    ctx: Context, viewer: User, as_persona: str | None
) -> tuple[int, int | None]:
    """The author id a post is written under, and the operator id when it is a persona's:
    only a current operator of the persona who still holds an employee badge writes as it."""
    if not as_persona:
        return viewer.id, None
    persona_user = await get_user(as_persona)
    if persona_user is None or not await PersonaAccount.filter(user_id=persona_user.id).exists():
        raise NotFound(f"No persona account @{as_persona.strip().lstrip('@')}.")
    if persona_user.id not in await ctx.acts_for():
        raise Forbidden(f"You do not operate @{persona_user.handle}.")
    return persona_user.id, viewer.id


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


async def create_post(ctx: Context, draft: PostDraft, *, publish: bool) -> Post:
    viewer = policies.require_writer(ctx.viewer)
    title = clean_title(draft.kind, draft.title)
    body = clean_body(draft.kind, draft.body)
    tags = clean_tags(draft.tags)
    media = clean_media(draft.media, ctx.settings)
    group_id = None
    if draft.group_slug:
        group = await get_group(draft.group_slug)
        if group is None:
            raise NotFound(f"No group with the slug '{draft.group_slug}'.")
        membership = await GroupMembership.get_or_none(group_id=group.id, user_id=viewer.id)
        if not policies.can_post_in_group(membership):
            raise Forbidden("Join the group to post in it.")
        group_id = group.id
    author_id, operator_id = await _acting_author(ctx, viewer, draft.as_persona)
    verdict = await screen(ctx, viewer, "post", screened_fields(title, body, tags, media))
    title, body = verdict.fields["title"] or None, verdict.fields["body"]
    held = publish and verdict.held
    now = datetime.now(UTC)
    async with writing(ctx.hub) as log:
        post = await Post.create(
            author_id=author_id,
            operator_id=operator_id,
            group_id=group_id,
            kind=draft.kind,
            title=title,
            body=body,
            tags=tags,
            media=media,
            state=PostState.HELD if held else PostState.PUBLISHED if publish else PostState.DRAFT,
            published_at=now if publish and not held else None,
        )
        if publish and not held:
            await went_live(log, post)
        if publish:
            await review_if_needed(log, verdict, target(post), viewer.id)
    return post


def target(post: Post) -> Target:
    """What a queue item about this post is about."""
    return Target(ModerationTarget.POST, post.id, post.author_id, post.group_id)


async def went_live(log: EventLog, post: Post) -> None:
    """What a post going live tells the world: the feeds, and the people it mentions."""
    await log.add(EventKind.POST_ADDED, post_id=post.id, group_id=post.group_id)
    await log.changed(SearchEntity.POST, post.id)
    text = f"{post.title or ''} {post.body}"
    await notify_mentions(log, text, post.author_id, post_id=post.id, group_id=post.group_id)


async def _own_post(ctx: Context, post_id: int) -> Post:
    """A post the viewer may change: one they can see (else it reads as missing) and write
    as (its author, or a current operator of its persona account)."""
    policies.require_writer(ctx.viewer)
    post = await visible_post(ctx, post_id)
    if post is None:
        raise NotFound("No such post.")
    if not policies.can_edit_post(post, await ctx.acts_for()):
        raise Forbidden("Only the author can change this post.")
    return post


async def update_post(ctx: Context, post_id: int, changes: PostChanges) -> Post:
    post = await _own_post(ctx, post_id)
    if post.state in (PostState.HIDDEN, PostState.REMOVED):
        raise Conflict("This post is under moderation and cannot be edited.")
    old: dict[str, Any] = {
        "title": post.title,
        "body": post.body,
        "tags": post.tags,
        "media": post.media,
    }
    new = dict(old)
    if changes.title is not None:
        new["title"] = clean_title(post.kind, changes.title)
    if changes.body is not None:
        new["body"] = clean_body(post.kind, changes.body)
    if changes.tags is not None:
        new["tags"] = clean_tags(changes.tags)
    if changes.media is not None:
        new["media"] = clean_media(changes.media, ctx.settings)
    if new == old:
        return post
    viewer = policies.require_writer(ctx.viewer)
    texts = screened_fields(new["title"], str(new["body"]), new["tags"], new["media"])
    verdict = await screen(ctx, viewer, "post", texts)
    new["title"], new["body"] = verdict.fields["title"] or None, verdict.fields["body"]
    changed = {key: value for key, value in new.items() if value != old[key]}
    now = datetime.now(UTC)
    async with writing(ctx.hub) as log:
        # Only the edited columns, and only while the post is in the state it was read in: a
        # moderator who hid it meanwhile wins, and the edit is refused rather than republishing.
        updated = await Post.filter(id=post.id, state=post.state).update(
            **changed, edited_at=now, updated_at=now
        )
        if not updated:
            raise Conflict("The post changed meanwhile (a moderator may have acted); look again.")
        await PostRevision.create(post_id=post.id, editor_id=viewer.id, **old)
        await post.refresh_from_db()
        if post.state == PostState.PUBLISHED:
            await log.add(EventKind.POST_UPDATED, post_id=post.id)
            await log.changed(SearchEntity.POST, post.id)
            # An edit that trips a rule goes to the queue; the post stays up meanwhile.
            verdict.hold_reasons.clear()
            await review_if_needed(log, verdict, target(post), viewer.id)
    return post


async def publish_post(ctx: Context, post_id: int) -> Post:
    post = await _own_post(ctx, post_id)
    if post.state != PostState.DRAFT:
        raise Conflict("Only drafts can be published.")
    viewer = policies.require_writer(ctx.viewer)
    texts = screened_fields(post.title, post.body, post.tags, post.media)
    verdict = await screen(ctx, viewer, "post", texts)
    now = datetime.now(UTC)
    async with writing(ctx.hub) as log:
        # Claimed like the scheduler claims a due draft: it goes out once, whoever is first.
        claimed = await Post.filter(id=post.id, state=PostState.DRAFT).update(
            title=verdict.fields["title"] or None,
            body=verdict.fields["body"],
            state=PostState.HELD if verdict.held else PostState.PUBLISHED,
            published_at=None if verdict.held else now,
            scheduled_at=None,
            updated_at=now,
        )
        if not claimed:
            raise Conflict("Only drafts can be published.")
        await post.refresh_from_db()
        if not verdict.held:
            await went_live(log, post)
        await review_if_needed(log, verdict, target(post), viewer.id)
    return post


async def schedule_post(ctx: Context, post_id: int, publish_at: datetime | None) -> Post:
    post = await _own_post(ctx, post_id)
    if post.state != PostState.DRAFT:
        raise Conflict("Only drafts can be scheduled.")
    if publish_at is not None:
        if publish_at.tzinfo is None:
            raise InvalidInput("Give the time with its time zone.", field="publishAt")
        now = datetime.now(UTC)
        if publish_at <= now:
            raise InvalidInput("The publishing time must be in the future.", field="publishAt")
        if publish_at > now + MAX_SCHEDULE_AHEAD:
            raise InvalidInput("Posts can be scheduled up to a year ahead.", field="publishAt")
    scheduled = await Post.filter(id=post.id, state=PostState.DRAFT).update(
        scheduled_at=publish_at, updated_at=datetime.now(UTC)
    )
    if not scheduled:
        raise Conflict("Only drafts can be scheduled.")
    await post.refresh_from_db()
    return post


async def delete_post(ctx: Context, post_id: int) -> int:
    viewer = policies.require_writer(ctx.viewer)
    post = await visible_post(ctx, post_id)
    if post is None:
        raise NotFound("No such post.")
    acts_for = await ctx.acts_for()
    if not policies.can_delete_post(viewer, post, acts_for):
        if policies.holds_staff_role(viewer):
            policies.refuse_if_sanctioned(viewer)  # a moderator's power, gone while sanctioned
        raise Forbidden("Only the author can delete this post.")
    async with writing(ctx.hub) as log:
        if not policies.can_edit_post(post, acts_for):
            await deleted_by_staff(log, viewer, target(post))
        await post.delete()
        if post.state == PostState.PUBLISHED:
            await log.add(EventKind.POST_REMOVED, post_id=post_id, group_id=post.group_id)
            await log.changed(SearchEntity.POST, post_id)
    return post_id


async def global_feed(ctx: Context, first: int, after: str | None) -> Page[Post]:
    visible = policies.visible_posts(await ctx.member_group_ids())
    return await keyset_page(Post.filter(visible), GLOBAL_FEED, first=first, after=after)


async def home_feed(ctx: Context, first: int, after: str | None) -> Page[Post]:
    viewer = policies.require_viewer(ctx.viewer)
    member_groups = await ctx.member_group_ids()
    followed = Subquery(Follow.filter(follower_id=viewer.id).values("followee_id"))
    mine = Q(author_id=viewer.id) | Q(author_id__in=followed)
    if member_groups:
        mine |= Q(group_id__in=list(member_groups))
    queryset = Post.filter(policies.visible_posts(member_groups)).filter(mine)
    return await keyset_page(queryset, HOME_FEED, first=first, after=after)


async def group_feed(ctx: Context, group: Group, first: int, after: str | None) -> Page[Post]:
    member_groups = await ctx.member_group_ids()
    if not policies.can_see_group_posts(group, member_groups):
        return Page(edges=[], has_next_page=False, has_previous_page=False)
    queryset = Post.filter(group_id=group.id, state=PostState.PUBLISHED)
    return await keyset_page(queryset, GROUP_FEED, first=first, after=after)


async def user_posts(ctx: Context, user_id: int, first: int, after: str | None) -> Page[Post]:
    visible = policies.visible_posts(await ctx.member_group_ids())
    return await keyset_page(
        Post.filter(visible, author_id=user_id), USER_POSTS, first=first, after=after
    )


async def user_drafts(
    ctx: Context, user_id: int, first: int, after: str | None
) -> Page[Post] | None:
    """A user's drafts, for that user (with the persona drafts they wrote and may still
    write as) or for the current operators of a persona account."""
    acts_for = await ctx.acts_for()
    if ctx.viewer is None or user_id not in acts_for:
        return None
    drafts = Q(author_id=user_id)
    if user_id == ctx.viewer.id and len(acts_for) > 1:
        drafts |= Q(operator_id=user_id, author_id__in=sorted(acts_for - {user_id}))
    queryset = Post.filter(drafts, state=PostState.DRAFT)
    return await keyset_page(queryset, DRAFTS, first=first, after=after)


async def list_revisions(ctx: Context, post: Post) -> list[PostRevision] | None:
    viewer = ctx.viewer
    if viewer is None or not (
        policies.can_edit_post(post, await ctx.acts_for()) or policies.is_staff(viewer)
    ):
        return None
    return await PostRevision.filter(post_id=post.id).order_by("-created_at", "-id")


@dataclass(frozen=True)
class PostRelations:
    """Which relations of a page of posts a query reads."""

    authors: bool = False
    badges: bool = False
    groups: bool = False
    viewer_reactions: bool = False
    reaction_summaries: bool = False


async def prefetch_post_relations(ctx: Context, posts: list[Post], wanted: PostRelations) -> None:
    """Load, in one batch per relation, what the page's fields will read."""
    loaders = ctx.loaders
    author_ids = list(dict.fromkeys(p.author_id for p in posts))
    post_ids = [p.id for p in posts]
    batches: list[Any] = []
    if wanted.authors:
        batches.append(loaders.user_by_id.load_many(author_ids))
    if wanted.badges:
        batches.append(loaders.badge_by_user_id.load_many(author_ids))
    if wanted.groups:
        group_ids = list(dict.fromkeys(p.group_id for p in posts if p.group_id is not None))
        batches.append(loaders.group_by_id.load_many(group_ids))
    if wanted.viewer_reactions:
        batches.append(loaders.viewer_reactions_by_post_id.load_many(post_ids))
    if wanted.reaction_summaries:
        batches.append(loaders.post_reaction_summary_by_post_id.load_many(post_ids))
    await asyncio.gather(*batches)
