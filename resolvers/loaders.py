"""Per-request DataLoaders: every relation a query walks is batched, one statement per kind."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from strawberry.dataloader import DataLoader
from tortoise.functions import Count
from tortoise.models import Model

from moderation import policies
from resolvers.batching import by_id, many_by, one_by
from resolvers.event_loaders import EventLoaders
from resolvers.poll_loaders import PollLoaders
from server.models import (
    Appeal,
    AppealState,
    AuditEntry,
    ClubMembership,
    Collection,
    CollectionCurator,
    CollectionItem,
    Comment,
    CommentReaction,
    ContributionYear,
    Credit,
    EmployeeBadge,
    EpisodeReaction,
    FeedbackAdoption,
    Follow,
    Group,
    GroupJoinRequest,
    GroupMembership,
    GroupRequestState,
    KocRole,
    KocRoleState,
    Ledger,
    LedgerAccount,
    ModerationItemEvent,
    PersonaAccount,
    Post,
    PostReaction,
    PostRevision,
    RadioEpisode,
    RadioStation,
    Report,
    StationFollow,
    StationHead,
    User,
)


async def load_reaction_summaries(
    model: type[Model], key: str, ids: list[int]
) -> list[dict[str, int]]:
    rows = (
        await model.filter(**{f"{key}__in": ids})
        .annotate(n=Count("id"))
        .group_by(key, "kind")
        .values(key, "kind", "n")
    )
    summary: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        summary[row[key]][str(row["kind"])] = row["n"]
    return [summary.get(i, {}) for i in ids]


async def load_listed_counts(collection_ids: list[int]) -> list[int]:
    """How many works each collection lists now: the public ones (a work hidden meanwhile
    drops out of the count, and comes back when restored)."""
    rows = (
        await CollectionItem.filter(policies.visible_works(()), collection_id__in=collection_ids)
        .annotate(n=Count("id"))
        .group_by("collection_id")
        .values("collection_id", "n")
    )
    counts = {row["collection_id"]: row["n"] for row in rows}
    return [counts.get(i, 0) for i in collection_ids]


async def load_contributions(keys: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(total, that year's total) of each (user, year), in two statements."""
    user_ids = list({user_id for user_id, _ in keys})
    totals = dict(
        await LedgerAccount.filter(user_id__in=user_ids, ledger=Ledger.CONTRIBUTION).values_list(
            "user_id", "balance"
        )
    )
    years = {
        (row[0], row[1]): row[2]
        for row in await ContributionYear.filter(
            user_id__in=user_ids, year__in=list({year for _, year in keys})
        ).values_list("user_id", "year", "total")
    }
    return [(int(totals.get(u, 0)), int(years.get((u, y), 0))) for u, y in keys]


async def load_points(user_ids: list[int]) -> list[int]:
    """The points balance of each user, in one statement."""
    balances = dict(
        await LedgerAccount.filter(user_id__in=user_ids, ledger=Ledger.POINTS).values_list(
            "user_id", "balance"
        )
    )
    return [int(balances.get(u, 0)) for u in user_ids]


