"""Screening every text before it is stored: watched words that refuse, mask, hold or flag,
the limits on new accounts, rate limits and repeated texts."""

from __future__ import annotations

import dataclasses

import pytest

from resolvers.context import Context
from resolvers.post_input import PostDraft
from resolvers.posts import create_post
from resolvers.rules import RuleInput, create_rule
from resolvers.screening import screen
from server.errors import ContentRejected, InvalidInput, RateLimited
from server.models import (
    AccountState,
    MatchKind,
    ModerationItem,
    PlatformRole,
    Post,
    PostKind,
    PostState,
    RuleAction,
)


def moment(body: str, **fields) -> PostDraft:
    return PostDraft(kind=PostKind.MOMENT, body=body, **fields)


async def watch(people, pattern: str, action: RuleAction, reason: str = "a watched word") -> None:
    mia = await people.make("mia", PlatformRole.MODERATOR)
    await create_rule(await people.context(mia), RuleInput(pattern, MatchKind.WORD, action, reason))


async def test_a_blocking_rule_refuses_the_text_naming_the_field_and_stores_nothing(people):
    await watch(people, "scam", RuleAction.BLOCK, "fraud")
    ann = await people.make("ann")
    with pytest.raises(ContentRejected) as refused:
        await create_post(await people.context(ann), moment("fine", tags=["scam"]), publish=True)
    assert (refused.value.field, refused.value.reasons) == ("tags", ["fraud"])
    assert await Post.all().count() == 0


async def test_a_replacing_rule_masks_the_word_and_publishes(people):
    await watch(people, "darn", RuleAction.REPLACE)
    ann = await people.make("ann")
    post = await create_post(await people.context(ann), moment("darn traffic"), publish=True)
    assert post.state == PostState.PUBLISHED
    assert "darn" not in post.body
    assert post.body.endswith(" traffic")
    assert await ModerationItem.all().count() == 0


async def test_a_holding_rule_keeps_the_post_from_others_until_approved(people):
    await watch(people, "giveaway", RuleAction.HOLD)
    ann = await people.make("ann")
    post = await create_post(await people.context(ann), moment("big giveaway"), publish=True)
    assert post.state == PostState.HELD
    item = await ModerationItem.get(target_id=post.id)
    assert (item.reasons, item.target_hidden) == (["SCREENING"], True)
    assert [hit["matched"] for hit in item.auto_hits] == ["giveaway"]


async def test_a_flagging_rule_publishes_and_opens_an_item_for_a_look(people):
    await watch(people, "recall", RuleAction.FLAG)
    ann = await people.make("ann")
    post = await create_post(await people.context(ann), moment("is there a recall?"), publish=True)
    assert post.state == PostState.PUBLISHED
    item = await ModerationItem.get(target_id=post.id)
    assert not item.target_hidden


async def test_a_new_account_may_not_fill_a_post_with_links_but_staff_may(people):
    links = "see https://a.example.com https://b.example.com https://c.example.com"
    newcomer = await people.make("newbie", days_old=0)
    with pytest.raises(InvalidInput) as refused:
        await create_post(await people.context(newcomer), moment(links), publish=True)
    assert "at most 2 links" in refused.value.message
    assert refused.value.field == "body"
    assert await Post.all().count() == 0
    established = await people.make("ann")
    assert (await create_post(await people.context(established), moment(links), publish=True)).id
    new_moderator = await people.make("mia", PlatformRole.MODERATOR, days_old=0)
    assert (await create_post(await people.context(new_moderator), moment(links), publish=True)).id


async def test_writing_past_the_rate_limit_is_refused_with_the_wait(people):
    ann = await people.make("ann")
    ctx = await people.context(ann)
    count, _ = ctx.settings.rate_limit("post") or (0, 0)
    for i in range(count):
        await create_post(ctx, moment(f"post number {i}"), publish=True)
    with pytest.raises(RateLimited) as refused:
        await create_post(ctx, moment("one too many"), publish=True)
    assert refused.value.retry_after_seconds > 0
    assert await Post.all().count() == count


async def test_the_same_text_again_and_again_waits_for_review(people):
    ann = await people.make("ann")
    ctx = await people.context(ann)
    states = [
        (await create_post(ctx, moment("buy cheap tyres now"), publish=True)).state
        for _ in range(3)
    ]
    assert states == [PostState.PUBLISHED, PostState.PUBLISHED, PostState.HELD]
    held = await Post.get(state=PostState.HELD)
    assert (await ModerationItem.get(target_id=held.id)).reasons == ["DUPLICATE"]


async def test_a_new_accounts_first_posts_wait_when_the_settings_say_so(people, resources):
    settings = dataclasses.replace(resources.settings, new_account_held_posts=1)
    newcomer = await people.make("newbie", days_old=0)
    ctx = Context(dataclasses.replace(resources, settings=settings), viewer=newcomer)
    held = await create_post(ctx, moment("hello all"), publish=True)
    assert held.state == PostState.HELD
    assert (await ModerationItem.get(target_id=held.id)).reasons == ["NEW_ACCOUNT"]


async def test_screening_a_profile_never_holds_it_for_being_silenced(people):
    ann = await people.make("ann", state=AccountState.SILENCED, until_days=2)
    verdict = await screen(await people.context(ann), ann, "profile", {"bio": "hello"})
    assert not verdict.held
