"""Who may call themselves what: handles and display names that would pass for the brand's
staff, its employees or its persona accounts are refused.

A handle is refused when it is reserved (`admin`, `official`, `support`, … and their spellings
such as `adm1n` or `admin_`) or when its confusable skeleton (Unicode TR39, see moderation.names)
comes within one letter of a protected account's handle. A display name is refused when its
skeleton equals a protected account's display name or handle. Protected accounts are
moderators, admins, employees with a badge and persona accounts.
"""

from __future__ import annotations

from typing import cast

from tortoise.expressions import Q

from moderation import names as texts
from server.errors import InvalidInput
from server.models import EmployeeBadge, PersonaAccount, PlatformRole, User


async def protected_accounts() -> list[tuple[int, str, str]]:
    """(id, handle, display name) of every account others could want to pass for."""
    badges = cast(list[int], await EmployeeBadge.all().values_list("user_id", flat=True))
    personas = cast(list[int], await PersonaAccount.all().values_list("user_id", flat=True))
    rows = await User.filter(
        Q(role__in=[PlatformRole.MODERATOR, PlatformRole.ADMIN]) | Q(id__in=badges + personas)
    ).values_list("id", "handle", "display_name")
    return [(int(i), str(h), str(n)) for i, h, n in rows]


async def check_new_handle(handle: str, *, reserved_allowed: bool = False) -> None:
    """Refuse a new account's handle that is reserved or passes for a protected account's."""
    if not reserved_allowed and texts.is_reserved_handle(handle):
        raise InvalidInput("This handle is reserved; choose another.", field="handle")
    for _, protected, _ in await protected_accounts():
        if protected != handle and texts.looks_like(handle, protected):
            raise InvalidInput(
                f"This handle is too close to @{protected}; choose another.", field="handle"
            )


async def check_display_name(name: str, *, own_id: int | None = None) -> None:
    """Refuse a display name that passes for a protected account (other than one's own)."""
    for account_id, handle, display_name in await protected_accounts():
        if account_id == own_id:
            continue
        if texts.names_look_alike(name, display_name) or texts.names_look_alike(name, handle):
            raise InvalidInput(
                "This name is too close to an official or staff account's; choose another.",
                field="displayName",
            )
