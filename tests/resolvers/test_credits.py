"""Credits called directly: nobody is credited without consent, and a credit shows only where
its work does."""

from __future__ import annotations

import pytest

from resolvers import credits, episodes, posts, reactions
from resolvers.credits import CreditDraft
from resolvers.episodes import AudioInput, EpisodeDraft
from resolvers.post_input import PostChanges, PostDraft
from resolvers.works import WorkRef
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    AccountState,
    ChangeKind,
    Credit,
    CreditRole,
    CreditState,
    EpisodeState,
    GroupVisibility,
    Notification,
    NotificationKind,
    PersonaAccount,
    PersonaDomain,
    PostKind,
    RadioEpisode,
    RadioStation,
    ReactionKind,
    SearchEntity,
    StationHead,
)
from tests.helpers import make_group
from tests.resolvers.conftest import events, outbox

WRITER, PHOTOGRAPHER = CreditRole.WRITER, CreditRole.PHOTOGRAPHER


async def credited_post(people, author, *names, publish=True, roles=(PHOTOGRAPHER,)):
    drafts = [CreditDraft(handle=name, role=role) for name in names for role in roles]
    draft = PostDraft(kind=PostKind.MOMENT, body="川西自驾, 一起拍的", credits=drafts)
    return await posts.create_post(await people.context(author), draft, publish=publish)


async def invitations(user_id):
    return await Notification.filter(
        recipient_id=user_id, kind=NotificationKind.CREDIT_INVITATION
    ).count()


async def test_credits_start_pending_and_the_credited_are_asked_once_the_post_is_live(people):
    author, mia = await people.make("ann"), await people.make("mia")
    post = await credited_post(people, author, "mia")
    credit = await Credit.get(post_id=post.id)
    assert (credit.user_id, credit.role, credit.state) == (mia.id, PHOTOGRAPHER, "PENDING")
    note = await Notification.get(recipient_id=mia.id, kind=NotificationKind.CREDIT_INVITATION)
    assert (note.post_id, note.credit_id, note.actor_id) == (post.id, credit.id, author.id)


async def test_a_drafts_credits_are_asked_only_when_it_is_published(people):
    author, mia = await people.make("ann"), await people.make("mia")
    post = await credited_post(people, author, "mia", publish=False)
    assert await invitations(mia.id) == 0
    page = await credits.list_credit_invitations(await people.context(mia), 10, None)
    assert page.edges == []  # a draft's credit shows nowhere the draft does not
    await posts.publish_post(await people.context(author), post.id)
    assert await invitations(mia.id) == 1
    page = await credits.list_credit_invitations(await people.context(mia), 10, None)
    assert [c.post_id for _, c in page.edges] == [post.id]


async def test_accepting_tells_the_author_and_updates_the_live_work(people):
    author, mia = await people.make("ann"), await people.make("mia")
    post = await credited_post(people, author, "mia")
    credit = await Credit.get(post_id=post.id)
    answered = await credits.respond_to_credit(await people.context(mia), credit.id, True)
    assert answered.state == CreditState.ACCEPTED and answered.answered_at is not None
    told = await Notification.get(recipient_id=author.id, kind=NotificationKind.CREDIT_ANSWERED)
    assert (told.actor_id, told.credit_id) == (mia.id, credit.id)
    assert await events(ChangeKind.POST_UPDATED, post_id=post.id)
    assert await outbox(SearchEntity.POST, post.id)
    with pytest.raises(Conflict):
        await credits.respond_to_credit(await people.context(mia), credit.id, False)


async def test_only_the_credited_user_answers_and_strangers_see_no_pending_credit(people):
    author, _mia, lin = await people.make("ann"), await people.make("mia"), await people.make("lin")
    post = await credited_post(people, author, "mia")
    credit = await Credit.get(post_id=post.id)
    with pytest.raises(NotFound):  # pending and not theirs: it reads as missing
        await credits.respond_to_credit(await people.context(lin), credit.id, True)
    with pytest.raises(Forbidden):  # the author sees it, but it is not theirs to answer
        await credits.respond_to_credit(await people.context(author), credit.id, True)
    with pytest.raises(NotFound):
        await credits.remove_credit(await people.context(lin), credit.id)
    assert (await Credit.get(id=credit.id)).state == CreditState.PENDING


async def test_a_suspended_user_cannot_answer_a_credit(people):
    author = await people.make("ann")
    mia = await people.make("mia")
    post = await credited_post(people, author, "mia")
    credit = await Credit.get(post_id=post.id)
    mia.state, mia.suspended_until = AccountState.SUSPENDED, None
    await mia.save(update_fields=["state"])
    with pytest.raises(Forbidden):
        await credits.respond_to_credit(await people.context(mia), credit.id, True)
    assert (await Credit.get(id=credit.id)).state == CreditState.PENDING


