"""Comments as use cases: where one may comment, who is told, held comments, tombstones, and
a moderator's delete that loses to a decision made meanwhile."""

from __future__ import annotations

import pytest

from resolvers.comments import add_comment, delete_comment
from resolvers.works import WorkRef
from server.errors import AccountSuspended, Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    AccountState,
    AuditEntry,
    ChangeKind,
    Comment,
    CommentState,
    CreditRole,
    EpisodeState,
    ModerationItem,
    Notification,
    NotificationKind,
    PlatformRole,
    Post,
    PostState,
    RadioEpisode,
)
from tests.helpers import make_post
from tests.resolvers.conftest import events
from tests.resolvers.work_helpers import credit, make_episode


async def notified(recipient, kind=None) -> list[Notification]:
    query = Notification.filter(recipient_id=recipient.id)
    if kind is not None:
        query = query.filter(kind=kind)
    return await query.order_by("id")


async def test_a_comment_counts_on_its_post_is_announced_and_tells_the_author(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    post = await make_post(ann)
    comment = await add_comment(
        await people.context(ben), WorkRef(post_id=post.id), "Same here", None
    )
    assert comment.state == CommentState.PUBLISHED
    assert (await Post.get(id=post.id)).comment_count == 1
    [added] = await events(ChangeKind.COMMENT_ADDED)
    assert (added.post_id, added.comment_id) == (post.id, comment.id)
    [reply] = await notified(ann)
    assert (reply.kind, reply.actor_id, reply.comment_id) == (
        NotificationKind.REPLY,
        ben.id,
        comment.id,
    )


async def test_a_reply_tells_the_post_author_and_the_parent_author_once_each(people):
    ann, ben, cat = await people.make("ann"), await people.make("ben"), await people.make("cat")
    post = await make_post(ann)
    parent = await add_comment(await people.context(ben), WorkRef(post_id=post.id), "first", None)
    await add_comment(
        await people.context(cat), WorkRef(post_id=post.id), "answer @ben and @ann", parent.id
    )
    assert [n.kind for n in await notified(ann)] == [NotificationKind.REPLY] * 2
    assert [n.kind for n in await notified(ben)] == [NotificationKind.REPLY]
    assert await notified(cat) == []
    assert (await Comment.get(id=parent.id)).reply_count == 1


async def test_commenting_on_ones_own_post_tells_nobody(people):
    ann = await people.make("ann")
    post = await make_post(ann)
    await add_comment(await people.context(ann), WorkRef(post_id=post.id), "an update", None)
    assert await Notification.all().count() == 0


async def test_an_empty_comment_is_refused_naming_the_body(people):
    ann = await people.make("ann")
    post = await make_post(ann)
    with pytest.raises(InvalidInput) as refused:
        await add_comment(await people.context(ann), WorkRef(post_id=post.id), "  \u200e ", None)
    assert refused.value.field == "body"
    assert await Comment.all().count() == 0


async def test_a_post_one_cannot_see_reads_as_missing_to_commenters(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    draft = await make_post(ann, state=PostState.DRAFT, published_at=None)
    with pytest.raises(NotFound):
        await add_comment(await people.context(ben), WorkRef(post_id=draft.id), "hello?", None)


async def test_comments_open_only_on_published_posts_and_close_when_locked(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    held = await make_post(ann, state=PostState.HELD, published_at=None)
    with pytest.raises(Conflict):
        await add_comment(await people.context(ann), WorkRef(post_id=held.id), "soon", None)
    locked = await make_post(ann, comments_locked=True)
    with pytest.raises(Conflict):
        await add_comment(await people.context(ben), WorkRef(post_id=locked.id), "let me in", None)
    assert await Comment.all().count() == 0


async def test_a_reply_must_answer_a_comment_of_the_same_post(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    one, other = await make_post(ann), await make_post(ann)
    elsewhere = await add_comment(
        await people.context(ben), WorkRef(post_id=other.id), "there", None
    )
    with pytest.raises(NotFound):
        await add_comment(await people.context(ben), WorkRef(post_id=one.id), "here", elsewhere.id)


async def test_a_silenced_commenter_waits_for_review_and_nobody_is_told_yet(people):
    ann = await people.make("ann")
    ben = await people.make("ben", state=AccountState.SILENCED, until_days=2)
    post = await make_post(ann)
    comment = await add_comment(
        await people.context(ben), WorkRef(post_id=post.id), "let me say", None
    )
    assert comment.state == CommentState.HELD
    assert (await Post.get(id=post.id)).comment_count == 0
    assert await notified(ann) == []
    item = await ModerationItem.get(target_id=comment.id)
    assert "SILENCED" in item.reasons


@pytest.mark.parametrize("state", [AccountState.SUSPENDED, AccountState.BANNED])
async def test_suspended_and_banned_accounts_cannot_comment(people, state):
    ann = await people.make("ann")
    ben = await people.make("ben", state=state, until_days=2)
    post = await make_post(ann)
    with pytest.raises(AccountSuspended):
        await add_comment(await people.context(ben), WorkRef(post_id=post.id), "hi", None)


async def test_deleting_a_comment_leaves_a_tombstone_and_uncounts_it(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    post = await make_post(ann)
    comment = await add_comment(await people.context(ben), WorkRef(post_id=post.id), "oops", None)
    deleted = await delete_comment(await people.context(ben), comment.id)
    assert (deleted.state, deleted.body) == (CommentState.DELETED, "")
    assert (await Post.get(id=post.id)).comment_count == 0
    with pytest.raises(NotFound):  # deleting twice finds nothing to delete
        await delete_comment(await people.context(ben), comment.id)
    assert await AuditEntry.all().count() == 0


async def test_a_stranger_cannot_delete_a_comment(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    post = await make_post(ann)
    comment = await add_comment(await people.context(ben), WorkRef(post_id=post.id), "mine", None)
    with pytest.raises(Forbidden):  # not even the post's author
        await delete_comment(await people.context(ann), comment.id)
    assert (await Comment.get(id=comment.id)).state == CommentState.PUBLISHED


async def test_a_moderator_deleting_a_comment_audits_it_and_tells_its_author(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    mia = await people.make("mia", PlatformRole.MODERATOR)
    post = await make_post(ann)
    comment = await add_comment(await people.context(ben), WorkRef(post_id=post.id), "rude", None)
    await delete_comment(await people.context(mia), comment.id)
    [entry] = await AuditEntry.all()
    assert (entry.actor_id, entry.affected_user_id, entry.target_id) == (mia.id, ben.id, comment.id)
    [notice] = await notified(ben, NotificationKind.MODERATION)
    assert "deleted your comment" in notice.text


async def test_a_moderators_delete_that_loses_to_a_decision_meanwhile_leaves_no_trace(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    mia = await people.make("mia", PlatformRole.MODERATOR)
    post = await make_post(ann)
    comment = await add_comment(await people.context(ben), WorkRef(post_id=post.id), "rude", None)
    ctx = await people.context(mia)
    await ctx.loaders.comment_by_id.load(comment.id)  # read while it was published
    await Comment.filter(id=comment.id).update(state=CommentState.HIDDEN)
    with pytest.raises(Conflict):
        await delete_comment(ctx, comment.id)
    assert (await Comment.get(id=comment.id)).state == CommentState.HIDDEN
    assert await AuditEntry.all().count() == 0
    assert await notified(ben, NotificationKind.MODERATION) == []


# --- comments on radio episodes --------------------------------------------------------------


async def test_an_episodes_comment_counts_there_and_tells_its_author_and_co_creators(people):
    ann, ben, mia = await people.make("ann"), await people.make("ben"), await people.make("mia")
    episode = await make_episode(ann)
    await credit(mia, episode_id=episode.id, role=CreditRole.GUEST)
    on = WorkRef(episode_id=episode.id)
    comment = await add_comment(await people.context(ben), on, "好听!", None)
    assert (comment.episode_id, comment.post_id) == (episode.id, None)
    assert (await RadioEpisode.get(id=episode.id)).comment_count == 1
    assert await events(ChangeKind.COMMENT_ADDED, episode_id=episode.id)
    assert await events(ChangeKind.EPISODE_UPDATED, episode_id=episode.id)
    for maker in (ann, mia):
        told = await notified(maker, NotificationKind.REPLY)
        assert [(n.episode_id, n.comment_id) for n in told] == [(episode.id, comment.id)]
    reply = await add_comment(await people.context(ann), on, "谢谢", comment.id)
    assert reply.parent_id == comment.id
    await delete_comment(await people.context(ben), comment.id)
    assert (await RadioEpisode.get(id=episode.id)).comment_count == 1


async def test_nobody_comments_on_an_episode_they_cannot_hear_or_on_a_pending_one(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    submitted = await make_episode(ann, state=EpisodeState.SUBMITTED, published_at=None)
    hidden = await make_episode(ann, state=EpisodeState.HIDDEN)
    for episode in (submitted, hidden):
        with pytest.raises(NotFound):
            await add_comment(await people.context(ben), WorkRef(episode_id=episode.id), "hi", None)
    with pytest.raises(Conflict):  # its author sees it, but it is not on air
        await add_comment(await people.context(ann), WorkRef(episode_id=submitted.id), "hi", None)
    on_air = await make_episode(ann)
    post = await make_post(ann)
    on_post = await add_comment(await people.context(ben), WorkRef(post_id=post.id), "x", None)
    with pytest.raises(NotFound):  # a reply stays on the work of its parent
        await add_comment(await people.context(ben), WorkRef(episode_id=on_air.id), "y", on_post.id)
    assert await Comment.filter(episode_id__isnull=False).count() == 0
