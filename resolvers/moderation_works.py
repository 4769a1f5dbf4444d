"""What moderation actions do to radio episodes and credits (resolvers.moderation_actions
carries out the actions; this is the part that knows these two kinds of target).

An episode is hidden, removed and restored like a post; approving one that screening held
(SUBMITTED, its queue item hiding it) puts it on air if its author heads the station (as
sending it would have done), or gives it back to the station's heads to review. A credit is
removed (deleted, a snapshot kept in the decision's audit entry) and, when an appeal
overturns the removal, given back as it was; who gave it and who was credited are told.

Every change is conditional on the state it was read in, so that an edit, a head's review or
a delete in between is not undone; and it tells feeds and search, in the caller's write.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from resolvers.changes import ChangeLog
from resolvers.episodes import ask_heads, episode_went_live
from resolvers.moderation_items import Target
from resolvers.notifications import notify_moderation
from server.models import (
    AuditEntry,
    AuditKind,
    ChangeKind,
    Credit,
    CreditRole,
    CreditState,
    EpisodeState,
    ModerationAction,
    ModerationTarget,
    Post,
    RadioEpisode,
    SearchEntity,
    StationHead,
)

# Where hiding and removing take an episode.
TAKEN_DOWN = {
    ModerationAction.HIDE: EpisodeState.HIDDEN,
    ModerationAction.REMOVE: EpisodeState.REMOVED,
}


async def set_episode_state(
    log: ChangeLog, episode_id: int, action: ModerationAction, *, held: bool
) -> None:
    """HIDE and REMOVE take an episode down; RESTORE (and APPROVE of a taken-down one) brings
    it back: on air if it had been, else to the heads' review; APPROVE of a `held` submitted
    episode releases it. Drafts, and episodes deleted since, are left alone."""
    episode = await RadioEpisode.get_or_none(id=episode_id)
    if episode is None or episode.state == EpisodeState.DRAFT:
        return
    was = episode.state
    state = await _new_state(episode, action, held)
    if (
        state is None
        and action == ModerationAction.APPROVE
        and held
        and was == EpisodeState.SUBMITTED
    ):
        await ask_heads(log, episode)  # released to the heads, who were not asked while held
        return
    if state is None or state == was:
        return
    now = datetime.now(UTC)
    going_live = state == EpisodeState.PUBLISHED and episode.published_at is None
    changes: dict[str, Any] = {"state": state, "updated_at": now}
    if going_live:
        changes["published_at"] = now
    if not await RadioEpisode.filter(id=episode.id, state=was).update(**changes):
        return
    await episode.refresh_from_db()
    if going_live:
        await episode_went_live(log, episode)  # it goes out as if just published
    elif EpisodeState.PUBLISHED in (was, state):
        # Screens drop an episode that is no longer on air, and show one that is back.
        kind = (
            ChangeKind.EPISODE_UPDATED
            if state == EpisodeState.PUBLISHED
            else ChangeKind.EPISODE_REMOVED
        )
        await log.add(kind, episode_id=episode.id, station_id=episode.station_id)
        await log.changed(SearchEntity.EPISODE, episode.id)


async def _new_state(
    episode: RadioEpisode, action: ModerationAction, held: bool
) -> EpisodeState | None:
    if action in TAKEN_DOWN:
        return TAKEN_DOWN[action]
    if episode.state in TAKEN_DOWN.values():
        # Only an episode that went on air before goes back on air.
        aired = episode.published_at is not None
        return EpisodeState.PUBLISHED if aired else EpisodeState.SUBMITTED
    if action == ModerationAction.APPROVE and held and episode.state == EpisodeState.SUBMITTED:
        # Screening held it: a head's own episode would have gone on air when sent, anyone
        # else's waits for a head. Closing the item releases it to them.
        head = await StationHead.filter(
            station_id=episode.station_id, user_id=episode.author_id
        ).exists()
        return EpisodeState.PUBLISHED if head else None
    return None


# --- credits -----------------------------------------------------------------------------------

# A credit's author is who gave it; the credited user hears of it too.
CREDIT_NOTICES = {
    ModerationAction.REMOVE: "A moderator removed a credit you gave on your {work}",
    ModerationAction.RESTORE: "A credit you gave on your {work} is back",
}
CREDITED_NOTICES = {
    ModerationAction.REMOVE: "A moderator took your credit off {a_work}.",
    ModerationAction.RESTORE: "Your credit on {a_work} is back.",
}


def _snapshot(credit: Credit) -> dict[str, Any]:
    return {
        "post": credit.post_id,
        "episode": credit.episode_id,
        "user": credit.user_id,
        "role": str(credit.role),
        "state": str(credit.state),
        "answered_at": credit.answered_at.isoformat() if credit.answered_at else None,
    }


async def remove_credit(log: ChangeLog, credit_id: int) -> dict[str, Any] | None:
    """Delete a credit; what it was (kept in the decision's audit entry, so that an appeal can
    give it back), or None if it was gone already."""
    credit = await Credit.get_or_none(id=credit_id)
    if credit is None or not await Credit.filter(id=credit.id).delete():
        return None
    if credit.state == CreditState.ACCEPTED:
        await _work_changed(log, credit.post_id, credit.episode_id)
    return _snapshot(credit)


async def restore_credit(log: ChangeLog, credit_id: int) -> dict[str, Any] | None:
    """Give back a credit a moderator removed, as it was, under its old id; what it is, or
    None when it cannot come back (its work was deleted, or the author gave the same credit
    again meanwhile)."""
    credit = await Credit.get_or_none(id=credit_id)
    if credit is not None:
        return _snapshot(credit)
    removal = (
        await AuditEntry.filter(
            kind=AuditKind.ACTION,
            action=ModerationAction.REMOVE,
            target_type=ModerationTarget.CREDIT,
            target_id=credit_id,
        )
        .order_by("-id")
        .first()
    )
    saved = removal.detail.get("credit") if removal else None
    if not isinstance(saved, dict):
        return None
    post_id, episode_id = saved["post"], saved["episode"]
    if post_id is not None:
        work_exists = await Post.filter(id=post_id).exists()
    else:
        work_exists = await RadioEpisode.filter(id=episode_id).exists()
    role = CreditRole(saved["role"])
    if (
        not work_exists
        or await Credit.filter(
            post_id=post_id, episode_id=episode_id, user_id=saved["user"], role=role
        ).exists()
    ):
        return None
    answered_at = saved.get("answered_at")
    restored = await Credit.create(
        id=credit_id,
        post_id=post_id,
        episode_id=episode_id,
        user_id=saved["user"],
        role=role,
        state=CreditState(saved["state"]),
        answered_at=datetime.fromisoformat(answered_at) if answered_at else None,
    )
    if restored.state == CreditState.ACCEPTED:
        await _work_changed(log, post_id, episode_id)
    return _snapshot(restored)


async def set_credit(
    log: ChangeLog, target: Target, action: ModerationAction
) -> dict[str, object] | None:
    """REMOVE deletes the credit, RESTORE gives it back; APPROVE keeps it as it is. What the
    credit is or was, None if there is none now."""
    if action == ModerationAction.REMOVE:
        return await remove_credit(log, target.id)
    if action == ModerationAction.RESTORE:
        return await restore_credit(log, target.id)
    return None


async def tell_about_credit(
    log: ChangeLog,
    target: Target,
    action: ModerationAction,
    reason: str,
    credit: dict[str, object] | None,
) -> None:
    """Tell who gave a removed (or restored) credit, with the reason, and the credited user
    that their name is off the work (or back), linked to the work."""
    if credit is None:
        return  # gone already, or it could not come back: nothing changed
    post_id = cast(int | None, credit["post"])
    episode_id = cast(int | None, credit["episode"])
    on_post = post_id is not None
    work = {
        "work": "post" if on_post else "episode",
        "a_work": "a post" if on_post else "an episode",
    }
    if target.author_id is not None:
        text = CREDIT_NOTICES[action].format_map(work)
        await notify_moderation(
            log,
            target.author_id,
            f"{text}: {reason}" if reason else f"{text}.",
            post_id=post_id,
            episode_id=episode_id,
        )
    await notify_moderation(
        log,
        cast(int, credit["user"]),
        CREDITED_NOTICES[action].format_map(work),
        post_id=post_id,
        episode_id=episode_id,
    )


async def _work_changed(log: ChangeLog, post_id: int | None, episode_id: int | None) -> None:
    """A live work's accepted credits changed: its viewers and its search entry follow."""
    if post_id is not None:
        await log.add(ChangeKind.POST_UPDATED, post_id=post_id)
        await log.changed(SearchEntity.POST, post_id)
    elif episode_id is not None:
        await log.add(ChangeKind.EPISODE_UPDATED, episode_id=episode_id)
        await log.changed(SearchEntity.EPISODE, episode_id)
