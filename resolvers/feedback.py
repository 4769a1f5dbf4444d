"""Product feedback: authors mark their group posts as feedback; staff adopt what the product
takes up.

Anyone may mark a post of theirs in a group as product feedback (the product advisors, 产品顾问团,
most of all). Platform staff in good standing adopt a published feedback post once: the
adoption, shown on the post and on its author's profile, a FEEDBACK_ADOPTED change event, the
author's earnings under the FEEDBACK_ADOPTED rules (resolvers.earnings), a notification to the
author and an audit entry are written in one transaction. Like every staff decision here, the
notification names nobody. Adopted feedback stays feedback: its author cannot take the mark off.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from moderation import policies
from resolvers import audit, earnings, validation
from resolvers.changes import ChangeLog, writing
from resolvers.context import Context
from resolvers.notifications import notify_feedback_adopted
from resolvers.pagination import Listing, Page, id_key, keyset_page
from resolvers.screening import screen
from resolvers.visibility import visible_post
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    AuditKind,
    ChangeKind,
    FeedbackAdoption,
    ModerationTarget,
    Post,
    PostState,
)

MAX_NOTE = 500
# Most recently adopted first: adoptions are numbered in the order they were made.
ADOPTED_FEEDBACK = Listing("adoptedFeedback", id_key())


def clean_feedback(feedback: bool, group_id: int | None) -> bool:
    """Whether a post is product feedback: only a post in a group may be."""
    if feedback and group_id is None:
        raise InvalidInput(
            "Only a post in a group can be product feedback; post it in a group.",
            field="feedback",
        )
    return feedback


def _key(post_id: int) -> str:
    return f"feedback:{post_id}"


async def change_feedback(log: ChangeLog, post: Post, feedback: bool) -> None:
    """Mark or unmark the post as feedback, in the caller's write: refused once it is adopted
    (serialised with adoptions of the same post), and while a moderator acts on it."""
    clean_feedback(feedback, post.group_id)
    await log.lock(_key(post.id))
    if not feedback and await FeedbackAdoption.filter(post_id=post.id).exists():
        raise Conflict("This feedback was adopted; it stays feedback.")
    changed = await Post.filter(id=post.id, state=post.state).update(feedback=feedback)
    if not changed:
        raise Conflict("The post changed meanwhile (a moderator may have acted); look again.")
    post.feedback = feedback


@dataclass
class Adopted:
    """An adopted post and its adoption."""

    post: Post
    adoption: FeedbackAdoption


def _adoption_text(note: str) -> str:
    text = "Your product feedback was adopted. Thank you!"
    return f"{text} {note}" if note else text


async def adopt_feedback(ctx: Context, post_id: int, note: str = "") -> Adopted:
    """Adopt a published post of product feedback, once. Platform staff in good standing
    only, and never their own post (nor a persona's they write for)."""
    staff = policies.require_staff(ctx.viewer)
    post = await visible_post(ctx, post_id)
    if post is None:
        raise NotFound("No such post.")
    remark = validation.text(note, "note", minimum=0, maximum=MAX_NOTE, label="A note")
    if post.author_id in await ctx.acts_for():
        raise Forbidden("Another member of staff adopts your own feedback.")
    if not post.feedback:
        raise Conflict("This post is not marked as product feedback.")
    if post.state != PostState.PUBLISHED:
        raise Conflict("Only a published post can be adopted.")
    already = Conflict("This feedback was adopted already.")
    if await FeedbackAdoption.filter(post_id=post.id).exists():
        raise already
    if remark:
        remark = (await screen(ctx, staff, "feedback", {"note": remark})).fields["note"]
    try:
        async with writing(ctx.hub) as log:
            await log.lock(_key(post.id))
            # Still what was read: a moderator's hide or the author's unmarking wins.
            if not await Post.filter(id=post.id, state=PostState.PUBLISHED, feedback=True).exists():
                raise Conflict("The post changed meanwhile; look again.")
            adoption = await FeedbackAdoption.create(
                post_id=post.id, author_id=post.author_id, adopted_by_id=staff.id, note=remark
            )
            await log.add(
                ChangeKind.FEEDBACK_ADOPTED,
                post_id=post.id,
                group_id=post.group_id,
                recipient_id=post.author_id,
            )
            await notify_feedback_adopted(
                log, post.author_id, _adoption_text(remark), post_id=post.id, group_id=post.group_id
            )
            await audit.record(
                AuditKind.FEEDBACK_ADOPTED,
                staff.id,
                target_type=ModerationTarget.POST,
                target_id=post.id,
                affected_user_id=post.author_id,
                reason=remark,
                detail={"postId": post.id, "groupId": post.group_id, "adoptionId": adoption.id},
            )
            await earnings.feedback_adopted(
                log, ctx.settings, actor_id=staff.id, post_id=post.id, author_id=post.author_id
            )
    except IntegrityError:  # adopted by someone else a moment ago (one adoption per post)
        raise already from None
    ctx.loaders.adoption_by_post_id.prime(post.id, adoption)
    return Adopted(post, adoption)


async def list_adopted_feedback(
    ctx: Context, user_id: int, first: int, after: str | None
) -> Page[Post]:
    """A user's adopted feedback, most recently adopted first: the posts the viewer may see
    now (a members-only group's stay with its members; hidden and removed ones with nobody)."""
    visible = policies.visible_posts(await ctx.member_group_ids(), "post__")
    query = FeedbackAdoption.filter(visible, author_id=user_id)
    page: Page[FeedbackAdoption] = await keyset_page(
        query, ADOPTED_FEEDBACK, first=first, after=after
    )
    adoptions = [adoption for _, adoption in page.edges]
    for adoption in adoptions:  # what `Post.adoption` reads, already here
        ctx.loaders.adoption_by_post_id.prime(adoption.post_id, adoption)
    rows = await ctx.loaders.post_by_id.load_many([a.post_id for a in adoptions])
    posts = {row.id: row for row in rows if row is not None}
    return Page(
        edges=[(cursor, posts[a.post_id]) for cursor, a in page.edges if a.post_id in posts],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
    )
