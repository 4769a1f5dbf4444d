"""Group invitations and invite links: inviting someone by handle, answering and revoking an
invitation; making, using and revoking invite links."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry
from strawberry import Info

from resolvers import group_invitations as cases
from resolvers.context import Context
from resolvers.group_joins import MembershipState
from schema.enums import GroupInvitationState
from schema.errors import (
    ConflictError,
    NotEligibleError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.groups import Group
from schema.loading import now_or_later
from schema.relay import Connection, Node, decode_pk, encode_id, page_size, to_connection
from schema.users import User
from server import models


def _user(row: models.User | None) -> User | None:
    return User.from_row(row) if row else None


def _invitee(row: models.User | None) -> User:
    assert row is not None, "an invitation is deleted with its invitee"
    return User.from_row(row)


def _group(row: models.Group | None) -> Group:
    assert row is not None, "an invitation or a link is deleted with its group"
    return Group.from_row(row)


@strawberry.type(
    description="An invitation to join a group: seen by the invitee, the inviter, the group's "
    "staff and platform admins."
)
class GroupInvitation(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.GroupInvitation]
    state: GroupInvitationState = strawberry.field(
        description="PENDING, ACCEPTED, DECLINED or REVOKED."
    )
    created_at: datetime = strawberry.field(description="When the invitation was sent.")
    answered_at: datetime | None = strawberry.field(
        description="When it was accepted, declined or revoked; null while pending."
    )

    @classmethod
    def from_row(cls, row: models.GroupInvitation) -> GroupInvitation:
        return cls(
            id=encode_id("GroupInvitation", row.id),
            pk=row.id,
            row=row,
            state=row.state,
            created_at=row.created_at,
            answered_at=row.answered_at,
        )

    @classmethod
    async def for_user(
        cls, info: Info[Context, None], user_id: int, first: int | None, after: str | None
    ) -> Connection[GroupInvitation] | None:
        """`User.groupInvitations`: the viewer's open invitations; None for anyone else."""
        ctx = info.context
        page = await cases.list_own_invitations(ctx, user_id, page_size(ctx.settings, first), after)
        return to_connection(page, cls.from_row) if page is not None else None

    @strawberry.field(description="The group it invites to.")
    def group(self, info: Info[Context, None]) -> Group:
        return now_or_later(info.context.loaders.group_by_id, self.row.group_id, _group)

    @strawberry.field(description="Who invited; null once their account is gone.")
    def inviter(self, info: Info[Context, None]) -> User | None:
        if self.row.inviter_id is None:
            return None
        return now_or_later(info.context.loaders.user_by_id, self.row.inviter_id, _user)

    @strawberry.field(description="Who is invited.")
    def invitee(self, info: Info[Context, None]) -> User:
        return now_or_later(info.context.loaders.user_by_id, self.row.user_id, _invitee)


@strawberry.type(
    description="A secret code that lets whoever has it join a group, a number of times or "
    "until a moment: for the group's staff and platform admins alone."
)
class GroupInviteLink(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.GroupInviteLink]
    code: str = strawberry.field(description="The code to share; `joinGroupByInvite` takes it.")
    max_uses: int | None = strawberry.field(description="How many joins it allows; null: any.")
    uses: int = strawberry.field(description="How many people joined with it.")
    expires_at: datetime | None = strawberry.field(
        description="When it stops admitting anyone; null: never."
    )
    revoked_at: datetime | None = strawberry.field(description="When staff revoked it, if so.")
    created_at: datetime = strawberry.field(description="When it was made.")

    @classmethod
    def from_row(cls, row: models.GroupInviteLink) -> GroupInviteLink:
        return cls(
            id=encode_id("GroupInviteLink", row.id),
            pk=row.id,
            row=row,
            code=row.code,
            max_uses=row.max_uses,
            uses=row.uses,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
            created_at=row.created_at,
        )

    @classmethod
    async def for_group(
        cls, info: Info[Context, None], group: models.Group, first: int | None, after: str | None
    ) -> Connection[GroupInviteLink] | None:
        """`Group.inviteLinks`: for the group's staff and platform admins; None for others."""
        ctx = info.context
        page = await cases.list_invite_links(ctx, group, page_size(ctx.settings, first), after)
        return to_connection(page, cls.from_row) if page is not None else None

    @strawberry.field(
        description="Whether it admits people now: not revoked, not expired, not used up."
    )
    def active(self) -> bool:
        return cases.link_refusal(self.row, datetime.now(UTC)) is None

    @strawberry.field(description="The group it admits to.")
    def group(self, info: Info[Context, None]) -> Group:
        return now_or_later(info.context.loaders.group_by_id, self.row.group_id, _group)

    @strawberry.field(description="Who made it; null once their account is gone.")
    def created_by(self, info: Info[Context, None]) -> User | None:
        if self.row.created_by_id is None:
            return None
        return now_or_later(info.context.loaders.user_by_id, self.row.created_by_id, _user)


