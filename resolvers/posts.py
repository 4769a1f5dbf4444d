"""Posts: write, edit, publish, schedule, delete; read one; the feeds."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from tortoise.expressions import Q, Subquery

from moderation import policies
from resolvers import validation
from resolvers.context import Context
from resolvers.events import EventLog, writing
from resolvers.moderation import Target
from resolvers.notifications import notify_mentions
from resolvers.pagination import Page, id_key, keyset_page, time_key
from resolvers.rules import RuleCache
from resolvers.screening import Verdict, review_if_needed, screen
from server.broadcast import Hub
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    EventKind,
    Follow,
    GroupMembership,
    MediaKind,
    ModerationTarget,
    PersonaOperator,
    Post,
    PostKind,
    PostRevision,
    PostState,
    RuleAction,
    SearchEntity,
)
from server.models.groups import Group
from server.models.users import User

MAX_BODY = {PostKind.MOMENT: 5_000, PostKind.ARTICLE: 50_000}
MAX_TITLE = 120
MAX_TAGS = 10
MAX_TAG_LENGTH = 30
MAX_MEDIA = 9
MAX_MEDIA_SIDE = 20_000
MAX_SCHEDULE_AHEAD = timedelta(days=366)
FEED_KEYS = [time_key("published_at"), id_key()]


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
    raw = [t.strip().lstrip("#").strip().lower() for t in tags or []]
    cleaned = validation.string_list(
        raw, "tags", maximum_items=MAX_TAGS, maximum_length=MAX_TAG_LENGTH, label="tags"
    )
    if any(any(ch.isspace() for ch in tag) for tag in cleaned):
        raise InvalidInput("A tag is one word, without spaces.", field="tags")
    return cleaned


def clean_media(media: list[MediaInput] | None) -> list[dict[str, Any]]:
    items = media or []
    if len(items) > MAX_MEDIA:
        raise InvalidInput(f"At most {MAX_MEDIA} images or videos per post.", field="media")
    cleaned = []
    for item in items:
        url = validation.url(item.url, "media")
        if url is None:
            raise InvalidInput("Every image or video needs a URL.", field="media")
        for side in (item.width, item.height):
            if side is not None and not 0 < side <= MAX_MEDIA_SIDE:
                raise InvalidInput(
                    f"Width and height are between 1 and {MAX_MEDIA_SIDE} pixels.", field="media"
                )
        alt = (item.alt or "").strip()
        if len(alt) > 500:
            raise InvalidInput("Alt text has at most 500 characters.", field="media")
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


async def _acting_author(viewer: User, as_persona: str | None) -> tuple[int, int | None]:
    """The author id a post is written under, and the operator id when it is a persona's."""
    if not as_persona:
        return viewer.id, None
    persona_user = await User.get_or_none(handle=as_persona.strip().lower().lstrip("@"))
    if persona_user is None:
        raise NotFound(f"No persona account @{as_persona}.")
    operates = await PersonaOperator.filter(
        persona__user_id=persona_user.id, operator_id=viewer.id
    ).exists()
    if not operates:
        raise Forbidden(f"You do not operate @{persona_user.handle}.")
    return persona_user.id, viewer.id


async def create_post(ctx: Context, draft: PostDraft, *, publish: bool) -> Post:
    viewer = policies.require_writer(ctx.viewer)
    title = clean_title(draft.kind, draft.title)
    body = clean_body(draft.kind, draft.body)
    tags = clean_tags(draft.tags)
    media = clean_media(draft.media)
    group_id = None
    if draft.group_slug:
        group = await Group.get_or_none(slug=draft.group_slug.strip().lower())
        if group is None:
            raise NotFound(f"No group with the slug '{draft.group_slug}'.")
        membership = await GroupMembership.get_or_none(group_id=group.id, user_id=viewer.id)
        if not policies.can_post_in_group(membership):
            raise Forbidden("Join the group to post in it.")
        group_id = group.id
    author_id, operator_id = await _acting_author(viewer, draft.as_persona)
    verdict = await screen(ctx, viewer, "post", {"title": title or "", "body": body})
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
            await review_if_needed(log, verdict, _target(post), viewer.id)
    return post


def _target(post: Post) -> Target:
    return Target(ModerationTarget.POST, post.id, post.author_id, post.group_id)


