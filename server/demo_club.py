"""The demo's crowd and club: the leaderboard-only owners who fill a year's ranking, and the
club's founders and sponsors as the admin granted them."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from server.demo_data import ENGLISH, GIVEN, SURNAMES
from server.models import ClubKind, ClubMembership, User

# People on the leaderboard besides the demo's own accounts.
LIGHT_ACCOUNTS = 300
FOUNDERS = (("ceo", 9), ("owner", 6), ("member00", 4))  # handle, years since the term began
FOUNDER_REASON = "社区创始车主。One of the community's founding owners."
SPONSORS = (("member03", 45), ("member04", 120))  # handle, days since (within this year)
SPONSOR_REASON = "赞助了车主夏日聚会。Sponsored the owners' summer meetup."


async def light_accounts(rng: random.Random) -> list[int]:
    """The leaderboard's crowd: owners without a password, who appear only as ranks."""
    names = [
        rng.choice(SURNAMES) + rng.choice(GIVEN) if n % 2 else rng.choice(ENGLISH)
        for n in range(LIGHT_ACCOUNTS)
    ]
    await User.bulk_create(
        [
            User(handle=f"owner_{n + 1:03d}", display_name=name, is_demo=True, bio="车主 Owner")
            for n, name in enumerate(names)
        ]
    )
    ids = await User.filter(handle__startswith="owner_").order_by("id").values_list("id", flat=True)
    return [int(i) for i in ids]  # type: ignore[call-overload]


def years_later(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


async def seat_club(users: dict[str, User], now: datetime, year_start: datetime) -> int:
    """Founders (ten-year terms begun years ago) and sponsors (a year, begun this year), as the
    admin granted them."""
    seats = [(h, ClubKind.FOUNDER, years_later(now, -y), 10, FOUNDER_REASON) for h, y in FOUNDERS]
    seats += [
        (h, ClubKind.SPONSOR, max(year_start, now - timedelta(days=d)), 1, SPONSOR_REASON)
        for h, d in SPONSORS
    ]
    await ClubMembership.bulk_create(
        [
            ClubMembership(
                user_id=users[handle].id,
                kind=kind,
                starts_at=start,
                ends_at=years_later(start, years),
                reason=reason,
                granted_by_id=users["admin"].id,
                created_at=start,
            )
            for handle, kind, start, years, reason in seats
        ]
    )
    return len(seats)
