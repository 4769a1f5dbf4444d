"""Radio episodes: submitting, reviewing, editing and deleting them.

    DRAFT ──send──▶ SUBMITTED ──a head approves──▶ PUBLISHED
      │                 └──────a head rejects───▶ REJECTED ──send again──▶ SUBMITTED
      └──send, by a head of the station──────────▶ PUBLISHED

A head of the station who sends an episode publishes it at once; anyone else's waits for a
head. Screening is the posts' (`screen(..., "post", ...)`): a BLOCK rule refuses, and what
screening holds (a HOLD rule, a silenced author, a new account's first posts, repeated text)
stays SUBMITTED even for a head, with a moderation queue item that hides it: no head may
approve it until the moderators have decided.

Editing and deleting are for the author and the station's heads (heads in good standing: a
sanction takes a head's power over other people's episodes away). An author who is no head and
swaps a published episode's audio file or cover sends it back to the heads: they approved what
they heard. What the viewer may not see reads as missing. The heads are told when an episode
waits for them (`EPISODE_SUBMITTED`) and find the waiting ones in `list_submissions`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from tortoise.expressions import Subquery

from moderation import policies
from resolvers import validation
from resolvers.changes import ChangeLog, writing
from resolvers.context import Context
from resolvers.credits import CreditDraft, clean_credits, invite_pending, set_credits
from resolvers.moderation_items import OPEN_STATES, Target, open_key
from resolvers.notifications import notify
from resolvers.pagination import Listing, Page, id_key, keyset_page, time_key
from resolvers.radio import heads_station, require_station
from resolvers.screening import Verdict, review_if_needed, screen
from resolvers.visibility import visible_episode
from resolvers.works import WorkRef
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    ChangeKind,
    EpisodeState,
    ModerationItem,
    ModerationTarget,
    NotificationKind,
    RadioEpisode,
    RadioStation,
    SearchEntity,
    StationHead,
    User,
)
from server.settings import Settings

MAX_TITLE = 200
MAX_DESCRIPTION = 5_000
MAX_URL = 500
MAX_NOTE = 500
MAX_DURATION = 4 * 3600
MIME_RE = re.compile(r"audio/[a-z0-9][a-z0-9.+-]{0,90}")
SENDABLE = (EpisodeState.DRAFT, EpisodeState.REJECTED)
SUBMISSIONS = Listing(
    "station_submissions", time_key("updated_at", descending=False), id_key(descending=False)
)
UNDER_MODERATION = (EpisodeState.HIDDEN, EpisodeState.REMOVED)
# What a head approved and screening cannot read: changed by anyone else, it is reviewed again.
REVIEWED_MEDIA = frozenset({"audio_url", "cover_url"})


@dataclass
class AudioInput:
    url: str
    duration_seconds: int
    mime_type: str
    size_bytes: int | None = None


@dataclass
class EpisodeDraft:
    station_slug: str
    title: str
    audio: AudioInput
    description: str = ""
    cover_url: str | None = None
    # The people it was made with; None and [] both credit nobody.
    credits: list[CreditDraft] | None = None


@dataclass
class EpisodeChanges:
    """What an edit changes; None leaves a field as it is. An empty cover URL removes it."""

    title: str | None = None
    description: str | None = None
    audio: AudioInput | None = None
    cover_url: str | None = None
    # The credits it should carry from now on; None keeps them.
    credits: list[CreditDraft] | None = None


def clean_title(title: str | None) -> str:
    return validation.text(title, "title", maximum=MAX_TITLE, label="An episode's title")


def clean_description(description: str | None) -> str:
    return validation.text(
        description, "description", minimum=0, maximum=MAX_DESCRIPTION, label="A description"
    )


def clean_cover(url: str | None, settings: Settings) -> str | None:
    return validation.url(url, "coverUrl", maximum=MAX_URL, allow_http=settings.development)


def clean_audio(audio: AudioInput, settings: Settings) -> dict[str, Any]:
    """The audio file's columns: an http(s) URL to a public address (plain http in development
    only, as for every URL), an audio/* type, 1 s to 4 h, a positive size if given."""
    url = validation.url(audio.url, "audio", maximum=MAX_URL, allow_http=settings.development)
    if url is None:
        raise InvalidInput("An episode needs the URL of its audio file.", field="audio")
    mime_type = audio.mime_type.strip().lower()
    if not MIME_RE.fullmatch(mime_type):
        raise InvalidInput("The audio's type must be audio/*, such as audio/mpeg.", field="audio")
    if not 1 <= audio.duration_seconds <= MAX_DURATION:
        raise InvalidInput("An episode lasts from 1 second to 4 hours.", field="audio")
    if audio.size_bytes is not None and audio.size_bytes < 1:
        raise InvalidInput("The audio's size must be a positive number of bytes.", field="audio")
    return {
        "audio_url": url,
        "duration_seconds": audio.duration_seconds,
        "mime_type": mime_type,
        "size_bytes": audio.size_bytes,
    }


def target(episode: RadioEpisode) -> Target:
    """What a queue item about this episode is about."""
    return Target(ModerationTarget.EPISODE, episode.id, episode.author_id, None)


async def episode_went_live(log: ChangeLog, episode: RadioEpisode) -> None:
    """What an episode going on air tells the world: the live feeds, search, and the people
    it credits (asked for their consent now that they can hear it)."""
    await log.add(ChangeKind.EPISODE_ADDED, episode_id=episode.id, station_id=episode.station_id)
    await log.changed(SearchEntity.EPISODE, episode.id)
    await invite_pending(log, WorkRef(episode_id=episode.id), episode.author_id)


async def _screen(ctx: Context, author: User, title: str, description: str) -> Verdict:
    return await screen(ctx, author, "post", {"title": title, "description": description})


async def submit_episode(ctx: Context, draft: EpisodeDraft, *, publish: bool) -> RadioEpisode:
    """An episode for a station: kept as a draft, published at once (a head of the station,
    unless screening holds it), or submitted for a head's review (anyone else)."""
    viewer = policies.require_writer(ctx.viewer)
    station = await require_station(draft.station_slug)
    title = clean_title(draft.title)
    description = clean_description(draft.description)
    audio = clean_audio(draft.audio, ctx.settings)
    cover_url = clean_cover(draft.cover_url, ctx.settings)
    credits = await clean_credits(ctx, draft.credits, viewer.id)
    verdict = await _screen(ctx, viewer, title, description)
    state = EpisodeState.DRAFT
    if publish:
        head = await heads_station(ctx, station.id)
        state = EpisodeState.PUBLISHED if head and not verdict.held else EpisodeState.SUBMITTED
    async with writing(ctx.hub) as log:
        episode = await RadioEpisode.create(
            station_id=station.id,
            author_id=viewer.id,
            title=verdict.fields["title"],
            description=verdict.fields["description"],
            cover_url=cover_url,
            state=state,
            published_at=datetime.now(UTC) if state == EpisodeState.PUBLISHED else None,
            **audio,
        )
        if credits:
            ref = WorkRef(episode_id=episode.id)
            await set_credits(log, ref, viewer.id, credits, live=False)
        if state == EpisodeState.PUBLISHED:
            await episode_went_live(log, episode)
        if publish:
            await review_if_needed(log, verdict, target(episode), viewer.id)
        if state == EpisodeState.SUBMITTED and not verdict.held:
            await ask_heads(log, episode)
    return episode


async def ask_heads(log: ChangeLog, episode: RadioEpisode) -> None:
    """Tell the station's heads that an episode waits for their review."""
    heads = await StationHead.filter(station_id=episode.station_id).values_list(
        "user_id", flat=True
    )
    for head_id in cast(list[int], heads):
        await notify(
            log,
            head_id,
            NotificationKind.EPISODE_SUBMITTED,
            episode.author_id,
            episode_id=episode.id,
        )


def _held_episodes() -> Subquery:
    """The episodes screening or a moderator holds in the queue now."""
    return Subquery(
        ModerationItem.filter(
            target_type=ModerationTarget.EPISODE, state__in=OPEN_STATES, target_hidden=True
        ).values("target_id")
    )


async def list_submissions(
    ctx: Context, station: RadioStation, first: int, after: str | None
) -> Page[RadioEpisode] | None:
    """The episodes waiting for a head of the station, oldest first: for its heads (and
    staff); None for anyone else. What the moderators hold is theirs to decide, not listed."""
    if not (await heads_station(ctx, station.id) or policies.is_staff(ctx.viewer)):
        return None
    queryset = RadioEpisode.filter(station_id=station.id, state=EpisodeState.SUBMITTED).exclude(
        id__in=_held_episodes()
    )
    return await keyset_page(queryset, SUBMISSIONS, first=first, after=after)


async def _held(episode_id: int) -> bool:
    """Whether screening or a moderator holds the episode in the queue now."""
    return await ModerationItem.filter(
        open_key=open_key(ModerationTarget.EPISODE, episode_id),
        state__in=OPEN_STATES,
        target_hidden=True,
    ).exists()


async def review_episode(
    ctx: Context, episode_id: int, *, approve: bool, note: str | None = None
) -> RadioEpisode:
    """A head of the station publishes or rejects a submitted episode; its author is told."""
    viewer = policies.require_writer(ctx.viewer)
    episode = await visible_episode(ctx, episode_id)
    if episode is None:
        raise NotFound("No such episode.")
    if not await heads_station(ctx, episode.station_id):
        raise Forbidden("Only the station's heads review its episodes.")
    policies.refuse_if_sanctioned(viewer)  # a head's power, gone while sanctioned
    if episode.state != EpisodeState.SUBMITTED:
        raise Conflict("Only submitted episodes are reviewed.")
    cleaned_note = validation.text(note, "note", minimum=0, maximum=MAX_NOTE, label="A note")
    now = datetime.now(UTC)
    async with writing(ctx.hub) as log:
        if await _held(episode.id):
            raise Conflict("This episode waits for the moderators; it cannot be reviewed yet.")
        decided = await RadioEpisode.filter(id=episode.id, state=EpisodeState.SUBMITTED).update(
            state=EpisodeState.PUBLISHED if approve else EpisodeState.REJECTED,
            published_at=now if approve else None,
            reviewed_by_id=viewer.id,
            review_note=cleaned_note,
            updated_at=now,
        )
        if not decided:
            raise Conflict("The episode changed meanwhile (another head may have reviewed it).")
        await episode.refresh_from_db()
        if approve:
            await episode_went_live(log, episode)
        # Whoever has it on screen (its author, the other heads) sees the decision.
        await log.add(
            ChangeKind.EPISODE_UPDATED, episode_id=episode.id, station_id=episode.station_id
        )
        await notify(
            log,
            episode.author_id,
            NotificationKind.EPISODE_REVIEWED,
            viewer.id,
            episode_id=episode.id,
        )
    return episode


async def _editable(ctx: Context, episode_id: int) -> tuple[User, RadioEpisode, bool]:
    """The viewer, an episode they may change (its author, or a head of its station in good
    standing; one they cannot see reads as missing), and whether they head its station."""
    viewer = policies.require_writer(ctx.viewer)
    episode = await visible_episode(ctx, episode_id)
    if episode is None:
        raise NotFound("No such episode.")
    head = await heads_station(ctx, episode.station_id)
    if episode.author_id != viewer.id:
        if not head:
            raise Forbidden("Only the author and the station's heads can change this episode.")
        policies.refuse_if_sanctioned(viewer)  # power over others' episodes, gone while sanctioned
    return viewer, episode, head


async def update_episode(
    ctx: Context, episode_id: int, changes: EpisodeChanges, *, send: bool = False
) -> RadioEpisode:
    """Edit an episode; with `send`, its author sends a draft or a rejected episode on (as
    `submit_episode` would). A published episode's new texts are screened and it stays on air
    meanwhile (what trips a rule goes to the queue, as for posts); a new audio file or cover
    from anyone but a head is what screening cannot read, so the episode leaves the air and
    waits for a head's review again."""
    viewer, episode, head = await _editable(ctx, episode_id)
    if changes.credits is not None and viewer.id != episode.author_id:
        raise Forbidden("Only the author names who an episode was made with.")
    was = episode.state
    if was in UNDER_MODERATION:
        raise Conflict("This episode is under moderation and cannot be edited.")
    if send and (was not in SENDABLE or episode.author_id != viewer.id):
        raise Conflict("Only the author sends a draft or a rejected episode.")
    new: dict[str, Any] = {}
    if changes.title is not None:
        new["title"] = clean_title(changes.title)
    if changes.description is not None:
        new["description"] = clean_description(changes.description)
    if changes.audio is not None:
        new.update(clean_audio(changes.audio, ctx.settings))
    if changes.cover_url is not None:
        new["cover_url"] = clean_cover(changes.cover_url, ctx.settings)
    changed = {key: value for key, value in new.items() if getattr(episode, key) != value}
    credits = await clean_credits(ctx, changes.credits, episode.author_id)
    edited = bool(changed)
    if not edited and not send:
        if credits is not None:
            async with writing(ctx.hub) as log:
                live = was == EpisodeState.PUBLISHED
                ref = WorkRef(episode_id=episode.id)
                await set_credits(log, ref, episode.author_id, credits, live=live)
        return episode
    # Texts are screened when they change or go out; a new file alone has no text to read.
    verdict = Verdict(fields={})
    if send or "title" in changed or "description" in changed:
        verdict = await _screen(
            ctx,
            viewer,
            changed.get("title", episode.title),
            changed.get("description", episode.description),
        )
        for key in ("title", "description"):
            if key in changed or send:  # a text sent out goes as screened (masked) now
                changed[key] = verdict.fields[key]
    now = datetime.now(UTC)
    if edited:
        changed["edited_at"] = now
    state = was
    if send:
        state = EpisodeState.PUBLISHED if head and not verdict.held else EpisodeState.SUBMITTED
    elif was == EpisodeState.PUBLISHED and not head and REVIEWED_MEDIA & changed.keys():
        state = EpisodeState.SUBMITTED
    if state != was:
        changed.update(
            state=state,
            published_at=now if state == EpisodeState.PUBLISHED else None,
            reviewed_by_id=None,
            review_note="",
        )
    async with writing(ctx.hub) as log:
        # Only the edited columns, and only while the episode is in the state it was read in:
        # a head's review or a moderator's hide meanwhile wins, and the edit is refused.
        updated = await RadioEpisode.filter(id=episode.id, state=was).update(
            **changed, updated_at=now
        )
        if not updated:
            raise Conflict("The episode changed meanwhile (it may have been reviewed); look again.")
        await episode.refresh_from_db()
        if credits is not None:
            live = was == EpisodeState.PUBLISHED and state == EpisodeState.PUBLISHED
            ref = WorkRef(episode_id=episode.id)
            await set_credits(log, ref, episode.author_id, credits, live=live)
        ids = {"episode_id": episode.id, "station_id": episode.station_id}
        if state == EpisodeState.PUBLISHED and was != EpisodeState.PUBLISHED:
            await episode_went_live(log, episode)
        elif state == EpisodeState.PUBLISHED:
            await log.add(ChangeKind.EPISODE_UPDATED, **ids)
            await log.changed(SearchEntity.EPISODE, episode.id)
            verdict.hold_reasons.clear()  # it stays on air while moderators look
        elif was == EpisodeState.PUBLISHED:
            await log.add(ChangeKind.EPISODE_REMOVED, **ids)  # off the air until reviewed
            await log.changed(SearchEntity.EPISODE, episode.id)
        if state in (EpisodeState.PUBLISHED, EpisodeState.SUBMITTED):
            await review_if_needed(log, verdict, target(episode), viewer.id)
        if state == EpisodeState.SUBMITTED and was != state and not verdict.held:
            await ask_heads(log, episode)
    return episode


async def delete_episode(ctx: Context, episode_id: int) -> int:
    """Delete an episode for good, with its reactions; a published one leaves the air."""
    _, episode, _ = await _editable(ctx, episode_id)
    async with writing(ctx.hub) as log:
        deleted = await RadioEpisode.filter(id=episode.id).delete()
        if deleted and episode.state == EpisodeState.PUBLISHED:
            await log.add(
                ChangeKind.EPISODE_REMOVED, episode_id=episode.id, station_id=episode.station_id
            )
            await log.changed(SearchEntity.EPISODE, episode.id)
    return episode.id
