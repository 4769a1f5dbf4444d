"""Finding accounts and groups by what clients type: a handle, a slug. Text that cannot be a
handle or slug finds nothing, without asking the database (a lone surrogate or a NUL would
otherwise reach the driver and fail there)."""

from __future__ import annotations

from resolvers import validation
from server.errors import InvalidInput
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