@pytest.mark.parametrize(
    ("handles", "message"),
    [
        (["nobody_here"], "No user @nobody_here"),
        (["ann"], "author"),
        (["banned1"], "cannot be credited"),
        (["suspended1"], "cannot be credited"),
        (["helper"], "official account"),
        ([f"u{i}" for i in range(21)], "at most 20"),
    ],
)
async def test_who_cannot_be_credited_is_refused_and_nothing_is_written(people, handles, message):
    author = await people.make("ann")
    await people.make("banned1", state=AccountState.BANNED)
    await people.make("suspended1", state=AccountState.SUSPENDED, until_days=3)
    persona = await people.make("helper")
    await PersonaAccount.create(user=persona, domain=PersonaDomain.CHARGING)
    with pytest.raises(InvalidInput) as refused:
        await credited_post(people, author, *handles)
    assert refused.value.field == "credits"
    assert message in str(refused.value)
    assert await Credit.all().count() == 0


async def test_the_public_sees_accepted_credits_the_author_all_the_invited_their_own(people):
    author = await people.make("ann")
    mia, lin, kai = await people.make("mia"), await people.make("lin"), await people.make("kai")
    post = await credited_post(people, author, "mia", "lin", "kai")
    by_user = {c.user_id: c for c in await Credit.filter(post_id=post.id)}
    await credits.respond_to_credit(await people.context(mia), by_user[mia.id].id, True)
    await credits.respond_to_credit(await people.context(kai), by_user[kai.id].id, False)
    ref = WorkRef(post_id=post.id)

    async def seen_by(user):
        rows = await credits.credits_of_work(await people.context(user), ref, author.id)
        return {(r.user_id, r.state) for r in rows}

    accepted = (mia.id, CreditState.ACCEPTED)
    assert await seen_by(None) == {accepted}
    assert await seen_by(lin) == {accepted, (lin.id, CreditState.PENDING)}
    assert await seen_by(kai) == {accepted, (kai.id, CreditState.DECLINED)}
    assert len(await seen_by(author)) == 3


async def test_editing_credits_keeps_answers_and_drops_the_removed(people):
    author, mia, _lin = await people.make("ann"), await people.make("mia"), await people.make("lin")
    post = await credited_post(people, author, "mia", "lin")
    mine = await Credit.get(post_id=post.id, user_id=mia.id)
    await credits.respond_to_credit(await people.context(mia), mine.id, True)
    changes = PostChanges(credits=[CreditDraft("mia", PHOTOGRAPHER), CreditDraft("kai", WRITER)])
    kai = await people.make("kai")
    await posts.update_post(await people.context(author), post.id, changes)
    rows = {(c.user_id, c.role): c.state for c in await Credit.filter(post_id=post.id)}
    assert rows == {(mia.id, PHOTOGRAPHER): "ACCEPTED", (kai.id, WRITER): "PENDING"}
    assert await invitations(kai.id) == 1


async def test_a_credited_user_may_take_their_name_off_later(people):
    author, mia = await people.make("ann"), await people.make("mia")
    post = await credited_post(people, author, "mia")
    credit = await Credit.get(post_id=post.id)
    await credits.respond_to_credit(await people.context(mia), credit.id, True)
    page = await credits.list_user_works(await people.context(None), mia.id, 10, None)
    assert [c.post_id for _, c in page.edges] == [post.id]
    await credits.remove_credit(await people.context(mia), credit.id)
    assert not await Credit.filter(id=credit.id).exists()
    page = await credits.list_user_works(await people.context(None), mia.id, 10, None)
    assert page.edges == []


async def test_works_list_each_work_once_and_only_where_the_viewer_may_see_it(people):
    author, mia = await people.make("ann"), await people.make("mia")
    member, outsider = await people.make("lin"), await people.make("kai")
    club = await make_group("club", author, member, mia, visibility=GroupVisibility.MEMBERS_ONLY)
    open_post = await credited_post(people, author, "mia", roles=(WRITER, PHOTOGRAPHER))
    draft = PostDraft(
        kind=PostKind.MOMENT,
        body="members only",
        group_slug=club.slug,
        credits=[CreditDraft("mia", WRITER)],
    )
    club_post = await posts.create_post(await people.context(author), draft, publish=True)
    for credit in await Credit.filter(user_id=mia.id):
        await credits.respond_to_credit(await people.context(mia), credit.id, True)

    async def works_seen_by(user):
        page = await credits.list_user_works(await people.context(user), mia.id, 10, None)
        return [c.post_id for _, c in page.edges]

    assert await works_seen_by(None) == [open_post.id]
    assert await works_seen_by(outsider) == [open_post.id]
    assert await works_seen_by(member) == [club_post.id, open_post.id]