class Loaders(EventLoaders, PollLoaders):
    """The loaders of one request (or one subscription event), named after what they load.
    Each is made on first use: an idle subscription holds none."""

    def __init__(self, viewer_id: int | None) -> None:
        self.viewer_id = viewer_id

    @cached_property
    def user_by_id(self) -> DataLoader[int, User | None]:
        return DataLoader(by_id(User))

    @cached_property
    def group_by_id(self) -> DataLoader[int, Group | None]:
        return DataLoader(by_id(Group))

    @cached_property
    def post_by_id(self) -> DataLoader[int, Post | None]:
        return DataLoader(by_id(Post))

    @cached_property
    def episode_by_id(self) -> DataLoader[int, RadioEpisode | None]:
        return DataLoader(by_id(RadioEpisode))

    @cached_property
    def station_by_id(self) -> DataLoader[int, RadioStation | None]:
        return DataLoader(by_id(RadioStation))

    @cached_property
    def viewer_heads_by_station_id(self) -> DataLoader[int, bool]:
        """Whether the viewer is a head of each station."""
        return DataLoader(self._viewer_heads)

    @cached_property
    def heads_by_station_id(self) -> DataLoader[int, list[StationHead]]:
        """Each station's heads, longest-serving first: a page of stations names its heads in
        one statement (and their accounts in one more, through `user_by_id`)."""
        return DataLoader(many_by(StationHead, "station_id", "created_at", "id"))

    @cached_property
    def viewer_follows_by_station_id(self) -> DataLoader[int, bool]:
        """Whether the viewer follows each station."""
        return DataLoader(self._viewer_station_follows)

    @cached_property
    def comment_by_id(self) -> DataLoader[int, Comment | None]:
        return DataLoader(by_id(Comment))

    @cached_property
    def badge_by_user_id(self) -> DataLoader[int, EmployeeBadge | None]:
        return DataLoader(one_by(EmployeeBadge, "user_id"))

    @cached_property
    def koc_roles_by_user_id(self) -> DataLoader[int, list[KocRole]]:
        """The ACTIVE KOC roles of each user: their public badges."""
        return DataLoader(many_by(KocRole, "user_id", "id", state=KocRoleState.ACTIVE))

    @cached_property
    def contribution_by_user_id(self) -> DataLoader[tuple[int, int], tuple[int, int]]:
        """Each user's contribution, keyed (user, year): the total, and that year's."""
        return DataLoader(load_contributions)

    @cached_property
    def points_by_user_id(self) -> DataLoader[int, int]:
        """Each user's points balance (0 for an account never written)."""
        return DataLoader(load_points)

    @cached_property
    def club_by_user_id(self) -> DataLoader[int, list[ClubMembership]]:
        """The club seats in force of each user: public badges."""
        now = datetime.now(UTC)
        return DataLoader(
            many_by(
                ClubMembership,
                "user_id",
                "starts_at",
                "id",
                revoked_at=None,
                starts_at__lte=now,
                ends_at__gt=now,
            )
        )

    @cached_property
    def adoption_by_post_id(self) -> DataLoader[int, FeedbackAdoption | None]:
        """Staff's adoption of each post of product feedback, if any."""
        return DataLoader(one_by(FeedbackAdoption, "post_id"))

    @cached_property
    def persona_by_user_id(self) -> DataLoader[int, PersonaAccount | None]:
        return DataLoader(one_by(PersonaAccount, "user_id"))

    @cached_property
    def reports_by_item_id(self) -> DataLoader[int, list[Report]]:
        return DataLoader(many_by(Report, "item_id", "id"))

    @cached_property
    def item_events_by_item_id(self) -> DataLoader[int, list[ModerationItemEvent]]:
        return DataLoader(many_by(ModerationItemEvent, "item_id", "id"))

    @cached_property
    def revisions_by_post_id(self) -> DataLoader[int, list[PostRevision]]:
        """Newest first: a page of posts read by their author or by staff shows each post's
        earlier versions, in one statement for the page."""
        return DataLoader(many_by(PostRevision, "post_id", "-created_at", "-id"))

    @cached_property
    def credit_by_id(self) -> DataLoader[int, Credit | None]:
        return DataLoader(by_id(Credit))

    @cached_property
    def credits_by_post_id(self) -> DataLoader[int, list[Credit]]:
        return DataLoader(many_by(Credit, "post_id", "id"))

    @cached_property
    def credits_by_episode_id(self) -> DataLoader[int, list[Credit]]:
        return DataLoader(many_by(Credit, "episode_id", "id"))

    @cached_property
    def collection_by_id(self) -> DataLoader[int, Collection | None]:
        return DataLoader(by_id(Collection))

    @cached_property
    def curators_by_collection_id(self) -> DataLoader[int, list[CollectionCurator]]:
        """In the order they were named."""
        return DataLoader(many_by(CollectionCurator, "collection_id", "created_at", "id"))

    @cached_property
    def listed_count_by_collection_id(self) -> DataLoader[int, int]:
        return DataLoader(load_listed_counts)

    @cached_property
    def pending_appeal_by_item_id(self) -> DataLoader[int, Appeal | None]:
        return DataLoader(one_by(Appeal, "item_id", state=AppealState.PENDING))

    @cached_property
    def appeal_by_decision_id(self) -> DataLoader[int, Appeal | None]:
        return DataLoader(one_by(Appeal, "decision_id"))

    @cached_property
    def audit_entry_by_id(self) -> DataLoader[int, AuditEntry | None]:
        return DataLoader(by_id(AuditEntry))

    @cached_property
    def post_reaction_summary_by_post_id(self) -> DataLoader[int, dict[str, int]]:
        return DataLoader(self._post_summaries)

    @cached_property
    def comment_reaction_summary_by_comment_id(self) -> DataLoader[int, dict[str, int]]:
        return DataLoader(self._comment_summaries)

    @cached_property
    def episode_reaction_summary_by_episode_id(self) -> DataLoader[int, dict[str, int]]:
        return DataLoader(self._episode_summaries)

    @cached_property
    def viewer_membership_by_group_id(self) -> DataLoader[int, GroupMembership | None]:
        return DataLoader(self._viewer_memberships)

    @cached_property
    def viewer_join_request_by_group_id(self) -> DataLoader[int, GroupJoinRequest | None]:
        """The viewer's pending request to join each group."""
        return DataLoader(self._viewer_join_requests)

    async def _viewer_join_requests(self, group_ids: list[int]) -> list[GroupJoinRequest | None]:
        if self.viewer_id is None:
            return [None] * len(group_ids)
        pending = GroupRequestState.PENDING
        load = one_by(GroupJoinRequest, "group_id", user_id=self.viewer_id, state=pending)
        return await load(group_ids)

    @cached_property
    def viewer_follows_by_user_id(self) -> DataLoader[int, bool]:
        return DataLoader(self._viewer_follows)

    @cached_property
    def viewer_reactions_by_post_id(self) -> DataLoader[int, list[str]]:
        return DataLoader(self._viewer_post_reactions)

    @cached_property
    def viewer_reactions_by_comment_id(self) -> DataLoader[int, list[str]]:
        return DataLoader(self._viewer_comment_reactions)

    @cached_property
    def viewer_reactions_by_episode_id(self) -> DataLoader[int, list[str]]:
        return DataLoader(self._viewer_episode_reactions)

    async def _post_summaries(self, ids: list[int]) -> list[dict[str, int]]:
        return await load_reaction_summaries(PostReaction, "post_id", ids)

    async def _comment_summaries(self, ids: list[int]) -> list[dict[str, int]]:
        return await load_reaction_summaries(CommentReaction, "comment_id", ids)

    async def _episode_summaries(self, ids: list[int]) -> list[dict[str, int]]:
        return await load_reaction_summaries(EpisodeReaction, "episode_id", ids)

    async def _viewer_memberships(self, group_ids: list[int]) -> list[GroupMembership | None]:
        if self.viewer_id is None:
            return [None] * len(group_ids)
        return await one_by(GroupMembership, "group_id", user_id=self.viewer_id)(group_ids)

    async def _viewer_follows(self, user_ids: list[int]) -> list[bool]:
        if self.viewer_id is None:
            return [False] * len(user_ids)
        followed = set(
            await Follow.filter(follower_id=self.viewer_id, followee_id__in=user_ids).values_list(
                "followee_id", flat=True
            )
        )
        return [i in followed for i in user_ids]

    async def _viewer_heads(self, station_ids: list[int]) -> list[bool]:
        if self.viewer_id is None:
            return [False] * len(station_ids)
        headed = set(
            await StationHead.filter(
                user_id=self.viewer_id, station_id__in=station_ids
            ).values_list("station_id", flat=True)
        )
        return [i in headed for i in station_ids]

    async def _viewer_station_follows(self, station_ids: list[int]) -> list[bool]:
        if self.viewer_id is None:
            return [False] * len(station_ids)
        followed = set(
            await StationFollow.filter(
                user_id=self.viewer_id, station_id__in=station_ids
            ).values_list("station_id", flat=True)
        )
        return [i in followed for i in station_ids]

    async def _viewer_kinds(self, model: type[Model], key: str, ids: list[int]) -> list[list[str]]:
        if self.viewer_id is None:
            return [[] for _ in ids]
        kinds: dict[int, list[str]] = defaultdict(list)
        rows = await model.filter(user_id=self.viewer_id, **{f"{key}__in": ids}).values_list(
            key, "kind"
        )
        for subject_id, kind in rows:
            kinds[subject_id].append(str(kind))
        return [sorted(kinds.get(i, [])) for i in ids]

    async def _viewer_post_reactions(self, ids: list[int]) -> list[list[str]]:
        return await self._viewer_kinds(PostReaction, "post_id", ids)

    async def _viewer_comment_reactions(self, ids: list[int]) -> list[list[str]]:
        return await self._viewer_kinds(CommentReaction, "comment_id", ids)

    async def _viewer_episode_reactions(self, ids: list[int]) -> list[list[str]]:
        return await self._viewer_kinds(EpisodeReaction, "episode_id", ids)


MISSING: Any = object()


def loaded(loader: DataLoader[Any, Any], key: Any) -> Any:
    """The value `loader` already holds for `key`, or MISSING: lets a field answer without
    scheduling anything when a prefetch has loaded it."""
    future = loader.cache_map.get(key)
    if future is None or not future.done() or future.cancelled() or future.exception():
        return MISSING
    return future.result()
