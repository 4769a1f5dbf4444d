"""The one write path: rows, their change events and search outbox rows commit together, and
are published only after the commit; a write that fails leaves none of them and sends nothing."""

from __future__ import annotations

import asyncio
import json

import pytest

from resolvers.changes import writing
from server import topics
from server.models import (
    ChangeEvent,
    ChangeKind,
    Post,
    PostKind,
    PostState,
    SearchEntity,
    SearchOutbox,
)


async def write_post(hub, author, body: str, *, fail: bool = False) -> Post:
    async with writing(hub) as log:
        post = await Post.create(
            author=author, kind=PostKind.MOMENT, body=body, state=PostState.PUBLISHED
        )
        await log.add(ChangeKind.POST_ADDED, post_id=post.id)
        await log.changed(SearchEntity.POST, post.id)
        if fail:
            raise RuntimeError("the write fails after its event and outbox row")
    return post


async def test_a_failed_write_leaves_no_row_no_change_event_no_outbox_row_and_sends_nothing(
    people, resources
):
    ann = await people.make("ann")
    async with resources.hub.subscribe(topics.posts()) as feed:
        with pytest.raises(RuntimeError):
            await write_post(resources.hub, ann, "lost", fail=True)
        assert await Post.all().count() == 0
        assert await ChangeEvent.all().count() == 0
        assert await SearchOutbox.all().count() == 0
        kept = await write_post(resources.hub, ann, "kept")
        # The first message to arrive is the kept post's: the failed write sent none.
        message = json.loads(await asyncio.wait_for(feed.get(), 5))
    [event] = await ChangeEvent.all()
    assert (message["id"], message["post_id"]) == (event.id, kept.id)
    assert [row.entity_id for row in await SearchOutbox.all()] == [kept.id]
