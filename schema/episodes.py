"""Radio episodes: submitting, reviewing, editing, deleting and playing them (the types are in
schema.radio)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import episodes as cases
from resolvers import radio as radio_cases
from resolvers.context import Context
from schema.credits import CreditInput, credit_drafts
from schema.errors import (
    ConflictError,
    ContentRejectedError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.radio import RadioEpisode
from schema.relay import decode_pk


@strawberry.input(description="An audio file the app has uploaded to object storage.")
class AudioInput:
    url: str = strawberry.field(description="An https URL to the file.")
    duration_seconds: int = strawberry.field(description="Its length: 1 s to 4 h.")
    mime_type: str = strawberry.field(description="An audio/* type, such as audio/mpeg.")
    size_bytes: int | None = strawberry.field(default=None, description="Its size, if known.")


def _audio(audio: AudioInput) -> cases.AudioInput:
    return cases.AudioInput(
        url=audio.url,
        duration_seconds=audio.duration_seconds,
        mime_type=audio.mime_type,
        size_bytes=audio.size_bytes,
    )


@strawberry.input(description="A new episode for a station.")
class SubmitEpisodeInput:
    station_slug: str = strawberry.field(description="The station it is for.")
    title: str = strawberry.field(description="Its title, up to 200 characters.")
    audio: AudioInput = strawberry.field(description="The audio file.")
    description: str = strawberry.field(default="", description="What it is about.")
    cover_url: str | None = strawberry.field(default=None, description="An https cover image.")
    credits: list[CreditInput] | None = strawberry.field(
        default=None,
        description="Up to 20 people it was made with (hosts, guests…); each is asked to "
        "accept once it is on air.",
    )
    publish: bool = strawberry.field(
        default=True,
        description="Send it: a head of the station publishes at once, anyone else's waits for "
        "a head's review. False keeps a draft, seen by its author alone.",
    )


@strawberry.type(description="The episode was saved: published, submitted or kept as a draft.")
class SubmitEpisodeSuccess:
    episode: RadioEpisode = strawberry.field(description="The episode; its state says which.")


SubmitEpisodeResult = Annotated[
    SubmitEpisodeSuccess
    | ValidationError
    | NotFoundError
    | RateLimitedError
    | ContentRejectedError,
    strawberry.union("SubmitEpisodeResult"),
]


@strawberry.input(description="A head's decision on a submitted episode.")
class ReviewEpisodeInput:
    episode_id: strawberry.ID = strawberry.field(description="The submitted episode.")
    approve: bool = strawberry.field(description="True publishes it; false rejects it.")
    note: str | None = strawberry.field(
        default=None, description="A word to the author (up to 500 characters)."
    )


@strawberry.type(description="The episode is published or rejected, and its author told.")
class ReviewEpisodeSuccess:
    episode: RadioEpisode = strawberry.field(description="The episode as it is now.")


ReviewEpisodeResult = Annotated[
    ReviewEpisodeSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("ReviewEpisodeResult"),
]


@strawberry.input(description="Changes to an episode; omitted fields stay.")
class UpdateEpisodeInput:
    episode_id: strawberry.ID = strawberry.field(description="The episode to change.")
    title: str | None = strawberry.field(default=None, description="A new title.")
    description: str | None = strawberry.field(default=None, description="A new description.")
    audio: AudioInput | None = strawberry.field(default=None, description="A new audio file.")
    cover_url: str | None = strawberry.field(
        default=None, description="A new cover image; an empty string removes it."
    )
    credits: list[CreditInput] | None = strawberry.field(
        default=None,
        description="The credits from now on: kept ones keep their answer, new ones are asked.",
    )
    publish: bool = strawberry.field(
        default=False,
        description="Send a draft or a rejected episode on, as `submitEpisode` does (its "
        "author only).",
    )


@strawberry.type(description="The episode was changed.")
class UpdateEpisodeSuccess:
    episode: RadioEpisode = strawberry.field(description="The episode as it is now.")


UpdateEpisodeResult = Annotated[
    UpdateEpisodeSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | RateLimitedError
    | ContentRejectedError,
    strawberry.union("UpdateEpisodeResult"),
]


@strawberry.input(description="The episode to delete.")
class DeleteEpisodeInput:
    episode_id: strawberry.ID = strawberry.field(description="The episode's id.")


@strawberry.type(description="The episode and its reactions are gone.")
class DeleteEpisodeSuccess:
    deleted_episode_id: strawberry.ID = strawberry.field(description="The id the episode had.")


DeleteEpisodeResult = Annotated[
    DeleteEpisodeSuccess | NotFoundError, strawberry.union("DeleteEpisodeResult")
]


@strawberry.input(description="The episode being played.")
class RecordPlayInput:
    episode_id: strawberry.ID = strawberry.field(description="The episode's id.")


@strawberry.type(description="The play is counted (once per listener per episode per hour).")
class RecordPlaySuccess:
    episode: RadioEpisode = strawberry.field(description="The episode played.")


RecordPlayResult = Annotated[
    RecordPlaySuccess | NotFoundError, strawberry.union("RecordPlayResult")
]


@strawberry.type
class EpisodeMutations:
    @strawberry.mutation(
        description="Send an episode to a station: published at once by its heads, reviewed by "
        "them otherwise; or keep it as a draft."
    )
    async def submit_episode(
        self, info: Info[Context, None], input: SubmitEpisodeInput
    ) -> SubmitEpisodeResult:
        draft = cases.EpisodeDraft(
            station_slug=input.station_slug,
            title=input.title,
            audio=_audio(input.audio),
            description=input.description,
            cover_url=input.cover_url,
            credits=credit_drafts(input.credits),
        )
        row = await cases.submit_episode(info.context, draft, publish=input.publish)
        return SubmitEpisodeSuccess(episode=RadioEpisode.from_row(row))

    @strawberry.mutation(
        description="Publish or reject a submitted episode. The station's heads only."
    )
    async def review_episode(
        self, info: Info[Context, None], input: ReviewEpisodeInput
    ) -> ReviewEpisodeResult:
        row = await cases.review_episode(
            info.context,
            decode_pk(input.episode_id, "RadioEpisode"),
            approve=input.approve,
            note=input.note,
        )
        return ReviewEpisodeSuccess(episode=RadioEpisode.from_row(row))

    @strawberry.mutation(description="Edit an episode: its author and the station's heads.")
    async def update_episode(
        self, info: Info[Context, None], input: UpdateEpisodeInput
    ) -> UpdateEpisodeResult:
        changes = cases.EpisodeChanges(
            title=input.title,
            description=input.description,
            audio=_audio(input.audio) if input.audio else None,
            cover_url=input.cover_url,
            credits=credit_drafts(input.credits),
        )
        row = await cases.update_episode(
            info.context,
            decode_pk(input.episode_id, "RadioEpisode"),
            changes,
            send=input.publish,
        )
        return UpdateEpisodeSuccess(episode=RadioEpisode.from_row(row))

    @strawberry.mutation(
        description="Delete an episode for good: its author and the station's heads."
    )
    async def delete_episode(
        self, info: Info[Context, None], input: DeleteEpisodeInput
    ) -> DeleteEpisodeResult:
        await cases.delete_episode(info.context, decode_pk(input.episode_id, "RadioEpisode"))
        return DeleteEpisodeSuccess(deleted_episode_id=input.episode_id)

    @strawberry.mutation(
        description="Count a play of a published episode: once per listener (account, or "
        "address when signed out) per episode per hour."
    )
    async def record_play(
        self, info: Info[Context, None], input: RecordPlayInput
    ) -> RecordPlayResult:
        row = await radio_cases.record_play(
            info.context, decode_pk(input.episode_id, "RadioEpisode")
        )
        return RecordPlaySuccess(episode=RadioEpisode.from_row(row))
