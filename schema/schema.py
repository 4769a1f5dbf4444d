"""The root Schema: the domain mixins, the error handlers and the query limits."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from schema.accounts import UserMutations
from schema.admin import AdminMutations
from schema.appeals import AppealMutations, AppealQueries
from schema.audit import AuditQueries
from schema.club import ClubMutations, ClubQueries
from schema.collections import CollectionMutations, CollectionQueries
from schema.comments import Comment, CommentMutations
from schema.credits import CreditMutations
from schema.episodes import EpisodeMutations
from schema.errors import ERROR_MAPPINGS, ERROR_TYPES
from schema.event_signups import EventSignupMutations
from schema.events import EventMutations, EventQueries, EventSubscription
from schema.featured import FeaturedMutations, FeaturedQueries
from schema.feedback import FeedbackMutations
from schema.feeds import FeedQueries
from schema.group_certification import GroupCertificationMutations, GroupCertificationQueries
from schema.group_invitations import GroupInvitationMutations
from schema.group_joins import GroupJoinMutations
from schema.group_staff import GroupStaffMutations
from schema.groups import GroupMutations, GroupQueries
from schema.guard import OneSignInPerRequest, OperationGuard
from schema.koc import KocMutations, KocQueries
from schema.live import Subscription as LiveSubscription
from schema.moderation_decisions import ModerationDecisionMutations
from schema.moderation_items import (
    ModerationItemMutations,
    ModerationItemQueries,
    ModerationItemSubscription,
)
from schema.nodes import NodeQueries
from schema.notifications import NotificationMutations, NotificationQueries
from schema.points import PointsMutations, PointsQueries
from schema.polls import PollMutations, PollQueries, PollSubscription
from schema.posts import PostMutations, PostQueries
from schema.radio import RadioMutations, RadioQueries
from schema.ratings import RatingMutations, RatingQueries
from schema.reactions import ReactionMutations
from schema.reports import ReportMutations
from schema.rules import RuleMutations, RuleQueries
from schema.search import SearchQueries
from schema.users import UserQueries
from server.errors import DomainError
from server.request_ids import current_request_id
from server.settings import Settings

log = logging.getLogger(__name__)


@strawberry.type(description="Everything a client can read.")
class Query(
    NodeQueries,
    UserQueries,
    GroupQueries,
    PostQueries,
    FeedQueries,
    NotificationQueries,
    SearchQueries,
    ModerationItemQueries,
    AuditQueries,
    AppealQueries,
    RuleQueries,
    CollectionQueries,
    FeaturedQueries,
    RadioQueries,
    KocQueries,
    GroupCertificationQueries,
    ClubQueries,
    PointsQueries,
    EventQueries,
    PollQueries,
    RatingQueries,
):
    pass


@strawberry.type(description="Everything a client can change.")
class Mutation(
    UserMutations,
    GroupMutations,
    GroupJoinMutations,
    GroupStaffMutations,
    PostMutations,
    CommentMutations,
    ReactionMutations,
    CreditMutations,
    NotificationMutations,
    AdminMutations,
    ReportMutations,
    ModerationItemMutations,
    ModerationDecisionMutations,
    AppealMutations,
    RuleMutations,
    CollectionMutations,
    FeaturedMutations,
    FeedbackMutations,
    RadioMutations,
    EpisodeMutations,
    KocMutations,
    GroupCertificationMutations,
    GroupInvitationMutations,
    ClubMutations,
    PointsMutations,
    EventMutations,
    EventSignupMutations,
    PollMutations,
    RatingMutations,
):
    pass


@strawberry.type(description="Live updates over WebSocket (graphql-transport-ws or graphql-ws).")
class Subscription(
    LiveSubscription, ModerationItemSubscription, EventSubscription, PollSubscription
):
    pass


def variable_error(error: GraphQLError) -> bool:
    """A variable whose value does not fit its declared type: the request's fault, found
    before anything runs."""
    return error.path is None and error.message.startswith("Variable '$")


def expected_error(error: GraphQLError) -> bool:
    """Errors a client should see as they are: syntax and validation errors, variables of the
    wrong type, and domain errors (not signed in, forbidden, bad arguments). Anything else is a
    bug and gets masked."""
    original = error.original_error
    return original is None or isinstance(original, DomainError) or variable_error(error)


class CommunitySchema(Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        for error in errors:
            if variable_error(error):
                name = error.message.split("'", 2)[1]
                error.extensions = {"code": "INVALID_INPUT", "field": name}
            if expected_error(error):
                continue
            log.error(
                "unexpected error in %s [request %s]",
                ".".join(map(str, error.path or [])),
                current_request_id.get(),
                exc_info=error.original_error,
            )


def build_schema(settings: Settings | None = None) -> Schema:
    settings = settings or Settings()
    # Extensions are passed as factories: a fresh instance per request. The depth and alias
    # rules are built once, because the validation cache is keyed by the rule classes: rules
    # made anew per request would make every request miss it.
    limit_rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
        OneSignInPerRequest,
    ]
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: AddValidationRules(limit_rules),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=1024),
        lambda: ValidationCache(maxsize=1024),
        lambda: OperationGuard(settings),
    ]
    if not settings.development:
        extensions.append(lambda: MaskErrors(should_mask_error=lambda e: not expected_error(e)))
    return CommunitySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Comment, *ERROR_TYPES],
        extensions=extensions,
        exception_handlers=ERROR_MAPPINGS,
    )