# --- invitations -------------------------------------------------------------------------------


@strawberry.input(description="Whom to invite to which group.")
class InviteToGroupInput:
    slug: str = strawberry.field(description="The group's slug.")
    handle: str = strawberry.field(description="The handle of the person to invite.")


@strawberry.type(description="The invitation waits for the invitee's answer.")
class InviteToGroupSuccess:
    invitation: GroupInvitation = strawberry.field(description="The new invitation, PENDING.")


InviteToGroupResult = Annotated[
    InviteToGroupSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | NotEligibleError
    | RateLimitedError,
    strawberry.union("InviteToGroupResult"),
]


@strawberry.input(description="An answer to an invitation of yours.")
class RespondToGroupInvitationInput:
    invitation_id: strawberry.ID = strawberry.field(description="The pending invitation.")
    accept: bool = strawberry.field(description="True joins the group; false declines.")


@strawberry.type(description="The invitation was answered.")
class RespondToGroupInvitationSuccess:
    invitation: GroupInvitation = strawberry.field(description="ACCEPTED or DECLINED.")
    group: Group = strawberry.field(description="The group, as it is now.")
    membership_state: MembershipState | None = strawberry.field(
        description="Where the viewer stands with the group now: MEMBER after accepting; "
        "after declining, PENDING if a request of theirs to join waits, else null."
    )


RespondToGroupInvitationResult = Annotated[
    RespondToGroupInvitationSuccess | NotFoundError | ConflictError | NotEligibleError,
    strawberry.union("RespondToGroupInvitationResult"),
]


@strawberry.input(description="The invitation to take back.")
class RevokeGroupInvitationInput:
    invitation_id: strawberry.ID = strawberry.field(description="A pending invitation.")


@strawberry.type(description="The invitation was revoked.")
class RevokeGroupInvitationSuccess:
    invitation: GroupInvitation = strawberry.field(description="The invitation, REVOKED.")


RevokeGroupInvitationResult = Annotated[
    RevokeGroupInvitationSuccess | NotFoundError | ConflictError,
    strawberry.union("RevokeGroupInvitationResult"),
]


# --- invite links ------------------------------------------------------------------------------


@strawberry.input(description="A new invite link for a group.")
class CreateGroupInviteLinkInput:
    slug: str = strawberry.field(description="The group's slug.")
    max_uses: int | None = strawberry.field(
        default=None, description="How many joins it allows, 1 to 10,000; null for any."
    )
    expires_in_hours: int | None = strawberry.field(
        default=None, description="Hours until it expires, 1 to 8,760 (a year); null: never."
    )


@strawberry.type(description="The link was made; share its code.")
class CreateGroupInviteLinkSuccess:
    link: GroupInviteLink = strawberry.field(description="The new link.")


CreateGroupInviteLinkResult = Annotated[
    CreateGroupInviteLinkSuccess | ValidationError | NotFoundError,
    strawberry.union("CreateGroupInviteLinkResult"),
]


@strawberry.input(description="The code of an invite link.")
class JoinGroupByInviteInput:
    code: str = strawberry.field(description="The code someone shared.")


