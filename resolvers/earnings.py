"""What earns points and contribution, and what moderation takes back: one hook per cause,
each called inside the write of what caused it (its `log`), so an earning commits or rolls
back with its cause.

Amounts, caps and whether a rule is on are data (resolvers.ledger_rules); the bookkeeping is
resolvers.ledger. Every earning is keyed, so a cause earns once however often it recurs
(featured, unfeatured, featured again; a reaction taken back and given again). What a person
did themselves earns without a notification; what others did for them (staff, the system) is
told to them in one REWARD notification per write.

Nobody earns by themselves alone: reacting to or commenting on one's own work, or replying to
one's own comment, earns nothing. A suspended or banned account earns nothing (a silenced one
still does, once a moderator lets what they wrote out).

Removal by moderation takes back what a post, an episode, a comment or a credit earned
(REVERSED entries, never below zero); undoing the removal (RESTORE, an APPROVE of removed
content, an overturned appeal) gives back exactly what was taken (RESTORED entries).

The event and rating hooks wait for the features that will call them.
"""

from __future__ import annotations

from typing import cast

from resolvers.changes import ChangeLog
from resolvers.ledger import Payout, Reference
from resolvers.moderation_items import Target
from resolvers.reversals import restore_earnings, reverse_earnings
from resolvers.works import WorkRef
from server.models import (
    Comment,
    CommentState,
    Credit,
    CreditState,
    Ledger,
    LedgerEntry,
    ModerationAction,
    ModerationTarget,
    Post,
    RadioEpisode,
    User,
)
from server.settings import Settings

P, C = Ledger.POINTS, Ledger.CONTRIBUTION
INTERACTION = "DAILY_INTERACTION"


def work_reference(ref: WorkRef) -> Reference:
    if ref.post_id is not None:
        return Reference.of("POST", ref.post_id)
    return Reference.of("EPISODE", cast(int, ref.episode_id))


async def _credited(ref: WorkRef) -> list[int]:
    """Who accepted a credit on the work: once per credit, in the order they were given."""
    rows = (
        await Credit.filter(**ref.filter(), state=CreditState.ACCEPTED)
        .order_by("id")
        .values_list("user_id", flat=True)
    )
    return cast(list[int], rows)


async def _makers(ref: WorkRef) -> set[int]:
    """The work's author and accepted co-creators (none if the work is gone)."""
    model = Post if ref.post_id is not None else RadioEpisode
    authors = await model.filter(id=ref.post_id or ref.episode_id).values_list(
        "author_id", flat=True
    )
    return {*cast(list[int], authors), *await _credited(ref)}


# --- what staff and the system do for people ------------------------------------------------


async def work_featured(
    log: ChangeLog, settings: Settings, *, actor_id: int, ref: WorkRef, author_id: int
) -> None:
    """A work featured for the first time: each maker earns WORK_FEATURED points, and the
    WORK_FEATURED contribution is shared, a share for the author and one per accepted credit
    (the first shares take the units left over, so they add up to the amount)."""
    reference = work_reference(ref)
    shares = [author_id, *await _credited(ref)]
    payout = Payout(
        log,
        settings,
        actor_id=actor_id,
        cause="your work was featured",
        post_id=ref.post_id,
        episode_id=ref.episode_id,
    )
    for user_id in sorted(set(shares)):  # accounts locked in one order
        await payout.earn(user_id, P, "WORK_FEATURED", reference)
    await payout.earn_shared(shares, C, "WORK_FEATURED", reference)
    await payout.finish()


async def feedback_adopted(
    log: ChangeLog, settings: Settings, *, actor_id: int, post_id: int, author_id: int
) -> None:
    """Staff adopted a post of product feedback: its author earns in both ledgers."""
    reference = Reference.of("POST", post_id)
    payout = Payout(
        log,
        settings,
        actor_id=actor_id,
        cause="your product feedback was adopted",
        post_id=post_id,
    )
    await payout.earn(author_id, P, "FEEDBACK_ADOPTED", reference)
    await payout.earn(author_id, C, "FEEDBACK_ADOPTED", reference)
    await payout.finish()


