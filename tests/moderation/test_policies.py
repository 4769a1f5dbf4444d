"""Who may act, and with what authority; who may see and change what. Pure functions over rows
built in memory (nothing saved), except the read filter, which only a database can apply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from moderation import policies
from server.errors import AccountSuspended, Forbidden, NotAuthenticated
from server.models import (
    AccountState,
    Comment,
    CommentState,
    Group,
    GroupKind,
    GroupMembership,
    GroupRole,
    GroupVisibility,
    ModerationAction,
    PlatformRole,
    Post,
    PostKind,
    PostState,
    User,
)

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
LATER = datetime.now(UTC) + timedelta(days=3)
EARLIER = datetime.now(UTC) - timedelta(days=3)
USER, MODERATOR, ADMIN = PlatformRole.USER, PlatformRole.MODERATOR, PlatformRole.ADMIN
ACTIVE, SILENCED, SUSPENDED, BANNED = (
    AccountState.ACTIVE,
    AccountState.SILENCED,
    AccountState.SUSPENDED,
    AccountState.BANNED,
)
ROLES = list(PlatformRole)
STATES = list(AccountState)
SANCTIONED = [SILENCED, SUSPENDED, BANNED]
EVERY_ACCOUNT = [(role, state) for role in ROLES for state in STATES]


def account(
    role: PlatformRole = USER,
    state: AccountState = ACTIVE,
    *,
    id: int = 1,
    until: datetime | None = None,
) -> User:
    """An account as read from the database; a running sanction lasts until `until` (None:
    indefinitely)."""
    return User(id=id, handle=f"user{id}", role=role, state=state, suspended_until=until)


def post(
    author_id: int, state: PostState = PostState.PUBLISHED, group_id: int | None = None
) -> Post:
    row = Post(id=10, kind=PostKind.MOMENT, body="hello", state=state)
    row.author_id, row.group_id = author_id, group_id
    return row


def comment(author_id: int, state: CommentState = CommentState.PUBLISHED) -> Comment:
    row = Comment(id=20, body="hi", state=state)
    row.author_id = author_id
    return row


def group(visibility: GroupVisibility, id: int = 7) -> Group:
    return Group(id=id, slug="club", name="Club", kind=GroupKind.INTEREST, visibility=visibility)


def membership(role: GroupRole) -> GroupMembership:
    return GroupMembership(role=role)


def label(role: PlatformRole, state: AccountState) -> str:
    return f"{state.lower()}-{role.lower()}"


def accounts_ids(pairs: list[tuple[PlatformRole, AccountState]]) -> list[str]:
    return [label(r, s) for r, s in pairs]


# --- authority: role and state together --------------------------------------------------------


@pytest.mark.parametrize(("role", "state"), EVERY_ACCOUNT, ids=accounts_ids(EVERY_ACCOUNT))
def test_authority_is_the_role_in_good_standing_and_plain_user_under_any_sanction(role, state):
    expected = role if state == ACTIVE else USER
    assert policies.authority(account(role, state)) == expected
    assert policies.is_staff(account(role, state)) == (expected in (MODERATOR, ADMIN))
    assert policies.is_admin(account(role, state)) == (expected == ADMIN)


def test_authority_of_nobody_is_none_and_nobody_is_staff():
    assert policies.authority(None) is None
    assert not policies.is_staff(None)
    assert not policies.is_admin(None)


@pytest.mark.parametrize("state", [SILENCED, SUSPENDED])
@pytest.mark.parametrize("role", ROLES)
def test_authority_comes_back_when_a_silence_or_suspension_term_ends(role, state):
    assert policies.authority(account(role, state, until=LATER)) == USER
    assert policies.authority(account(role, state, until=EARLIER)) == role


@pytest.mark.parametrize("role", ROLES)
def test_a_ban_takes_authority_whatever_its_end_date_says(role):
    assert policies.authority(account(role, BANNED, until=EARLIER)) == USER


def test_a_sanction_is_judged_at_the_moment_given():
    silenced = account(MODERATOR, SILENCED, until=NOW + timedelta(hours=1))
    assert policies.authority(silenced, NOW) == USER
    assert policies.authority(silenced, NOW + timedelta(hours=2)) == MODERATOR
    assert policies.is_silenced(silenced, NOW)
    assert not policies.is_silenced(silenced, NOW + timedelta(hours=2))


@pytest.mark.parametrize(
    ("state", "suspended", "silenced"),
    [
        (ACTIVE, False, False),
        (SILENCED, False, True),
        (SUSPENDED, True, False),
        (BANNED, True, False),
    ],
)
def test_suspended_means_may_not_write_and_silenced_means_waits_for_review(
    state, suspended, silenced
):
    user = account(USER, state, until=LATER)
    assert policies.is_suspended(user) == suspended
    assert policies.is_silenced(user) == silenced
    assert policies.is_sanctioned(user) == (state != ACTIVE)


@pytest.mark.parametrize(("role", "state"), EVERY_ACCOUNT, ids=accounts_ids(EVERY_ACCOUNT))
def test_a_decision_is_made_at_the_level_of_the_authority_held(role, state):
    expected = {USER: 1, MODERATOR: 2, ADMIN: 3}[role] if state == ACTIVE else 1
    assert policies.level(account(role, state)) == expected


def test_a_decision_by_nobody_is_at_group_level():
    assert policies.level(None) == 1


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_holding_a_staff_role_does_not_depend_on_the_accounts_state(role, state):
    assert policies.holds_staff_role(account(role, state)) == (role != USER)


# --- requirements, with the reason of each refusal ---------------------------------------------


def test_require_viewer_refuses_nobody_as_unauthenticated():
    with pytest.raises(NotAuthenticated):
        policies.require_viewer(None)
    user = account()
    assert policies.require_viewer(user) is user


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", [ACTIVE, SILENCED])
def test_require_writer_lets_active_and_silenced_accounts_write(role, state):
    user = account(role, state, until=LATER)
    assert policies.require_writer(user) is user


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("state", "until", "reason"),
    [
        (SUSPENDED, LATER, "ACCOUNT_SUSPENDED"),
        (SUSPENDED, None, "ACCOUNT_SUSPENDED"),
        (BANNED, None, "ACCOUNT_BANNED"),
    ],
)
def test_require_writer_refuses_suspended_and_banned_accounts_with_the_reason(
    role, state, until, reason
):
    with pytest.raises(AccountSuspended) as refused:
        policies.require_writer(account(role, state, until=until))
    assert refused.value.reason == reason
    assert refused.value.extensions["code"] == "FORBIDDEN"
    assert refused.value.extensions["until"] == (until.isoformat() if until else None)


def test_require_writer_refuses_nobody_as_unauthenticated():
    with pytest.raises(NotAuthenticated):
        policies.require_writer(None)


def test_require_writer_lets_a_suspension_that_ended_write_again():
    user = account(USER, SUSPENDED, until=EARLIER)
    assert policies.require_writer(user) is user


@pytest.mark.parametrize("role", [MODERATOR, ADMIN])
def test_require_staff_lets_moderators_and_admins_in_good_standing_through(role):
    user = account(role)
    assert policies.require_staff(user) is user


@pytest.mark.parametrize("state", STATES)
def test_require_staff_refuses_plain_users_in_any_state_as_not_staff(state):
    with pytest.raises(Forbidden) as refused:
        policies.require_staff(account(USER, state, until=LATER))
    assert not isinstance(refused.value, AccountSuspended)
    assert "moderators" in refused.value.message


@pytest.mark.parametrize("role", [MODERATOR, ADMIN])
@pytest.mark.parametrize(
    ("state", "reason"),
    [(SILENCED, "ACCOUNT_SILENCED"), (SUSPENDED, "ACCOUNT_SUSPENDED"), (BANNED, "ACCOUNT_BANNED")],
)
def test_require_staff_refuses_sanctioned_staff_with_the_sanction_as_reason(role, state, reason):
    with pytest.raises(AccountSuspended) as refused:
        policies.require_staff(account(role, state, until=LATER))
    assert refused.value.reason == reason


def test_require_staff_refuses_nobody_as_unauthenticated():
    with pytest.raises(NotAuthenticated):
        policies.require_staff(None)


@pytest.mark.parametrize(("role", "state"), EVERY_ACCOUNT, ids=accounts_ids(EVERY_ACCOUNT))
def test_require_admin_lets_only_an_admin_in_good_standing_through(role, state):
    user = account(role, state, until=LATER)
    if role == ADMIN and state == ACTIVE:
        assert policies.require_admin(user) is user
        return
    with pytest.raises(Forbidden) as refused:
        policies.require_admin(user)
    # A moderator is refused for the role; a sanctioned admin for the sanction.
    assert isinstance(refused.value, AccountSuspended) == (role == ADMIN)


@pytest.mark.parametrize("state", SANCTIONED)
def test_refuse_if_sanctioned_refuses_every_running_sanction_and_passes_good_standing(state):
    policies.refuse_if_sanctioned(account(MODERATOR))
    with pytest.raises(AccountSuspended):
        policies.refuse_if_sanctioned(account(MODERATOR, state, until=LATER))


# --- sanctions and moderation actions ------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ((MODERATOR, ACTIVE), USER, True),
        ((MODERATOR, ACTIVE), MODERATOR, False),
        ((MODERATOR, ACTIVE), ADMIN, False),
        ((ADMIN, ACTIVE), USER, True),
        ((ADMIN, ACTIVE), MODERATOR, True),
        ((ADMIN, ACTIVE), ADMIN, True),
        ((USER, ACTIVE), USER, False),
        ((MODERATOR, SILENCED), USER, False),
        ((ADMIN, SUSPENDED), USER, False),
        ((ADMIN, BANNED), MODERATOR, False),
    ],
)
def test_can_sanction_leaves_staff_accounts_to_admins_in_good_standing(actor, target, allowed):
    viewer = account(*actor, id=1, until=LATER)
    assert policies.can_sanction(viewer, account(target, id=2)) == allowed


@pytest.mark.parametrize("role", [MODERATOR, ADMIN])
def test_nobody_sanctions_themselves_or_a_missing_account(role):
    viewer = account(role)
    assert not policies.can_sanction(viewer, viewer)
    assert not policies.can_sanction(viewer, account(USER, id=viewer.id))
    assert not policies.can_sanction(viewer, None)


@pytest.mark.parametrize("action", list(ModerationAction))
@pytest.mark.parametrize("role", [MODERATOR, ADMIN])
def test_staff_in_good_standing_may_take_every_action(role, action):
    assert policies.can_take_action(account(role), action)


@pytest.mark.parametrize("action", list(ModerationAction))
def test_a_group_admin_takes_content_actions_but_never_sanctions(action):
    allowed = action not in policies.SANCTIONS
    assert policies.can_take_action(account(USER), action) == allowed
    assert (action in policies.GROUP_ADMIN_ACTIONS) == allowed


@pytest.mark.parametrize(("role", "state"), [(r, s) for r in ROLES for s in SANCTIONED])
def test_a_sanctioned_account_takes_no_action_at_all(role, state):
    viewer = account(role, state, until=LATER)
    assert [a for a in ModerationAction if policies.can_take_action(viewer, a)] == []


@pytest.mark.parametrize(
    ("viewer", "group_id", "runs", "allowed"),
    [
        ((MODERATOR, ACTIVE), None, set(), True),
        ((ADMIN, ACTIVE), 7, set(), True),
        ((USER, ACTIVE), 7, {7}, True),
        ((USER, ACTIVE), 8, {7}, False),
        ((USER, ACTIVE), None, {7}, False),  # reports about groups and people go to staff
        ((USER, SILENCED), 7, {7}, False),
        ((MODERATOR, SUSPENDED), 7, set(), False),
    ],
)
def test_can_moderate_group_is_for_staff_and_the_admins_of_that_group(
    viewer, group_id, runs, allowed
):
    assert policies.can_moderate_group(account(*viewer, until=LATER), group_id, runs) == allowed


def test_nobody_moderates_anything():
    assert not policies.can_moderate_group(None, 7, {7})


# --- groups ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "state", "allowed"),
    [
        (GroupRole.OWNER, ACTIVE, True),
        (GroupRole.ADMIN, ACTIVE, True),
        (GroupRole.MEMBER, ACTIVE, False),
        (GroupRole.OWNER, SILENCED, False),
        (GroupRole.ADMIN, SUSPENDED, False),
        (GroupRole.OWNER, BANNED, False),
    ],
)
def test_runs_group_is_for_owners_and_admins_in_good_standing(role, state, allowed):
    viewer = account(USER, state, until=LATER)
    assert policies.runs_group(viewer, membership(role)) == allowed
    assert policies.can_manage_group(viewer, membership(role)) == allowed


def test_outsiders_and_nobody_do_not_run_a_group():
    assert not policies.runs_group(account(), None)
    assert not policies.runs_group(None, membership(GroupRole.OWNER))


@pytest.mark.parametrize(("role", "state"), EVERY_ACCOUNT, ids=accounts_ids(EVERY_ACCOUNT))
def test_only_an_admin_in_good_standing_manages_a_group_they_are_not_in(role, state):
    viewer = account(role, state, until=LATER)
    assert policies.can_manage_group(viewer, None) == (role == ADMIN and state == ACTIVE)


def test_posting_in_a_group_needs_a_membership():
    assert policies.can_post_in_group(membership(GroupRole.MEMBER))
    assert not policies.can_post_in_group(None)


@pytest.mark.parametrize(
    ("visibility", "member_of", "allowed"),
    [
        (GroupVisibility.PUBLIC, set(), True),
        (GroupVisibility.MEMBERS_ONLY, {7}, True),
        (GroupVisibility.MEMBERS_ONLY, set(), False),
        (GroupVisibility.MEMBERS_ONLY, {8}, False),
    ],
)
def test_members_only_groups_show_their_posts_and_members_to_members_alone(
    visibility, member_of, allowed
):
    assert policies.can_see_group_posts(group(visibility), member_of) == allowed
    assert policies.can_list_members(group(visibility), member_of) == allowed


def test_posts_outside_any_group_are_in_no_group_visibility():
    assert policies.can_see_group_posts(None, set())


# --- seeing posts and comments -----------------------------------------------------------------

AUTHOR = 1


def viewer_of(kind: str) -> tuple[User | None, frozenset[int]]:
    """A viewer and the author ids they write as."""
    if kind == "nobody":
        return None, frozenset()
    if kind == "author":
        return account(id=AUTHOR), frozenset({AUTHOR})
    if kind == "operator":  # writes as the persona account that is the author
        return account(id=5), frozenset({5, AUTHOR})
    if kind == "stranger":
        return account(id=2), frozenset({2})
    if kind == "moderator":
        return account(MODERATOR, id=3), frozenset({3})
    return account(MODERATOR, SILENCED, id=4, until=LATER), frozenset({4})


VIEWERS = ["nobody", "author", "operator", "stranger", "moderator", "silenced moderator"]
WHO_SEES = {
    PostState.PUBLISHED: set(VIEWERS),
    PostState.DRAFT: {"author", "operator"},
    PostState.HELD: {"author", "operator", "moderator"},
    PostState.HIDDEN: {"moderator"},
    PostState.REMOVED: {"moderator"},
}


@pytest.mark.parametrize("kind", VIEWERS)
@pytest.mark.parametrize("state", list(PostState))
def test_can_see_post_by_state_for_each_kind_of_viewer(state, kind):
    viewer, acts_for = viewer_of(kind)
    row = post(AUTHOR, state)
    assert policies.can_see_post(viewer, row, None, set(), acts_for) == (kind in WHO_SEES[state])


@pytest.mark.parametrize("kind", VIEWERS)
@pytest.mark.parametrize("state", list(PostState))
def test_a_members_only_post_is_seen_by_members_alone_staff_included(state, kind):
    viewer, acts_for = viewer_of(kind)
    members_only = group(GroupVisibility.MEMBERS_ONLY)
    row = post(AUTHOR, state, group_id=members_only.id)
    # Outside the group only its writers see what is still theirs alone: drafts and held posts.
    outsider = kind in ("author", "operator") and state in (PostState.DRAFT, PostState.HELD)
    assert policies.can_see_post(viewer, row, members_only, set(), acts_for) == outsider
    member = policies.can_see_post(viewer, row, members_only, {members_only.id}, acts_for)
    assert member == (kind in WHO_SEES[state])


COMMENT_READERS = ["nobody", "author", "stranger", "moderator", "silenced moderator"]


@pytest.mark.parametrize(
    ("state", "who_sees"),
    [
        (CommentState.PUBLISHED, set(COMMENT_READERS)),
        (CommentState.DELETED, set(COMMENT_READERS)),  # a tombstone keeps replies in place
        (CommentState.HELD, {"author", "moderator"}),
        (CommentState.HIDDEN, set()),
        (CommentState.REMOVED, set()),
    ],
)
@pytest.mark.parametrize("kind", COMMENT_READERS)
def test_can_see_comment_by_state_for_each_kind_of_viewer(state, who_sees, kind):
    viewer, _ = viewer_of(kind)
    row = comment(AUTHOR, state)
    assert policies.can_see_comment(row, True, viewer) == (kind in who_sees)


@pytest.mark.parametrize("state", list(CommentState))
def test_a_comment_on_a_post_one_cannot_see_is_never_seen(state):
    moderator, _ = viewer_of("moderator")
    assert not policies.can_see_comment(comment(AUTHOR, state), False, moderator)
    assert not policies.can_see_comment(comment(AUTHOR, state), False, account(id=AUTHOR))


# --- changing posts and comments ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "edits"),
    [("author", True), ("operator", True), ("stranger", False), ("moderator", False)],
)
def test_can_edit_post_is_for_who_writes_as_its_author_not_for_moderators(kind, edits):
    _, acts_for = viewer_of(kind)
    assert policies.can_edit_post(post(AUTHOR), acts_for) == edits


@pytest.mark.parametrize(
    ("kind", "deletes"),
    [
        ("author", True),
        ("operator", True),
        ("moderator", True),
        ("stranger", False),
        ("silenced moderator", False),
    ],
)
def test_can_delete_post_adds_staff_in_good_standing_to_its_writers(kind, deletes):
    viewer, acts_for = viewer_of(kind)
    assert viewer is not None
    assert policies.can_delete_post(viewer, post(AUTHOR), acts_for) == deletes


@pytest.mark.parametrize(
    ("kind", "deletes"),
    [("author", True), ("moderator", True), ("stranger", False), ("silenced moderator", False)],
)
def test_can_delete_comment_is_for_its_author_and_staff_in_good_standing(kind, deletes):
    viewer, _ = viewer_of(kind)
    assert viewer is not None
    assert policies.can_delete_comment(viewer, comment(AUTHOR)) == deletes


def test_nobody_reports_themselves_but_anyone_reports_others_and_authorless_targets():
    viewer = account(id=1)
    assert not policies.can_report(viewer, 1)
    assert policies.can_report(viewer, 2)
    assert policies.can_report(viewer, None)


# --- the read filter ---------------------------------------------------------------------------


async def test_visible_posts_lists_published_posts_outside_members_only_groups_not_joined(db):
    author = await User.create(handle="ann", display_name="Ann")
    public = await Group.create(slug="open-road", name="Open", kind=GroupKind.INTEREST)
    private = await Group.create(
        slug="inner-circle",
        name="Inner",
        kind=GroupKind.INTEREST,
        visibility=GroupVisibility.MEMBERS_ONLY,
    )
    other_private = await Group.create(
        slug="other-circle",
        name="Other",
        kind=GroupKind.INTEREST,
        visibility=GroupVisibility.MEMBERS_ONLY,
    )
    made = {}
    for place, group_row in (("none", None), ("public", public), ("private", private)):
        for state in PostState:
            row = await Post.create(
                author=author, group=group_row, kind=PostKind.MOMENT, body="x", state=state
            )
            made[place, state] = row.id
    elsewhere = await Post.create(
        author=author, group=other_private, kind=PostKind.MOMENT, body="x", state="PUBLISHED"
    )

    async def listed(member_of: set[int]) -> set[int]:
        return set(
            await Post.filter(policies.visible_posts(member_of)).values_list("id", flat=True)
        )

    published = {p: made[p, PostState.PUBLISHED] for p in ("none", "public", "private")}
    assert await listed(set()) == {published["none"], published["public"]}
    assert await listed({private.id}) == set(published.values())
    assert elsewhere.id not in await listed({private.id})
