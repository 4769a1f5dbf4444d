"""Posts: write, edit, publish, schedule and delete them; their revisions."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from moderation import policies
from resolvers import earnings
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.credits import clean_credits, set_credits
from resolvers.feedback import change_feedback, clean_feedback
from resolvers.lookups import group_by_slug, user_by_handle
from resolvers.moderation_actions import deleted_by_staff
from resolvers.moderation_items import Target
from resolvers.post_input import (
    PostChanges,
    PostDraft,
    clean_body,
    clean_media,
    clean_tags,
    clean_title,
    screened_fields,
)
from resolvers.publication import post_went_live
from resolvers.screening import review_if_needed, screen
from resolvers.visibility import visible_post
from resolvers.works import WorkRef
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    ChangeKind,
    GroupMembership,
    GroupVisibility,
    ModerationTarget,
    PersonaAccount,
    Post,
    PostRevision,
    PostState,
    SearchEntity,
    User,
)

log = logging.getLogger(__name__)

MAX_SCHEDULE_AHEAD = timedelta(days=366)


async def _acting_author(
    ctx: Context, viewer: User, as_persona: str | None
) -> tuple[int, int | None]:
    """The author id a post is written under, and the operator id when it is a persona's:
    only a current operator of the persona who still holds an employee badge writes as it."""
    if not as_persona:
        return viewer.id, None
    persona_user = await user_by_handle(as_persona)
    if persona_user is None or not await PersonaAccount.filter(user_id=persona_user.id).exists():
        raise NotFound(f"No persona account @{as_persona.strip().lstrip('@')}.")
    if persona_user.id not in await ctx.acts_for():
        raise Forbidden(f"You do not operate @{persona_user.handle}.")
    return persona_user.id, viewer.id


async def create_post(ctx: Context, draft: PostDraft, *, publish: bool) -> Post:
    viewer = policies.require_writer(ctx.viewer)
    title = clean_title(draft.kind, draft.title)
    body = clean_body(draft.kind, draft.body)
    tags = clean_tags(draft.tags)
    media = clean_media(draft.media, ctx.settings)
    group_id, closed_group = None, False
    if draft.group_slug:
        group = await group_by_slug(draft.group_slug)
        if group is None:
            raise NotFound(f"No group with the slug '{draft.group_slug}'.")
        membership = await GroupMembership.get_or_none(group_id=group.id, user_id=viewer.id)
        if not policies.can_post_in_group(membership):
            raise Forbidden("Join the group to post in it.")
        group_id, closed_group = group.id, group.visibility == GroupVisibility.MEMBERS_ONLY
    feedback = clean_feedback(draft.feedback, group_id)
    author_id, operator_id = await _acting_author(ctx, viewer, draft.as_persona)
    credits = await clean_credits(
        ctx, draft.credits, author_id, members_of=group_id if closed_group else None
    )
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
            feedback=feedback,
            state=PostState.HELD if held else PostState.PUBLISHED if publish else PostState.DRAFT,
            published_at=now if publish and not held else None,
        )
        if credits:
            await set_credits(log, WorkRef(post_id=post.id), author_id, credits, live=False)
        if publish and not held:
            await post_went_live(log, post)
        if publish:
            await review_if_needed(log, verdict, target(post), viewer.id)
    return post


async def _closed_group(ctx: Context, post: Post) -> int | None:
    """The members-only group the post is in, if it is in one."""
    if post.group_id is None:
        return None
    group = await ctx.loaders.group_by_id.load(post.group_id)
    closed = group is not None and group.visibility == GroupVisibility.MEMBERS_ONLY
    return post.group_id if closed else None


def target(post: Post) -> Target:
    """What a queue item about this post is about."""
    return Target(ModerationTarget.POST, post.id, post.author_id, post.group_id)


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
    feedback = changes.feedback if changes.feedback != post.feedback else None
    if feedback is not None:
        clean_feedback(feedback, post.group_id)
    credits = await clean_credits(
        ctx, changes.credits, post.author_id, members_of=await _closed_group(ctx, post)
    )
    if new == old:
        if credits is not None or feedback is not None:
            async with writing(ctx.hub) as log:
                live = post.state == PostState.PUBLISHED
                if feedback is not None:
                    await change_feedback(log, post, feedback)
                    if live:
                        await log.add(ChangeKind.POST_UPDATED, post_id=post.id)
                if credits is not None:
                    await set_credits(
                        log, WorkRef(post_id=post.id), post.author_id, credits, live=live
                    )
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
        if feedback is not None:
            await change_feedback(log, post, feedback)
        if credits is not None:
            live = post.state == PostState.PUBLISHED
            await set_credits(log, WorkRef(post_id=post.id), post.author_id, credits, live=live)
        if post.state == PostState.PUBLISHED:
            await log.add(ChangeKind.POST_UPDATED, post_id=post.id)
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
            await post_went_live(log, post)
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
            await earnings.deleted_by_moderator(log, ctx.settings, viewer.id, target(post))
        await post.delete()
        if post.state == PostState.PUBLISHED:
            await log.add(ChangeKind.POST_REMOVED, post_id=post_id, group_id=post.group_id)
            await log.changed(SearchEntity.POST, post_id)
    return post_id


async def list_revisions(ctx: Context, post: Post) -> list[PostRevision] | None:
    viewer = ctx.viewer
    if viewer is None or not (
        policies.can_edit_post(post, await ctx.acts_for()) or policies.is_staff(viewer)
    ):
        return None
    return await ctx.loaders.revisions_by_post_id.load(post.id)