async def went_live(log: EventLog, post: Post) -> None:
    """What a post going live tells the world: the feeds, and the people it mentions."""
    await log.add(EventKind.POST_ADDED, post_id=post.id, group_id=post.group_id)
    await log.changed(SearchEntity.POST, post.id)
    text = f"{post.title or ''} {post.body}"
    await notify_mentions(log, text, post.author_id, post_id=post.id, group_id=post.group_id)


async def _own_post(ctx: Context, post_id: int) -> Post:
    viewer = policies.require_writer(ctx.viewer)
    post = await Post.get_or_none(id=post_id)
    if post is None or not policies.can_see_post(viewer, post, None, await ctx.member_group_ids()):
        raise NotFound("No such post.")
    if not policies.can_edit_post(viewer, post):
        raise Forbidden("Only the author can change this post.")
    return post


async def update_post(ctx: Context, post_id: int, changes: PostChanges) -> Post:
    post = await _own_post(ctx, post_id)
    if post.state in (PostState.HIDDEN, PostState.REMOVED):
        raise Conflict("This post is under moderation and cannot be edited.")
    new = {
        "title": clean_title(post.kind, changes.title) if changes.title is not None else post.title,
        "body": clean_body(post.kind, changes.body) if changes.body is not None else post.body,
        "tags": clean_tags(changes.tags) if changes.tags is not None else post.tags,
        "media": clean_media(changes.media) if changes.media is not None else post.media,
    }
    old: dict[str, Any] = {
        "title": post.title,
        "body": post.body,
        "tags": post.tags,
        "media": post.media,
    }
    if new == old:
        return post
    viewer = policies.require_writer(ctx.viewer)
    texts = {"title": str(new["title"] or ""), "body": str(new["body"])}
    verdict = await screen(ctx, viewer, "post", texts)
    new["title"], new["body"] = verdict.fields["title"] or None, verdict.fields["body"]
    async with writing(ctx.hub) as log:
        await PostRevision.create(
            post_id=post.id, editor_id=ctx.viewer.id if ctx.viewer else None, **old
        )
        for key, value in new.items():
            setattr(post, key, value)
        post.edited_at = datetime.now(UTC)
        await post.save()
        if post.state == PostState.PUBLISHED:
            await log.add(EventKind.POST_UPDATED, post_id=post.id)
            await log.changed(SearchEntity.POST, post.id)
            # An edit that trips a rule goes to the queue; the post stays up meanwhile.
            verdict.hold_reasons.clear()
            await review_if_needed(log, verdict, _target(post), viewer.id)
    return post


async def publish_post(ctx: Context, post_id: int) -> Post:
    post = await _own_post(ctx, post_id)
    if post.state != PostState.DRAFT:
        raise Conflict("Only drafts can be published.")
    viewer = policies.require_writer(ctx.viewer)
    verdict = await screen(ctx, viewer, "post", {"title": post.title or "", "body": post.body})
    post.title, post.body = verdict.fields["title"] or None, verdict.fields["body"]
    post.state = PostState.HELD if verdict.held else PostState.PUBLISHED
    post.published_at = None if verdict.held else datetime.now(UTC)
    post.scheduled_at = None
    async with writing(ctx.hub) as log:
        await post.save(
            update_fields=["title", "body", "state", "published_at", "scheduled_at", "updated_at"]
        )
        if not verdict.held:
            await went_live(log, post)
        await review_if_needed(log, verdict, _target(post), viewer.id)
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
    post.scheduled_at = publish_at
    await post.save(update_fields=["scheduled_at", "updated_at"])
    return post


