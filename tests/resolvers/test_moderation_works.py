"""Radio episodes, radio stations, collections and credits in the moderation queue, as use
cases: reported like posts (only what the reporter sees, never one's own), decided by platform
staff alone, with the actions that make sense for each: episodes hidden, removed, restored and
approved like posts, credits removed (and given back on appeal), stations and collections kept
or their makers warned or sanctioned."""

from __future__ import annotations

import pytest

from resolvers.appeals import appeal_decision, decide_appeal
from resolvers.episodes import AudioInput, EpisodeDraft, review_episode, submit_episode
from resolvers.moderation_decisions import Decision, check_authority, resolve_item, resolve_items
from resolvers.moderation_items import item_target
from resolvers.reports import report_target
from resolvers.rules import RuleInput, create_rule
from resolvers.visibility import visible_episode
from server.errors import AccountSuspended, Forbidden, InvalidInput, NotFound
from server.models import (
    AccountState,
    AuditEntry,
    ChangeKind,
    Collection,
    Comment,
    CommentState,
    Credit,
    CreditState,
    EpisodeState,
    MatchKind,
    ModerationAction,
    ModerationItem,
    ModerationItemState,
    ModerationTarget,
    Notification,
    NotificationKind,
    PlatformRole,
    RadioEpisode,
    RadioStation,
    Report,
    ReportOutcome,
    ReportReason,
    RuleAction,
    SearchEntity,
    StationHead,
    User,
)
from tests.helpers import make_group, make_post
from tests.resolvers.conftest import events, outbox
from tests.resolvers.work_helpers import credit, make_episode

A = ModerationAction
T = ModerationTarget
MODERATOR, ADMIN = PlatformRole.MODERATOR, PlatformRole.ADMIN


async def report(people, reporter: User, kind: T, target_id: int, reason=ReportReason.SPAM):
    ctx = await people.context(reporter)
    return await report_target(ctx, kind, target_id, reason, "")


async def reported(people, kind: T, target_id: int) -> ModerationItem:
    rex = await User.get_or_none(handle="rex") or await people.make("rex")
    await report(people, rex, kind, target_id)
    return await ModerationItem.get(target_type=kind, target_id=target_id)


async def decide(people, viewer: User, item: ModerationItem, *actions, reason="", days=None):
    decision = Decision(list(actions), reason, days)
    return await resolve_item(await people.context(viewer), item.id, decision)


async def anonymous_sees(people, episode: RadioEpisode) -> bool:
    return await visible_episode(await people.context(None), episode.id) is not None


async def station() -> RadioStation:
    return await RadioStation.get(slug="shanghai")


async def make_collection(creator: User | None) -> Collection:
    return await Collection.create(
        slug="nio-book", title="NIO Book", created_by_id=creator.id if creator else None
    )


# --- reporting ---------------------------------------------------------------------------------


async def test_each_new_kind_is_reported_into_one_item_with_who_answers_for_it(people):
    ann, ben, ada = (
        await people.make("ann"),
        await people.make("ben"),
        await people.make("ada", ADMIN),
    )
    episode = await make_episode(ann)
    channel = await station()
    await RadioStation.filter(id=channel.id).update(created_by_id=ada.id)
    book = await make_collection(ada)
    given = await credit(ben, post_id=(await make_post(ann)).id)
    rex = await people.make("rex")
    expected = {
        T.EPISODE: (episode.id, ann.id),
        T.STATION: (channel.id, ada.id),
        T.COLLECTION: (book.id, ada.id),
        T.CREDIT: (given.id, ann.id),  # the work's author gave the credit
    }
    for kind, (target_id, _) in expected.items():
        made = await report(people, rex, kind, target_id, ReportReason.HARASSMENT)
        assert (made.target_type, made.target_id, made.reason) == (
            kind,
            target_id,
            ReportReason.HARASSMENT,
        )
    items = {i.target_type: i for i in await ModerationItem.all()}
    assert {k: (i.target_id, i.author_id) for k, i in items.items()} == expected
    assert all(i.group_id is None and i.reasons == ["HARASSMENT"] for i in items.values())
    assert all(i.score == 1.5 for i in items.values())


async def test_a_staff_made_station_or_collection_has_nobody_answering_for_it(people):
    rex = await people.make("rex")
    await make_episode(await people.make("ann"))
    book = await make_collection(None)
    await report(people, rex, T.STATION, (await station()).id)
    await report(people, rex, T.COLLECTION, book.id)
    assert [i.author_id for i in await ModerationItem.all()] == [None, None]


