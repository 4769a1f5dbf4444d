"""What moderation actions do: which combinations make sense, what each does to a post, a
comment or an account, and sanction terms that end on their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resolvers.changes import writing
from resolvers.comments import add_comment
from resolvers.moderation_actions import apply_action, check_actions, end_due_suspensions
from resolvers.moderation_items import Target
from resolvers.works import WorkRef
from server.errors import InvalidInput
from server.models import (
    AccountState,
    AuditEntry,
    ChangeKind,
    Comment,
    CommentState,
    ModerationAction,
    ModerationTarget,
    Notification,
    Post,
    SearchEntity,
    User,
)
from tests.helpers import make_post
from tests.resolvers.conftest import events, outbox

A = ModerationAction


@pytest.mark.parametrize(
    ("actions", "reason", "days", "field"),
    [
        ([], "", None, "actions"),
        ([A.HIDE, A.HIDE], "", None, "actions"),
        ([A.IGNORE, A.WARN], "x", None, "actions"),
        ([A.ESCALATE, A.HIDE], "", None, "actions"),
        ([A.APPROVE, A.HIDE], "", None, "actions"),
        ([A.HIDE, A.REMOVE], "x", None, "actions"),
        ([A.SUSPEND, A.BAN], "x", 3, "actions"),
        ([A.REMOVE], "  ", None, "reason"),
        ([A.WARN], "", None, "reason"),
        ([A.BAN], "", None, "reason"),
        ([A.SUSPEND], "x", None, "days"),
        ([A.SILENCE], "x", 0, "days"),
        ([A.SUSPEND], "x", 3651, "days"),
    ],
)
def test_check_actions_refuses_contradictions_and_missing_reasons_naming_the_field(
    actions, reason, days, field
):
    with pytest.raises(InvalidInput) as refused:
        check_actions(actions, reason, days)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("actions", "reason", "days"),
    [
        ([A.APPROVE], "", None),
        ([A.HIDE], "", None),
        ([A.IGNORE], "", None),
        ([A.REMOVE, A.SUSPEND, A.LOCK_COMMENTS], "spam run", 7),
        ([A.BAN], "fraud", None),
        ([A.HIDE, A.WARN], "keep it civil", None),
    ],
)
def test_check_actions_accepts_decisions_that_hold_together(actions, reason, days):
    check_actions(actions, reason, days)


async def act(resources, action, target: Target, *, reason="because", days=None):
    """One action in a write of its own, as a decision carries it out (by nobody in particular:
    the actor is not what these tests are about)."""
    async with writing(resources.hub) as log:
        return await apply_action(log, None, action, target, reason=reason, days=days)


async def test_hiding_a_comment_uncounts_it_and_restoring_it_counts_it_again(people, resources):
    ann, ben = await people.make("ann"), await people.make("ben")
    post = await make_post(ann)
    comment = await add_comment(await people.context(ben), WorkRef(post_id=post.id), "hm", None)
    target = Target(ModerationTarget.COMMENT, comment.id, ben.id, None)
    await act(resources, A.HIDE, target)
    assert (await Comment.get(id=comment.id)).state == CommentState.HIDDEN
    assert (await Post.get(id=post.id)).comment_count == 0
    await act(resources, A.RESTORE, target)
    assert (await Comment.get(id=comment.id)).state == CommentState.PUBLISHED
    assert (await Post.get(id=post.id)).comment_count == 1


@pytest.mark.parametrize(
    ("action", "target_type"),
    [
        (A.LOCK_COMMENTS, ModerationTarget.COMMENT),
        (A.HIDE, ModerationTarget.USER),
        (A.REMOVE, ModerationTarget.GROUP),
    ],
)
async def test_an_action_that_does_not_fit_its_target_is_refused_and_leaves_nothing(
    people, resources, action, target_type
):
    ann = await people.make("ann")
    with pytest.raises(InvalidInput) as refused:
        await act(resources, action, Target(target_type, ann.id, ann.id, None))
    assert refused.value.field == "actions"
    assert await AuditEntry.all().count() == 0
    assert await Notification.all().count() == 0


async def test_locking_comments_announces_the_change_and_tells_the_author(people, resources):
    ann = await people.make("ann")
    post = await make_post(ann)
    await act(resources, A.LOCK_COMMENTS, Target(ModerationTarget.POST, post.id, ann.id, None))
    assert (await Post.get(id=post.id)).comments_locked
    assert [e.post_id for e in await events(ChangeKind.POST_UPDATED)] == [post.id]
    [notice] = await Notification.filter(recipient_id=ann.id)
    assert notice.text == "A moderator closed comments on your post: because"


@pytest.mark.parametrize(
    ("action", "state", "term"),
    [
        (A.SILENCE, AccountState.SILENCED, True),
        (A.SUSPEND, AccountState.SUSPENDED, True),
        (A.BAN, AccountState.BANNED, False),
    ],
)
async def test_a_sanction_sets_the_state_its_term_and_takes_the_authors_posts_out_of_search(
    people, resources, action, state, term
):
    ann = await people.make("ann")
    entry = await act(
        resources, action, Target(ModerationTarget.USER, ann.id, ann.id, None), days=2
    )
    user = await User.get(id=ann.id)
    assert user.state == state
    assert (user.suspended_until is not None) == term
    assert (entry.detail["until"] is not None) == term
    [row] = await outbox(SearchEntity.USER, ann.id)
    assert row.with_posts


async def test_lifting_a_sanction_makes_the_account_active_again(people, resources):
    ann = await people.make("ann", state=AccountState.BANNED)
    await act(resources, A.LIFT_SANCTION, Target(ModerationTarget.USER, ann.id, ann.id, None))
    user = await User.get(id=ann.id)
    assert (user.state, user.suspended_until) == (AccountState.ACTIVE, None)


async def test_ended_terms_are_lifted_and_running_ones_and_bans_stay(people, resources):
    ended = await people.make("ended", state=AccountState.SUSPENDED, until_days=-1)
    quiet = await people.make("quiet", state=AccountState.SILENCED, until_days=-2)
    await people.make("running", state=AccountState.SUSPENDED, until_days=3)
    await people.make("banned", state=AccountState.BANNED)
    lifted = await end_due_suspensions(resources.hub)
    assert sorted(lifted) == sorted([ended.id, quiet.id])
    states = {u.handle: u.state for u in await User.all()}
    assert states == {
        "ended": AccountState.ACTIVE,
        "quiet": AccountState.ACTIVE,
        "running": AccountState.SUSPENDED,
        "banned": AccountState.BANNED,
    }
    assert await end_due_suspensions(resources.hub, datetime.now(UTC) + timedelta(days=1)) == []
