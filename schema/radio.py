"""The owners' radio: stations, their heads and followers, episodes; reading and running them."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import Info

from resolvers.context import Context
from schema.enums import EpisodeState, ReactionKind
from schema.loading import now_or_later
from schema.reactable import Reactable, ReactionCount
from schema.relay import Node, encode_id
from schema.users import User
from server import models


@strawberry.type(description="An episode's audio file, kept in object storage.")
class Audio:
    url: str = strawberry.field(description="Where the file is served.")
    duration_seconds: int = strawberry.field(description="Its length, 1 s to 4 h.")
    mime_type: str = strawberry.field(description="An audio/* type, such as audio/mpeg.")
    size_bytes: int | None = strawberry.field(description="The file's size, if known.")


@strawberry.type(description="A radio station, often one city's, run by its heads.")
class RadioStation(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.RadioStation]
    slug: str = strawberry.field(description="The station's unique short name.")
    name: str = strawberry.field(description="Its name, such as 蔚来电台·上海站.")
    city: str = strawberry.field(description="The city it broadcasts for.")
    description: str = strawberry.field(description="What it is about.")
    cover_url: str | None = strawberry.field(description="Its cover image.")
    follower_count: int = strawberry.field(description="How many users follow it.")
    created_at: datetime = strawberry.field(description="When it was opened.")

    @classmethod
    def from_row(cls, row: models.RadioStation) -> RadioStation:
        return cls(
            id=encode_id("RadioStation", row.id),
            pk=row.id,
            row=row,
            slug=row.slug,
            name=row.name,
            city=row.city,
            description=row.description,
            cover_url=row.cover_url,
            follower_count=row.follower_count,
            created_at=row.created_at,
        )


@strawberry.type(description="One episode of a station's programme.")
class RadioEpisode(Reactable):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.RadioEpisode]
    title: str = strawberry.field(description="The episode's title.")
    description: str = strawberry.field(description="What it is about.")
    audio: Audio = strawberry.field(description="The audio file.")
    cover_url: str | None = strawberry.field(description="Its cover image.")
    state: EpisodeState = strawberry.field(
        description="DRAFT, SUBMITTED (waiting for a head), PUBLISHED, REJECTED, HIDDEN, REMOVED."
    )
    published_at: datetime | None = strawberry.field(description="When it went on air.")
    play_count: int = strawberry.field(description="How many times it was played.")
    comment_count: int = strawberry.field(description="How many comments it has.")
    created_at: datetime = strawberry.field(description="When it was submitted.")

    @classmethod
    def from_row(cls, row: models.RadioEpisode) -> RadioEpisode:
        return cls(
            id=encode_id("RadioEpisode", row.id),
            pk=row.id,
            row=row,
            title=row.title,
            description=row.description,
            audio=Audio(
                url=row.audio_url,
                duration_seconds=row.duration_seconds,
                mime_type=row.mime_type,
                size_bytes=row.size_bytes,
            ),
            cover_url=row.cover_url,
            state=row.state,
            published_at=row.published_at,
            play_count=row.play_count,
            comment_count=row.comment_count,
            reaction_count=row.reaction_count,
            created_at=row.created_at,
        )

    @strawberry.field(description="The station it belongs to.")
    def station(self, info: Info[Context, None]) -> RadioStation:
        return now_or_later(
            info.context.loaders.station_by_id, self.row.station_id, RadioStation.from_row
        )

    @strawberry.field(description="Who submitted it.")
    def author(self, info: Info[Context, None]) -> User:
        return now_or_later(info.context.loaders.user_by_id, self.row.author_id, User.from_row)

    @strawberry.field(description="The kinds of reaction the viewer gave it.")
    def viewer_reactions(self, info: Info[Context, None]) -> list[ReactionKind]:
        return []  # TODO(radio): the viewer's episode reactions, through a loader

    @strawberry.field(description="Reaction counts by kind, most frequent first.")
    def reaction_summary(self, info: Info[Context, None]) -> list[ReactionCount]:
        return []  # TODO(radio): episode reaction summaries, through a loader
