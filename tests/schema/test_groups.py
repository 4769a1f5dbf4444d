"""Groups through GraphQL: create, join, leave, members, listing."""

from __future__ import annotations

from server.models import Group, GroupMembership
from tests.helpers import create_group, join_group

LEAVE = """mutation($slug: String!) { leaveGroup(input: {slug: $slug}) {
  __typename ... on LeaveGroupSuccess { group { memberCount viewerRole } } ... on Error { message } } }"""


async def test_creator_owns_the_group_and_others_join_and_leave(api):
    ann = await api.register("ann")
    ben = await api.register("ben")
    created = await create_group(api, ann, "photo-club")
    assert created["group"]["memberCount"] == 1 and created["group"]["viewerRole"] == "OWNER"
    joined = await join_group(api, ben, "photo-club")
    assert joined["group"] == {"memberCount": 2, "viewerRole": "MEMBER"}
    assert (await join_group(api, ben, "photo-club"))["group"]["memberCount"] == 2
    members = await api.data(
        '{ group(slug: "photo-club") { members { edges { node { role user { handle } } } } } }'
    )
    assert [
        (e["node"]["user"]["handle"], e["node"]["role"])
        for e in members["group"]["members"]["edges"]
    ] == [
        ("ann", "OWNER"),
        ("ben", "MEMBER"),
    ]
    left = await api.data(LEAVE, {"slug": "photo-club"}, token=ben)
    assert left["leaveGroup"]["group"] == {"memberCount": 1, "viewerRole": None}


async def test_the_only_owner_cannot_leave(api):
    ann = await api.register("ann")
    await create_group(api, ann, "photo-club")
    data = await api.data(LEAVE, {"slug": "photo-club"}, token=ann)
    assert data["leaveGroup"]["__typename"] == "ConflictError"
    assert await GroupMembership.all().count() == 1


async def test_create_group_validates_and_refuses_taken_slugs(api):
    ann = await api.register("ann")
    assert (await create_group(api, ann, "Bad Slug!"))["__typename"] == "ValidationError"
    assert (await create_group(api, ann, "camping"))["__typename"] == "CreateGroupSuccess"
    assert (await create_group(api, ann, "camping"))["__typename"] == "ConflictError"
    assert await Group.all().count() == 1


async def test_only_admins_create_industry_groups_and_certify(api):
    ann = await api.register("ann")
    body = await api.query(
        'mutation { createGroup(input: {slug: "finance", name: "Finance", kind: INDUSTRY}) { __typename } }',
        token=ann,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await create_group(api, ann, "camping")
    body = await api.query(
        'mutation { setGroupCertified(input: {slug: "camping", certified: true}) { __typename } }',
        token=ann,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await Group.get()).certified is False


async def test_groups_list_filters_and_pages(api):
    tokens = [await api.register(h) for h in ("ann", "ben", "cat")]
    for slug in ("a-club", "b-club", "c-club"):
        await create_group(api, tokens[0], slug)
    await join_group(api, tokens[1], "b-club")
    await join_group(api, tokens[2], "b-club")
    await join_group(api, tokens[1], "c-club")
    await Group.filter(slug="c-club").update(certified=True)
    page = await api.data(
        "{ groups(first: 2) { edges { node { slug } } pageInfo { hasNextPage endCursor } } }"
    )
    assert [e["node"]["slug"] for e in page["groups"]["edges"]] == ["b-club", "c-club"]
    rest = await api.data(
        "query($a: String) { groups(first: 2, after: $a) { edges { node { slug } } pageInfo { hasNextPage } } }",
        {"a": page["groups"]["pageInfo"]["endCursor"]},
    )
    assert [e["node"]["slug"] for e in rest["groups"]["edges"]] == ["a-club"]
    certified = await api.data("{ groups(certified: true) { edges { node { slug certified } } } }")
    assert certified["groups"]["edges"] == [{"node": {"slug": "c-club", "certified": True}}]


async def test_unknown_group_reads_as_null(api):
    assert await api.data(
        '{ group(slug: "nope") { slug } groupFeed(slug: "nope") { edges { cursor } } }'
    ) == {
        "group": None,
        "groupFeed": None,
    }
