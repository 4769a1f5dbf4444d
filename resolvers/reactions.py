"""Reactions on posts, comments and radio episodes: one per user, per kind, per subject."""

from __future__ import annotations

from tortoise.expressions import F

from moderation import policies
from resolvers import earnings
from resolvers.changes import ChangeLog, writing
from resolvers.context import Context
from resolvers.credits import co_creators
from resolvers.notifications import notify
from resolvers.visibility import visible_comment, visible_episode, visible_post
from resolvers.works import WorkRef
from server.errors import NotFound
from server.models import (
    ChangeKind,
    Comment,
    CommentReaction,
    CommentState,
    EpisodeReaction,
    EpisodeState,
    NotificationKind,
    Post,
    PostReaction,
    RadioEpisode,
    ReactionKind,
)

Subject = Post | Comment | RadioEpisode


async def _subject(ctx: Context, subject_type: str, subject_id: int) -> Subject:
    subject: Subject | None = None
    if subject_type == "Post":
        subject = await visible_post(ctx, subject_id)
    elif subject_type == "Comment":
        subject = await visible_comment(ctx, subject_id)
        if subject is not None and subject.state != CommentState.PUBLISHED:
            subject = None  # a deleted comment's tombstone takes no reactions
    elif subject_type == "RadioEpisode":
        subject = await visible_episode(ctx, subject_id)
        if subject is not None and subject.state != EpisodeState.PUBLISHED:
            subject = None  # what is not on air (a draft, a submission) takes no reactions
    if subject is None:
        raise NotFound("Nothing to react to with that id.")
    return subject


async def add_reaction(
    ctx: Context, subject_type: str, subject_id: int, kind: ReactionKind
) -> Subject:
    viewer = policies.require_writer(ctx.viewer)
    subject = await _subject(ctx, subject_type, subject_id)
    async with writing(ctx.hub) as log:
        if isinstance(subject, Post):
            _, created = await PostReaction.get_or_create(
                post_id=subject.id, user_id=viewer.id, kind=kind
            )
        elif isinstance(subject, RadioEpisode):
            _, created = await EpisodeReaction.get_or_create(
                episode_id=subject.id, user_id=viewer.id, kind=kind
            )
        else:
            _, created = await CommentReaction.get_or_create(
                comment_id=subject.id, user_id=viewer.id, kind=kind
            )
        if created:
            await type(subject).filter(id=subject.id).update(reaction_count=F("reaction_count") + 1)
            await _reacted(log, subject, viewer.id)
            await earnings.reaction_added(log, ctx.settings, viewer.id, subject)
    await subject.refresh_from_db()
    return subject


async def _reacted(log: ChangeLog, subject: Subject, actor_id: int) -> None:
    if isinstance(subject, Post | RadioEpisode):
        # A work's reactions reach its author and its accepted co-creators.
        ref = WorkRef.of_row(subject)
        if isinstance(subject, Post):
            await log.add(ChangeKind.POST_UPDATED, post_id=subject.id)
        else:
            await _episode_updated(log, subject)
        for maker in dict.fromkeys([subject.author_id, *await co_creators(ref)]):
            await notify(
                log,
                maker,
                NotificationKind.REACTION,
                actor_id,
                post_id=ref.post_id,
                episode_id=ref.episode_id,
            )
    else:
        await notify(
            log,
            subject.author_id,
            NotificationKind.REACTION,
            actor_id,
            post_id=subject.post_id,
            comment_id=subject.id,
        )


async def remove_reaction(
    ctx: Context, subject_type: str, subject_id: int, kind: ReactionKind
) -> Subject:
    viewer = policies.require_writer(ctx.viewer)
    subject = await _subject(ctx, subject_type, subject_id)
    async with writing(ctx.hub) as log:
        if isinstance(subject, Post):
            removed = await PostReaction.filter(
                post_id=subject.id, user_id=viewer.id, kind=kind
            ).delete()
        elif isinstance(subject, RadioEpisode):
            removed = await EpisodeReaction.filter(
                episode_id=subject.id, user_id=viewer.id, kind=kind
            ).delete()
        else:
            removed = await CommentReaction.filter(
                comment_id=subject.id, user_id=viewer.id, kind=kind
            ).delete()
        if removed:
            await type(subject).filter(id=subject.id).update(reaction_count=F("reaction_count") - 1)
            if isinstance(subject, Post):
                await log.add(ChangeKind.POST_UPDATED, post_id=subject.id)
            elif isinstance(subject, RadioEpisode):
                await _episode_updated(log, subject)
    await subject.refresh_from_db()
    return subject


async def _episode_updated(log: ChangeLog, episode: RadioEpisode) -> None:
    """A published episode's reaction count changed: its live stream is told (search is not,
    as for posts: counts are read from the database)."""
    await log.add(ChangeKind.EPISODE_UPDATED, episode_id=episode.id, station_id=episode.station_id)