async def publish_due_posts(
    now: datetime | None = None, hub: Hub | None = None, rules: RuleCache | None = None
) -> list[int]:
    """Publish every scheduled draft whose time has come, screened against the rules as they
    are now: a post that trips a rule waits for a moderator instead. Safe to run in several
    processes at once: each post is claimed by a conditional update, so it goes out once."""
    moment = now or datetime.now(UTC)
    due = cast(
        list[int],
        await Post.filter(state=PostState.DRAFT, scheduled_at__lte=moment).values_list(
            "id", flat=True
        ),
    )
    ruleset = await (rules or RuleCache()).current()
    published = []
    for post_id in due:
        post = await Post.get(id=post_id)
        masked, hits = ruleset.screen_fields({"title": post.title or "", "body": post.body})
        # Nobody is there to be refused: what a rule would block or hold waits for review.
        held = any(h.action in (RuleAction.BLOCK, RuleAction.HOLD) for h in hits)
        verdict = Verdict(masked, tuple(hits), ["SCREENING"] if held else [])
        async with writing(hub) as log:
            claimed = await Post.filter(
                id=post_id, state=PostState.DRAFT, scheduled_at__lte=moment
            ).update(
                state=PostState.HELD if held else PostState.PUBLISHED,
                published_at=None if held else moment,
                scheduled_at=None,
                title=masked["title"] or None,
                body=masked["body"],
            )
            if claimed:
                await post.refresh_from_db()
                if not held:
                    await went_live(log, post)
                    published.append(post_id)
                await review_if_needed(log, verdict, _target(post), post.author_id)
    return published


async def delete_post(ctx: Context, post_id: int) -> int:
    viewer = policies.require_writer(ctx.viewer)
    post = await Post.get_or_none(id=post_id)
    if post is None or not policies.can_see_post(viewer, post, None, await ctx.member_group_ids()):
        raise NotFound("No such post.")
    if not policies.can_delete_post(viewer, post):
        raise Forbidden("Only the author can delete this post.")
    async with writing(ctx.hub) as log:
        await post.delete()
        if post.state == PostState.PUBLISHED:
            await log.add(EventKind.POST_REMOVED, post_id=post_id, group_id=post.group_id)
            await log.changed(SearchEntity.POST, post_id)
    return post_id


async def load_visible_post(ctx: Context, post_id: int) -> Post | None:
    post = await ctx.loaders.post_by_id.load(post_id)
    if post is None:
        return None
    group = await ctx.loaders.group_by_id.load(post.group_id) if post.group_id else None
    if not policies.can_see_post(ctx.viewer, post, group, await ctx.member_group_ids()):
        return None
    return post


async def global_feed(ctx: Context, first: int, after: str | None) -> Page[Post]:
    visible = policies.visible_posts(await ctx.member_group_ids())
    return await keyset_page(Post.filter(visible), FEED_KEYS, first=first, after=after)


async def home_feed(ctx: Context, first: int, after: str | None) -> Page[Post]:
    viewer = policies.require_viewer(ctx.viewer)
    member_groups = await ctx.member_group_ids()
    followed = Subquery(Follow.filter(follower_id=viewer.id).values("followee_id"))
    mine = Q(author_id=viewer.id) | Q(author_id__in=followed)
    if member_groups:
        mine |= Q(group_id__in=list(member_groups))
    queryset = Post.filter(policies.visible_posts(member_groups)).filter(mine)
    return await keyset_page(queryset, FEED_KEYS, first=first, after=after)


async def group_feed(ctx: Context, group: Group, first: int, after: str | None) -> Page[Post]:
    member_groups = await ctx.member_group_ids()
    if not policies.can_see_group_posts(group, member_groups):
        return Page(edges=[], has_next_page=False, has_previous_page=False)
    queryset = Post.filter(group_id=group.id, state=PostState.PUBLISHED)
    return await keyset_page(queryset, FEED_KEYS, first=first, after=after)


async def user_posts(ctx: Context, user_id: int, first: int, after: str | None) -> Page[Post]:
    visible = policies.visible_posts(await ctx.member_group_ids())
    return await keyset_page(
        Post.filter(visible, author_id=user_id), FEED_KEYS, first=first, after=after
    )


async def user_drafts(
    ctx: Context, user_id: int, first: int, after: str | None
) -> Page[Post] | None:
    if ctx.viewer is None or ctx.viewer.id != user_id:
        return None
    queryset = Post.filter(Q(author_id=user_id) | Q(operator_id=user_id), state=PostState.DRAFT)
    return await keyset_page(queryset, [time_key("created_at"), id_key()], first=first, after=after)


async def list_revisions(ctx: Context, post: Post) -> list[PostRevision] | None:
    viewer = ctx.viewer
    if viewer is None or not (policies.can_edit_post(viewer, post) or policies.is_staff(viewer)):
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
