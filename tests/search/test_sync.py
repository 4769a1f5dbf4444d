"""The index follows the database: through a Meilisearch outage, a full rebuild, and restarts."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from moderation import policies
from resolvers.context import Context, Resources
from resolvers.moderation_actions import end_due_suspensions
from resolvers.moderation_decisions import Decision, resolve_item
from resolvers.reports import report_content
from schema.relay import decode_pk
from search import documents
from search.engine import SearchEngine
from search.process import EmbeddedMeilisearch, MeilisearchEndpoint
from search.reindex import reindex
from search.sources import post_documents
from search.sync import SearchSync
from server.app import create_app
from server.db import Database
from server.models import (
    AccountState,
    Group,
    GroupVisibility,
    ModerationAction,
    ModerationTarget,
    PlatformRole,
    Post,
    PostKind,
    PostState,
    ReportReason,
    User,
)
from server.settings import Settings
from tests.conftest import Api, free_port, running
from tests.helpers import make_role, post_id
from tests.search.test_search import ids, search, settled


@pytest.fixture
def private_meili(tmp_path: Path, meili_binary: Path) -> Iterator[EmbeddedMeilisearch]:
    """A Meilisearch of this test's own, on a fixed port, that the test may stop and start."""
    server = EmbeddedMeilisearch(tmp_path / "meili", port=free_port(), binary=meili_binary)
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def public_post_ids() -> set[int]:
    found = await post_documents(await Post.filter(state=PostState.PUBLISHED))
    return {pk for pk, doc in found.items() if doc is not None}


