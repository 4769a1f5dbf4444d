"""Product feedback as use cases: marking group posts as feedback (and no other post), staff
adopting published feedback once (two at a time included) with what it writes and whom it
tells, who is refused and how, the adopted feedback a profile lists to each viewer, and the post
on screen updating live when it is adopted."""

from __future__ import annotations

import asyncio

import pytest

from resolvers.feedback import adopt_feedback, list_adopted_feedback
from resolvers.live import event_cursor, post_updates
from resolvers.post_input import PostChanges, PostDraft
from resolvers.posts import create_post, update_post
from server.errors import (
    AccountSuspended,
    Conflict,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
)
from server.models import (
    AccountState,
    AuditEntry,
    AuditKind,
    ChangeEvent,
    ChangeKind,
    FeedbackAdoption,
    GroupVisibility,
    ModerationTarget,
    Notification,
    NotificationKind,
    PlatformRole,
    Post,
    PostKind,
    PostRevision,
    PostState,
    User,
)
from tests.helpers import make_group, make_post
from tests.resolvers.conftest import events

NOTE = "We are adding a seat-heating schedule in the next release."


async def feedback_post(
    author: User, group, body: str = "The seat heating should remember me.", **fields
):
    return await make_post(author, body, group=group, feedback=True, **fields)


async def adopted_ids(people, viewer: User | None, user: User) -> list[int]:
    page = await list_adopted_feedback(await people.context(viewer), user.id, 20, None)
    return [post.id for _, post in page.edges]


# --- marking posts as feedback ------------------------------------------------------------------


async def test_a_group_post_can_be_written_as_feedback_and_a_post_outside_groups_cannot(people):
    lin = await people.make("lin")
    club = await make_group("es8-club", lin)
    ctx = await people.context(lin)
    draft = PostDraft(kind=PostKind.MOMENT, body="Make the frunk light brighter.")

    plain = await create_post(ctx, draft, publish=True)
    offered = await create_post(
        await people.context(lin),
        PostDraft(kind=PostKind.MOMENT, body="Frunk light", group_slug=club.slug, feedback=True),
        publish=True,
    )
    with pytest.raises(InvalidInput) as refused:
        await create_post(
            await people.context(lin),
            PostDraft(kind=PostKind.MOMENT, body="Frunk light", feedback=True),
            publish=True,
        )

    assert refused.value.field == "feedback"
    assert (plain.feedback, offered.feedback) == (False, True)
    assert (await Post.get(id=offered.id)).feedback is True
    assert await Post.all().count() == 2


async def test_the_author_marks_and_unmarks_a_group_post_without_a_new_revision(people):
    lin = await people.make("lin")
    club = await make_group("es8-club", lin)
    post = await make_post(lin, "The seat heating should remember me.", group=club)

    marked = await update_post(await people.context(lin), post.id, PostChanges(feedback=True))
    assert marked.feedback is True
    assert (await Post.get(id=post.id)).feedback is True
    assert await PostRevision.filter(post_id=post.id).count() == 0
    assert [e.post_id for e in await events(ChangeKind.POST_UPDATED)] == [post.id]

    # Nothing said about it: it stays as it is, alongside an edit of the text.
    edited = await update_post(
        await people.context(lin), post.id, PostChanges(body="The seats should remember me.")
    )
    assert (edited.feedback, edited.body) == (True, "The seats should remember me.")

    unmarked = await update_post(await people.context(lin), post.id, PostChanges(feedback=False))
    assert unmarked.feedback is False
    assert (await Post.get(id=post.id)).feedback is False


async def test_a_post_outside_groups_cannot_be_marked_and_others_cannot_mark_a_post(people):
    lin = await people.make("lin")
    ann = await people.make("ann")
    club = await make_group("es8-club", lin, ann)
    loose = await make_post(lin, "Not in a group.")
    in_club = await make_post(lin, "In the club.", group=club)

    with pytest.raises(InvalidInput) as refused:
        await update_post(await people.context(lin), loose.id, PostChanges(feedback=True))
    assert refused.value.field == "feedback"
    with pytest.raises(Forbidden):
        await update_post(await people.context(ann), in_club.id, PostChanges(feedback=True))
    assert not await Post.filter(feedback=True).exists()


