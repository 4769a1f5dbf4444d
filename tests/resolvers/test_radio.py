"""The owners' radio as use cases: who may open stations, appoint heads, follow, submit, review,
edit and delete episodes, react to them and play them; what each write records (change events,
search outbox rows, notifications), what it leaves alone, and that an episode not on air never
leaks through a list, the gate or a write."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from resolvers.changes import channel_for, event_from_message, message_for
from resolvers.context import Context
from resolvers.episodes import (
    AudioInput,
    EpisodeChanges,
    EpisodeDraft,
    delete_episode,
    list_submissions,
    review_episode,
    submit_episode,
    update_episode,
)
from resolvers.plays import PlayCounter
from resolvers.radio import (
    StationFields,
    appoint_head,
    create_station,
    follow_station,
    list_stations,
    radio_feed,
    record_play,
    remove_head,
    station_episodes,
    unfollow_station,
    update_station,
)
from resolvers.reactions import add_reaction, remove_reaction
from resolvers.rules import RuleInput, create_rule
from resolvers.visibility import visible_episode
from server import topics
from server.errors import (
    AccountSuspended,
    Conflict,
    ContentRejected,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    RateLimited,
)
from server.models import (
    AccountState,
    ChangeEvent,
    ChangeKind,
    EpisodeReaction,
    EpisodeState,
    MatchKind,
    ModerationItem,
    ModerationTarget,
    Notification,
    NotificationKind,
    PlatformRole,
    RadioEpisode,
    RadioStation,
    ReactionKind,
    RuleAction,
    SearchEntity,
    SearchOutbox,
    StationFollow,
    StationHead,
    User,
)
from server.resources import open_resources
from server.scheduler import run_scheduler
from tests.resolvers.conftest import events, outbox
from tests.waiting import eventually

NOT_ON_AIR = [
    EpisodeState.DRAFT,
    EpisodeState.SUBMITTED,
    EpisodeState.REJECTED,
    EpisodeState.HIDDEN,
    EpisodeState.REMOVED,
]


def audio(**fields: Any) -> AudioInput:
    values: dict[str, Any] = {
        "url": "https://media.example.com/ep1.mp3",
        "duration_seconds": 1800,
        "mime_type": "audio/mpeg",
        "size_bytes": 28_800_000,
    }
    return AudioInput(**(values | fields))


def draft(station: str = "shanghai", title: str = "Winter range", **fields: Any) -> EpisodeDraft:
    values: dict[str, Any] = {"audio": audio(), "description": "What the cold does"}
    return EpisodeDraft(station_slug=station, title=title, **(values | fields))


async def make_station(slug: str = "shanghai", city: str = "Shanghai") -> RadioStation:
    return await RadioStation.create(slug=slug, name=f"Radio {city}", city=city)


async def make_head(station: RadioStation, user: User) -> None:
    await StationHead.create(station_id=station.id, user_id=user.id)


published_at_step = iter(range(1, 10_000))


async def make_episode(
    station: RadioStation, author: User, state: EpisodeState = EpisodeState.PUBLISHED, **fields
) -> RadioEpisode:
    """An episode straight into the database, each published a minute after the last."""
    published = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=next(published_at_step))
    values: dict[str, Any] = {
        "title": "An episode",
        "audio_url": "https://media.example.com/a.mp3",
        "duration_seconds": 60,
        "mime_type": "audio/mpeg",
        "state": state,
        "published_at": published if state == EpisodeState.PUBLISHED else None,
    }
    return await RadioEpisode.create(
        station_id=station.id, author_id=author.id, **(values | fields)
    )


async def watch(people, pattern: str, action: RuleAction) -> None:
    mia = await people.make("mia", PlatformRole.MODERATOR)
    await create_rule(await people.context(mia), RuleInput(pattern, MatchKind.WORD, action, "x"))


async def nothing_written() -> bool:
    return (
        await RadioEpisode.all().count() == 0
        and await ChangeEvent.all().count() == 0
        and await SearchOutbox.all().count() == 0
    )


# --- stations ----------------------------------------------------------------------------------


async def test_an_admin_opens_a_station_with_a_search_outbox_row(people):
    chief = await people.make("chief", PlatformRole.ADMIN)
    fields = StationFields(
        name=" 蔚来电台·上海站 ", city="Shanghai", description="Owners on air", cover_url=""
    )
    station = await create_station(await people.context(chief), "Shanghai-Radio", fields)
    assert (station.slug, station.name, station.city) == (
        "shanghai-radio",
        "蔚来电台·上海站",
        "Shanghai",
    )
    assert station.cover_url is None
    assert station.created_by_id == chief.id
    assert len(await outbox(SearchEntity.STATION, station.id)) == 1


@pytest.mark.parametrize(
    ("role", "state", "refusal"),
    [
        (None, None, NotAuthenticated),
        (PlatformRole.USER, AccountState.ACTIVE, Forbidden),
        (PlatformRole.MODERATOR, AccountState.ACTIVE, Forbidden),
        (PlatformRole.ADMIN, AccountState.SILENCED, AccountSuspended),
        (PlatformRole.ADMIN, AccountState.BANNED, AccountSuspended),
    ],
)
async def test_only_admins_in_good_standing_run_stations(people, role, state, refusal):
    caller = await people.make("lin", role, state, until_days=3) if role else None
    ctx = await people.context(caller)
    station = await make_station()
    ben = await people.make("ben")
    fields = StationFields(name="Radio Beijing", city="Beijing")
    for attempt in (
        create_station(ctx, "beijing", fields),
        update_station(ctx, "shanghai", StationFields(name="Renamed")),
        appoint_head(ctx, "shanghai", "ben"),
        remove_head(ctx, "shanghai", "ben"),
    ):
        with pytest.raises(refusal):
            await attempt
    assert await RadioStation.all().count() == 1
    assert (await RadioStation.get(id=station.id)).name == "Radio Shanghai"
    assert not await StationHead.filter(user_id=ben.id).exists()


@pytest.mark.parametrize(
    ("slug", "fields", "field"),
    [
        ("x", StationFields(name="Radio", city="Shanghai"), "slug"),
        ("ok-slug", StationFields(name="R", city="Shanghai"), "name"),
        ("ok-slug", StationFields(name="Radio\u202e", city="Shanghai"), "name"),
        ("ok-slug", StationFields(name="Radio", city=""), "city"),
        ("ok-slug", StationFields(name="Radio", city="x" * 51), "city"),
        (
            "ok-slug",
            StationFields(name="Radio", city="Sh", cover_url="http://a.example.com/c.jpg"),
            "coverUrl",
        ),
        (
            "ok-slug",
            StationFields(name="Radio", city="Sh", cover_url="https://10.0.0.1/c.jpg"),
            "coverUrl",
        ),
        ("ok-slug", StationFields(name="Radio", city="Sh", description="x" * 2001), "description"),
    ],
)
async def test_opening_a_station_refuses_bad_input_naming_the_field(people, slug, fields, field):
    chief = await people.make("chief", PlatformRole.ADMIN)
    with pytest.raises(InvalidInput) as refused:
        await create_station(await people.context(chief), slug, fields)
    assert refused.value.field == field
    assert await RadioStation.all().count() == 0


async def test_a_taken_slug_is_a_conflict(people):
    chief = await people.make("chief", PlatformRole.ADMIN)
    await make_station()
    with pytest.raises(Conflict):
        await create_station(
            await people.context(chief), "shanghai", StationFields(name="Again", city="Shanghai")
        )


async def test_updating_a_station_writes_only_the_given_columns(people):
    chief = await people.make("chief", PlatformRole.ADMIN)
    station = await make_station()
    await RadioStation.filter(id=station.id).update(
        cover_url="https://img.example.com/c.jpg", follower_count=7
    )
    ctx = await people.context(chief)
    updated = await update_station(ctx, "shanghai", StationFields(city="Hangzhou", cover_url=""))
    assert (updated.city, updated.cover_url, updated.name) == ("Hangzhou", None, "Radio Shanghai")
    assert updated.follower_count == 7
    assert len(await outbox(SearchEntity.STATION, station.id)) == 1
    with pytest.raises(NotFound):
        await update_station(ctx, "nowhere", StationFields(name="Radio"))


async def test_appointing_and_removing_heads_is_idempotent(people):
    chief = await people.make("chief", PlatformRole.ADMIN)
    lin = await people.make("lin")
    station = await make_station()
    ctx = await people.context(chief)
    for _ in range(2):
        await appoint_head(ctx, "shanghai", "@Lin")
    [head] = await StationHead.filter(station_id=station.id)
    assert (head.user_id, head.appointed_by_id) == (lin.id, chief.id)
    for _ in range(2):
        await remove_head(ctx, "shanghai", "lin")
    assert await StationHead.all().count() == 0
    with pytest.raises(NotFound):
        await appoint_head(ctx, "shanghai", "nobody_here")
    with pytest.raises(NotFound):
        await appoint_head(ctx, "no-station", "lin")


async def test_a_suspended_or_banned_account_is_not_appointed(people):
    chief = await people.make("chief", PlatformRole.ADMIN)
    await people.make("lin", state=AccountState.BANNED)
    await make_station()
    with pytest.raises(Conflict):
        await appoint_head(await people.context(chief), "shanghai", "lin")
    assert await StationHead.all().count() == 0


async def test_following_a_station_counts_once_and_unfollowing_gives_it_back(people):
    ann = await people.make("ann")
    station = await make_station()
    ctx = await people.context(ann)
    for _ in range(2):
        assert (await follow_station(ctx, "shanghai")).follower_count == 1
    assert await StationFollow.filter(station_id=station.id, user_id=ann.id).count() == 1
    for _ in range(2):
        assert (await unfollow_station(ctx, "shanghai")).follower_count == 0
    with pytest.raises(NotFound):
        await follow_station(ctx, "no-station")


@pytest.mark.parametrize(
    ("state", "refusal"),
    [
        (None, NotAuthenticated),
        (AccountState.SUSPENDED, AccountSuspended),
        (AccountState.BANNED, AccountSuspended),
    ],
)
async def test_following_needs_an_account_that_may_write(people, state, refusal):
    caller = await people.make("ann", state=state, until_days=3) if state else None
    await make_station()
    with pytest.raises(refusal):
        await follow_station(await people.context(caller), "shanghai")
    assert (await RadioStation.get(slug="shanghai")).follower_count == 0


async def test_stations_are_listed_most_followed_first_and_by_city(people):
    quiet = await make_station("quiet", "Shanghai")
    busy = await make_station("busy", "shanghai")
    elsewhere = await make_station("elsewhere", "Beijing")
    await RadioStation.filter(id=busy.id).update(follower_count=5)
    await RadioStation.filter(id=elsewhere.id).update(follower_count=9)
    page = await list_stations(None, 10, None)
    assert [s.slug for _, s in page.edges] == ["elsewhere", "busy", "quiet"]
    page = await list_stations(" SHANGHAI ", 1, None)
    assert [s.id for _, s in page.edges] == [busy.id] and page.has_next_page
    page = await list_stations("Shanghai", 1, page.end_cursor)
    assert [s.id for _, s in page.edges] == [quiet.id] and not page.has_next_page
    for impossible in ("\ud800", "x" * 51, "Shang\u202ehai"):
        assert (await list_stations(impossible, 10, None)).edges == []


# --- submitting and reviewing --------------------------------------------------------------


async def test_a_head_publishes_at_once_with_an_event_and_an_outbox_row(people):
    lin = await people.make("lin")
    station = await make_station()
    await make_head(station, lin)
    episode = await submit_episode(await people.context(lin), draft(), publish=True)
    assert episode.state == EpisodeState.PUBLISHED and episode.published_at is not None
    assert (episode.audio_url, episode.duration_seconds, episode.mime_type) == (
        "https://media.example.com/ep1.mp3",
        1800,
        "audio/mpeg",
    )
    [added] = await events(ChangeKind.EPISODE_ADDED)
    assert (added.episode_id, added.station_id) == (episode.id, station.id)
    assert len(await outbox(SearchEntity.EPISODE, episode.id)) == 1


async def test_anyone_elses_episode_waits_for_a_head_and_a_draft_for_its_author(people):
    ann = await people.make("ann")
    other_head = await people.make("lin")
    await make_station()
    await make_head(await make_station("beijing", "Beijing"), other_head)
    submitted = await submit_episode(await people.context(ann), draft(), publish=True)
    from_other_head = await submit_episode(await people.context(other_head), draft(), publish=True)
    kept = await submit_episode(await people.context(ann), draft(), publish=False)
    assert submitted.state == from_other_head.state == EpisodeState.SUBMITTED
    assert kept.state == EpisodeState.DRAFT
    assert submitted.published_at is None
    assert await ChangeEvent.all().count() == 0
    assert await SearchOutbox.all().count() == 0


@pytest.mark.parametrize(
    ("state", "refusal"),
    [
        (None, NotAuthenticated),
        (AccountState.SUSPENDED, AccountSuspended),
        (AccountState.BANNED, AccountSuspended),
    ],
)
async def test_submitting_needs_an_account_that_may_write(people, state, refusal):
    caller = await people.make("lin", state=state, until_days=3) if state else None
    station = await make_station()
    if caller:
        await make_head(station, caller)
    with pytest.raises(refusal):
        await submit_episode(await people.context(caller), draft(), publish=True)
    assert await nothing_written()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"cover_url": "javascript:alert(1)"}, "coverUrl"),
        ({"audio": audio(url="ftp://media.example.com/a.mp3")}, "audio"),
        ({"audio": audio(url="http://media.example.com/a.mp3")}, "audio"),
        ({"audio": audio(url="https://127.0.0.1/a.mp3")}, "audio"),
        ({"audio": audio(url="https://user:pw@media.example.com/a.mp3")}, "audio"),
        ({"audio": audio(url="")}, "audio"),
        ({"audio": audio(mime_type="video/mp4")}, "audio"),
        ({"audio": audio(mime_type="audio/")}, "audio"),
        ({"audio": audio(duration_seconds=0)}, "audio"),
        ({"audio": audio(duration_seconds=4 * 3600 + 1)}, "audio"),
        ({"audio": audio(size_bytes=0)}, "audio"),
    ],
)
async def test_submitting_refuses_bad_input_naming_the_field_and_writes_nothing(
    people, changes, field
):
    ann = await people.make("ann")
    await make_station()
    with pytest.raises(InvalidInput) as refused:
        await submit_episode(await people.context(ann), draft(**changes), publish=True)
    assert refused.value.field == field
    assert await nothing_written()


async def test_the_longest_episode_and_an_audio_type_in_capitals_are_accepted(people):
    ann = await people.make("ann")
    await make_station()
    episode = await submit_episode(
        await people.context(ann),
        draft(audio=audio(duration_seconds=4 * 3600, mime_type=" Audio/MP4 ", size_bytes=None)),
        publish=False,
    )
    assert (episode.duration_seconds, episode.mime_type, episode.size_bytes) == (
        14_400,
        "audio/mp4",
        None,
    )


async def test_submitting_to_an_unknown_station_is_not_found(people):
    ann = await people.make("ann")
    with pytest.raises(NotFound):
        await submit_episode(await people.context(ann), draft("nowhere"), publish=True)


async def test_a_blocking_rule_refuses_an_episode_and_stores_nothing(people):
    await watch(people, "scam", RuleAction.BLOCK)
    lin = await people.make("lin")
    await make_head(await make_station(), lin)
    with pytest.raises(ContentRejected) as refused:
        await submit_episode(await people.context(lin), draft(description="a scam"), publish=True)
    assert refused.value.field == "description"
    assert await RadioEpisode.all().count() == 0


async def test_a_held_episode_waits_even_for_a_head_and_no_head_can_approve_it(people):
    await watch(people, "giveaway", RuleAction.HOLD)
    lin = await people.make("lin")
    ann = await people.make("ann")
    station = await make_station()
    await make_head(station, lin)
    held = await submit_episode(
        await people.context(lin), draft(title="big giveaway"), publish=True
    )
    assert held.state == EpisodeState.SUBMITTED
    item = await ModerationItem.get(target_id=held.id)
    assert (item.target_type, item.target_hidden) == (ModerationTarget.EPISODE, True)
    assert await events(ChangeKind.EPISODE_ADDED) == []
    from_ann = await submit_episode(
        await people.context(ann), draft(title="giveaway"), publish=True
    )
    for episode in (held, from_ann):
        with pytest.raises(Conflict):
            await review_episode(await people.context(lin), episode.id, approve=True)
        assert (await RadioEpisode.get(id=episode.id)).state == EpisodeState.SUBMITTED


async def test_a_silenced_heads_episode_is_held(people):
    lin = await people.make("lin", state=AccountState.SILENCED, until_days=2)
    await make_head(await make_station(), lin)
    episode = await submit_episode(await people.context(lin), draft(), publish=True)
    assert episode.state == EpisodeState.SUBMITTED
    assert (await ModerationItem.get(target_id=episode.id)).reasons == ["SILENCED"]


async def test_a_new_accounts_first_episodes_wait_when_the_settings_say_so(people, resources):
    settings = dataclasses.replace(resources.settings, new_account_held_posts=1)
    newcomer = await people.make("lin", days_old=0)
    await make_head(await make_station(), newcomer)
    ctx = Context(dataclasses.replace(resources, settings=settings), viewer=newcomer)
    episode = await submit_episode(ctx, draft(), publish=True)
    assert episode.state == EpisodeState.SUBMITTED
    assert (await ModerationItem.get(target_id=episode.id)).reasons == ["NEW_ACCOUNT"]


async def test_episodes_share_the_posts_rate_limit(people):
    ann = await people.make("ann")
    await make_station()
    ctx = await people.context(ann)
    count, _ = ctx.settings.rate_limit("post") or (0, 0)
    for i in range(count):
        await submit_episode(ctx, draft(title=f"episode {i}"), publish=False)
    with pytest.raises(RateLimited):
        await submit_episode(ctx, draft(title="one too many"), publish=False)
    assert await RadioEpisode.all().count() == count


@pytest.mark.parametrize("approve", [True, False])
async def test_a_head_reviews_a_submission_and_the_author_is_told(people, approve):
    ann = await people.make("ann")
    lin = await people.make("lin")
    station = await make_station()
    await make_head(station, lin)
    submitted = await submit_episode(await people.context(ann), draft(), publish=True)
    reviewed = await review_episode(
        await people.context(lin), submitted.id, approve=approve, note=" Nice one "
    )
    assert reviewed.state == (EpisodeState.PUBLISHED if approve else EpisodeState.REJECTED)
    assert (reviewed.reviewed_by_id, reviewed.review_note) == (lin.id, "Nice one")
    assert (reviewed.published_at is not None) is approve
    [told] = await Notification.filter(recipient_id=ann.id)
    assert (told.kind, told.episode_id, told.actor_id) == (
        NotificationKind.EPISODE_REVIEWED,
        submitted.id,
        lin.id,
    )
    added = await events(ChangeKind.EPISODE_ADDED)
    assert [(e.episode_id, e.station_id) for e in added] == (
        [(submitted.id, station.id)] if approve else []
    )
    assert len(await outbox(SearchEntity.EPISODE, submitted.id)) == (1 if approve else 0)
    with pytest.raises(Conflict):
        await review_episode(await people.context(lin), submitted.id, approve=True)


async def test_who_may_not_review_a_submission(people):
    ann = await people.make("ann")
    ben = await people.make("ben")
    other_head = await people.make("lin")
    mia = await people.make("mia", PlatformRole.MODERATOR)
    silenced_head = await people.make("sal", state=AccountState.SILENCED, until_days=2)
    station = await make_station()
    await make_head(station, silenced_head)
    await make_head(station, ann)  # the author heads it too, but sent it before
    await make_head(await make_station("beijing", "Beijing"), other_head)
    submitted = await make_episode(station, ann, EpisodeState.SUBMITTED)
    await StationHead.filter(user_id=ann.id).delete()
    refusals = [
        (None, NotAuthenticated),
        (ben, NotFound),  # a submission is not theirs to see
        (other_head, NotFound),
        (ann, Forbidden),  # the author is no head
        (mia, Forbidden),  # staff see it, but heads review it
        (silenced_head, AccountSuspended),
    ]
    for caller, refusal in refusals:
        with pytest.raises(refusal):
            await review_episode(await people.context(caller), submitted.id, approve=True)
    assert (await RadioEpisode.get(id=submitted.id)).state == EpisodeState.SUBMITTED
    assert await Notification.all().count() == 0


@pytest.mark.parametrize("state", [EpisodeState.DRAFT, EpisodeState.HIDDEN, EpisodeState.REMOVED])
async def test_a_head_cannot_review_what_is_not_theirs_to_see(people, state):
    ann = await people.make("ann")
    lin = await people.make("lin")
    station = await make_station()
    await make_head(station, lin)
    episode = await make_episode(station, ann, state)
    with pytest.raises(NotFound):
        await review_episode(await people.context(lin), episode.id, approve=True)
    assert (await RadioEpisode.get(id=episode.id)).state == state


# --- editing and deleting ----------------------------------------------------------------------


async def test_editing_a_published_episode_writes_only_the_edited_columns(people):
    ann = await people.make("ann")
    station = await make_station()
    episode = await make_episode(station, ann, title="Old title")
    ctx = await people.context(ann)
    await ctx.loaders.episode_by_id.load(episode.id)  # read before the counts below change
    await RadioEpisode.filter(id=episode.id).update(play_count=41, reaction_count=3)
    edited = await update_episode(
        ctx,
        episode.id,
        EpisodeChanges(
            title="New title",
            audio=audio(url="https://media.example.com/a.mp3", duration_seconds=90),
        ),
    )
    assert (edited.title, edited.duration_seconds, edited.description) == ("New title", 90, "")
    assert (edited.play_count, edited.reaction_count) == (41, 3)
    assert edited.edited_at is not None
    [updated] = await events(ChangeKind.EPISODE_UPDATED)
    assert (updated.episode_id, updated.station_id) == (episode.id, station.id)
    assert len(await outbox(SearchEntity.EPISODE, episode.id)) == 1


async def test_a_new_audio_file_from_an_author_who_is_no_head_goes_back_to_the_heads(people):
    ann = await people.make("ann")
    lin = await people.make("lin")
    station = await make_station()
    await make_head(station, lin)
    episode = await make_episode(station, ann)
    swapped = await update_episode(
        await people.context(ann),
        episode.id,
        EpisodeChanges(audio=audio(url="https://media.example.com/other.mp3")),
    )
    assert (swapped.state, swapped.published_at) == (EpisodeState.SUBMITTED, None)
    [removed] = await events(ChangeKind.EPISODE_REMOVED)
    assert (removed.episode_id, removed.station_id) == (episode.id, station.id)
    assert len(await outbox(SearchEntity.EPISODE, episode.id)) == 1
    assert (await station_episodes(station, 10, None)).edges == []
    back = await review_episode(await people.context(lin), episode.id, approve=True)
    assert back.state == EpisodeState.PUBLISHED
    by_head = await update_episode(
        await people.context(lin),
        episode.id,
        EpisodeChanges(cover_url="https://img.example.com/c.jpg"),
    )
    assert by_head.state == EpisodeState.PUBLISHED
    duration_only = await update_episode(
        await people.context(ann),
        episode.id,
        EpisodeChanges(audio=audio(url="https://media.example.com/other.mp3", duration_seconds=61)),
    )
    assert duration_only.state == EpisodeState.PUBLISHED


async def test_an_edit_that_changes_nothing_writes_nothing(people):
    ann = await people.make("ann")
    episode = await make_episode(await make_station(), ann, title="Same")
    await update_episode(await people.context(ann), episode.id, EpisodeChanges(title=" Same "))
    assert await ChangeEvent.all().count() == 0


async def test_a_head_edits_and_deletes_other_peoples_episodes_of_their_station(people):
    ann = await people.make("ann")
    lin = await people.make("lin")
    station = await make_station()
    await make_head(station, lin)
    submitted = await make_episode(station, ann, EpisodeState.SUBMITTED)
    published = await make_episode(station, ann)
    ctx = await people.context(lin)
    assert (
        await update_episode(ctx, submitted.id, EpisodeChanges(title="Tidied"))
    ).title == "Tidied"
    assert await delete_episode(ctx, published.id) == published.id
    [removed] = await events(ChangeKind.EPISODE_REMOVED)
    assert (removed.episode_id, removed.station_id) == (published.id, station.id)
    assert len(await outbox(SearchEntity.EPISODE, published.id)) == 1


async def test_who_may_not_edit_or_delete_an_episode(people):
    ann = await people.make("ann")
    ben = await people.make("ben")
    other_head = await people.make("lin")
    mia = await people.make("mia", PlatformRole.MODERATOR)
    silenced_head = await people.make("sal", state=AccountState.SILENCED, until_days=2)
    banned_author = await people.make("bob", state=AccountState.BANNED)
    station = await make_station()
    await make_head(station, silenced_head)
    await make_head(await make_station("beijing", "Beijing"), other_head)
    published = await make_episode(station, ann, title="Keep")
    submitted = await make_episode(station, ann, EpisodeState.SUBMITTED, title="Keep")
    draft_row = await make_episode(station, ann, EpisodeState.DRAFT, title="Keep")
    own = await make_episode(station, banned_author, title="Keep")
    refusals = [
        (None, published, NotAuthenticated),
        (ben, published, Forbidden),
        (ben, submitted, NotFound),
        (other_head, published, Forbidden),
        (other_head, submitted, NotFound),
        (mia, published, Forbidden),
        (silenced_head, published, AccountSuspended),
        (silenced_head, draft_row, NotFound),
        (banned_author, own, AccountSuspended),
    ]
    for caller, episode, refusal in refusals:
        ctx = await people.context(caller)
        with pytest.raises(refusal):
            await update_episode(ctx, episode.id, EpisodeChanges(title="Changed"))
        ctx = await people.context(caller)
        with pytest.raises(refusal):
            await delete_episode(ctx, episode.id)
    assert await RadioEpisode.filter(title="Keep").count() == 4
    assert await ChangeEvent.all().count() == 0


@pytest.mark.parametrize("state", [EpisodeState.HIDDEN, EpisodeState.REMOVED])
async def test_an_episode_under_moderation_reads_as_missing_to_its_author(people, state):
    ann = await people.make("ann")
    episode = await make_episode(await make_station(), ann, state)
    for attempt in (
        update_episode(await people.context(ann), episode.id, EpisodeChanges(title="Back")),
        delete_episode(await people.context(ann), episode.id),
    ):
        with pytest.raises(NotFound):
            await attempt
    assert await RadioEpisode.filter(id=episode.id).exists()


async def test_a_draft_is_sent_later_and_a_rejected_episode_sent_again(people):
    ann = await people.make("ann")
    lin = await people.make("lin")
    station = await make_station()
    await make_head(station, lin)
    kept = await submit_episode(await people.context(ann), draft(), publish=False)
    sent = await update_episode(
        await people.context(ann), kept.id, EpisodeChanges(title="Ready"), send=True
    )
    assert (sent.state, sent.title) == (EpisodeState.SUBMITTED, "Ready")
    await review_episode(await people.context(lin), sent.id, approve=False, note="Too quiet")
    again = await update_episode(await people.context(ann), sent.id, EpisodeChanges(), send=True)
    assert (again.state, again.review_note, again.reviewed_by_id) == (
        EpisodeState.SUBMITTED,
        "",
        None,
    )
    with pytest.raises(Conflict):  # only drafts and rejected episodes are sent
        await update_episode(await people.context(ann), sent.id, EpisodeChanges(), send=True)
    own = await submit_episode(await people.context(lin), draft(), publish=False)
    live = await update_episode(await people.context(lin), own.id, EpisodeChanges(), send=True)
    assert live.state == EpisodeState.PUBLISHED and live.published_at is not None
    assert [e.episode_id for e in await events(ChangeKind.EPISODE_ADDED)] == [own.id]


async def test_deleting_a_draft_announces_nothing_and_takes_its_reactions(people):
    ann = await people.make("ann")
    ben = await people.make("ben")
    station = await make_station()
    kept = await make_episode(station, ann, EpisodeState.DRAFT)
    live = await make_episode(station, ann)
    await add_reaction(await people.context(ben), "RadioEpisode", live.id, ReactionKind.LOVE)
    await delete_episode(await people.context(ann), kept.id)
    assert await events(ChangeKind.EPISODE_REMOVED) == []
    await delete_episode(await people.context(ann), live.id)
    assert await EpisodeReaction.all().count() == 0


# --- what lists and the gate show --------------------------------------------------------------


@pytest.mark.parametrize("state", NOT_ON_AIR)
async def test_an_episode_not_on_air_never_reaches_lists_or_strangers(people, state):
    ann = await people.make("ann")
    ben = await people.make("ben")
    other_head = await people.make("lin")
    station = await make_station()
    await make_head(await make_station("beijing", "Beijing"), other_head)
    episode = await make_episode(station, ann, state)
    await follow_station(await people.context(ben), "shanghai")
    for viewer in (None, ben, other_head, ann):
        ctx = await people.context(viewer)
        assert (await station_episodes(station, 10, None)).edges == []
        assert (await radio_feed(ctx, 10, None)).edges == []
        if viewer is not ann:
            assert await visible_episode(ctx, episode.id) is None
            with pytest.raises(NotFound):
                await record_play(ctx, episode.id)
        if viewer is not None:  # no reactions to what is not on air, not even its author's
            with pytest.raises(NotFound):
                await add_reaction(ctx, "RadioEpisode", episode.id, ReactionKind.LIKE)


async def test_the_radio_feed_puts_followed_stations_first_and_pages_across_the_boundary(people):
    ann = await people.make("ann")
    ben = await people.make("ben")
    shanghai = await make_station()
    beijing = await make_station("beijing", "Beijing")
    # Published alternately, oldest first: s1 b1 s2 b2 s3 b3.
    rows = []
    for _ in range(3):
        rows.append(await make_episode(shanghai, ann))
        rows.append(await make_episode(beijing, ann))
    s1, b1, s2, b2, s3, b3 = (r.id for r in rows)
    await make_episode(shanghai, ann, EpisodeState.SUBMITTED)
    await follow_station(await people.context(ben), "beijing")
    ctx = await people.context(ben)
    seen, after, pages = [], None, 0
    while True:
        page = await radio_feed(ctx, 2, after)
        seen += [e.id for _, e in page.edges]
        pages += 1
        if not page.has_next_page:
            break
        after = page.end_cursor
    assert seen == [b3, b2, b1, s3, s2, s1]
    assert pages == 3
    # A page that ends exactly at the boundary says more follow, and the next starts after it.
    page = await radio_feed(ctx, 3, None)
    assert page.has_next_page and [e.id for _, e in page.edges] == [b3, b2, b1]
    rest = await radio_feed(ctx, 3, page.end_cursor)
    assert [e.id for _, e in rest.edges] == [s3, s2, s1] and not rest.has_next_page
    anonymous = await radio_feed(await people.context(None), 10, None)
    assert [e.id for _, e in anonymous.edges] == [b3, s3, b2, s2, b1, s1]
    with pytest.raises(InvalidInput):
        await radio_feed(ctx, 2, (await list_stations(None, 1, None)).end_cursor)
    assert (await radio_feed(ctx, 0, None)).edges == []


async def test_a_stations_episodes_are_its_published_ones_newest_first(people):
    ann = await people.make("ann")
    shanghai = await make_station()
    beijing = await make_station("beijing", "Beijing")
    older = await make_episode(shanghai, ann)
    await make_episode(beijing, ann)
    newer = await make_episode(shanghai, ann)
    page = await station_episodes(shanghai, 1, None)
    assert [e.id for _, e in page.edges] == [newer.id] and page.has_next_page
    page = await station_episodes(shanghai, 1, page.end_cursor)
    assert [e.id for _, e in page.edges] == [older.id] and not page.has_next_page


async def test_who_sees_an_episode_through_the_gate(people):
    ann = await people.make("ann")
    ben = await people.make("ben")
    lin = await people.make("lin")
    mia = await people.make("mia", PlatformRole.MODERATOR)
    station = await make_station()
    await make_head(station, lin)
    kept = await make_episode(station, ann, EpisodeState.DRAFT)
    submitted = await make_episode(station, ann, EpisodeState.SUBMITTED)
    hidden = await make_episode(station, ann, EpisodeState.HIDDEN)
    seen = {
        who.handle: {
            e.id
            for e in (kept, submitted, hidden)
            if await visible_episode(await people.context(who), e.id)
        }
        for who in (ann, ben, lin, mia)
    }
    assert seen == {
        "ann": {kept.id, submitted.id},
        "ben": set(),
        "lin": {submitted.id},
        "mia": {submitted.id, hidden.id},
    }


# --- reactions ---------------------------------------------------------------------------------


async def test_reacting_to_an_episode_counts_tells_its_author_and_its_live_stream(people):
    ann = await people.make("ann")
    ben = await people.make("ben")
    station = await make_station()
    episode = await make_episode(station, ann)
    ctx = await people.context(ben)
    for _ in range(2):
        reacted = await add_reaction(ctx, "RadioEpisode", episode.id, ReactionKind.CLAP)
    assert reacted.reaction_count == 1
    assert await ctx.loaders.viewer_reactions_by_episode_id.load(episode.id) == ["CLAP"]
    fresh = await people.context(None)
    summary = await fresh.loaders.episode_reaction_summary_by_episode_id.load(episode.id)
    assert summary == {"CLAP": 1}
    [told] = await Notification.filter(recipient_id=ann.id)
    assert (told.kind, told.episode_id, told.post_id) == (
        NotificationKind.REACTION,
        episode.id,
        None,
    )
    [updated] = await events(ChangeKind.EPISODE_UPDATED)
    assert (updated.episode_id, updated.station_id) == (episode.id, station.id)
    removed = await remove_reaction(
        await people.context(ben), "RadioEpisode", episode.id, ReactionKind.CLAP
    )
    assert removed.reaction_count == 0
    assert await EpisodeReaction.all().count() == 0


@pytest.mark.parametrize(
    ("state", "refusal"), [(None, NotAuthenticated), (AccountState.BANNED, AccountSuspended)]
)
async def test_reacting_to_an_episode_needs_an_account_that_may_write(people, state, refusal):
    caller = await people.make("ben", state=state) if state else None
    episode = await make_episode(await make_station(), await people.make("ann"))
    with pytest.raises(refusal):
        await add_reaction(
            await people.context(caller), "RadioEpisode", episode.id, ReactionKind.LIKE
        )
    assert await EpisodeReaction.all().count() == 0


# --- plays -------------------------------------------------------------------------------------


async def test_a_play_counts_once_per_listener_per_hour_and_is_written_in_a_batch(
    people, resources, sql_statements
):
    ann = await people.make("ann")
    ben = await people.make("ben")
    episode = await make_episode(await make_station(), ann)
    other = await make_episode(await make_station("beijing", "Beijing"), ann)
    plays = resources.plays
    for listener in (ann, ben, ben, None):
        await record_play(await people.context(listener), episode.id)
    anonymous = await people.context(None)
    anonymous.client_address = "203.0.113.9"
    await record_play(anonymous, episode.id)
    await record_play(anonymous, other.id)
    assert (plays.pending(episode.id), plays.pending(other.id)) == (4, 1)
    assert (await RadioEpisode.get(id=episode.id)).play_count == 0  # nothing written per play
    sql_statements.statements.clear()
    assert await plays.flush() == 5
    writes = [s for s in sql_statements.statements if s.lstrip().upper().startswith("UPDATE")]
    assert len(writes) == 2  # one per distinct count
    assert (await RadioEpisode.get(id=episode.id)).play_count == 4
    assert (await RadioEpisode.get(id=other.id)).play_count == 1
    assert await plays.flush() == 0


async def test_a_play_of_an_episode_not_on_air_counts_nothing(people, resources):
    ann = await people.make("ann")
    kept = await make_episode(await make_station(), ann, EpisodeState.DRAFT)
    assert (await record_play(await people.context(ann), kept.id)).id == kept.id
    assert resources.plays.pending(kept.id) == 0
    with pytest.raises(NotFound):
        await record_play(await people.context(None), kept.id)


async def test_plays_counted_before_shutdown_are_written_when_the_resources_close(people, settings):
    ann = await people.make("ann")
    episode = await make_episode(await make_station(), ann)
    async with open_resources(settings, search=False) as resources:
        await record_play(Context(resources, viewer=ann), episode.id)
    assert (await RadioEpisode.get(id=episode.id)).play_count == 1


async def test_the_scheduler_writes_the_counted_plays(people, resources):
    ann = await people.make("ann")
    episode = await make_episode(await make_station(), ann)
    await record_play(await people.context(ann), episode.id)

    async def written() -> bool:
        return (await RadioEpisode.get(id=episode.id)).play_count == 1

    task = asyncio.create_task(run_scheduler(3600, resources))
    try:
        await eventually(written, what="the play written")
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def test_episode_events_go_to_the_radio_and_to_the_episodes_own_channel():
    ids = {"id": 5, "episode_id": 3, "station_id": 2}
    added = ChangeEvent(kind=ChangeKind.EPISODE_ADDED, **ids)
    assert channel_for(added) == topics.radio()
    for kind in (ChangeKind.EPISODE_UPDATED, ChangeKind.EPISODE_REMOVED):
        assert channel_for(ChangeEvent(kind=kind, **ids)) == topics.episode(3)
    message = event_from_message(message_for(added))
    assert (message.episode_id, message.station_id) == (3, 2)


async def test_a_failed_flush_keeps_the_plays_for_the_next(people, monkeypatch):
    ann = await people.make("ann")
    episode = await make_episode(await make_station(), ann)
    plays = PlayCounter(None)
    await plays.record(episode.id, "u1")
    original = RadioEpisode.filter

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("database away")

    monkeypatch.setattr(RadioEpisode, "filter", broken)
    with pytest.raises(ConnectionError):
        await plays.flush()
    monkeypatch.setattr(RadioEpisode, "filter", original)
    assert await plays.flush() == 1
    assert (await RadioEpisode.get(id=episode.id)).play_count == 1


async def test_processes_sharing_redis_count_a_listener_once(db, shared_redis, prefix):
    first, second = (PlayCounter(shared_redis, prefix=prefix) for _ in range(2))
    try:
        assert first.using_redis
        assert await first.record(7, "u1") is True
        assert await second.record(7, "u1") is False
        assert await second.record(7, "u2") is True
        assert (first.pending(7), second.pending(7)) == (1, 1)
    finally:
        await first.close()
        await second.close()


async def test_plays_are_deduplicated_in_the_process_while_redis_is_away(db, private_redis):
    plays = PlayCounter(private_redis.url, prefix="p:", retry_seconds=0.0, timeout_seconds=0.2)
    try:
        assert await plays.record(7, "u1") is True
        await private_redis.stop()
        assert await plays.record(7, "u2") is True
        assert await plays.record(7, "u2") is False
        assert not plays.using_redis
        await private_redis.start()
        assert await plays.record(7, "u3") is True
        assert plays.using_redis
        assert await plays.record(7, "u3") is False
        assert plays.pending(7) == 3
    finally:
        await plays.close()


async def test_heads_are_told_of_a_submission_and_find_it_listed_for_them_alone(people):
    ann, head, lin = await people.make("ann"), await people.make("chief"), await people.make("lin")
    station = await make_station()
    await make_head(station, head)
    other = await make_station("beijing", "Beijing")
    await make_head(other, lin)
    episode = await submit_episode(await people.context(ann), draft(), publish=True)
    told = await Notification.filter(kind=NotificationKind.EPISODE_SUBMITTED)
    assert [(n.recipient_id, n.episode_id, n.actor_id) for n in told] == [
        (head.id, episode.id, ann.id)
    ]
    page = await list_submissions(await people.context(head), station, 10, None)
    assert page is not None and [e.id for _, e in page.edges] == [episode.id]
    for outsider in (ann, lin, None):  # the author, a head elsewhere, anonymous
        assert await list_submissions(await people.context(outsider), station, 10, None) is None
    await review_episode(await people.context(head), episode.id, approve=True)
    page = await list_submissions(await people.context(head), station, 10, None)
    assert page is not None and page.edges == []


async def test_an_episode_screening_holds_is_not_listed_for_the_heads(people):
    ann, head = await people.make("ann"), await people.make("chief")
    station = await make_station()
    await make_head(station, head)
    await watch(people, "代购", RuleAction.HOLD)
    await submit_episode(await people.context(ann), draft(title="代购 电池"), publish=True)
    page = await list_submissions(await people.context(head), station, 10, None)
    assert page is not None and page.edges == []
    assert not await Notification.filter(kind=NotificationKind.EPISODE_SUBMITTED).exists()
