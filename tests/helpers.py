"""Small helpers shared by the GraphQL tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from server.models import (
    AccountState,
    Group,
    GroupKind,
    GroupMembership,
    GroupRole,
    GroupVisibility,
    PlatformRole,
    Post,
    PostKind,
    PostState,
    User,
)

CREATE_POST = """
mutation($input: CreatePostInput!) { createPost(input: $input) {
  __typename
  ... on CreatePostSuccess { post { id state title body tags author { handle } group { slug } } }
  ... on ValidationError { message code field }
  ... on Error { message code }
} }"""


async def make_account(
    handle: str,
    role: PlatformRole = PlatformRole.USER,
    state: AccountState = AccountState.ACTIVE,
    *,
    days_old: int = 0,
    until_days: int | None = None,
) -> User:
    """An account in the database, in any role and state, `days_old` days old, sanctioned
    until `until_days` from now."""
    now = datetime.now(UTC)
    user = await User.create(
        handle=handle,
        display_name=handle.replace("_", " ").title(),
        role=role,
        state=state,
        suspended_until=now + timedelta(days=until_days) if until_days else None,
    )
    if days_old:
        await User.filter(id=user.id).update(created_at=now - timedelta(days=days_old))
        await user.refresh_from_db()
    return user


async def make_group(
    slug: str,
    owner: User,
    *members: User,
    visibility: GroupVisibility = GroupVisibility.PUBLIC,
    admins: tuple[User, ...] = (),
    moderators: tuple[User, ...] = (),
) -> Group:
    """An interest group written straight into the database, with its owner, admins,
    moderators and members."""
    row = await Group.create(
        slug=slug,
        name=slug.replace("-", " ").title(),
        kind=GroupKind.INTEREST,
        visibility=visibility,
        created_by_id=owner.id,
        member_count=1 + len(members) + len(admins) + len(moderators),
    )
    await GroupMembership.create(group=row, user=owner, role=GroupRole.OWNER)
    for admin in admins:
        await GroupMembership.create(group=row, user=admin, role=GroupRole.ADMIN)
    for moderator in moderators:
        await GroupMembership.create(group=row, user=moderator, role=GroupRole.MODERATOR)
    for member in members:
        await GroupMembership.create(group=row, user=member, role=GroupRole.MEMBER)
    return row


async def make_post(
    author: User, body: str = "a post", *, group: Group | None = None, **fields: Any
) -> Post:
    """A post written straight into the database (published unless `state` says otherwise)."""
    values: dict[str, Any] = {"state": PostState.PUBLISHED, "published_at": datetime.now(UTC)}
    return await Post.create(
        author=author, group=group, kind=PostKind.MOMENT, body=body, **(values | fields)
    )


async def make_role(handle: str, role: PlatformRole) -> None:
    await User.filter(handle=handle).update(role=role)


async def create_post(api: Any, token: str, **fields: Any) -> dict[str, Any]:
    values = {"kind": "MOMENT", "body": "hello"} | fields
    data = await api.data(CREATE_POST, {"input": values}, token=token)
    return data["createPost"]


async def post_id(api: Any, token: str, **fields: Any) -> str:
    result = await create_post(api, token, **fields)
    assert result["__typename"] == "CreatePostSuccess", result
    return result["post"]["id"]


async def create_group(
    api: Any, token: str, slug: str, visibility: str = "PUBLIC"
) -> dict[str, Any]:
    data = await api.data(
        """mutation($input: CreateGroupInput!) { createGroup(input: $input) {
             __typename ... on CreateGroupSuccess { group { id slug memberCount viewerRole } }
             ... on Error { message code } } }""",
        {"input": {"slug": slug, "name": slug.title(), "visibility": visibility}},
        token=token,
    )
    return data["createGroup"]


async def join_group(api: Any, token: str, slug: str) -> dict[str, Any]:
    data = await api.data(
        """mutation($slug: String!) { joinGroup(input: {slug: $slug}) {
             __typename ... on JoinGroupSuccess { group { memberCount viewerRole } } } }""",
        {"slug": slug},
        token=token,
    )
    return data["joinGroup"]


async def feed_ids(
    api: Any, field: str = "globalFeed", token: str | None = None, **args: Any
) -> list[str]:
    params = ", ".join(f"{k}: {v!r}".replace("'", '"') for k, v in args.items())
    data = await api.data(
        f"{{ {field}{f'({params})' if params else ''} {{ edges {{ node {{ id }} }} }} }}",
        token=token,
    )
    return [edge["node"]["id"] for edge in data[field]["edges"]]


async def moderate(
    api: Any,
    moderator_token: str,
    reporter_token: str,
    target_id: str,
    actions: list[str],
    reason: str = "breaks the rules",
    days: int | None = None,
) -> dict[str, Any]:
    """Report a target and have a moderator decide its queue item; the decided item."""
    report = await api.data(
        """mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) {
             __typename ... on Error { message } } }""",
        {"id": target_id},
        token=reporter_token,
    )
    assert report["reportContent"]["__typename"] == "ReportContentSuccess", report
    queue = await api.data(
        "{ moderationQueue(first: 100) { edges { node { id target { __typename "
        "... on Post { id } ... on Comment { id } ... on User { id } ... on Group { id } } } } } }",
        token=moderator_token,
    )
    [item] = [
        e["node"]["id"]
        for e in queue["moderationQueue"]["edges"]
        if e["node"]["target"] and e["node"]["target"]["id"] == target_id
    ]
    decided = await api.data(
        """mutation($input: ResolveQueueItemInput!) { resolveQueueItem(input: $input) {
             __typename ... on ResolveQueueItemSuccess { item { id state } }
             ... on Error { message } } }""",
        {"input": {"itemId": item, "actions": actions, "reason": reason, "days": days}},
        token=moderator_token,
    )
    assert decided["resolveQueueItem"]["__typename"] == "ResolveQueueItemSuccess", decided
    return decided["resolveQueueItem"]["item"]