async def test_adopted_feedback_stays_feedback(people):
    lin = await people.make("lin")
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    club = await make_group("es8-club", lin)
    post = await feedback_post(lin, club)
    await adopt_feedback(await people.context(mia), post.id)

    with pytest.raises(Conflict):
        await update_post(await people.context(lin), post.id, PostChanges(feedback=False))
    with pytest.raises(Conflict):  # not with an edit of the text either
        await update_post(
            await people.context(lin), post.id, PostChanges(body="edited", feedback=False)
        )
    after = await Post.get(id=post.id)
    assert (after.feedback, after.body) == (True, post.body)


# --- adopting -----------------------------------------------------------------------------------


async def test_adopting_feedback_writes_the_adoption_its_event_a_notification_and_an_audit_entry(
    people,
):
    lin = await people.make("lin")
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    club = await make_group("es8-club", lin)
    post = await feedback_post(lin, club)

    adopted = await adopt_feedback(await people.context(mia), post.id, f"  {NOTE}  ")

    assert adopted.post.id == post.id
    [row] = await FeedbackAdoption.all()
    assert (row.post_id, row.author_id, row.adopted_by_id, row.note) == (
        post.id,
        lin.id,
        mia.id,
        NOTE,
    )
    [event] = await events(ChangeKind.FEEDBACK_ADOPTED)
    assert (event.post_id, event.group_id, event.recipient_id) == (post.id, club.id, lin.id)
    [note] = await Notification.filter(kind=NotificationKind.FEEDBACK_ADOPTED)
    assert (note.recipient_id, note.actor_id, note.post_id, note.group_id) == (
        lin.id,
        None,
        post.id,
        club.id,
    )
    assert note.text == f"Your product feedback was adopted. Thank you! {NOTE}"
    [entry] = await AuditEntry.filter(kind=AuditKind.FEEDBACK_ADOPTED)
    assert (entry.actor_id, entry.affected_user_id, entry.reason) == (mia.id, lin.id, NOTE)
    assert (entry.target_type, entry.target_id) == (ModerationTarget.POST, post.id)
    assert entry.detail == {"postId": post.id, "groupId": club.id, "adoptionId": row.id}


async def test_an_admin_adopts_without_a_note(people):
    lin = await people.make("lin")
    chief = await people.make("chief", role=PlatformRole.ADMIN)
    post = await feedback_post(lin, await make_group("es8-club", lin))

    adopted = await adopt_feedback(await people.context(chief), post.id)

    assert adopted.adoption.note == ""
    [note] = await Notification.filter(recipient_id=lin.id, kind=NotificationKind.FEEDBACK_ADOPTED)
    assert note.text == "Your product feedback was adopted. Thank you!"


@pytest.mark.parametrize(
    ("handle", "refusal"),
    [
        (None, NotAuthenticated),
        ("ann", Forbidden),  # a plain member of the group
        ("rui", Forbidden),  # the group's owner, admin and moderator run the group, no more
        ("ivy", Forbidden),
        ("max", Forbidden),
        ("zoe", Forbidden),  # the owner of another group
    ],
)
async def test_only_platform_staff_adopt_feedback(people, handle, refusal):
    lin = await people.make("lin")
    ann = await people.make("ann")
    rui = await people.make("rui")
    ivy = await people.make("ivy")
    max_ = await people.make("max")
    zoe = await people.make("zoe")
    club = await make_group("es8-club", rui, lin, ann, admins=(ivy,), moderators=(max_,))
    await make_group("other-club", zoe)
    post = await feedback_post(lin, club)
    caller = {u.handle: u for u in (ann, rui, ivy, max_, zoe)}.get(handle or "")

    with pytest.raises(refusal):
        await adopt_feedback(await people.context(caller), post.id)
    assert not await FeedbackAdoption.exists()
    assert not await ChangeEvent.exists()


