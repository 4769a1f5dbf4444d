"""Finding accounts and groups by what clients type: a handle, a slug. The one place these
lookups are written.

Text that cannot be a handle or slug finds nothing, without asking the database (a lone
surrogate or a NUL would otherwise reach the driver and fail there). `require_user` answers
InvalidInput naming the field for text that cannot be a handle, NotFound for one nobody has;
`require_group` answers NotFound for both."""

from __future__ import annotations

from resolvers import validation
from server.errors import InvalidInput, NotFound
from server.models import Group, User


async def user_by_handle(handle: str) -> User | None:
    try:
        return await User.get_or_none(handle=validation.handle(handle))
    except InvalidInput:
        return None


async def group_by_slug(slug: str) -> Group | None:
    try:
        return await Group.get_or_none(slug=validation.slug(slug))
    except InvalidInput:
        return None


async def require_user(handle: str, field: str = "handle") -> User:
    user = await User.get_or_none(handle=validation.handle(handle, field))
    if user is None:
        raise NotFound(f"No user @{handle.strip().lstrip('@')}.")
    return user


async def require_group(slug: str, field: str = "slug") -> Group:
    """The group; NotFound for a slug that names none, or cannot name one (`field` is for the
    message only)."""
    group = await group_by_slug(slug)
    if group is None:
        raise NotFound(f"No group with the slug '{slug}'.")
    return group