async def test_writes_succeed_while_meilisearch_is_down_and_the_index_catches_up(
    settings: Settings, db: Database, private_meili: EmbeddedMeilisearch
) -> None:
    endpoint = private_meili.endpoint
    engine = SearchEngine(endpoint.url, endpoint.api_key, prefix="outage_")
    app_settings = replace(
        settings,
        meili_url=endpoint.url,
        meili_api_key=endpoint.api_key,
        search_index_prefix="outage_",
        search_sync_interval_seconds=0.05,
    )
    async with running(create_app(app_settings, database=db)) as client:
        api = Api(client)
        token = await api.register("writer")
        before = [await post_id(api, token, body=f"before the outage {i}") for i in range(3)]
        await settled(api, engine)

        private_meili.stop()
        during = [await post_id(api, token, body=f"during the outage {i}") for i in range(5)]
        edited = await api.data(
            """mutation($id: ID!) { updatePost(input: {postId: $id, body: "edited while away"}) {
                 __typename } }""",
            {"id": before[0]},
            token=token,
        )
        deleted = await api.data(
            "mutation($id: ID!) { deletePost(input: {postId: $id}) { __typename } }",
            {"id": before[1]},
            token=token,
        )
        assert edited["updatePost"]["__typename"] == "UpdatePostSuccess"
        assert deleted["deletePost"]["__typename"] == "DeletePostSuccess"
        assert len(during) == 5  # every write went through
        down = await api.query('{ search(query: "outage") { estimatedTotal } }', token=token)
        assert down["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert "meilisearch" not in down["errors"][0]["message"].lower()

        private_meili.start()  # same port, same data
        await settled(api, engine, within=60)

        expected = await public_post_ids()
        assert await engine.document_ids(engine.uid("posts")) == expected
        assert decode_pk(before[1], "Post") not in expected
        assert len(ids(await search(api, "outage"))) == 6  # 1 kept before + 5 during
        assert len(ids(await search(api, "edited"))) == 1


async def test_reindex_swaps_in_a_full_index_without_an_empty_moment(
    settings: Settings, db: Database, meili: MeilisearchEndpoint, meili_prefix: str
) -> None:
    engine = SearchEngine(meili.url, meili.api_key, prefix=meili_prefix)
    author = await User.create(handle="bulk", display_name="Bulk Writer")
    now = datetime.now(UTC)
    await Post.bulk_create(
        [
            Post(
                author_id=author.id,
                kind=PostKind.MOMENT,
                body=f"换电站 report {i}",
                state=PostState.PUBLISHED,
                published_at=now,
            )
            for i in range(300)
        ]
    )
    app_settings = replace(
        settings, meili_url=meili.url, meili_api_key=meili.api_key, search_index_prefix=meili_prefix
    )
    async with running(create_app(app_settings, database=db)) as client:
        api = Api(client)
        # The indexes did not exist: the server queued everything when it created them.
        await settled(api, engine, within=60)
        assert len(await engine.document_ids(engine.uid("posts"))) == 300

        seen: list[int] = []
        progress: list[tuple[str, int, int]] = []

        async def keep_searching(done: asyncio.Event) -> None:
            while not done.is_set():
                seen.append((await search(api, "换电"))["estimatedTotal"])

        done = asyncio.Event()
        searcher = asyncio.create_task(keep_searching(done))
        counts = await reindex(engine, lambda *p: progress.append(p))
        done.set()
        await searcher

    assert counts == {
        "posts": 300,
        "groups": 0,
        "users": 1,
        "episodes": 0,
        "stations": 0,
        "collections": 0,
        "events": 0,
    }
    assert seen and min(seen) == 300, "a search during the rebuild saw a partial index"
    assert ("posts", 300, 300) in progress
    assert await engine.document_ids(engine.uid("posts")) == await public_post_ids()


async def test_index_settings_are_applied_once(
    db: Database, meili: MeilisearchEndpoint, meili_prefix: str
) -> None:
    engine = SearchEngine(meili.url, meili.api_key, prefix=meili_prefix)
    assert sorted(await engine.ensure_indexes()) == [
        "collections",
        "episodes",
        "events",
        "groups",
        "posts",
        "stations",
        "users",
    ]
    tasks_before = await engine.call(lambda c: c.get_tasks({"limit": 1}).results[0].uid)

    assert await engine.ensure_indexes() == []
    tasks_after = await engine.call(lambda c: c.get_tasks({"limit": 1}).results[0].uid)
    assert tasks_after == tasks_before  # nothing changed, so nothing was sent


async def test_a_suspension_that_ends_brings_the_authors_posts_back(
    resources: Resources, db: Database, meili: MeilisearchEndpoint, meili_prefix: str
) -> None:
    engine = SearchEngine(meili.url, meili.api_key, prefix=meili_prefix)
    sync = SearchSync(engine)
    await sync.prepare()
    author = await User.create(handle="pausing", display_name="Pausing")
    moderator = await User.create(handle="mia", display_name="Mod")
    await make_role("mia", PlatformRole.MODERATOR)
    await moderator.refresh_from_db()
    post = await Post.create(
        author_id=author.id,
        kind=PostKind.MOMENT,
        body="back soon",
        state=PostState.PUBLISHED,
        published_at=datetime.now(UTC),
    )
    reporter = await User.create(handle="reporter", display_name="Reporter")
    report = await report_content(
        Context(resources, viewer=reporter),
        ModerationTarget.USER,
        author.id,
        ReportReason.SPAM,
        "",
        visible=True,
    )
    decision = Decision([ModerationAction.SUSPEND], reason="cooling off", days=1)
    await resolve_item(Context(resources, viewer=moderator), report.item_id, decision)
    while await sync.drain_once():
        pass
    await engine.wait_idle()
    assert post.id not in await engine.document_ids(engine.uid("posts"))

    assert await end_due_suspensions(
        resources.hub, datetime.now(UTC) + timedelta(days=1, seconds=1)
    ) == [author.id]
    while await sync.drain_once():
        pass
    await engine.wait_idle()
    assert post.id in await engine.document_ids(engine.uid("posts"))
    assert (await User.get(id=author.id)).state == AccountState.ACTIVE


@pytest.mark.parametrize("state", list(PostState))
@pytest.mark.parametrize("visibility", [None, *GroupVisibility])
def test_the_index_holds_exactly_what_an_anonymous_visitor_may_open(
    state: PostState, visibility: GroupVisibility | None
) -> None:
    author = User(id=1, handle="a", display_name="A", state=AccountState.ACTIVE)
    group = Group(id=2, slug="g", name="G", visibility=visibility) if visibility else None
    post = Post(id=3, author_id=1, group_id=group.id if group else None, state=state)
    anonymous = policies.can_see_post(None, post, group, member_group_ids=())
    assert documents.post_is_public(post, group, author) == anonymous


def test_a_suspended_author_is_not_listed_until_the_term_ends() -> None:
    now = datetime.now(UTC)
    user = User(handle="s", display_name="S", state=AccountState.SUSPENDED, suspended_until=None)
    assert not documents.author_is_listed(user, now)
    user.suspended_until = now + timedelta(days=1)
    assert not documents.author_is_listed(user, now)
    user.suspended_until = now - timedelta(seconds=1)
    assert documents.author_is_listed(user, now)
