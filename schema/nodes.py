"""`node(id:)` and `nodes(ids:)`: any object by global id, under the same visibility rules."""

from __future__ import annotations

import asyncio

import strawberry
from strawberry import Info

from resolvers.club import visible_membership
from resolvers.context import Context
from resolvers.credits import visible_credit
from resolvers.event_access import visible_event
from resolvers.event_reads import visible_signup
from resolvers.group_certification import visible_application as visible_certification
from resolvers.group_invitations import visible_invitation, visible_link
from resolvers.group_joins import visible_join_request
from resolvers.koc import visible_application, visible_role
from resolvers.moderation_items import visible_item
from resolvers.points import visible_entry
from resolvers.polls import visible_poll
from resolvers.ratings import visible_rating
from resolvers.visibility import visible_comment, visible_episode, visible_post
from schema.collections import Collection
from schema.comments import Comment
from schema.credits import Credit
from schema.events import Event, EventSignup
from schema.group_certification import GroupCertificationApplication
from schema.group_invitations import GroupInvitation, GroupInviteLink
from schema.groups import Group, GroupJoinRequest
from schema.koc import KocApplication, KocRole
from schema.ledger_types import ClubMembership, ContributionEntry, PointsEntry
from schema.moderation_items import ModerationItem
from schema.poll_types import Poll
from schema.posts import Post
from schema.radio import RadioEpisode, RadioStation
from schema.ratings import SatisfactionRating
from schema.relay import Node, parse_id
from schema.users import User
from server.errors import InvalidInput
from server.models import Ledger

MAX_NODES = 100


async def resolve_node(ctx: Context, global_id: str) -> Node | None:
    parsed = parse_id(global_id)
    if parsed is None:
        return None
    type_name, pk = parsed
    if type_name == "User":
        user = await ctx.loaders.user_by_id.load(pk)
        return User.from_row(user) if user else None
    if type_name == "Group":
        group = await ctx.loaders.group_by_id.load(pk)
        return Group.from_row(group) if group else None
    if type_name == "Collection":
        collection = await ctx.loaders.collection_by_id.load(pk)  # collections are public
        return Collection.from_row(collection) if collection else None
    if type_name == "Post":
        post = await visible_post(ctx, pk)
        return Post.from_row(post) if post else None
    if type_name == "Credit":
        credit = await visible_credit(ctx, pk)
        return Credit.from_row(credit) if credit else None
    if type_name == "RadioStation":
        station = await ctx.loaders.station_by_id.load(pk)  # stations are public
        return RadioStation.from_row(station) if station else None
    if type_name == "RadioEpisode":
        episode = await visible_episode(ctx, pk)
        return RadioEpisode.from_row(episode) if episode else None
    if type_name == "Comment":
        comment = await visible_comment(ctx, pk)
        return Comment.from_row(comment) if comment else None
    if type_name == "KocRole":
        role = await visible_role(ctx, pk)  # public while active
        return KocRole.from_row(role) if role else None
    if type_name == "KocApplication":
        application = await visible_application(ctx, pk)  # the applicant's and staff's
        return KocApplication.from_row(application) if application else None
    if type_name == "GroupCertificationApplication":
        certification = await visible_certification(ctx, pk)  # its group's owners', admins'
        return GroupCertificationApplication.from_row(certification) if certification else None
    if type_name == "GroupJoinRequest":
        request = await visible_join_request(ctx, pk)  # the applicant's, the deciders'
        return GroupJoinRequest.from_row(request) if request else None
    if type_name == "GroupInvitation":
        invitation = await visible_invitation(ctx, pk)  # invitee's, inviter's, group staff's
        return GroupInvitation.from_row(invitation) if invitation else None
    if type_name == "GroupInviteLink":
        link = await visible_link(ctx, pk)  # a secret of the group's staff
        return GroupInviteLink.from_row(link) if link else None
    if type_name == "ModerationItem":
        item = await visible_item(ctx, pk)  # only to who works it
        return ModerationItem.from_row(item) if item else None
    if type_name == "PointsEntry":
        points = await visible_entry(ctx, Ledger.POINTS, pk)  # its owner's and staff's
        return PointsEntry.from_row(points) if points else None
    if type_name == "ContributionEntry":
        gained = await visible_entry(ctx, Ledger.CONTRIBUTION, pk)  # its owner's and staff's
        return ContributionEntry.from_row(gained) if gained else None
    if type_name == "ClubMembership":
        seat = await visible_membership(ctx, pk)  # public in force; staff's before and after
        return ClubMembership.from_row(seat) if seat else None
    if type_name == "Event":
        event = await visible_event(ctx, pk)  # public, or by its group's rules
        return Event.from_row(event) if event else None
    if type_name == "EventSignup":
        signup = await visible_signup(ctx, pk)  # its holder's and its event's staff's
        return EventSignup.from_row(signup) if signup else None
    if type_name == "SatisfactionRating":
        rating = await visible_rating(ctx, pk)  # its rater's and the staff's who read it
        return SatisfactionRating.from_row(rating) if rating else None
    if type_name == "Poll":
        poll = await visible_poll(ctx, pk)  # public, or by its group's rules
        return Poll.from_row(poll) if poll else None
    return None


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by global id; null if missing or not visible.")
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        return await resolve_node(info.context, id)

    @strawberry.field(description="Up to 100 objects by global id, in order; null where missing.")
    async def nodes(self, info: Info[Context, None], ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise InvalidInput(f"Ask for at most {MAX_NODES} ids at once.", field="ids")
        # Resolved together so that each loader batches the ids of its type into one query.
        return list(await asyncio.gather(*(resolve_node(info.context, i) for i in ids)))
