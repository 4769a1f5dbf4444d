"""What goes into the index: one document per public object, built from its rows.

Only what an anonymous visitor may see is indexed. The rules mirror
`moderation.policies.can_see_post` and `can_see_episode` for a viewer who is not signed in
(tests hold them together), and add one of their own: a suspended author's content leaves
search until the term ends. Groups, stations and collections are public, every one of them: a
members-only group keeps its posts to its members, not its name and what it is about.

Events are the one kind whose index holds more than the public: a members-only group's events
are for its members to find, as its event listings are. Their documents say who may see them
(`public`, `group_id`), every search of them is narrowed to the viewer's audience
(search.query.Audience), and each hit is checked again against the database when it is read.
Cancelled events are not indexed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from server.models import (
    AccountState,
    Collection,
    EmployeeBadge,
    EpisodeState,
    Event,
    EventState,
    Group,
    GroupVisibility,
    KocRole,
    KocRoleState,
    PersonaAccount,
    Post,
    PostState,
    RadioEpisode,
    RadioStation,
    User,
)


class AuthorKind(StrEnum):
    """What search can filter and count authors by: their identity, and two badges."""

    FAN = "FAN"
    DEPOSIT_HOLDER = "DEPOSIT_HOLDER"
    OWNER = "OWNER"
    EMPLOYEE = "EMPLOYEE"
    PERSONA = "PERSONA"


MAX_BODY_INDEXED = 20_000  # long articles: the opening is what people remember


def timestamp(moment: datetime | None) -> int:
    """Milliseconds since the epoch: what filters and sorting by time compare."""
    return int(moment.timestamp() * 1000) if moment else 0


def author_is_listed(author: User | None, now: datetime | None = None) -> bool:
    if author is None or author.state == AccountState.BANNED:
        return False
    if author.state != AccountState.SUSPENDED:
        return True
    return author.suspended_until is not None and author.suspended_until <= (
        now or datetime.now(UTC)
    )


def group_is_public(group: Group | None) -> bool:
    return group is not None and group.visibility == GroupVisibility.PUBLIC


def post_is_public(post: Post, group: Group | None, author: User | None) -> bool:
    if post.state != PostState.PUBLISHED:
        return False
    if post.group_id is not None and not group_is_public(group):
        return False
    return author_is_listed(author)


def author_kinds(
    user: User, badge: EmployeeBadge | None, persona: PersonaAccount | None
) -> list[str]:
    kinds = [str(user.identity)]
    if badge is not None:
        kinds.append(AuthorKind.EMPLOYEE)
    if persona is not None:
        kinds.append(AuthorKind.PERSONA)
    return kinds


def post_document(
    post: Post,
    group: Group | None,
    author: User,
    badge: EmployeeBadge | None,
    persona: PersonaAccount | None,
) -> dict[str, Any]:
    return {
        "id": post.id,
        "type": "post",
        "title": post.title or "",
        "body": post.body[:MAX_BODY_INDEXED],
        "tags": list(post.tags),
        "kind": str(post.kind),
        "group_id": group.id if group else None,
        "group_slug": group.slug if group else None,
        "group_name": group.name if group else "",
        "author_id": author.id,
        "author_handle": author.handle,
        "author_name": author.display_name,
        "author_kinds": author_kinds(author, badge, persona),
        "created_at": timestamp(post.published_at or post.created_at),
    }


def group_document(group: Group) -> dict[str, Any]:
    """A group, with its industry (an `Industry` value, or null) to filter and count by."""
    return {
        "id": group.id,
        "type": "group",
        "name": group.name,
        "slug": group.slug,
        "description": group.description,
        "kind": str(group.kind),
        "industry": str(group.industry) if group.industry else None,
        "certified": group.certified,
        "created_at": timestamp(group.created_at),
    }


def user_document(
    user: User,
    badge: EmployeeBadge | None,
    persona: PersonaAccount | None,
    koc: list[KocRole] | None = None,
) -> dict[str, Any]:
    """A profile, with the KOC roles the person holds now (`koc`, their badges) to filter and
    count by."""
    return {
        "id": user.id,
        "type": "user",
        "handle": user.handle,
        "display_name": user.display_name,
        "bio": user.bio,
        "region": user.region or "",
        "vehicle_models": list(user.vehicle_models),
        "badge": f"{badge.department} {badge.title}" if badge else "",
        "author_kinds": author_kinds(user, badge, persona),
        "koc": sorted({str(role.kind) for role in koc or [] if role.state == KocRoleState.ACTIVE}),
        "created_at": timestamp(user.created_at),
    }


def episode_is_public(episode: RadioEpisode, author: User | None) -> bool:
    return episode.state == EpisodeState.PUBLISHED and author_is_listed(author)


def episode_document(
    episode: RadioEpisode,
    station: RadioStation,
    author: User,
    badge: EmployeeBadge | None,
    persona: PersonaAccount | None,
    credited: list[User],
) -> dict[str, Any]:
    """An episode with what people remember of it: its station's name (`电台` finds the
    episodes of 蔚来电台·上海站) and who made it (the accepted credits only)."""
    return {
        "id": episode.id,
        "type": "episode",
        "title": episode.title,
        "description": episode.description[:MAX_BODY_INDEXED],
        "station_id": station.id,
        "station_slug": station.slug,
        "station_name": station.name,
        "station_city": station.city,
        "author_id": author.id,
        "author_handle": author.handle,
        "author_name": author.display_name,
        "author_kinds": author_kinds(author, badge, persona),
        "credited_handles": [user.handle for user in credited],
        "credited_names": [user.display_name for user in credited],
        "created_at": timestamp(episode.published_at or episode.created_at),
    }


def station_document(station: RadioStation) -> dict[str, Any]:
    return {
        "id": station.id,
        "type": "station",
        "name": station.name,
        "slug": station.slug,
        "city": station.city,
        "description": station.description,
        "created_at": timestamp(station.created_at),
    }


def collection_document(collection: Collection) -> dict[str, Any]:
    return {
        "id": collection.id,
        "type": "collection",
        "title": collection.title,
        "slug": collection.slug,
        "description": collection.description,
        "created_at": timestamp(collection.created_at),
    }


def event_is_listed(event: Event) -> bool:
    """Scheduled and finished events are found (finished ones below upcoming ones); cancelled
    ones are not."""
    return event.state != EventState.CANCELLED


def event_document(event: Event, group: Group | None) -> dict[str, Any]:
    """An event with where and when it is, and who may find it: `public` for a platform event
    or a public group's, otherwise the members of `group_id` only."""
    return {
        "id": event.id,
        "type": "event",
        "title": event.title,
        "description": event.description[:MAX_BODY_INDEXED],
        "city": event.city,
        "venue": event.venue,
        "kind": str(event.kind),
        "state": str(event.state),
        "group_id": group.id if group else None,
        "group_slug": group.slug if group else None,
        "group_visibility": str(group.visibility) if group else None,
        "public": group is None or group_is_public(group),
        "starts_at": timestamp(event.starts_at),
        "ends_at": timestamp(event.ends_at),
        "created_at": timestamp(event.created_at),
    }