@pytest.mark.parametrize(
    "state", [EpisodeState.DRAFT, EpisodeState.SUBMITTED, EpisodeState.HIDDEN, EpisodeState.REMOVED]
)
async def test_a_report_on_an_episode_the_reporter_cannot_see_reads_as_missing(people, state):
    episode = await make_episode(await people.make("ann"), state=state)
    with pytest.raises(NotFound):
        await report(people, await people.make("rex"), T.EPISODE, episode.id)
    assert await ModerationItem.all().count() == 0
    assert await Report.all().count() == 0


async def test_reports_on_what_does_not_exist_or_is_not_seen_read_as_missing(people):
    ann, ben, rex = await people.make("ann"), await people.make("ben"), await people.make("rex")
    pending = await credit(ben, post_id=(await make_post(ann)).id, state=CreditState.PENDING)
    for kind, target_id in [
        (T.CREDIT, pending.id),  # a pending credit is the author's and ben's business
        (T.CREDIT, 999),
        (T.STATION, 999),
        (T.COLLECTION, 999),
        (T.EPISODE, 999),
    ]:
        with pytest.raises(NotFound):
            await report(people, rex, kind, target_id)
    # ben sees the credit on him, and may report it (he could also just remove it).
    await report(people, ben, T.CREDIT, pending.id)
    assert (await ModerationItem.get()).author_id == ann.id


async def test_nobody_reports_their_own_episode_station_collection_or_credit_they_gave(people):
    ann, ben, ada = (
        await people.make("ann"),
        await people.make("ben"),
        await people.make("ada", ADMIN),
    )
    episode = await make_episode(ann)
    await RadioStation.filter(id=episode.station_id).update(created_by_id=ada.id)
    book = await make_collection(ada)
    given = await credit(ben, post_id=(await make_post(ann)).id)
    for who, kind, target_id in [
        (ann, T.EPISODE, episode.id),
        (ann, T.CREDIT, given.id),
        (ada, T.STATION, episode.station_id),
        (ada, T.COLLECTION, book.id),
    ]:
        with pytest.raises(InvalidInput) as refused:
            await report(people, who, kind, target_id)
        assert refused.value.field == "targetId"
    assert await ModerationItem.all().count() == 0


async def test_established_members_reports_hide_an_episode_until_reviewed(people):
    ann = await people.make("ann")
    episode = await make_episode(ann)
    for i in range(4):  # 4 × 1.5 reaches the threshold of 5
        await report(people, await people.make(f"member{i}"), T.EPISODE, episode.id)
    assert (await RadioEpisode.get(id=episode.id)).state == EpisodeState.HIDDEN
    item = await ModerationItem.get(target_id=episode.id)
    assert item.target_hidden
    assert not await anonymous_sees(people, episode)
    # A moderator keeps it: back on air.
    await decide(people, await people.make("mia", MODERATOR), item, A.APPROVE)
    assert (await RadioEpisode.get(id=episode.id)).state == EpisodeState.PUBLISHED
    assert await anonymous_sees(people, episode)
    assert [r.outcome for r in await Report.all()] == [ReportOutcome.REJECTED] * 4


