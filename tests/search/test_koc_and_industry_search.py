"""Finding people by their KOC badges and groups by industry and certification, against a real
Meilisearch, on SQLite and PostgreSQL: every change of a badge (granted, renewed, revoked,
ended by the scheduler) reaches a person's document; the facets count them; groups are public,
members-only ones included, while a members-only group's posts never are; and a new version's
index settings reach an index that already exists, with its documents sent again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from resolvers.context import Context, Resources
from resolvers.koc import (
    apply_for_role,
    end_due_koc_roles,
    renew_role,
    review_application,
    revoke_role,
)
from resolvers.koc_programs import ensure_programs
from schema.relay import decode_pk
from search import documents, sources
from search.engine import SearchEngine
from search.indexes import GROUPS, SPECS, USERS
from search.outbox import mark_changed
from search.query import SearchFilters, clean_filters, filter_expressions
from search.sync import SearchSync
from server.models import (
    Group,
    GroupKind,
    GroupVisibility,
    IdentityKind,
    Industry,
    KocRole,
    KocRoleKind,
    KocRoleState,
    PlatformRole,
    Post,
    PostState,
    SearchEntity,
    SearchOutbox,
    User,
)
from tests.conftest import Api
from tests.helpers import create_group, make_account, post_id
from tests.search import test_search
from tests.search.test_search import settled

# The app-with-search fixtures of tests/search/test_search.py, shared rather than copied.
search_settings = test_search.search_settings
engine = test_search.engine
search_api = test_search.search_api

STATEMENT = "I find the owners' stories nobody has written yet."
SEARCH = """query($q: String!, $types: [SearchType!], $filters: SearchFilters) {
  search(query: $q, types: $types, filters: $filters) {
    edges { node { __typename ... on User { handle } ... on Group { slug } ... on Post { id } } }
    facets { types { value count } koc { value count } industries { value count } }
  } }"""


async def search(api: Api, q: str, **variables: Any) -> dict[str, Any]:
    return (await api.data(SEARCH, {"q": q, **variables}))["search"]


def found(result: dict[str, Any]) -> list[str]:
    """The handle, slug or id of each hit."""
    return sorted(
        e["node"].get("handle") or e["node"].get("slug") or e["node"]["id"] for e in result["edges"]
    )


async def drivers(*handles: str) -> dict[str, User]:
    """Owners whose profiles all say "driver", sent to search."""
    users = {}
    for handle in handles:
        user = await make_account(handle, days_old=30)
        await User.filter(id=user.id).update(identity=IdentityKind.OWNER, bio="ES8 driver")
        users[handle] = await User.get(id=user.id)
    await mark_changed(SearchEntity.USER, *(u.id for u in users.values()))
    return users


async def granted(resources: Resources, staff: User, holder: User, kind: KocRoleKind) -> KocRole:
    application = await apply_for_role(Context(resources, viewer=holder), kind, STATEMENT)
    review = await review_application(Context(resources, viewer=staff), application.id, True)
    assert review.role is not None
    return review.role


# --- people by KOC badge ------------------------------------------------------------------------


async def test_a_granted_badge_makes_a_person_findable_and_a_revoked_or_ended_one_drops_them(
    search_api: Api, engine: SearchEngine, resources: Resources
) -> None:
    mia = await make_account("mia", PlatformRole.MODERATOR, days_old=30)
    people = await drivers("lin", "kai", "ann")
    await ensure_programs()
    await settled(search_api, engine)
    assert found(await search(search_api, "driver", filters={"koc": ["STORY_SCOUT"]})) == []

    scout = await granted(resources, mia, people["lin"], KocRoleKind.STORY_SCOUT)
    await granted(resources, mia, people["kai"], KocRoleKind.STORY_SCOUT)
    await granted(resources, mia, people["kai"], KocRoleKind.QUALITY_OFFICER)
    await settled(search_api, engine)

    everyone = await search(search_api, "driver")
    assert found(everyone) == ["ann", "kai", "lin"]
    assert everyone["facets"]["koc"] == [
        {"value": "STORY_SCOUT", "count": 2},
        {"value": "QUALITY_OFFICER", "count": 1},
    ]
    scouts = await search(search_api, "driver", filters={"koc": ["STORY_SCOUT"]})
    assert found(scouts) == ["kai", "lin"]
    # Only people hold badges: posts, groups and the rest drop out of such a search.
    assert scouts["facets"]["types"] == [{"value": "USER", "count": 2}]
    either = {"koc": ["QUALITY_OFFICER", "VOLUNTEER"]}
    assert found(await search(search_api, "driver", filters=either)) == ["kai"]

    await renew_role(Context(resources, viewer=mia), scout.id, 6)
    await settled(search_api, engine)
    assert found(await search(search_api, "driver", filters={"koc": ["STORY_SCOUT"]})) == [
        "kai",
        "lin",
    ]

    await revoke_role(Context(resources, viewer=mia), scout.id, "No stories this year.")
    await settled(search_api, engine)
    assert found(await search(search_api, "driver", filters={"koc": ["STORY_SCOUT"]})) == ["kai"]

    later = datetime.now(UTC) + timedelta(days=400)  # every term is over by then
    assert len((await end_due_koc_roles(resources.hub, later)).ended) == 2
    await settled(search_api, engine)
    after = await search(search_api, "driver")
    assert found(after) == ["ann", "kai", "lin"]
    assert after["facets"]["koc"] == []
    assert found(await search(search_api, "driver", filters={"koc": ["STORY_SCOUT"]})) == []


async def test_every_change_of_a_badge_asks_search_for_the_persons_document(
    resources: Resources,
) -> None:
    """The outbox rows, without Meilisearch: granted, renewed, revoked, ended."""
    mia = await make_account("mia", PlatformRole.MODERATOR, days_old=30)
    people = await drivers("lin", "kai")
    await ensure_programs()
    await SearchOutbox.all().delete()

    async def asked() -> list[int]:
        rows = await SearchOutbox.filter(entity=SearchEntity.USER).order_by("id")
        await SearchOutbox.all().delete()
        return [row.entity_id for row in rows]

    lin, kai = people["lin"], people["kai"]
    role = await granted(resources, mia, lin, KocRoleKind.STORY_SCOUT)
    assert await asked() == [lin.id]
    await renew_role(Context(resources, viewer=mia), role.id, 3)
    assert await asked() == [lin.id]
    await revoke_role(Context(resources, viewer=mia), role.id, "No stories this year.")
    assert await asked() == [lin.id]
    await granted(resources, mia, kai, KocRoleKind.STORY_SCOUT)
    await asked()
    await end_due_koc_roles(resources.hub, datetime.now(UTC) + timedelta(days=400))
    assert await asked() == [kai.id]


async def test_people_documents_read_their_badges_in_one_statement_for_a_batch(
    db: Any, sql_statements: Any
) -> None:
    now = datetime.now(UTC)
    counts = {}
    for size in (3, 30):
        await User.all().delete()
        await User.bulk_create(
            [User(handle=f"lin{size}x{i}", display_name=f"Lin {i}") for i in range(size)]
        )
        users = await User.all()
        await KocRole.bulk_create(
            [
                KocRole(
                    user_id=u.id,
                    kind=kind,
                    active_key=f"{u.id}:{kind}",
                    starts_at=now,
                    ends_at=now + timedelta(days=30),
                )
                for u in users
                for kind in (KocRoleKind.VOLUNTEER, KocRoleKind.STORY_SCOUT)
            ]
        )
        sql_statements.statements.clear()
        batches = [batch async for batch, _ in sources.all_documents(SearchEntity.USER)]
        counts[size] = len(sql_statements.statements)
        [batch] = batches
        assert {tuple(doc["koc"]) for doc in batch} == {("STORY_SCOUT", "VOLUNTEER")}
    assert counts[3] == counts[30], counts


def test_a_persons_document_carries_the_roles_they_hold_now_and_a_groups_its_industry() -> None:
    user = User(id=1, handle="lin", display_name="Lin", bio="", vehicle_models=[])
    now = datetime.now(UTC)
    roles = [
        KocRole(user_id=1, kind=KocRoleKind.VOLUNTEER, starts_at=now, ends_at=now),
        KocRole(
            user_id=1, kind=KocRoleKind.PERK_PARTNER, state=KocRoleState.REVOKED, starts_at=now
        ),
        KocRole(user_id=1, kind=KocRoleKind.CHIEF_CREATIVE_OFFICER, starts_at=now, ends_at=now),
    ]
    assert documents.user_document(user, None, None, roles)["koc"] == [
        "CHIEF_CREATIVE_OFFICER",
        "VOLUNTEER",
    ]
    assert documents.user_document(user, None, None)["koc"] == []
    teachers = Group(id=2, slug="teachers", name="Teachers", kind=GroupKind.INDUSTRY)
    assert documents.group_document(teachers)["industry"] is None
    teachers.industry = Industry.EDUCATION
    assert documents.group_document(teachers)["industry"] == "EDUCATION"


# --- groups by industry -------------------------------------------------------------------------


async def industry_group(slug: str, industry: Industry | None, *, certified: bool, **more: Any):
    group = await Group.create(
        slug=slug,
        name=slug.replace("-", " ").title(),
        description="Owners who work together",
        kind=GroupKind.INDUSTRY if industry else GroupKind.INTEREST,
        industry=industry,
        certified=certified,
        **more,
    )
    await mark_changed(SearchEntity.GROUP, group.id)
    return group


async def test_the_industry_filter_returns_that_industrys_certified_groups_and_counts_them(
    search_api: Api, engine: SearchEngine
) -> None:
    await industry_group("teachers-shanghai", Industry.EDUCATION, certified=True)
    await industry_group("teachers-beijing", Industry.EDUCATION, certified=False)
    await industry_group("port-people", Industry.SHIPPING, certified=True)
    await industry_group(
        "quiet-tutors",
        Industry.EDUCATION,
        certified=True,
        visibility=GroupVisibility.MEMBERS_ONLY,
    )
    await industry_group("weekend-hikers", None, certified=False)
    await drivers("lin")  # a person whose profile matches too
    await User.filter(handle="lin").update(bio="Owners who work")
    await mark_changed(SearchEntity.USER, (await User.get(handle="lin")).id)
    await settled(search_api, engine)

    everything = await search(search_api, "owners work")
    assert found(everything) == [
        "lin",
        "port-people",
        "quiet-tutors",
        "teachers-beijing",
        "teachers-shanghai",
        "weekend-hikers",
    ]
    assert everything["facets"]["industries"] == [
        {"value": "EDUCATION", "count": 3},
        {"value": "SHIPPING", "count": 1},
    ]
    certified_teachers = {"industry": ["EDUCATION"], "certified": True}
    result = await search(search_api, "owners work", filters=certified_teachers)
    assert found(result) == ["quiet-tutors", "teachers-shanghai"]
    assert result["facets"]["types"] == [{"value": "GROUP", "count": 2}]
    assert found(await search(search_api, "owners", filters={"industry": ["SHIPPING"]})) == [
        "port-people"
    ]
    uncertified = await search(search_api, "owners", filters={"certified": False})
    assert found(uncertified) == ["teachers-beijing", "weekend-hikers"]
    both = {"industry": ["SHIPPING", "EDUCATION"], "certified": True}
    assert found(await search(search_api, "owners", filters=both)) == [
        "port-people",
        "quiet-tutors",
        "teachers-shanghai",
    ]


async def test_a_members_only_group_is_found_and_its_posts_are_not(
    search_api: Api, engine: SearchEngine
) -> None:
    owner = await search_api.register("rui")
    created = await create_group(search_api, owner, "night-owls", visibility="MEMBERS_ONLY")
    assert created["__typename"] == "CreateGroupSuccess", created
    secret = await post_id(
        search_api, owner, body="midnight charging meetup", groupSlug="night-owls"
    )
    assert (await Post.get(id=decode_pk(secret, "Post"))).state == PostState.PUBLISHED
    await settled(search_api, engine)

    groups = await search(search_api, "night owls", types=["GROUP"])
    assert found(groups) == ["night-owls"]
    assert found(await search(search_api, "midnight meetup")) == []
    assert decode_pk(secret, "Post") not in await engine.document_ids(engine.uid("posts"))


# --- settings of an index that exists ---------------------------------------------------------


async def test_new_settings_reach_an_existing_index_and_its_documents_are_sent_again(
    db: Any, engine: SearchEngine, resources: Resources
) -> None:
    """An index made by the version before (no `koc` to filter or count people by, no
    `industry` for groups) holding a document of that version: the start-up applies the new
    settings and sends every document again, so the new filters find what they should."""
    before_users = replace(
        USERS,
        filterable=[a for a in USERS.filterable if a != "koc"],
        facets=["author_kinds"],
    )
    before_groups = replace(
        GROUPS, filterable=[a for a in GROUPS.filterable if a != "industry"], facets=[]
    )
    await engine.ensure_index(engine.uid("users"), before_users)
    await engine.ensure_index(engine.uid("groups"), before_groups)
    mia = await make_account("mia", PlatformRole.MODERATOR, days_old=30)
    lin = (await drivers("lin"))["lin"]
    await ensure_programs()
    await granted(resources, mia, lin, KocRoleKind.STORY_SCOUT)
    old = (await sources.documents(SearchEntity.USER, [lin.id]))[lin.id]
    assert old is not None
    del old["koc"]
    await engine.wait(await engine.upsert(engine.uid("users"), [old]))
    await SearchOutbox.all().delete()  # as if the version before had drained everything

    sync = SearchSync(engine)
    await sync.prepare()
    settings = await engine.call(lambda c: c.index(engine.uid("users")).get_settings())
    assert "koc" in settings["filterableAttributes"]
    settings = await engine.call(lambda c: c.index(engine.uid("groups")).get_settings())
    assert "industry" in settings["filterableAttributes"]
    while await sync.drain_once():
        pass
    await engine.wait_idle()

    documents = await engine.call(
        lambda c: c.index(engine.uid("users")).get_documents({"filter": 'koc = "STORY_SCOUT"'})
    )
    assert [int(doc.id) for doc in documents.results] == [lin.id]
    # Applied once: a second start changes nothing and sends nothing again.
    assert await engine.ensure_indexes() == []


@pytest.mark.parametrize(
    ("filters", "kept"),
    [
        ({"koc": ["STORY_SCOUT"]}, ["users"]),
        ({"industry": ["EDUCATION"]}, ["groups"]),
        ({"certified": True}, ["groups"]),
        ({"certified": False}, ["groups"]),
    ],
)
def test_badge_and_industry_filters_keep_only_the_index_that_has_them(
    filters: dict[str, Any], kept: list[str]
) -> None:
    cleaned = clean_filters(
        SearchFilters(
            koc=tuple(filters.get("koc", ())),
            industries=tuple(filters.get("industry", ())),
            certified=filters.get("certified"),
        )
    )
    assert [
        name for name, spec in SPECS.items() if filter_expressions(spec, cleaned) is not None
    ] == kept
