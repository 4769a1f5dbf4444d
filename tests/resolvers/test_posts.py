"""Writing posts as use cases: validation naming the field, who may write, what a post going
live writes with it (a change event, a search outbox row, mentions), and what a refused or
lost write leaves behind (nothing)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resolvers.post_input import MediaInput, PostChanges, PostDraft
from resolvers.posts import (
    create_post,
    delete_post,
    list_revisions,
    publish_post,
    schedule_post,
    update_post,
)
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
    ChangeEvent,
    ChangeKind,
    EmployeeBadge,
    GroupVisibility,
    ModerationAction,
    ModerationItem,
    Notification,
    NotificationKind,
    PersonaAccount,
    PersonaDomain,
    PersonaOperator,
    PlatformRole,
    Post,
    PostKind,
    PostRevision,
    PostState,
    SearchEntity,
    SearchOutbox,
)
from tests.helpers import make_group, make_post
from tests.resolvers.conftest import events, outbox

MOMENT = PostKind.MOMENT


def moment(body: str = "Charged in 20 minutes", **fields) -> PostDraft:
    return PostDraft(kind=MOMENT, body=body, **fields)


async def test_create_post_publishes_with_a_change_event_and_a_search_outbox_row(people):
    ann = await people.make("ann")
    post = await create_post(await people.context(ann), moment(), publish=True)
    assert post.state == PostState.PUBLISHED
    assert post.published_at is not None
    [added] = await events(ChangeKind.POST_ADDED)
    assert added.post_id == post.id
    assert len(await outbox(SearchEntity.POST, post.id)) == 1


async def test_create_post_cleans_title_tags_and_media(people):
    ann = await people.make("ann")
    draft = PostDraft(
        kind=PostKind.ARTICLE,
        title="  Winter range  ",
        body="What the cold does",
        tags=["#Range", "range", " winter "],
        media=[MediaInput(url="https://img.example.com/a.jpg", alt="  ")],
    )
    post = await create_post(await people.context(ann), draft, publish=True)
    assert post.title == "Winter range"
    assert post.tags == ["range", "winter"]
    assert post.media == [
        {
            "url": "https://img.example.com/a.jpg",
            "kind": "IMAGE",
            "width": None,
            "height": None,
            "alt": None,
        }
    ]


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (moment(body="   "), "body"),
        (moment(body="x" * 5_001), "body"),
        (moment(title="moments have none"), "title"),
        (PostDraft(kind=PostKind.ARTICLE, body="untitled"), "title"),
        (moment(tags=[f"tag{i}" for i in range(11)]), "tags"),
        (moment(tags=["two words"]), "tags"),
        (moment(media=[MediaInput(url="https://img.example.com/a.jpg")] * 10), "media"),
        (moment(media=[MediaInput(url="http://img.example.com/a.jpg")]), "media"),
        (moment(media=[MediaInput(url="https://10.0.0.1/a.jpg")]), "media"),
        (moment(media=[MediaInput(url="https://img.example.com/a.jpg", width=0)]), "media"),
    ],
)
async def test_create_post_refuses_bad_input_naming_the_field_and_writes_nothing(
    people, draft, field
):
    ann = await people.make("ann")
    with pytest.raises(InvalidInput) as refused:
        await create_post(await people.context(ann), draft, publish=True)
    assert refused.value.field == field
    assert await Post.all().count() == 0
    assert await ChangeEvent.all().count() == 0
    assert await SearchOutbox.all().count() == 0


async def test_create_post_as_a_draft_writes_no_event_and_no_outbox_row(people):
    ann = await people.make("ann")
    post = await create_post(await people.context(ann), moment(), publish=False)
    assert post.state == PostState.DRAFT
    assert post.published_at is None
    assert await ChangeEvent.all().count() == 0
    assert await SearchOutbox.all().count() == 0


async def test_a_silenced_authors_post_is_held_for_review_and_not_announced(people):
    ann = await people.make("ann", state=AccountState.SILENCED, until_days=3)
    post = await create_post(await people.context(ann), moment(), publish=True)
    assert post.state == PostState.HELD
    assert post.published_at is None
    item = await ModerationItem.get(target_id=post.id)
    assert "SILENCED" in item.reasons
    assert item.target_hidden
    assert await events(ChangeKind.POST_ADDED) == []
    assert await outbox(SearchEntity.POST, post.id) == []


async def test_a_silence_that_ended_no_longer_holds_posts(people):
    ann = await people.make("ann", state=AccountState.SILENCED, until_days=-1)
    post = await create_post(await people.context(ann), moment(), publish=True)
    assert post.state == PostState.PUBLISHED


@pytest.mark.parametrize(
    ("state", "reason"),
    [(AccountState.SUSPENDED, "ACCOUNT_SUSPENDED"), (AccountState.BANNED, "ACCOUNT_BANNED")],
)
@pytest.mark.parametrize("role", list(PlatformRole))
async def test_suspended_and_banned_accounts_cannot_write_whatever_their_role(
    people, role, state, reason
):
    user = await people.make("sam", role, state, until_days=3)
    with pytest.raises(AccountSuspended) as refused:
        await create_post(await people.context(user), moment(), publish=True)
    assert refused.value.reason == reason
    assert await Post.all().count() == 0


async def test_nobody_signed_in_cannot_write(people):
    with pytest.raises(NotAuthenticated):
        await create_post(await people.context(None), moment(), publish=True)


async def test_posting_in_a_group_needs_a_membership_and_an_existing_group(people):
    owner, ben = await people.make("owner"), await people.make("ben")
    await make_group("road-trips", owner)
    ctx = await people.context(ben)
    with pytest.raises(Forbidden):
        await create_post(ctx, moment(group_slug="road-trips"), publish=True)
    with pytest.raises(NotFound):
        await create_post(ctx, moment(group_slug="no-such-group"), publish=True)
    assert await Post.all().count() == 0


async def test_a_published_post_notifies_the_people_it_mentions_who_can_see_it(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    await people.make("cat")  # mentioned, but not a member of the group
    club = await make_group("inner-circle", ann, ben, visibility=GroupVisibility.MEMBERS_ONLY)
    post = await create_post(
        await people.context(ann),
        moment(body="thanks @ben and @cat, and me @ann", group_slug=club.slug),
        publish=True,
    )
    mentioned = await Notification.filter(kind=NotificationKind.MENTION, post_id=post.id)
    assert [n.recipient_id for n in mentioned] == [ben.id]


async def test_writing_as_a_persona_needs_a_current_operator_with_a_badge(people):
    ann = await people.make("ann")
    assistant = await people.make("charge_guide")
    persona = await PersonaAccount.create(user=assistant, domain=PersonaDomain.CHARGING)
    ctx = await people.context(ann)
    with pytest.raises(Forbidden):
        await create_post(ctx, moment(as_persona="charge_guide"), publish=True)
    with pytest.raises(NotFound):
        await create_post(ctx, moment(as_persona="ann"), publish=True)
    await PersonaOperator.create(persona=persona, operator=ann)
    with pytest.raises(Forbidden):  # an operator without an employee badge writes as nobody
        await create_post(
            await people.context(ann), moment(as_persona="charge_guide"), publish=True
        )
    await EmployeeBadge.create(user=ann, department="Service", title="Adviser")
    post = await create_post(
        await people.context(ann), moment(as_persona="charge_guide"), publish=True
    )
    assert (post.author_id, post.operator_id) == (assistant.id, ann.id)


# --- editing -----------------------------------------------------------------------------------


async def test_update_post_keeps_the_old_text_as_a_revision_and_reindexes(people):
    ann = await people.make("ann")
    post = await make_post(ann, "first words")
    ctx = await people.context(ann)
    updated = await update_post(ctx, post.id, PostChanges(body="better words"))
    assert updated.body == "better words"
    assert updated.edited_at is not None
    [revision] = await PostRevision.filter(post_id=post.id)
    assert revision.body == "first words"
    assert [e.post_id for e in await events(ChangeKind.POST_UPDATED)] == [post.id]
    assert len(await outbox(SearchEntity.POST, post.id)) == 1


async def test_update_post_without_a_change_writes_nothing(people):
    ann = await people.make("ann")
    post = await make_post(ann, "same words")
    await update_post(await people.context(ann), post.id, PostChanges(body="same words"))
    assert await PostRevision.all().count() == 0
    assert await ChangeEvent.all().count() == 0


async def test_only_the_author_edits_a_post_even_a_moderator_cannot(people):
    ann = await people.make("ann")
    post = await make_post(ann, "mine")
    for other in (await people.make("ben"), await people.make("mia", PlatformRole.MODERATOR)):
        with pytest.raises(Forbidden):
            await update_post(await people.context(other), post.id, PostChanges(body="theirs"))
    assert (await Post.get(id=post.id)).body == "mine"


async def test_editing_a_draft_one_cannot_see_reads_as_missing(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    draft = await make_post(ann, state=PostState.DRAFT, published_at=None)
    with pytest.raises(NotFound):
        await update_post(await people.context(ben), draft.id, PostChanges(body="x"))


async def test_update_post_refuses_bad_input_naming_the_field(people):
    ann = await people.make("ann")
    post = await make_post(ann)
    with pytest.raises(InvalidInput) as refused:
        await update_post(await people.context(ann), post.id, PostChanges(tags=["no spaces ok"]))
    assert refused.value.field == "tags"


async def test_a_hidden_post_cannot_be_edited_by_its_author_nor_by_an_authoring_moderator(
    people,
):
    ann = await people.make("ann")
    mia = await people.make("mia", PlatformRole.MODERATOR)
    hidden = await make_post(ann, state=PostState.HIDDEN)
    with pytest.raises(NotFound):  # out of its author's sight while under moderation
        await update_post(await people.context(ann), hidden.id, PostChanges(body="changed"))
    own = await make_post(mia, state=PostState.HIDDEN)
    with pytest.raises(Conflict):
        await update_post(await people.context(mia), own.id, PostChanges(body="changed"))


async def test_an_edit_loses_to_a_moderator_who_hid_the_post_meanwhile(people):
    ann = await people.make("ann")
    post = await make_post(ann, "before")
    ctx = await people.context(ann)
    await ctx.loaders.post_by_id.load(post.id)  # the edit read the post while it was up
    await Post.filter(id=post.id).update(state=PostState.HIDDEN)
    with pytest.raises(Conflict):
        await update_post(ctx, post.id, PostChanges(body="after"))
    row = await Post.get(id=post.id)
    assert (row.state, row.body) == (PostState.HIDDEN, "before")
    assert await PostRevision.all().count() == 0
    assert await ChangeEvent.all().count() == 0


# --- publishing and scheduling -----------------------------------------------------------------


async def test_publish_post_sends_a_draft_out_once_and_a_second_time_is_a_conflict(people):
    ann = await people.make("ann")
    ctx = await people.context(ann)
    draft = await create_post(ctx, moment(), publish=False)
    published = await publish_post(ctx, draft.id)
    assert published.state == PostState.PUBLISHED
    with pytest.raises(Conflict):
        await publish_post(await people.context(ann), draft.id)
    assert len(await events(ChangeKind.POST_ADDED)) == 1


@pytest.mark.parametrize(
    "publish_at",
    [
        datetime(2030, 1, 1, 12, 0),  # no time zone
        datetime.now(UTC) - timedelta(minutes=1),
        datetime.now(UTC) + timedelta(days=400),
    ],
    ids=["naive", "past", "too-far-ahead"],
)
async def test_schedule_post_refuses_a_time_it_cannot_keep_naming_publish_at(people, publish_at):
    ann = await people.make("ann")
    draft = await make_post(ann, state=PostState.DRAFT, published_at=None)
    with pytest.raises(InvalidInput) as refused:
        await schedule_post(await people.context(ann), draft.id, publish_at)
    assert refused.value.field == "publishAt"
    assert (await Post.get(id=draft.id)).scheduled_at is None


async def test_schedule_post_sets_and_cancels_the_time_of_a_draft_only(people):
    ann = await people.make("ann")
    draft = await make_post(ann, state=PostState.DRAFT, published_at=None)
    at = datetime.now(UTC) + timedelta(days=1)
    assert (await schedule_post(await people.context(ann), draft.id, at)).scheduled_at == at
    assert (await schedule_post(await people.context(ann), draft.id, None)).scheduled_at is None
    live = await make_post(ann)
    with pytest.raises(Conflict):
        await schedule_post(await people.context(ann), live.id, at)


# --- deleting ----------------------------------------------------------------------------------


async def test_deleting_ones_own_post_announces_it_and_audits_nothing(people):
    ann = await people.make("ann")
    post = await make_post(ann)
    await delete_post(await people.context(ann), post.id)
    assert not await Post.exists(id=post.id)
    assert [e.post_id for e in await events(ChangeKind.POST_REMOVED)] == [post.id]
    assert len(await outbox(SearchEntity.POST, post.id)) == 1
    assert await AuditEntry.all().count() == 0
    assert await Notification.all().count() == 0


async def test_a_moderator_deleting_anothers_post_audits_it_and_tells_the_author(people):
    ann = await people.make("ann")
    mia = await people.make("mia", PlatformRole.MODERATOR)
    post = await make_post(ann)
    await delete_post(await people.context(mia), post.id)
    assert not await Post.exists(id=post.id)
    [entry] = await AuditEntry.all()
    assert (entry.actor_id, entry.action, entry.affected_user_id, entry.target_id) == (
        mia.id,
        ModerationAction.REMOVE,
        ann.id,
        post.id,
    )
    assert entry.detail["deleted"] is True
    [notice] = await Notification.filter(recipient_id=ann.id)
    assert notice.kind == NotificationKind.MODERATION
    assert "deleted your post" in notice.text


async def test_a_stranger_cannot_delete_a_post(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    post = await make_post(ann)
    with pytest.raises(Forbidden) as refused:
        await delete_post(await people.context(ben), post.id)
    assert not isinstance(refused.value, AccountSuspended)
    assert await Post.exists(id=post.id)


async def test_a_silenced_moderator_cannot_delete_anothers_post_and_is_told_why(people):
    ann = await people.make("ann")
    mia = await people.make("mia", PlatformRole.MODERATOR, AccountState.SILENCED, until_days=2)
    post = await make_post(ann)
    with pytest.raises(AccountSuspended) as refused:
        await delete_post(await people.context(mia), post.id)
    assert refused.value.reason == "ACCOUNT_SILENCED"
    assert await Post.exists(id=post.id)
    assert await AuditEntry.all().count() == 0


# --- revisions ---------------------------------------------------------------------------------


async def test_revisions_are_for_the_author_and_staff_only(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    mia = await people.make("mia", PlatformRole.MODERATOR)
    post = await make_post(ann, "one")
    await update_post(await people.context(ann), post.id, PostChanges(body="two"))
    for reader in (ann, mia):
        revisions = await list_revisions(await people.context(reader), post)
        assert [r.body for r in revisions or []] == ["one"]
    for outsider in (ben, None):
        assert await list_revisions(await people.context(outsider), post) is None