async def test_a_comment_on_an_episode_is_reported_and_removed_outside_any_group(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    episode = await make_episode(ann)
    comment = await Comment.create(episode_id=episode.id, author_id=ben.id, body="buy now")
    item = await reported(people, T.COMMENT, comment.id)
    assert (item.author_id, item.group_id) == (ben.id, None)
    await decide(people, await people.make("mia", MODERATOR), item, A.REMOVE, reason="spam")
    assert (await Comment.get(id=comment.id)).state == CommentState.REMOVED


# --- deciding about episodes -------------------------------------------------------------------


async def test_hiding_an_episode_takes_it_off_air_and_restoring_it_on_appeal_brings_it_back(
    people,
):
    ann = await people.make("ann")
    mia, ada = await people.make("mia", MODERATOR), await people.make("ada", ADMIN)
    episode = await make_episode(ann)
    item = await reported(people, T.EPISODE, episode.id)
    await decide(people, mia, item, A.HIDE, reason="off topic")
    assert (await RadioEpisode.get(id=episode.id)).state == EpisodeState.HIDDEN
    assert not await anonymous_sees(people, episode)
    assert not await visible_episode(await people.context(ann), episode.id)
    [removed] = await events(ChangeKind.EPISODE_REMOVED)
    assert (removed.episode_id, removed.station_id) == (episode.id, episode.station_id)
    assert len(await outbox(SearchEntity.EPISODE, episode.id)) == 1
    [notice] = await Notification.filter(recipient_id=ann.id, kind=NotificationKind.MODERATION)
    assert (notice.text, notice.episode_id) == (
        "A moderator hid your episode: off topic",
        episode.id,
    )
    # Moderators still see it through the queue.
    seen = await item_target(await people.context(mia), await ModerationItem.get(id=item.id))
    assert isinstance(seen, RadioEpisode)
    assert seen.state == EpisodeState.HIDDEN

    [decision] = await AuditEntry.filter(action=A.HIDE)
    appeal = await appeal_decision(await people.context(ann), decision.id, "It is on topic")
    await decide_appeal(await people.context(ada), appeal.id, True, "fair enough")
    back = await RadioEpisode.get(id=episode.id)
    assert (back.state, back.published_at) == (EpisodeState.PUBLISHED, episode.published_at)
    assert await anonymous_sees(people, episode)
    [updated] = await events(ChangeKind.EPISODE_UPDATED)
    assert updated.episode_id == episode.id
    assert await events(ChangeKind.EPISODE_ADDED) == []  # it was on air before
    assert len(await outbox(SearchEntity.EPISODE, episode.id)) == 2


async def test_removing_an_episode_and_suspending_its_author(people):
    ann, mia = await people.make("ann"), await people.make("mia", MODERATOR)
    episode = await make_episode(ann)
    item = await reported(people, T.EPISODE, episode.id)
    await decide(people, mia, item, A.REMOVE, A.SUSPEND, reason="stolen audio", days=7)
    assert (await RadioEpisode.get(id=episode.id)).state == EpisodeState.REMOVED
    author = await User.get(id=ann.id)
    assert author.state == AccountState.SUSPENDED
    assert author.suspended_until is not None
    assert [r.outcome for r in await Report.all()] == [ReportOutcome.UPHELD]
    entries = await AuditEntry.filter(item_id=item.id).order_by("id")
    assert [(e.action, e.affected_user_id) for e in entries] == [
        (A.REMOVE, ann.id),
        (A.SUSPEND, ann.id),
    ]


async def test_comments_on_an_episode_cannot_be_locked(people):
    episode = await make_episode(await people.make("ann"))
    item = await reported(people, T.EPISODE, episode.id)
    with pytest.raises(InvalidInput) as refused:
        await decide(people, await people.make("mia", MODERATOR), item, A.LOCK_COMMENTS)
    assert refused.value.field == "actions"
    assert (await ModerationItem.get(id=item.id)).state == ModerationItemState.PENDING


async def held_episode(people, author: User) -> RadioEpisode:
    """An episode `author` sent that screening held (SUBMITTED, its queue item hiding it)."""
    mia = await User.get_or_none(handle="mia") or await people.make("mia", MODERATOR)
    rule = RuleInput("giveaway", MatchKind.WORD, RuleAction.HOLD, "looks like spam")
    await create_rule(await people.context(mia), rule)
    audio = AudioInput("https://media.example.com/a.mp3", 60, "audio/mpeg")
    draft = EpisodeDraft("shanghai", "Big giveaway", audio)
    episode = await submit_episode(await people.context(author), draft, publish=True)
    assert episode.state == EpisodeState.SUBMITTED
    return episode


async def test_approving_a_heads_held_episode_puts_it_on_air_with_its_event(people):
    lin, mia = await people.make("lin"), await people.make("mia", MODERATOR)
    channel = await RadioStation.create(slug="shanghai", name="Radio Shanghai", city="Shanghai")
    await StationHead.create(station_id=channel.id, user_id=lin.id)
    episode = await held_episode(people, lin)
    item = await ModerationItem.get(target_type=T.EPISODE, target_id=episode.id)
    assert item.target_hidden
    assert await events(ChangeKind.EPISODE_ADDED) == []
    decided = await decide(people, mia, item, A.APPROVE)
    assert (decided.state, decided.target_hidden) == (ModerationItemState.RESOLVED, False)
    live = await RadioEpisode.get(id=episode.id)
    assert live.state == EpisodeState.PUBLISHED
    assert live.published_at is not None
    [added] = await events(ChangeKind.EPISODE_ADDED)
    assert (added.episode_id, added.station_id) == (episode.id, channel.id)
    assert len(await outbox(SearchEntity.EPISODE, episode.id)) == 1
    assert await anonymous_sees(people, episode)


async def test_approving_anyone_elses_held_episode_gives_it_to_the_heads_to_review(people):
    ann, lin = await people.make("ann"), await people.make("lin")
    mia = await people.make("mia", MODERATOR)
    channel = await RadioStation.create(slug="shanghai", name="Radio Shanghai", city="Shanghai")
    await StationHead.create(station_id=channel.id, user_id=lin.id)
    episode = await held_episode(people, ann)
    item = await ModerationItem.get(target_type=T.EPISODE, target_id=episode.id)
    asked = Notification.filter(kind=NotificationKind.EPISODE_SUBMITTED, recipient_id=lin.id)
    assert not await asked.exists()  # held: nothing for the heads to do yet
    await decide(people, mia, item, A.APPROVE)
    assert (await RadioEpisode.get(id=episode.id)).state == EpisodeState.SUBMITTED
    assert await events(ChangeKind.EPISODE_ADDED) == []
    # Released by the moderators, it is the head's to review now, and the head is asked.
    assert [n.episode_id for n in await asked] == [episode.id]
    reviewed = await review_episode(await people.context(lin), episode.id, approve=True)
    assert reviewed.state == EpisodeState.PUBLISHED
    assert [e.episode_id for e in await events(ChangeKind.EPISODE_ADDED)] == [episode.id]


async def test_removing_a_held_episode_keeps_it_off_air(people):
    lin, mia = await people.make("lin"), await people.make("mia", MODERATOR)
    channel = await RadioStation.create(slug="shanghai", name="Radio Shanghai", city="Shanghai")
    await StationHead.create(station_id=channel.id, user_id=lin.id)
    episode = await held_episode(people, lin)
    item = await ModerationItem.get(target_type=T.EPISODE, target_id=episode.id)
    await decide(people, mia, item, A.REMOVE, reason="spam")
    assert (await RadioEpisode.get(id=episode.id)).state == EpisodeState.REMOVED
    assert await events(ChangeKind.EPISODE_ADDED) == []
    assert await events(ChangeKind.EPISODE_REMOVED) == []  # it was never on air


# --- who decides -------------------------------------------------------------------------------


async def items_of_every_new_kind(people) -> list[ModerationItem]:
    ann, ben = await people.make("ann"), await people.make("ben")
    episode = await make_episode(ann)
    book = await make_collection(ann)
    given = await credit(ben, post_id=(await make_post(ann)).id)
    targets = [
        (T.EPISODE, episode.id),
        (T.STATION, episode.station_id),
        (T.COLLECTION, book.id),
        (T.CREDIT, given.id),
    ]
    return [await reported(people, kind, target_id) for kind, target_id in targets]


async def test_a_group_admin_never_sees_or_decides_these_items(people):
    items = await items_of_every_new_kind(people)
    owner = await people.make("owner")
    await make_group("riders", owner)  # runs a group: moderates its items, and only those
    ctx = await people.context(owner)
    for item in items:
        with pytest.raises(NotFound):
            await resolve_item(ctx, item.id, Decision([A.IGNORE]))
    outcomes = await resolve_items(ctx, [i.id for i in items], Decision([A.IGNORE]))
    assert all(isinstance(outcome, NotFound) for _, outcome in outcomes)
    assert {i.state for i in await ModerationItem.all()} == {ModerationItemState.PENDING}


async def test_group_admin_authority_is_refused_for_items_outside_any_group(people):
    [item, *_] = await items_of_every_new_kind(people)
    owner = await people.make("owner")
    with pytest.raises(Forbidden):
        await check_authority(owner, item, Decision([A.HIDE]))


@pytest.mark.parametrize("role", [MODERATOR, ADMIN])
async def test_a_banned_moderator_has_no_power_over_these_items(people, role):
    items = await items_of_every_new_kind(people)
    banned = await people.make("mod", role, AccountState.BANNED)
    ctx = await people.context(banned)
    for item in items:
        with pytest.raises(AccountSuspended):
            await resolve_item(ctx, item.id, Decision([A.IGNORE]))
    assert {i.state for i in await ModerationItem.all()} == {ModerationItemState.PENDING}
    assert await AuditEntry.all().count() == 0


async def test_nobody_decides_about_a_station_they_made(people):
    ada, max_ = await people.make("ada", ADMIN), await people.make("max", ADMIN)
    await make_episode(await people.make("ann"))
    await RadioStation.filter(slug="shanghai").update(created_by_id=ada.id)
    item = await reported(people, T.STATION, (await station()).id)
    with pytest.raises(NotFound):
        await decide(people, ada, item, A.IGNORE)
    assert (await decide(people, max_, item, A.IGNORE)).state == ModerationItemState.IGNORED


# --- stations and collections ------------------------------------------------------------------


@pytest.mark.parametrize("kind", [T.STATION, T.COLLECTION])
@pytest.mark.parametrize("action", [A.HIDE, A.REMOVE, A.LOCK_COMMENTS])
async def test_a_station_or_collection_is_not_hidden_or_removed(people, kind, action):
    ada = await people.make("ada", ADMIN)
    await make_episode(await people.make("ann"))
    target_id = (await station()).id if kind == T.STATION else (await make_collection(ada)).id
    item = await reported(people, kind, target_id)
    with pytest.raises(InvalidInput) as refused:
        await decide(people, await people.make("mia", MODERATOR), item, action, reason="x")
    assert refused.value.field == "actions"
    assert (await ModerationItem.get(id=item.id)).state == ModerationItemState.PENDING
    assert await AuditEntry.all().count() == 0


async def test_a_collections_maker_is_warned_and_the_reports_upheld(people):
    ann, ada = await people.make("ann"), await people.make("ada", ADMIN)
    book = await make_collection(ann)
    item = await reported(people, T.COLLECTION, book.id)
    await decide(people, ada, item, A.WARN, reason="a slur in the title")
    [notice] = await Notification.filter(recipient_id=ann.id, kind=NotificationKind.MODERATION)
    assert notice.text == "A moderator warned you: a slur in the title"
    assert [r.outcome for r in await Report.all()] == [ReportOutcome.UPHELD]
    assert await Collection.filter(id=book.id).exists()


async def test_nobody_is_warned_about_a_station_nobody_made(people):
    await make_episode(await people.make("ann"))
    item = await reported(people, T.STATION, (await station()).id)
    mia = await people.make("mia", MODERATOR)
    with pytest.raises(InvalidInput):
        await decide(people, mia, item, A.WARN, reason="rude")
    assert (await decide(people, mia, item, A.APPROVE)).state == ModerationItemState.RESOLVED
    assert [r.outcome for r in await Report.all()] == [ReportOutcome.REJECTED]


# --- credits -----------------------------------------------------------------------------------


async def test_removing_a_credit_deletes_it_tells_both_and_an_appeal_gives_it_back(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    mia, ada = await people.make("mia", MODERATOR), await people.make("ada", ADMIN)
    episode = await make_episode(ann)
    given = await credit(ben, episode_id=episode.id)
    item = await reported(people, T.CREDIT, given.id)
    await decide(people, mia, item, A.REMOVE, A.WARN, reason="credited without asking")
    assert not await Credit.filter(id=given.id).exists()
    [changed] = await events(ChangeKind.EPISODE_UPDATED)
    assert changed.episode_id == episode.id
    assert len(await outbox(SearchEntity.EPISODE, episode.id)) == 1
    told = await Notification.filter(kind=NotificationKind.MODERATION).order_by("id")
    assert [(n.recipient_id, n.text, n.episode_id) for n in told] == [
        (
            ann.id,
            "A moderator removed a credit you gave on your episode: credited without asking",
            episode.id,
        ),
        (ben.id, "A moderator took your credit off an episode.", episode.id),
        (ann.id, "A moderator warned you: credited without asking", None),
    ]
    assert (await ModerationItem.get(id=item.id)).target_hidden is False
    assert await item_target(await people.context(mia), item) is None

    [removal] = await AuditEntry.filter(action=A.REMOVE)
    assert removal.affected_user_id == ann.id
    appeal = await appeal_decision(await people.context(ann), removal.id, "ben did edit it")
    await decide_appeal(await people.context(ada), appeal.id, True, "he did")
    back = await Credit.get(id=given.id)
    assert (back.user_id, back.episode_id, back.role, back.state) == (
        ben.id,
        episode.id,
        given.role,
        CreditState.ACCEPTED,
    )


async def test_a_credit_is_not_hidden_and_keeping_it_rejects_the_reports(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    given = await credit(ben, post_id=(await make_post(ann)).id)
    item = await reported(people, T.CREDIT, given.id)
    mia = await people.make("mia", MODERATOR)
    with pytest.raises(InvalidInput):
        await decide(people, mia, item, A.HIDE)
    await decide(people, mia, item, A.APPROVE)
    assert await Credit.filter(id=given.id).exists()
    assert [r.outcome for r in await Report.all()] == [ReportOutcome.REJECTED]


async def test_sanctions_for_a_credit_fall_on_the_works_author(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    given = await credit(ben, post_id=(await make_post(ann)).id)
    item = await reported(people, T.CREDIT, given.id)
    await decide(people, await people.make("mia", MODERATOR), item, A.REMOVE, A.BAN, reason="x")
    assert (await User.get(id=ann.id)).state == AccountState.BANNED
    assert (await User.get(id=ben.id)).state == AccountState.ACTIVE
