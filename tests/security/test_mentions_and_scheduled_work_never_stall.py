"""Promise: an @mention in a members-only group reaches the members it names and nobody else,
without failing the write; the scheduler isolates failures per item (logged, retried with a
growing pause) so one bad item never holds back the others or the ending of suspensions.

Attack (seen before the fix): any @mention inside a members-only group failed the whole write
("'ValuesQuery' object is not iterable"), and a scheduled post holding one stalled every later
scheduled post and the ending of suspensions.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from resolvers import scheduled as scheduled_cases
from resolvers.context import Resources
from resolvers.scheduled import DueRetries, publish_due_posts
from schema.relay import encode_id
from server.models import (
    AccountState,
    Group,
    GroupVisibility,
    Notification,
    NotificationKind,
    Post,
    PostState,
    User,
)
from server.scheduler import run_scheduler
from tests.conftest import Api
from tests.helpers import make_group, make_post
from tests.security.conftest import Accounts
from tests.waiting import eventually


async def secret_club(accounts: Accounts) -> dict[str, str]:
    tokens = {name: await accounts.make(name) for name in ("ann", "friend", "outsider")}
    users = accounts.users
    await make_group(
        "secret", users["ann"], users["friend"], visibility=GroupVisibility.MEMBERS_ONLY
    )
    return tokens


async def mentioned() -> set[str]:
    rows = await Notification.filter(kind=NotificationKind.MENTION).prefetch_related("recipient")
    return {row.recipient.handle for row in rows}


async def test_a_mention_in_a_members_only_group_reaches_members_only(
    api: Api, accounts: Accounts
) -> None:
    tokens = await secret_club(accounts)
    created = await api.data(
        """mutation { createPost(input: {kind: MOMENT, body: "@friend @outsider look",
             groupSlug: "secret"}) { __typename ... on CreatePostSuccess { post { id } } } }""",
        token=tokens["ann"],
    )
    assert created["createPost"]["__typename"] == "CreatePostSuccess", created
    assert await mentioned() == {"friend"}
    comment = await api.data(
        """mutation($id: ID!) { addComment(input: {postId: $id, body: "cc @outsider @ann"}) {
             __typename } }""",
        {"id": created["createPost"]["post"]["id"]},
        token=tokens["friend"],
    )
    assert comment["addComment"]["__typename"] == "AddCommentSuccess", comment


async def test_a_scheduled_members_only_post_with_a_mention_goes_out(
    accounts: Accounts, resources: Resources
) -> None:
    await secret_club(accounts)
    secret_post = await make_post(
        accounts.users["ann"],
        "@friend tomorrow",
        group=await _secret(),
        state=PostState.DRAFT,
        published_at=None,
        scheduled_at=datetime.now(UTC) - timedelta(seconds=1),
    )
    assert await publish_due_posts(resources) == [secret_post.id]
    assert await mentioned() == {"friend"}


async def _secret() -> Group:
    return await Group.get(slug="secret")


async def test_one_failing_scheduled_post_holds_back_neither_the_others_nor_suspensions(
    accounts: Accounts, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    await accounts.make("writer")
    await accounts.make("sanctioned", state=AccountState.SUSPENDED)
    await User.filter(handle="sanctioned").update(
        suspended_until=datetime.now(UTC) - timedelta(minutes=1)
    )
    due = datetime.now(UTC) - timedelta(seconds=1)
    broken, fine = [
        await make_post(
            accounts.users["writer"],
            body,
            state=PostState.DRAFT,
            published_at=None,
            scheduled_at=due,
        )
        for body in ("breaks the publisher", "goes out")
    ]
    went_live = scheduled_cases.post_went_live

    async def failing(log: Any, row: Post) -> None:
        if row.id == broken.id:
            raise RuntimeError("a publisher bug")
        await went_live(log, row)

    monkeypatch.setattr(scheduled_cases, "post_went_live", failing)
    retries = DueRetries()
    assert await publish_due_posts(resources, retries=retries) == [fine.id]
    assert (await Post.get(id=broken.id)).state == PostState.DRAFT  # rolled back, retried later
    assert retries.waiting(broken.id, time.monotonic())
    # Retried with a growing pause: the next round skips it, and nothing else is held up.
    assert await publish_due_posts(resources, retries=retries) == []
    task = asyncio.create_task(run_scheduler(0.05, resources))
    try:

        async def lifted() -> bool:
            return (await User.get(handle="sanctioned")).state == AccountState.ACTIVE

        await eventually(lifted, within=5, what="the scheduler to lift the sanction")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert (await User.get(handle="sanctioned")).state == AccountState.ACTIVE
    monkeypatch.setattr(scheduled_cases, "post_went_live", went_live)
    assert await publish_due_posts(resources, retries=DueRetries()) == [broken.id]


async def test_a_scheduled_post_in_a_members_only_group_reaches_its_members_over_the_api(
    api: Api, accounts: Accounts, resources: Resources
) -> None:
    tokens = await secret_club(accounts)
    draft = await api.data(
        """mutation { createPost(input: {kind: MOMENT, body: "@friend soon", groupSlug: "secret",
             publish: false}) { ... on CreatePostSuccess { post { id } } } }""",
        token=tokens["ann"],
    )
    post_id = draft["createPost"]["post"]["id"]
    soon = (datetime.now(UTC) + timedelta(seconds=30)).isoformat()
    scheduled = await api.data(
        """mutation($id: ID!, $at: DateTime!) { schedulePost(input: {postId: $id, publishAt: $at}) {
             __typename } }""",
        {"id": post_id, "at": soon},
        token=tokens["ann"],
    )
    assert scheduled["schedulePost"]["__typename"] == "SchedulePostSuccess"
    published = await publish_due_posts(resources, now=datetime.now(UTC) + timedelta(minutes=1))
    assert [encode_id("Post", i) for i in published] == [post_id]
    assert await mentioned() == {"friend"}
