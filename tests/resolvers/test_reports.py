"""Reporting as a use case: once per person and target, never oneself, and weighed by the
reporter's standing, so throwaway accounts cannot take a post down."""

from __future__ import annotations

import pytest

from resolvers.reports import report_content
from server.errors import Conflict, InvalidInput, NotFound
from server.models import (
    ModerationItem,
    ModerationTarget,
    Post,
    PostState,
    Report,
    ReportReason,
)
from tests.helpers import make_post

POST = ModerationTarget.POST


async def report(people, reporter, post, reason=ReportReason.SPAM, note="", visible=True):
    ctx = await people.context(reporter)
    return await report_content(ctx, POST, post.id, reason, note, visible)


async def test_reports_about_one_target_gather_in_one_item_weighed_by_standing(people):
    ann = await people.make("ann")
    post = await make_post(ann)
    await report(people, await people.make("rex"), post)
    await report(people, await people.make("newbie", days_old=0), post, ReportReason.HATE)
    [item] = await ModerationItem.all()
    assert item.reasons == ["SPAM", "HATE"]
    assert [r.weight for r in await Report.all().order_by("id")] == [1.5, 0.2]
    assert item.score == pytest.approx(1.7)


async def test_reporting_twice_is_a_conflict_and_counts_once(people):
    ann, rex = await people.make("ann"), await people.make("rex")
    post = await make_post(ann)
    await report(people, rex, post)
    with pytest.raises(Conflict):
        await report(people, rex, post)
    assert await Report.all().count() == 1


async def test_nobody_reports_what_they_wrote(people):
    ann = await people.make("ann")
    with pytest.raises(InvalidInput) as refused:
        await report(people, ann, await make_post(ann))
    assert refused.value.field == "targetId"
    assert await ModerationItem.all().count() == 0


async def test_a_report_for_another_reason_says_what_is_wrong(people):
    ann, rex = await people.make("ann"), await people.make("rex")
    with pytest.raises(InvalidInput) as refused:
        await report(people, rex, await make_post(ann), ReportReason.OTHER)
    assert refused.value.field == "note"


async def test_reporting_what_one_cannot_see_reads_as_missing(people):
    ann, rex = await people.make("ann"), await people.make("rex")
    with pytest.raises(NotFound):
        await report(people, rex, await make_post(ann), visible=False)
    assert await ModerationItem.all().count() == 0


async def test_established_members_hide_a_post_and_new_accounts_never_do(people):
    ann = await people.make("ann")
    post = await make_post(ann)
    for i in range(10):
        await report(people, await people.make(f"fresh{i}", days_old=0), post)
    assert (await Post.get(id=post.id)).state == PostState.PUBLISHED
    for i in range(4):  # 4 × 1.5 reaches the threshold of 5
        await report(people, await people.make(f"member{i}"), post)
    assert (await Post.get(id=post.id)).state == PostState.HIDDEN
    assert (await ModerationItem.get(target_id=post.id)).target_hidden
