"""Notifications through GraphQL: marking them read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.models import Notification, User
from tests.conftest import Api

FOLLOW = """mutation($h: String!) { followUser(input: {handle: $h}) { __typename } }"""
MARK_ALL = """mutation($input: MarkAllNotificationsReadInput!) { markAllNotificationsRead(input: $input) {
  __typename ... on MarkAllNotificationsReadSuccess { marked unreadCount } } }"""


async def test_marking_all_read_up_to_a_time_leaves_what_came_later_unread(api: Api) -> None:
    ann = await api.register("ann")
    for follower in ("ben", "cat"):
        await api.data(FOLLOW, {"h": "ann"}, token=await api.register(follower))
    ben = await User.get(handle="ben")
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    await Notification.filter(actor_id=ben.id).update(updated_at=an_hour_ago)

    seen = an_hour_ago + timedelta(minutes=1)
    data = await api.data(MARK_ALL, {"input": {"upTo": seen.isoformat()}}, token=ann)
    assert data["markAllNotificationsRead"] == {
        "__typename": "MarkAllNotificationsReadSuccess",
        "marked": 1,
        "unreadCount": 1,
    }
    # The input may be left out: everything is marked read.
    data = await api.data(
        "mutation { markAllNotificationsRead { ... on MarkAllNotificationsReadSuccess { marked unreadCount } } }",
        token=ann,
    )
    assert data["markAllNotificationsRead"] == {"marked": 1, "unreadCount": 0}
