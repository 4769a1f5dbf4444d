"""Casting a vote, what it weighs, and who reads the results and the votes.

A vote is final: one per person and poll, kept so by the unique (poll, user) row and a lock on
the pair, so twenty taps of the button at once count once. The counters beside it (an option's
votes and weight, the poll's voters and total weight) move in the vote's transaction with F()
updates, and the poll's update is guarded on its being open: a vote racing `closePoll` either
counts before the close or is refused with POLL_CLOSED, never after the results are final.

What a vote weighs (thousandths; 1000 is one vote): 1000 in an EQUAL poll; in a CONTRIBUTION
poll `vote_weight(settings, contribution)`, the voter's contribution balance when they vote
under the formula `settings.vote_weight` names, capped at `settings.vote_weight_cap`, so no one
person's weight grows without bound. The weight and the contribution are stored on the vote.

Results follow `resultsVisibility` (see `may_read_results`); who chose what is for platform
admins alone: voters stay anonymous to everyone else, the poll's creator included.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from moderation import policies
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.pagination import Listing, Page, id_key, keyset_page
from resolvers.polls import poll_state, require_poll, runs_poll
from server.errors import InvalidInput, NotEligible, NotEligibleReason
from server.models import (
    ChangeKind,
    Ledger,
    LedgerAccount,
    PersonaAccount,
    Poll,
    PollOption,
    PollState,
    PollVote,
    PollWeighting,
    ResultsVisibility,
)
from server.settings import Settings

VOTES = Listing("pollVotes", id_key(descending=False))
ONE_VOTE = 1000
# Beyond this a contribution weighs no more under any formula and any sensible cap; it keeps
# the float arithmetic finite for absurd balances.
CONTRIBUTION_CEILING = 10**30


def vote_weight(settings: Settings, contribution: int) -> int:
    """The weight of a CONTRIBUTION-weighted vote in thousandths: log10 → 1 + log10(1 + c),
    sqrt → 1 + sqrt(c) / 10, equal → 1; each at most `vote_weight_cap` (a negative
    contribution counts as none)."""
    c = min(max(contribution, 0), CONTRIBUTION_CEILING)
    if settings.vote_weight == "log10":
        weight = 1 + math.log10(1 + c)
    elif settings.vote_weight == "sqrt":
        weight = 1 + math.sqrt(c) / 10
    else:
        weight = 1.0
    return round(min(weight, settings.vote_weight_cap) * ONE_VOTE)


# --- casting ------------------------------------------------------------------------------------


@dataclass
class CastVote:
    poll: Poll
    vote: PollVote


def clean_choice(poll: Poll, options: list[PollOption], option_ids: list[int]) -> list[int]:
    """The chosen option ids, ascending: at least one, distinct, all of this poll, exactly one
    unless the poll takes several."""
    if not option_ids:
        raise InvalidInput("Choose at least one option.", field="optionIds")
    if len(set(option_ids)) != len(option_ids):
        raise InvalidInput("Choose each option once.", field="optionIds")
    if not set(option_ids) <= {option.id for option in options}:
        raise InvalidInput("Choose among this poll's options.", field="optionIds")
    if len(option_ids) > 1 and not poll.multiple:
        raise InvalidInput("This poll takes one option.", field="optionIds")
    return sorted(option_ids)


async def _check_eligible(ctx: Context, poll: Poll, now: datetime) -> None:
    viewer = ctx.viewer
    assert viewer is not None
    if poll.group_id is not None:
        membership = await ctx.loaders.viewer_membership_by_group_id.load(poll.group_id)
        if membership is None:
            raise NotEligible(
                "Only the group's members vote in its polls.", NotEligibleReason.NOT_A_MEMBER
            )
    if await PersonaAccount.filter(user_id=viewer.id).exists():
        raise NotEligible(
            "Persona accounts take no part in community votes.",
            NotEligibleReason.PERSONA_ACCOUNT,
        )
    if poll_state(poll, now) == PollState.CLOSED:
        raise NotEligible("The poll has closed.", NotEligibleReason.POLL_CLOSED)
    if await ctx.loaders.viewer_vote_by_poll_id.load(poll.id) is not None:
        raise NotEligible("You voted in this poll already.", NotEligibleReason.ALREADY_VOTED)
    if poll.weighting == PollWeighting.CONTRIBUTION:
        days = ctx.settings.vote_min_account_age_days
        if viewer.created_at > now - timedelta(days=days):
            raise NotEligible(
                f"Accounts vote in contribution-weighted polls once they are {days:g} days old.",
                NotEligibleReason.ACCOUNT_TOO_NEW,
            )


async def _contribution(user_id: int) -> int:
    account = await LedgerAccount.get_or_none(user_id=user_id, ledger=Ledger.CONTRIBUTION)
    return int(account.balance) if account else 0


async def cast_vote(ctx: Context, poll_id: int, option_ids: list[int]) -> CastVote:
    """Vote once, finally, in a poll the viewer sees (a group's poll: as its member)."""
    viewer = policies.require_writer(ctx.viewer)
    poll = await require_poll(ctx, poll_id)
    now = datetime.now(UTC)
    await _check_eligible(ctx, poll, now)
    chosen = clean_choice(poll, await ctx.loaders.options_by_poll_id.load(poll.id), option_ids)
    already = NotEligible("You voted in this poll already.", NotEligibleReason.ALREADY_VOTED)
    try:
        async with writing(ctx.hub) as log:
            await log.order_events()
            await log.lock(f"poll:{poll.id}:{viewer.id}")
            if await PollVote.filter(poll_id=poll.id, user_id=viewer.id).exists():
                raise already
            contribution = await _contribution(viewer.id)
            weight = ONE_VOTE
            if poll.weighting == PollWeighting.CONTRIBUTION:
                weight = vote_weight(ctx.settings, contribution)
            vote = await PollVote.create(
                poll_id=poll.id,
                user_id=viewer.id,
                option_ids=chosen,
                weight=weight,
                contribution=contribution,
            )
            counted = await Poll.filter(id=poll.id, closed_at=None, closes_at__gt=now).update(
                voters=F("voters") + 1, total_weight=F("total_weight") + weight
            )
            if not counted:
                raise NotEligible("The poll has closed.", NotEligibleReason.POLL_CLOSED)
            await PollOption.filter(poll_id=poll.id, id__in=chosen).update(
                votes=F("votes") + 1, weight=F("weight") + weight
            )
            await log.add(ChangeKind.POLL_UPDATED, poll_id=poll.id, group_id=poll.group_id)
    except IntegrityError:
        raise already from None
    ctx.loaders.forget_poll(poll.id)
    ctx.loaders.viewer_vote_by_poll_id.prime(poll.id, vote)
    return CastVote(poll=await Poll.get(id=poll.id), vote=vote)


# --- reading results and votes ------------------------------------------------------------------


@dataclass
class OptionResult:
    option: PollOption
    votes: int
    # Thousandths.
    weight: int
    share: float


def results_open_to(
    visibility: ResultsVisibility, state: PollState, *, voted: bool, runs: bool
) -> bool:
    """Whether results show: always to the poll's staff; otherwise ALWAYS to everyone who sees
    the poll, AFTER_VOTE to voters and to everyone once closed, AFTER_CLOSE once closed."""
    if runs or visibility == ResultsVisibility.ALWAYS or state == PollState.CLOSED:
        return True
    return visibility == ResultsVisibility.AFTER_VOTE and voted


async def may_read_results(ctx: Context, poll: Poll) -> bool:
    state = poll_state(poll)
    if results_open_to(poll.results_visibility, state, voted=False, runs=False):
        return True
    if await runs_poll(ctx, poll):
        return True
    if poll.results_visibility != ResultsVisibility.AFTER_VOTE:
        return False
    return await ctx.loaders.viewer_vote_by_poll_id.load(poll.id) is not None


async def poll_results(ctx: Context, poll: Poll) -> list[OptionResult] | None:
    """Each option's votes, weight and share of the total weight, in the options' order; None
    while the viewer may not read them."""
    if not await may_read_results(ctx, poll):
        return None
    options = await ctx.loaders.options_by_poll_id.load(poll.id)
    total = poll.total_weight
    return [
        OptionResult(
            option=option,
            votes=option.votes,
            weight=option.weight,
            share=option.weight / total if total else 0.0,
        )
        for option in options
    ]


async def list_votes(
    ctx: Context, poll: Poll, first: int, after: str | None
) -> Page[PollVote] | None:
    """Who voted how and with what weight, in the order they voted: platform admins alone
    (None for everyone else)."""
    if not policies.is_admin(ctx.viewer):
        return None
    return await keyset_page(PollVote.filter(poll_id=poll.id), VOTES, first=first, after=after)