@pytest.mark.parametrize(
    ("role", "state", "reason"),
    [
        (PlatformRole.MODERATOR, AccountState.SUSPENDED, "ACCOUNT_SUSPENDED"),
        (PlatformRole.ADMIN, AccountState.BANNED, "ACCOUNT_BANNED"),
        (PlatformRole.MODERATOR, AccountState.SILENCED, "ACCOUNT_SILENCED"),
        # Sanctioned members: no staff to begin with.
        (PlatformRole.USER, AccountState.SUSPENDED, None),
        (PlatformRole.USER, AccountState.BANNED, None),
    ],
)
async def test_sanctioned_accounts_cannot_adopt_and_staff_among_them_are_told_why(
    people, role, state, reason
):
    lin = await people.make("lin")
    kai = await people.make("kai", role=role, state=state, until_days=3)
    post = await feedback_post(lin, await make_group("es8-club", lin, kai))

    with pytest.raises(Forbidden) as refused:
        await adopt_feedback(await people.context(kai), post.id)
    if reason is None:
        assert not isinstance(refused.value, AccountSuspended)
    else:
        assert isinstance(refused.value, AccountSuspended)
        assert refused.value.reason == reason
    assert not await FeedbackAdoption.exists()


async def test_staff_cannot_adopt_their_own_feedback(people):
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    post = await feedback_post(mia, await make_group("es8-club", mia))

    with pytest.raises(Forbidden):
        await adopt_feedback(await people.context(mia), post.id)
    assert not await FeedbackAdoption.exists()


async def test_what_cannot_be_adopted_is_a_conflict_and_what_staff_cannot_see_is_missing(people):
    lin = await people.make("lin")
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    club = await make_group("es8-club", lin)
    circle = await make_group("inner-circle", lin, visibility=GroupVisibility.MEMBERS_ONLY)
    ctx = await people.context(mia)
    plain = await make_post(lin, "Just a photo of my car.", group=club)
    hidden = await feedback_post(lin, club, state=PostState.HIDDEN)
    held = await feedback_post(lin, club, state=PostState.HELD, published_at=None)
    draft = await feedback_post(lin, club, state=PostState.DRAFT, published_at=None)
    members_only = await feedback_post(lin, circle)

    for post in (plain, hidden, held):  # staff see these, and cannot adopt them
        with pytest.raises(Conflict):
            await adopt_feedback(await people.context(mia), post.id)
    missing = []
    for post_id in (draft.id, members_only.id, 2_000_000_000):
        with pytest.raises(NotFound) as refused:
            await adopt_feedback(ctx, post_id)
        missing.append(str(refused.value))
    assert len(set(missing)) == 1  # one answer: not theirs to see reads as missing
    with pytest.raises(InvalidInput) as refused:
        await adopt_feedback(ctx, (await feedback_post(lin, club)).id, "x" * 501)
    assert refused.value.field == "note"
    assert not await FeedbackAdoption.exists()


async def test_a_staff_member_in_a_members_only_group_adopts_its_feedback(people):
    lin = await people.make("lin")
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    circle = await make_group("inner-circle", lin, mia, visibility=GroupVisibility.MEMBERS_ONLY)
    post = await feedback_post(lin, circle)

    adopted = await adopt_feedback(await people.context(mia), post.id)
    assert adopted.adoption.post_id == post.id


async def test_feedback_is_adopted_once(people):
    lin = await people.make("lin")
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    chief = await people.make("chief", role=PlatformRole.ADMIN)
    post = await feedback_post(lin, await make_group("es8-club", lin))
    await adopt_feedback(await people.context(mia), post.id)

    with pytest.raises(Conflict):
        await adopt_feedback(await people.context(chief), post.id)
    assert await FeedbackAdoption.all().count() == 1
    assert len(await events(ChangeKind.FEEDBACK_ADOPTED)) == 1


