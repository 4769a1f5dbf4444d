"""Notifications as use cases: reactions that gather, nobody told of their own doing, mentions
that stop at those who may see them, and marking read only one's own."""

from __future__ import annotations

import pytest

from resolvers.changes import writing
from resolvers.notifications import (
    MAX_MENTIONS,
    list_notifications,
    mark_read,
    notify,
    notify_mentions,
    unread_count,
)
from resolvers.reactions import add_reaction, remove_reaction
from server.errors import NotAuthenticated
from server.models import (
    ChangeKind,
    GroupVisibility,
    Notification,
    NotificationKind,
    ReactionKind,
)
from tests.helpers import make_group, make_post
from tests.resolvers.conftest import events


async def test_reactions_to_one_post_gather_in_one_unread_notification(people):
    ann = await people.make("ann")
    post = await make_post(ann)
    fans = [await people.make(f"fan{i}") for i in range(3)]
    for fan in fans:
        await add_reaction(await people.context(fan), "Post", post.id, ReactionKind.LIKE)
    [gathered] = await Notification.filter(recipient_id=ann.id)
    assert (gathered.kind, gathered.actor_count, gathered.actor_id) == (
        NotificationKind.REACTION,
        3,
        fans[-1].id,
    )
    assert len(await events(ChangeKind.NOTIFICATION_ADDED, recipient_id=ann.id)) == 3


async def test_once_read_a_new_reaction_starts_a_new_notification(people):
    ann, ben, cat = await people.make("ann"), await people.make("ben"), await people.make("cat")
    post = await make_post(ann)
    await add_reaction(await people.context(ben), "Post", post.id, ReactionKind.LIKE)
    await mark_read(await people.context(ann), None)
    await add_reaction(await people.context(cat), "Post", post.id, ReactionKind.LIKE)
    assert await Notification.filter(recipient_id=ann.id).count() == 2
    assert await unread_count(await people.context(ann)) == 1


async def test_reacting_again_or_to_ones_own_post_adds_no_notification(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    post = await make_post(ann)
    await add_reaction(await people.context(ann), "Post", post.id, ReactionKind.LOVE)
    assert await Notification.all().count() == 0
    for _ in range(2):
        await add_reaction(await people.context(ben), "Post", post.id, ReactionKind.LIKE)
    assert await Notification.all().count() == 1
    await remove_reaction(await people.context(ben), "Post", post.id, ReactionKind.LIKE)
    await add_reaction(await people.context(ben), "Post", post.id, ReactionKind.WOW)
    [gathered] = await Notification.all()
    assert gathered.actor_count == 1  # one person, however many kinds


async def test_nobody_is_told_about_their_own_doing(people, resources):
    ann = await people.make("ann")
    async with writing(resources.hub) as log:
        told = await notify(log, ann.id, NotificationKind.FOLLOW, ann.id)
    assert told is None
    assert await Notification.all().count() == 0


async def test_mentions_in_a_members_only_group_reach_its_members_alone(people, resources):
    ann, ben, cat = await people.make("ann"), await people.make("ben"), await people.make("cat")
    club = await make_group("inner-circle", ann, ben, visibility=GroupVisibility.MEMBERS_ONLY)
    post = await make_post(ann, group=club)
    async with writing(resources.hub) as log:
        await notify_mentions(log, "@ben @cat @ann", ann.id, post_id=post.id, group_id=club.id)
    assert await Notification.filter(kind=NotificationKind.MENTION).values_list(
        "recipient_id", flat=True
    ) == [ben.id]
    assert await Notification.filter(recipient_id=cat.id).count() == 0  # outside the group


async def test_one_text_mentions_at_most_a_handful_of_people(people, resources):
    ann = await people.make("ann")
    crowd = [await people.make(f"fan{i:02d}") for i in range(MAX_MENTIONS + 5)]
    post = await make_post(ann)
    text = " ".join(f"@{fan.handle}" for fan in crowd)
    async with writing(resources.hub) as log:
        await notify_mentions(log, text, ann.id, post_id=post.id, group_id=None)
    assert await Notification.all().count() == MAX_MENTIONS


async def test_marking_read_touches_only_ones_own_notifications(people):
    ann, ben, cat = await people.make("ann"), await people.make("ben"), await people.make("cat")
    post = await make_post(ann)
    await add_reaction(await people.context(cat), "Post", post.id, ReactionKind.LIKE)
    other = await make_post(ben)
    await add_reaction(await people.context(cat), "Post", other.id, ReactionKind.LIKE)
    [bens] = await Notification.filter(recipient_id=ben.id)
    assert await mark_read(await people.context(ann), [bens.id]) == 0
    assert await unread_count(await people.context(ben)) == 1
    assert await mark_read(await people.context(ann), None) == 1
    assert await mark_read(await people.context(ann), None) == 0


async def test_notifications_are_for_a_signed_in_viewer(people):
    with pytest.raises(NotAuthenticated):
        await list_notifications(await people.context(None), 10, None)
    with pytest.raises(NotAuthenticated):
        await unread_count(await people.context(None))