async def koc_term_completed(
    log: ChangeLog, settings: Settings, *, role_id: int, user_id: int, programme: str
) -> None:
    """A KOC role's term ran its course (not revoked): its holder earns, told by the system."""
    payout = Payout(
        log, settings, actor_id=None, cause=f"you served a full term in the {programme}"
    )
    await payout.earn(user_id, C, "KOC_TERM_COMPLETED", Reference.of("KOC_ROLE", role_id))
    await payout.finish()


async def event_organized(
    log: ChangeLog,
    settings: Settings,
    *,
    organizer_id: int,
    event_id: int,
    actor_id: int | None = None,
) -> None:
    """An event took place: its organiser earns (told unless they recorded it themselves).
    Called by the events feature once it exists."""
    payout = Payout(log, settings, actor_id=actor_id, cause="an event you organised took place")
    await payout.earn(organizer_id, C, "EVENT_ORGANIZED", Reference.of("EVENT", event_id))
    await payout.finish()


async def event_attended(
    log: ChangeLog, settings: Settings, *, user_id: int, event_id: int, actor_id: int | None
) -> None:
    """Someone attended an event they signed up for (as its organiser or staff record it):
    they earn in both ledgers, once per event, within the rules' daily caps."""
    reference = Reference.of("EVENT", event_id)
    payout = Payout(log, settings, actor_id=actor_id, cause="you attended an event")
    await payout.earn(user_id, P, "EVENT_ATTENDED", reference)
    await payout.earn(user_id, C, "EVENT_ATTENDED", reference)
    await payout.finish()


# --- what people do themselves (no notification) --------------------------------------------


async def rating_submitted(
    log: ChangeLog, settings: Settings, *, user_id: int, rating_id: int
) -> LedgerEntry | None:
    """Someone rated an experience: points, once per rating, within the daily cap."""
    payout = Payout(log, settings, actor_id=user_id, cause="you rated an experience", notify=False)
    return await payout.earn(user_id, P, "RATING_SUBMITTED", Reference.of("RATING", rating_id))


async def credit_accepted(log: ChangeLog, settings: Settings, credit: Credit) -> None:
    """A co-creator accepted a credit: contribution, once per work whatever roles they hold on
    it (taking a name off and being credited again earns nothing more)."""
    ref = WorkRef.of_fields(credit)
    payout = Payout(
        log, settings, actor_id=credit.user_id, cause="you accepted a credit", notify=False
    )
    await payout.earn(
        credit.user_id,
        C,
        "CO_CREATION_CREDIT",
        Reference.of("CREDIT", credit.id),
        key=f"CO_CREATION_CREDIT:{work_reference(ref)}",
    )


async def profile_completed(log: ChangeLog, settings: Settings, user_id: int) -> None:
    """The profile has an avatar, a bio and a region (as written in this transaction): points
    once ever; clearing and completing it again earns nothing more."""
    rows = await User.filter(id=user_id).values_list("avatar_url", "bio", "region")
    if not rows or not all(value and str(value).strip() for value in rows[0]):
        return
    payout = Payout(log, settings, actor_id=user_id, cause="your profile is complete", notify=False)
    await payout.earn(user_id, P, "PROFILE_COMPLETED", key="PROFILE_COMPLETED")


async def comment_added(log: ChangeLog, settings: Settings, comment: Comment) -> None:
    """A published comment on someone else's work (not a reply to one's own comment): one
    unit of contribution within the daily cap. A held comment earns when a moderator lets it
    out (see `moderated`)."""
    if comment.state != CommentState.PUBLISHED:
        return
    if comment.author_id in await _makers(WorkRef.of_fields(comment)):
        return
    if comment.parent_id is not None:
        parent = await Comment.filter(id=comment.parent_id).values_list("author_id", flat=True)
        if comment.author_id in parent:
            return
    payout = Payout(
        log, settings, actor_id=comment.author_id, cause="you joined a conversation", notify=False
    )
    await payout.earn(comment.author_id, C, INTERACTION, Reference.of("COMMENT", comment.id))