@strawberry.type(description="The viewer is a member of the link's group.")
class JoinGroupByInviteSuccess:
    group: Group = strawberry.field(description="The group joined.")
    membership_state: MembershipState = strawberry.field(description="MEMBER.")


JoinGroupByInviteResult = Annotated[
    JoinGroupByInviteSuccess | NotFoundError | NotEligibleError | ConflictError,
    strawberry.union("JoinGroupByInviteResult"),
]


@strawberry.input(description="The invite link to stop.")
class RevokeGroupInviteLinkInput:
    link_id: strawberry.ID = strawberry.field(description="The link.")


@strawberry.type(description="The link admits nobody any more (revoking it again is a no-op).")
class RevokeGroupInviteLinkSuccess:
    link: GroupInviteLink = strawberry.field(description="The link, with its `revokedAt`.")


RevokeGroupInviteLinkResult = Annotated[
    RevokeGroupInviteLinkSuccess | NotFoundError,
    strawberry.union("RevokeGroupInviteLinkResult"),
]


@strawberry.type
class GroupInvitationMutations:
    @strawberry.mutation(
        description="Invite someone to a group by handle: any member of an OPEN group; the "
        "group's staff and platform admins for the others. The invitee joins on accepting, "
        "whatever the group's join policy."
    )
    async def invite_to_group(
        self, info: Info[Context, None], input: InviteToGroupInput
    ) -> InviteToGroupResult:
        row = await cases.invite_to_group(info.context, input.slug, input.handle)
        return InviteToGroupSuccess(invitation=GroupInvitation.from_row(row))

    @strawberry.mutation(
        description="Accept (joining the group) or decline a pending invitation of yours."
    )
    async def respond_to_group_invitation(
        self, info: Info[Context, None], input: RespondToGroupInvitationInput
    ) -> RespondToGroupInvitationResult:
        pk = decode_pk(input.invitation_id, "GroupInvitation")
        answer = await cases.respond_to_invitation(info.context, pk, input.accept)
        return RespondToGroupInvitationSuccess(
            invitation=GroupInvitation.from_row(answer.invitation),
            group=Group.from_row(answer.group),
            membership_state=answer.membership_state,
        )

    @strawberry.mutation(
        description="Take back a pending invitation: its inviter, the group's staff, or a "
        "platform admin."
    )
    async def revoke_group_invitation(
        self, info: Info[Context, None], input: RevokeGroupInvitationInput
    ) -> RevokeGroupInvitationResult:
        pk = decode_pk(input.invitation_id, "GroupInvitation")
        row = await cases.revoke_invitation(info.context, pk)
        return RevokeGroupInvitationSuccess(invitation=GroupInvitation.from_row(row))

    @strawberry.mutation(
        description="Make an invite link for a group. The group's staff and platform admins."
    )
    async def create_group_invite_link(
        self, info: Info[Context, None], input: CreateGroupInviteLinkInput
    ) -> CreateGroupInviteLinkResult:
        row = await cases.create_invite_link(
            info.context, input.slug, input.max_uses, input.expires_in_hours
        )
        return CreateGroupInviteLinkSuccess(link=GroupInviteLink.from_row(row))

    @strawberry.mutation(
        description="Join a group with an invite link's code, whatever its join policy."
    )
    async def join_group_by_invite(
        self, info: Info[Context, None], input: JoinGroupByInviteInput
    ) -> JoinGroupByInviteResult:
        row = await cases.join_by_invite(info.context, input.code)
        return JoinGroupByInviteSuccess(
            group=Group.from_row(row), membership_state=MembershipState.MEMBER
        )

    @strawberry.mutation(
        description="Stop an invite link. The group's staff and platform admins; revoking a "
        "revoked link succeeds and changes nothing."
    )
    async def revoke_group_invite_link(
        self, info: Info[Context, None], input: RevokeGroupInviteLinkInput
    ) -> RevokeGroupInviteLinkResult:
        pk = decode_pk(input.link_id, "GroupInviteLink")
        row = await cases.revoke_invite_link(info.context, pk)
        return RevokeGroupInviteLinkSuccess(link=GroupInviteLink.from_row(row))