async def test_only_members_are_credited_on_a_members_only_post(people):
    author, mia = await people.make("ann"), await people.make("mia")
    club = await make_group("club", author, visibility=GroupVisibility.MEMBERS_ONLY)
    draft = PostDraft(
        kind=PostKind.MOMENT,
        body="club",
        group_slug=club.slug,
        credits=[CreditDraft("mia", WRITER)],
    )
    with pytest.raises(InvalidInput, match="not a member"):
        await posts.create_post(await people.context(author), draft, publish=True)
    assert await Credit.all().count() == 0 and await invitations(mia.id) == 0


# --- credits on radio episodes ---------------------------------------------------------------


async def on_air_station(people, head):
    station = await RadioStation.create(slug="shanghai", name="蔚来电台·上海站", city="上海")
    await StationHead.create(station=station, user=head)
    return station


def episode_draft(*names, role=CreditRole.GUEST):
    return EpisodeDraft(
        station_slug="shanghai",
        title="冬季续航聊天",
        audio=AudioInput(
            url="https://media.example.com/1.mp3", duration_seconds=900, mime_type="audio/mpeg"
        ),
        credits=[CreditDraft(name, role) for name in names],
    )


async def test_a_submitted_episodes_guests_are_asked_when_a_head_puts_it_on_air(people):
    head, author, mia = (
        await people.make("chief"),
        await people.make("ann"),
        await people.make("mia"),
    )
    await on_air_station(people, head)
    episode = await episodes.submit_episode(
        await people.context(author), episode_draft("mia"), publish=True
    )
    assert episode.state == EpisodeState.SUBMITTED
    assert await invitations(mia.id) == 0  # mia cannot hear it yet
    await episodes.review_episode(await people.context(head), episode.id, approve=True)
    note = await Notification.get(recipient_id=mia.id, kind=NotificationKind.CREDIT_INVITATION)
    assert note.episode_id == episode.id and note.actor_id == author.id
    credit = await Credit.get(episode_id=episode.id)
    await credits.respond_to_credit(await people.context(mia), credit.id, True)
    assert await events(ChangeKind.EPISODE_UPDATED, episode_id=episode.id)
    page = await credits.list_user_works(await people.context(None), mia.id, 10, None)
    assert [c.episode_id for _, c in page.edges] == [episode.id]


async def test_a_hidden_episodes_credit_shows_nowhere(people):
    head, mia = await people.make("chief"), await people.make("mia")
    await on_air_station(people, head)
    episode = await episodes.submit_episode(
        await people.context(head), episode_draft("mia"), publish=True
    )
    credit = await Credit.get(episode_id=episode.id)
    await credits.respond_to_credit(await people.context(mia), credit.id, True)
    await RadioEpisode.filter(id=episode.id).update(state=EpisodeState.HIDDEN)
    assert await credits.visible_credit(await people.context(None), credit.id) is None
    assert await credits.visible_credit(await people.context(mia), credit.id) is None
    page = await credits.list_user_works(await people.context(mia), mia.id, 10, None)
    assert page.edges == []
    with pytest.raises(NotFound):
        await credits.remove_credit(await people.context(mia), credit.id)


async def test_a_suspended_user_may_still_take_their_name_off(people):
    author, mia = await people.make("ann"), await people.make("mia")
    post = await credited_post(people, author, "mia")
    credit = await Credit.get(post_id=post.id)
    await credits.respond_to_credit(await people.context(mia), credit.id, True)
    mia.state = AccountState.SUSPENDED
    await mia.save(update_fields=["state"])
    await credits.remove_credit(await people.context(mia), credit.id)
    assert not await Credit.filter(id=credit.id).exists()


async def test_a_reaction_reaches_the_author_and_the_accepted_co_creators(people):
    author, mia, fan = await people.make("ann"), await people.make("mia"), await people.make("kai")
    await people.make("lin")
    post = await credited_post(people, author, "mia", "lin")
    mine = await Credit.get(post_id=post.id, user_id=mia.id)
    await credits.respond_to_credit(await people.context(mia), mine.id, True)
    await reactions.add_reaction(await people.context(fan), "Post", post.id, ReactionKind.LIKE)
    told = await Notification.filter(kind=NotificationKind.REACTION).values_list(
        "recipient_id", flat=True
    )
    assert sorted(told) == sorted([author.id, mia.id])  # lin has not accepted


async def test_a_new_account_credits_no_more_people_than_it_may_mention(people):
    newcomer = await people.make("ann", days_old=0)
    names = [f"guest{i}" for i in range(6)]  # one more than NEW_ACCOUNT_MAX_MENTIONS (5)
    for name in names:
        await people.make(name)
    with pytest.raises(InvalidInput, match="at most 5") as refused:
        await credited_post(people, newcomer, *names)
    assert refused.value.field == "credits"
    assert await Credit.all().count() == 0
    await credited_post(people, newcomer, *names[:5])
    assert await Credit.all().count() == 5
