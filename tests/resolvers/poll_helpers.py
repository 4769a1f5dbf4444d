"""Polls for the tests of community votes: a draft, a poll made through the use case, and a
world of groups with their staff and members."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from resolvers.poll_votes import cast_vote
from resolvers.polls import PollDraft, create_poll
from server.models import PlatformRole, Poll, PollOption, PollVote, User
from tests.helpers import make_group


def draft(**fields) -> PollDraft:
    values = {
        "question": "Where shall community day be?",
        "options": ["Shanghai", "Hefei", "Chengdu"],
        "closes_at": datetime.now(UTC) + timedelta(days=7),
    }
    return PollDraft(**(values | fields))


async def make_poll(people, creator: User, **fields) -> Poll:
    return await create_poll(await people.context(creator), draft(**fields))


async def options(poll: Poll) -> list[int]:
    return [o.id for o in await PollOption.filter(poll_id=poll.id).order_by("position")]


async def vote(people, voter: User, poll: Poll, *picks: int) -> PollVote:
    chosen = list(picks) or [(await options(poll))[0]]
    return (await cast_vote(await people.context(voter), poll.id, chosen)).vote


async def club(people) -> dict[str, User]:
    """A public group 'owners' run by ann (owner), kai (admin) and rui (moderator), with lin
    and ivy members;
    another group 'fans' run by zoe; max a platform moderator, eva a platform admin."""
    users = {h: await people.make(h) for h in ("ann", "kai", "rui", "lin", "zoe", "ivy")}
    users["max"] = await people.make("max", PlatformRole.MODERATOR)
    users["eva"] = await people.make("eva", PlatformRole.ADMIN)
    await make_group(
        "owners",
        users["ann"],
        users["lin"],
        users["ivy"],
        admins=(users["kai"],),
        moderators=(users["rui"],),
    )
    await make_group("fans", users["zoe"])
    return users