async def test_concurrent_adoptions_adopt_once_and_tell_the_author_once(people):
    lin = await people.make("lin")
    staff = [await people.make(f"ivy{i}", role=PlatformRole.MODERATOR) for i in range(5)]
    post = await feedback_post(lin, await make_group("es8-club", lin))
    contexts = [await people.context(s) for s in staff]

    results = await asyncio.gather(
        *(adopt_feedback(ctx, post.id) for ctx in contexts), return_exceptions=True
    )

    assert sum(not isinstance(r, Exception) for r in results) == 1, results
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception)), results
    assert await FeedbackAdoption.all().count() == 1
    assert len(await events(ChangeKind.FEEDBACK_ADOPTED)) == 1
    assert await Notification.filter(recipient_id=lin.id).count() == 2  # adopted, and rewarded
    assert await AuditEntry.filter(kind=AuditKind.FEEDBACK_ADOPTED).count() == 1


# --- what a profile lists -----------------------------------------------------------------------


async def test_adopted_feedback_is_listed_newest_adoption_first_to_those_who_may_see_it(people):
    lin = await people.make("lin")
    ann = await people.make("ann")
    kai = await people.make("kai")
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    club = await make_group("es8-club", lin, ann)
    circle = await make_group(
        "inner-circle", lin, ann, mia, visibility=GroupVisibility.MEMBERS_ONLY
    )
    first = await feedback_post(lin, club, "first")
    secret = await feedback_post(lin, circle, "secret")
    gone = await feedback_post(lin, club, "gone")
    latest = await feedback_post(lin, club, "latest")
    not_adopted = await feedback_post(lin, club, "waiting")
    ctx = await people.context(mia)
    for post in (first, secret, gone, latest):
        await adopt_feedback(await people.context(mia), post.id)
    await Post.filter(id=gone.id).update(state=PostState.HIDDEN)  # a moderator hid it since

    assert await adopted_ids(people, None, lin) == [latest.id, first.id]
    assert await adopted_ids(people, kai, lin) == [latest.id, first.id]
    assert await adopted_ids(people, ann, lin) == [latest.id, secret.id, first.id]
    assert await adopted_ids(people, mia, lin) == [latest.id, secret.id, first.id]
    assert await adopted_ids(people, lin, lin) == [latest.id, secret.id, first.id]
    assert await adopted_ids(people, lin, ann) == []
    assert not_adopted.id not in await adopted_ids(people, lin, lin)
    # Paged by cursor, most recent first.
    page = await list_adopted_feedback(ctx, lin.id, 2, None)
    assert [p.id for _, p in page.edges] == [latest.id, secret.id] and page.has_next_page
    rest = await list_adopted_feedback(await people.context(mia), lin.id, 2, page.end_cursor)
    assert [p.id for _, p in rest.edges] == [first.id] and not rest.has_next_page


# --- live ---------------------------------------------------------------------------------------


async def test_a_post_on_screen_shows_its_adoption_as_it_happens(people):
    lin = await people.make("lin")
    ann = await people.make("ann")
    mia = await people.make("mia", role=PlatformRole.MODERATOR)
    post = await feedback_post(lin, await make_group("es8-club", lin, ann))
    latest = await ChangeEvent.all().order_by("-id").first()
    after = event_cursor(latest.id if latest else 0)
    stream = post_updates(await people.context(ann), [post.id], after)
    waiting = asyncio.ensure_future(stream.__anext__())
    try:
        await adopt_feedback(await people.context(mia), post.id)
        delivery = await asyncio.wait_for(waiting, 10)
    finally:
        waiting.cancel()
        await stream.aclose()
    assert isinstance(delivery.payload, Post) and delivery.payload.id == post.id
