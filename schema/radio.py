"""The owners' radio: stations, their heads and followers, episodes; reading stations and
running them (writing episodes is in schema.episodes)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import episodes as episode_cases
from resolvers import radio as cases
from resolvers.comments import list_comments
from resolvers.context import Context
from resolvers.works import WorkRef
from schema.comments import Comment
from schema.credits import Credit, work_credits
from schema.enums import EpisodeState, ReactionKind
from schema.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from schema.loading import now_or_later
from schema.reactable import Reactable, ReactionCount, summary
from schema.relay import Connection, Node, encode_id, page_size, to_connection
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

    @strawberry.field(description="The users who run it: they publish and review its episodes.")
    async def heads(self, info: Info[Context, None]) -> list[User]:
        return [User.from_row(u) for u in await cases.list_heads(info.context, self.row)]

    @strawberry.field(description="Whether the viewer follows it (false when signed out).")
    def viewer_follows(self, info: Info[Context, None]) -> bool:
        return now_or_later(info.context.loaders.viewer_follows_by_station_id, self.pk, bool)

    @strawberry.field(description="Its published episodes, newest first.")
    async def episodes(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[RadioEpisode]:
        size = page_size(info.context.settings, first)
        page = await cases.station_episodes(self.row, size, after)
        return to_connection(page, RadioEpisode.from_row)

    @strawberry.field(
        description="Episodes waiting for a head's review, oldest first: for the station's "
        "heads and staff, null for anyone else."
    )
    async def submissions(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[RadioEpisode] | None:
        size = page_size(info.context.settings, first)
        page = await episode_cases.list_submissions(info.context, self.row, size, after)
        return to_connection(page, RadioEpisode.from_row) if page is not None else None


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
    play_count: int = strawberry.field(
        description="How many times it was played (one play per listener per hour; counted "
        "plays are written every few seconds)."
    )
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
        loader = info.context.loaders.viewer_reactions_by_episode_id
        return now_or_later(loader, self.pk, lambda kinds: [ReactionKind(k) for k in kinds])

    @strawberry.field(description="Reaction counts by kind, most frequent first.")
    def reaction_summary(self, info: Info[Context, None]) -> list[ReactionCount]:
        loader = info.context.loaders.episode_reaction_summary_by_episode_id
        return now_or_later(loader, self.pk, summary)

    @strawberry.field(
        description="Who it was made with: ACCEPTED credits for everyone; the author sees "
        "every credit with its state, a credited user their own."
    )
    async def credits(self, info: Info[Context, None]) -> list[Credit]:
        return await work_credits(info, self.row)

    @strawberry.field(description="Top-level comments, oldest first; replies hang below them.")
    async def comments(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Comment]:
        on = WorkRef(episode_id=self.pk)
        page = await list_comments(on, page_size(info.context.settings, first), after)
        return to_connection(page, Comment.from_row)

    @strawberry.field(
        description="What the reviewing head wrote; for the author and the station's heads, "
        "null for everyone else."
    )
    async def review_note(self, info: Info[Context, None]) -> str | None:
        ctx = info.context
        if ctx.viewer is None or self.row.reviewed_by_id is None:
            return None
        if ctx.viewer.id == self.row.author_id or await cases.heads_station(
            ctx, self.row.station_id
        ):
            return self.row.review_note
        return None


# --- stations: admins open them, appoint heads; anyone signed in follows them ------------------


@strawberry.input(description="A new radio station.")
class CreateRadioStationInput:
    slug: str = strawberry.field(description="3 to 50 characters: lowercase letters, digits, '-'.")
    name: str = strawberry.field(description="Its name, 2 to 100 characters.")
    city: str = strawberry.field(description="The city it broadcasts for.")
    description: str = strawberry.field(default="", description="What it is about.")
    cover_url: str | None = strawberry.field(default=None, description="An https cover image.")


@strawberry.type(description="The station is open.")
class CreateRadioStationSuccess:
    station: RadioStation = strawberry.field(description="The new station.")


CreateRadioStationResult = Annotated[
    CreateRadioStationSuccess | ValidationError | ConflictError,
    strawberry.union("CreateRadioStationResult"),
]


@strawberry.input(description="Changes to a station; omitted fields stay.")
class UpdateRadioStationInput:
    slug: str = strawberry.field(description="The station to change (its slug stays).")
    name: str | None = strawberry.field(default=None, description="A new name.")
    city: str | None = strawberry.field(default=None, description="A new city.")
    description: str | None = strawberry.field(default=None, description="A new description.")
    cover_url: str | None = strawberry.field(
        default=None, description="A new cover image; an empty string removes it."
    )


@strawberry.type(description="The station was changed.")
class UpdateRadioStationSuccess:
    station: RadioStation = strawberry.field(description="The station as it is now.")


UpdateRadioStationResult = Annotated[
    UpdateRadioStationSuccess | ValidationError | NotFoundError,
    strawberry.union("UpdateRadioStationResult"),
]


@strawberry.input(description="Who is to run a station.")
class AppointStationHeadInput:
    station_slug: str = strawberry.field(description="The station.")
    handle: str = strawberry.field(description="The new head's handle.")


@strawberry.type(description="The user is a head of the station (appointing twice is harmless).")
class AppointStationHeadSuccess:
    station: RadioStation = strawberry.field(description="The station, with its heads.")


AppointStationHeadResult = Annotated[
    AppointStationHeadSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("AppointStationHeadResult"),
]


@strawberry.input(description="Who is to stop running a station.")
class RemoveStationHeadInput:
    station_slug: str = strawberry.field(description="The station.")
    handle: str = strawberry.field(description="The head's handle.")


@strawberry.type(description="The user no longer runs the station.")
class RemoveStationHeadSuccess:
    station: RadioStation = strawberry.field(description="The station, with its heads.")


RemoveStationHeadResult = Annotated[
    RemoveStationHeadSuccess | ValidationError | NotFoundError,
    strawberry.union("RemoveStationHeadResult"),
]


@strawberry.input(description="The station to follow.")
class FollowStationInput:
    station_slug: str = strawberry.field(description="The station's slug.")


@strawberry.type(description="The viewer follows the station (following twice is harmless).")
class FollowStationSuccess:
    station: RadioStation = strawberry.field(description="The station, with its follower count.")


FollowStationResult = Annotated[
    FollowStationSuccess | NotFoundError, strawberry.union("FollowStationResult")
]


@strawberry.input(description="The station to stop following.")
class UnfollowStationInput:
    station_slug: str = strawberry.field(description="The station's slug.")


@strawberry.type(description="The viewer no longer follows the station.")
class UnfollowStationSuccess:
    station: RadioStation = strawberry.field(description="The station, with its follower count.")


UnfollowStationResult = Annotated[
    UnfollowStationSuccess | NotFoundError, strawberry.union("UnfollowStationResult")
]


@strawberry.type
class RadioQueries:
    @strawberry.field(description="A radio station by slug, or null if there is none.")
    async def radio_station(self, info: Info[Context, None], slug: str) -> RadioStation | None:
        row = await cases.station_by_slug(slug)
        return RadioStation.from_row(row) if row else None

    @strawberry.field(
        description="Radio stations, most followed first; those of one city if given."
    )
    async def radio_stations(
        self,
        info: Info[Context, None],
        city: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[RadioStation]:
        page = await cases.list_stations(city, page_size(info.context.settings, first), after)
        return to_connection(page, RadioStation.from_row)

    @strawberry.field(
        description="Published episodes, newest first; for a signed-in viewer, those of the "
        "stations they follow come first."
    )
    async def radio_feed(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[RadioEpisode]:
        ctx = info.context
        page = await cases.radio_feed(ctx, page_size(ctx.settings, first), after)
        return to_connection(page, RadioEpisode.from_row)


@strawberry.type
class RadioMutations:
    @strawberry.mutation(description="Open a radio station. Admins only.")
    async def create_radio_station(
        self, info: Info[Context, None], input: CreateRadioStationInput
    ) -> CreateRadioStationResult:
        fields = cases.StationFields(
            name=input.name,
            city=input.city,
            description=input.description,
            cover_url=input.cover_url,
        )
        row = await cases.create_station(info.context, input.slug, fields)
        return CreateRadioStationSuccess(station=RadioStation.from_row(row))

    @strawberry.mutation(description="Rename, move or describe a radio station. Admins only.")
    async def update_radio_station(
        self, info: Info[Context, None], input: UpdateRadioStationInput
    ) -> UpdateRadioStationResult:
        fields = cases.StationFields(
            name=input.name,
            city=input.city,
            description=input.description,
            cover_url=input.cover_url,
        )
        row = await cases.update_station(info.context, input.slug, fields)
        return UpdateRadioStationSuccess(station=RadioStation.from_row(row))

    @strawberry.mutation(description="Make a user a head of a station. Admins only.")
    async def appoint_station_head(
        self, info: Info[Context, None], input: AppointStationHeadInput
    ) -> AppointStationHeadResult:
        row = await cases.appoint_head(info.context, input.station_slug, input.handle)
        return AppointStationHeadSuccess(station=RadioStation.from_row(row))

    @strawberry.mutation(description="Take a head off a station. Admins only.")
    async def remove_station_head(
        self, info: Info[Context, None], input: RemoveStationHeadInput
    ) -> RemoveStationHeadResult:
        row = await cases.remove_head(info.context, input.station_slug, input.handle)
        return RemoveStationHeadSuccess(station=RadioStation.from_row(row))

    @strawberry.mutation(description="Follow a station: its episodes come first in the radio feed.")
    async def follow_station(
        self, info: Info[Context, None], input: FollowStationInput
    ) -> FollowStationResult:
        row = await cases.follow_station(info.context, input.station_slug)
        return FollowStationSuccess(station=RadioStation.from_row(row))

    @strawberry.mutation(description="Stop following a station.")
    async def unfollow_station(
        self, info: Info[Context, None], input: UnfollowStationInput
    ) -> UnfollowStationResult:
        row = await cases.unfollow_station(info.context, input.station_slug)
        return UnfollowStationSuccess(station=RadioStation.from_row(row))