async def reaction_added(
    log: ChangeLog, settings: Settings, user_id: int, subject: Post | RadioEpisode | Comment
) -> None:
    """A reaction on someone else's post, episode or comment: one unit of contribution within
    the daily cap, once per thing reacted to (whatever the kind, however often it is taken
    back and given again)."""
    if isinstance(subject, Comment):
        kind, own = "COMMENT", {subject.author_id}
    else:
        ref = WorkRef.of_row(subject)
        kind, own = work_reference(ref).type, await _makers(ref)
    if user_id in own:
        return
    payout = Payout(log, settings, actor_id=user_id, cause="you reacted", notify=False)
    await payout.earn(
        user_id,
        C,
        INTERACTION,
        # Not the subject itself: removing it takes back what its author earned, not this.
        Reference("REACTION", f"{kind}:{subject.id}"),
        key=f"{INTERACTION}:reaction:{kind}:{subject.id}",
    )


# --- what moderation takes back and gives back -----------------------------------------------

REFERENCES = {
    ModerationTarget.POST: "POST",
    ModerationTarget.EPISODE: "EPISODE",
    ModerationTarget.COMMENT: "COMMENT",
    ModerationTarget.CREDIT: "CREDIT",
}
WHAT = {
    ModerationTarget.POST: "post",
    ModerationTarget.EPISODE: "episode",
    ModerationTarget.COMMENT: "comment",
    ModerationTarget.CREDIT: "credit",
}
UNDOING = (ModerationAction.RESTORE, ModerationAction.APPROVE)


async def _standing(target: Target) -> str | None:
    """Where the target stands after the action: "removed", "live", or None (neither, or
    gone: a work its author deleted keeps what it earned)."""
    if target.type == ModerationTarget.CREDIT:
        return "live" if await Credit.filter(id=target.id).exists() else "removed"
    if target.type == ModerationTarget.POST:
        states = await Post.filter(id=target.id).values_list("state", flat=True)
    elif target.type == ModerationTarget.EPISODE:
        states = await RadioEpisode.filter(id=target.id).values_list("state", flat=True)
    else:
        states = await Comment.filter(id=target.id).values_list("state", flat=True)
    state = str(states[0]) if states else None  # the three spell these two states alike
    if state == "REMOVED":
        return "removed"
    return "live" if state == "PUBLISHED" else None


async def moderated(
    log: ChangeLog,
    settings: Settings,
    actor_id: int | None,
    action: ModerationAction,
    target: Target,
) -> None:
    """After a moderator's action, in its write: a removal that took effect takes back what
    the target earned; undoing one gives it back. A comment a moderator lets out of the
    queue earns as if it had gone out at once."""
    type_ = REFERENCES.get(target.type)
    if type_ is None or (action != ModerationAction.REMOVE and action not in UNDOING):
        return
    standing = await _standing(target)
    reference = Reference.of(type_, target.id)
    links = {
        "post_id": target.id if target.type == ModerationTarget.POST else None,
        "episode_id": target.id if target.type == ModerationTarget.EPISODE else None,
    }
    what = WHAT[target.type]
    if action == ModerationAction.REMOVE and standing == "removed":
        cause = f"a moderator removed your {what}"
        await reverse_earnings(log, settings, reference, actor_id=actor_id, cause=cause, **links)
    elif action in UNDOING and standing == "live":
        cause = f"your {what} is back"
        await restore_earnings(log, settings, reference, actor_id=actor_id, cause=cause, **links)
        if target.type == ModerationTarget.COMMENT and action == ModerationAction.APPROVE:
            await comment_added(log, settings, await Comment.get(id=target.id))


async def deleted_by_moderator(
    log: ChangeLog, settings: Settings, actor_id: int, target: Target
) -> None:
    """A moderator deleting someone's post or comment outside the queue takes back what it
    earned, as a removal does (call it before the row goes: a deletion cannot be undone)."""
    type_ = REFERENCES.get(target.type)
    if type_ is None:
        return
    cause = f"a moderator deleted your {WHAT[target.type]}"
    await reverse_earnings(
        log, settings, Reference.of(type_, target.id), actor_id=actor_id, cause=cause
    )
