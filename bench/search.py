"""Search: rebuilding the indexes, and the `search` query through GraphQL beside Meilisearch.

    .venv/bin/python bench/search.py                  # 100,000 posts, SQLite in a temporary dir
    .venv/bin/python bench/search.py --posts 5000     # a quick run
    .venv/bin/python bench/search.py --database-url postgres://postgres@127.0.0.1:5432/x
    .venv/bin/python bench/search.py --profile        # also where the server's CPU goes (py-spy)

A private Meilisearch runs in the temporary directory. A PostgreSQL URL (or DATABASE_URL) only
names the server: a fresh `bench_search_<random>` database is created there and dropped at the
end. The parent fills the database with owner-community posts in Chinese and English
(deterministic), rebuilds every index through `search.reindex` and times it (documents per
second of wall time, until Meilisearch has indexed the last one), then starts the real server
(`python -m server serve`, production settings) on those indexes.

Three sides answer the same queries, measured in one run, in alternating blocks so that the
machine's noise hits them alike:

    GraphQL   the `search` query over HTTP: the server, its Meilisearch call and the hydration
    adapter   `SearchEngine.multi_search` in this process: the server's Meilisearch call alone
              (the official client in a worker thread), without GraphQL and the database
    direct    the same multi-search body POSTed to Meilisearch on a persistent connection

The answers of GraphQL and Meilisearch are compared before anything is timed. Printed: p50/p99,
requests/s, CPU per request of the server, Meilisearch and this process, the ratio GraphQL p50 /
direct p50, and the same for typeahead (`searchSuggestions`). The direct side asks for an
uncompressed answer: a compressed one is streamed in chunks, and on a kept-alive connection the
last chunk often waits 40 ms for the client's delayed ACK.

With --profile (needs py-spy), printed after the figures: the reindex of posts in halves, each
alone on the machine (this process reading rows and building documents, sampled by py-spy; then
Meilisearch indexing the same documents); where the server's CPU goes for N searches and N
suggestion requests (py-spy samples of the thread holding the GIL, scaled to the measured CPU);
and one Meilisearch call through the official client beside kept-alive connections.
Options: --posts N (100000), --requests N per side (500), --concurrency N [N ...] (1 8),
--seed N, --profile [N] (1000 profiled requests).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import io
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Run as a script, this file's folder heads sys.path, and this file would shadow `search`: the
# repository root takes its place.
HERE = Path(__file__).resolve().parent
sys.path[:] = [str(HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]

import httpx  # noqa: E402

from bench.common import (  # noqa: E402
    ROOT,
    bench_database,
    community_server,
    cpu_seconds,
    machine,
    percentiles,
    wait_until,
)
from schema.relay import encode_id  # noqa: E402
from search.engine import SearchEngine  # noqa: E402
from search.process import EmbeddedMeilisearch, MeilisearchEndpoint  # noqa: E402
from search.query import SearchFilters, SearchSort, SearchType, search_request  # noqa: E402
from search.reindex import reindex  # noqa: E402
from server import models as m  # noqa: E402
from server.db import Database  # noqa: E402

PREFIX = "bench_"
PAGE = 20
GOAL_DOCS_PER_SECOND = 5_000
GOAL_RATIO = 2.0
QUERIES = ["换电", "换电站", "充电桩", "battery swap", "chargng", "ES8", "road trip", "自驾",
           "owner", "活动", "冬季续航", "batery swap"]  # fmt: skip
PREFIXES = ["换", "换电", "es", "road", "充电", "win"]
SEARCH = """query Search($q: String!) { search(query: $q, first: 20) { estimatedTotal
  edges { cursor highlights { field snippet } node { __typename
    ... on Post { id title body author { handle } } ... on Group { slug name }
    ... on User { handle } } }
  facets { types { value count } } } }"""
SUGGEST = """query Suggest($p: String!) { searchSuggestions(prefix: $p) { text type
  node { __typename ... on Post { id } ... on Group { slug } ... on User { handle } } } }"""

# --- the community ---------------------------------------------------------------------------

CITIES = [("上海", "Shanghai"), ("北京", "Beijing"), ("合肥", "Hefei"), ("杭州", "Hangzhou"),
          ("深圳", "Shenzhen"), ("成都", "Chengdu"), ("南京", "Nanjing"), ("武汉", "Wuhan"),
          ("西安", "Xi'an"), ("苏州", "Suzhou"), ("广州", "Guangzhou"),
          ("厦门", "Xiamen")]  # fmt: skip
SPOTS = [("千岛湖", "Qiandao Lake"), ("川西", "western Sichuan"), ("黄山", "Huangshan"),
         ("洱海", "Erhai Lake"), ("长白山", "Changbai Mountain"), ("海南", "Hainan")]  # fmt: skip
MODELS = ["ES8", "ES6", "EC6", "ET5", "ET5T", "ET7", "EC7"]
EVENTS = ["电台节目", "城市徒步", "亲子露营", "试驾日", "充电之夜"]
ZH = [
    "今天在{city}的换电站换电，前面排了{n}台车，{m}分钟就搞定了。",
    "{model}冬天续航掉得有点多，零下{temp}度表显只剩{km}公里。",
    "第一次用超充桩，从{a}%充到{b}%只用了{m}分钟，比想象中快。",
    "周末{city}车主活动，{n}位车主开着{model}一起去{spot}露营。",
    "从{city}自驾到{spot}，全程{km}公里，路上换电{n}次，完全没有续航焦虑。",
    "小区终于装上了家充桩，晚上谷电充满一次才{yuan}块钱。",
    "换电站的小哥很热情，换电的时候还帮我检查了胎压。",
    "请问{city}哪个换电站晚上不用排队？求推荐。",
    "用户共创{event}报名开始了，车主和粉丝都可以参加。",
    "提车{k}个月，{model}已经开了{km}公里，换电用了{n}次。",
    "高速服务区的充电桩全被占了，幸好{km}公里外有换电站。",
    "带爸妈去{spot}自驾游，{model}的座椅按摩他们很喜欢。",
    "积分商城上新了，攒了{n}百积分换了一个{model}车模。",
    "{city}新开了一座换电站，第三代换电站果然更快。",
    "定金已付，等{model}交付中，每天都来社区看车主分享。",
]
EN = [
    "Swapped the battery at the {city_en} station in {m} minutes, faster than getting a coffee.",
    "Road trip from {city_en} to {spot_en} in my {model}: {km} km and {n} battery swaps.",
    "Does anyone know if the new charging station near {spot_en} has the 250 kW chargers?",
    "Winter range on the {model} dropped to about {km} km at minus {temp} degrees.",
    "Owners meetup this Saturday in {city_en}, bring your {model} and the kids.",
    "The power swap station queue was {n} cars deep on the holiday, plan your road trip ahead.",
    "Home charger installed today; overnight charging costs almost nothing.",
    "Test drove the {model} today, the ride is smooth and the seats are great.",
    "Just put down my deposit for an {model}, can't wait for delivery!",
    "{k} months with the {model}: {km} km so far and {n} battery swaps.",
    "Event recap: {n} owners joined the charging night in {city_en}, thanks for coming.",
    "Tip for new owners: precondition the battery before fast charging in winter.",
]
MIXED = [
    "{model} 提车一个月，battery swap 已经用了{n}次，太方便了。",
    "今天在 {city_en} 的 power swap station 换电，{m} min 搞定。",
    "Road trip 第{k}天：{spot}，{model} 表现很稳。",
    "充电桩 finally installed，谷电 overnight charging 真香。",
]
TITLES = [
    "{model}一年用车报告：换电{n}次的真实体验", "{city}到{spot}自驾攻略",
    "换电站还是超充？{model}车主的选择", "冬季续航实测：{model}在零下{temp}度",
    "{city}车主活动回顾", "新手车主必看：充电桩安装全流程",
    "Long-term review: {k} months with the {model}", "Road trip diary: {city_en} to {spot_en}",
    "Winter charging tips for {model} owners", "Battery swap or fast charging? My take",
    "Event recap: {city_en} owners night",
]  # fmt: skip
TAGS = ["换电", "充电", "自驾", "活动", "es8", "et5", "es6", "ec6", "roadtrip", "冬季续航",
        "车主", "用车分享", "battery-swap", "charging"]  # fmt: skip
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "林", "孙"]
FIRST_NAMES = ["Alex", "Jamie", "Chris", "Sam", "Taylor", "Morgan", "Lee", "Kai", "Robin"]
FAMILY_NAMES = ["Chen", "Wang", "Li", "Zhou", "Lin", "Smith", "Müller"]
GROUPS = [  # slug, name, kind, industry, certified, description
    ("education", "教育行业车主", "INDUSTRY", "education", True, "老师和教育从业者的车主圈"),
    ("healthcare", "医疗行业车主", "INDUSTRY", "healthcare", True, "Doctors and nurses who drive"),
    ("finance", "金融行业车主", "INDUSTRY", "finance", True, "金融圈车主交流用车心得"),
    ("it-engineers", "IT Engineers", "INDUSTRY", "software", True, "Code by day, road trip by "
     "night"),
    ("es8-club", "ES8车主俱乐部", "INTEREST", None, False, "ES8 owners: battery swap, 自驾, 活动"),
    ("et5-club", "ET5 Owners", "INTEREST", None, False, "ET5 owners sharing charging tips"),
    ("road-trippers", "Road Trippers 自驾游", "INTEREST", None, False, "自驾路线和换电站地图"),
    ("swap-station-spotters", "换电站打卡", "INTEREST", None, False, "Every power swap station"),
    ("home-charging", "家充桩安装互助", "INTEREST", None, False, "充电桩安装 and home charging"),
    ("photographers", "车主摄影", "PROFESSION", None, False, "Photos of our cars on the road"),
    ("shanghai-owners", "上海车主", "REGION", None, False, "上海本地车主活动"),
    ("hefei-owners", "Hefei owners", "REGION", None, False, "合肥车主 meetups"),
    ("chengdu-owners", "成都车主", "REGION", None, False, "川西自驾，成都出发"),
    ("es8-pioneers", "ES8 先锋内测", "INTEREST", None, False, "Members-only early access group"),
]  # fmt: skip
MEMBERS_ONLY = "es8-pioneers"


def sentence(rng: random.Random, lines: list[str]) -> str:
    (city, city_en), (spot, spot_en) = rng.choice(CITIES), rng.choice(SPOTS)
    return rng.choice(lines).format(
        city=city, city_en=city_en, spot=spot, spot_en=spot_en, model=rng.choice(MODELS),
        event=rng.choice(EVENTS), n=rng.randint(2, 12), m=rng.randint(3, 9),
        temp=rng.randint(5, 25), km=rng.randrange(150, 2000, 10), a=rng.randint(10, 30),
        b=rng.randint(80, 95), yuan=rng.randint(20, 60), k=rng.randint(1, 24),
    )  # fmt: skip


def text(rng: random.Random, sentences: int) -> str:
    language = rng.choices([ZH, EN, ZH + MIXED], weights=[45, 35, 20])[0]
    separator = "" if language is ZH else " "
    return separator.join(sentence(rng, language) for _ in range(sentences))


@contextlib.asynccontextmanager
async def database(url: str) -> AsyncIterator[Database]:
    db = Database(url)
    await db.open()
    try:
        yield db
    finally:
        await db.close()


async def generate(url: str, posts: int, seed: int) -> dict[str, int]:
    """Fills a fresh database deterministically; how many rows of each kind."""
    async with database(url) as db:
        await db.migrate()
        counts = await fill(posts, random.Random(seed))
        if url.startswith("postgres"):  # planner statistics, as in production
            await db.connection().execute_script("ANALYZE")
        return counts


async def fill(posts: int, rng: random.Random) -> dict[str, int]:
    identities = [m.IdentityKind.OWNER, m.IdentityKind.DEPOSIT_HOLDER, m.IdentityKind.FAN]
    users = []
    for i in range(400):
        zh = i % 2 == 0
        name = (
            rng.choice(SURNAMES) + rng.choice(["先生", "女士", "车主"])
            if zh
            else f"{rng.choice(FIRST_NAMES)} {rng.choice(FAMILY_NAMES)}"
        )
        identity = rng.choices(identities, weights=[50, 15, 35])[0]
        city, city_en = rng.choice(CITIES)
        owned = rng.sample(MODELS, rng.randint(1, 2)) if identity == m.IdentityKind.OWNER else []
        users.append(m.User(
            handle=f"{'zh' if zh else 'en'}_{city_en.lower().replace(chr(39), '')}_{i}",
            display_name=name + (f" {owned[0]}" if owned else ""), identity=identity,
            region=city if zh else city_en, vehicle_models=owned,
            bio=sentence(rng, ZH if zh else EN)))  # fmt: skip
    personas = [("charging_assistant", "充电助手 Charging", m.PersonaDomain.CHARGING),
                ("service_assistant", "服务助手 Service", m.PersonaDomain.SERVICE),
                ("purchase_assistant", "购车助手 Purchase", m.PersonaDomain.PURCHASE)]  # fmt: skip
    users += [m.User(handle=h, display_name=n, identity=m.IdentityKind.FAN) for h, n, _ in personas]
    await m.User.bulk_create(users)
    user_ids = await m.User.all().order_by("id").values_list("id", flat=True)
    await m.EmployeeBadge.bulk_create(
        [m.EmployeeBadge(user_id=u, department=rng.choice(["能源 Power", "用户服务", "R&D"]),
                         title=rng.choice(["换电站运营", "Charging engineer", "社区运营"]),
                         executive=i % 7 == 0)
         for i, u in enumerate(user_ids[5:400:20])]
    )  # fmt: skip
    await m.PersonaAccount.bulk_create(
        [m.PersonaAccount(user_id=u, domain=d)
         for u, (_, _, d) in zip(user_ids[400:], personas, strict=True)]
    )  # fmt: skip
    await m.Group.bulk_create(
        [m.Group(slug=s, name=n, kind=k, industry=i, certified=c, description=d,
                 visibility=m.GroupVisibility.MEMBERS_ONLY if s == MEMBERS_ONLY else
                 m.GroupVisibility.PUBLIC, created_by_id=user_ids[0])
         for s, n, k, i, c, d in GROUPS]
    )  # fmt: skip
    group_ids = await m.Group.all().order_by("id").values_list("id", flat=True)
    base = datetime(2026, 11, 1, tzinfo=UTC)
    states = [m.PostState.DRAFT, m.PostState.PUBLISHED, m.PostState.HIDDEN, m.PostState.REMOVED]
    for start in range(0, posts, 5000):
        batch = []
        for n in range(start, min(start + 5000, posts)):
            article = rng.random() < 0.25
            batch.append(m.Post(
                author_id=rng.choice(user_ids),
                group_id=rng.choice(group_ids) if rng.random() < 0.3 else None,
                kind=m.PostKind.ARTICLE if article else m.PostKind.MOMENT,
                title=sentence(rng, TITLES) if article else None,
                body=text(rng, rng.randint(5, 10) if article else rng.randint(1, 3)),
                tags=rng.sample(TAGS, rng.choice([0, 1, 1, 2, 3])),
                state=rng.choices(states, weights=[2, 96, 1, 1])[0],
                published_at=base - timedelta(minutes=5 * n + rng.randint(0, 4))))  # fmt: skip
        await m.Post.bulk_create(batch)
    return {"users": len(users), "groups": len(GROUPS), "posts": posts}


# --- reindex ---------------------------------------------------------------------------------


def moment(text: str) -> datetime:
    """A Meilisearch timestamp (nanoseconds) as a datetime."""
    return datetime.fromisoformat(re.sub(r"(\.\d{6})\d*", r"\1", text).replace("Z", "+00:00"))


async def timed_reindex(url: str, endpoint: MeilisearchEndpoint) -> dict[str, Any]:
    """Runs the real reindex; its wall time, and where it went per index."""
    engine = SearchEngine(endpoint.url, endpoint.api_key, prefix=PREFIX)
    marks: dict[str, dict[str, float]] = {}

    def progress(index: str, done: int, total: int) -> None:
        now = time.perf_counter()
        mark = marks.setdefault(index, {"start": now, "rows": total})
        if done >= total:
            mark["sent"] = now  # every batch read, built and handed to Meilisearch

    async with database(url):
        started = time.perf_counter()
        counts = await reindex(engine, progress)
        await engine.wait_idle(within=600)  # reindex waits for its tasks; be sure none trails
        elapsed = time.perf_counter() - started
    names = list(marks)
    for name, after in zip(names, names[1:] + [None], strict=True):
        mark = marks[name]
        mark["end"] = marks[after]["start"] if after else started + elapsed
        mark.setdefault("sent", mark["start"])
    async with httpx.AsyncClient(headers={"authorization": f"Bearer {endpoint.api_key}"}) as c:
        tasks = (await c.get(f"{endpoint.url}/tasks", params={"limit": 1000})).json()["results"]
    indexing: dict[str, float] = collections.defaultdict(float)
    spans = {(t["indexUid"], t["startedAt"], t["finishedAt"]) for t in tasks
             if t["type"] == "documentAdditionOrUpdate" and t["startedAt"]}  # fmt: skip
    for uid, begun, finished in spans:  # tasks batched together share one span
        name = uid.removeprefix(PREFIX).removesuffix("__rebuild")
        indexing[name] += (moment(finished) - moment(begun)).total_seconds()
    return {"counts": counts, "seconds": elapsed, "marks": marks, "indexing": indexing}


# --- the server ------------------------------------------------------------------------------


@contextlib.contextmanager
def server(url: str, endpoint: MeilisearchEndpoint, log_path: Path) -> Any:
    """`python -m server serve` in production mode on the bench's indexes, once it searches;
    yields its base URL and pid."""
    meili = {"MEILI_URL": endpoint.url, "MEILI_API_KEY": endpoint.api_key}
    with community_server(url, log_path, SEARCH_INDEX_PREFIX=PREFIX, **meili) as (base, process):

        def searching() -> bool:  # SERVICE_UNAVAILABLE until its indexes are prepared
            body = {"query": SEARCH, "variables": {"q": QUERIES[0]}}
            answer = httpx.post(f"{base}/graphql", json=body, timeout=10).json()
            codes = {e.get("extensions", {}).get("code") for e in answer.get("errors", [])}
            if codes - {"SERVICE_UNAVAILABLE"}:
                raise RuntimeError(f"search failed: {answer['errors']}")
            return not codes

        wait_until(searching, 60, "search to be available")
        yield base, process.pid


# --- the three sides -------------------------------------------------------------------------

Call = Callable[[int], Awaitable[Any]]  # the i-th request of a side; returns the parsed answer


def suggestion_queries(engine: SearchEngine, prefix: str) -> list[dict[str, Any]]:
    """The body `search.query.run_suggestions` sends (kept in step by the answer check)."""
    from search.indexes import LOCALES, SPECS

    return [
        {"indexUid": engine.uid(spec.name), "q": prefix, "limit": 5, "locales": LOCALES,
         "attributesToRetrieve": ["id", *spec.suggest], "attributesToSearchOn": spec.suggest}
        for spec in (SPECS[t.value] for t in SearchType)
    ]  # fmt: skip


def sides(
    base: str, endpoint: MeilisearchEndpoint, engine: SearchEngine, graphql: httpx.AsyncClient,
    meili: httpx.AsyncClient, typeahead: bool = False,
) -> dict[str, Call]:  # fmt: skip
    words = PREFIXES if typeahead else QUERIES
    bodies: list[dict[str, Any]] = []
    for word in words:
        if typeahead:
            bodies.append({"queries": suggestion_queries(engine, word)})
        else:
            built = search_request(
                engine, word, list(SearchType), SearchFilters(), SearchSort.RELEVANCE, PAGE, 0
            )
            assert built is not None
            bodies.append({"queries": built[0], "federation": built[1]})
    document, name = (SUGGEST, "p") if typeahead else (SEARCH, "q")

    async def via_graphql(i: int) -> Any:
        body = {"query": document, "variables": {name: words[i % len(words)]}}
        answer = (await graphql.post(f"{base}/graphql", json=body)).raise_for_status().json()
        if "errors" in answer:
            raise RuntimeError(f"GraphQL answered errors: {answer['errors']}")
        return answer["data"]

    async def via_adapter(i: int) -> Any:
        body = bodies[i % len(bodies)]
        return await engine.multi_search(body["queries"], body.get("federation"))

    async def direct(i: int) -> Any:
        response = await meili.post(f"{endpoint.url}/multi-search", json=bodies[i % len(bodies)])
        return response.raise_for_status().json()

    return {"GraphQL": via_graphql, "adapter": via_adapter, "direct": direct}


def check_search(graphql: Any, direct: Any, query: str) -> None:
    """The server shows what Meilisearch found, in its order (every indexed object is public)."""
    types = {f"{PREFIX}{t.value}": t.name.title() for t in SearchType}
    wanted = [(types[h["_federation"]["indexUid"]], h["id"]) for h in direct["hits"]]
    edges = graphql["search"]["edges"]
    got = [e["node"]["__typename"] for e in edges]
    assert got == [t for t, _ in wanted], f"{query!r}: types differ: {got} {wanted}"
    for edge, (type_name, pk) in zip(edges, wanted, strict=True):
        if type_name == "Post":
            assert edge["node"]["id"] == encode_id("Post", pk), f"{query!r}: posts differ"
    total = graphql["search"]["estimatedTotal"]
    assert total == direct["estimatedTotalHits"], f"{query!r}: totals differ"


def check_suggestions(graphql: Any, direct: Any, prefix: str) -> None:
    names = [t.name.title() for t in SearchType]
    wanted = [name for name, result in zip(names, direct["results"], strict=True)
              for _ in result["hits"]]  # fmt: skip
    got = [s["node"]["__typename"] for s in graphql["searchSuggestions"]]
    assert got == wanted, f"{prefix!r}: suggestions differ: {got} {wanted}"


async def measure(
    calls: dict[str, Call], n: int, workers: int, pids: dict[str, int]
) -> dict[str, dict[str, Any]]:
    """`n` requests per side from `workers` concurrent workers, in alternating blocks (the
    order rotating every round); per side the latencies by request, wall time and CPU."""
    block = max(20, 5 * workers)
    results = {side: {"latencies": [], "wall": 0.0, "cpu": collections.Counter()}
               for side in calls}  # fmt: skip
    for call in calls.values():  # warm: connections, caches, each query twice
        for i in range(2 * len(QUERIES)):
            await call(i)
    names = list(calls)
    for round_ in range(0, n, block):
        for side in names[round_ // block % len(names) :] + names[: round_ // block % len(names)]:
            call, result = calls[side], results[side]
            todo = iter(range(round_, min(round_ + block, n)))

            async def worker(call: Call = call, result: dict[str, Any] = result) -> None:
                for i in todo:  # noqa: B023 -- the block's shared queue, consumed before the next
                    started = time.perf_counter()
                    await call(i)
                    result["latencies"].append((i, time.perf_counter() - started))

            cpu = {name: cpu_seconds(pid) for name, pid in pids.items()}
            cpu["bench"], started = time.process_time(), time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(workers)))
            result["wall"] += time.perf_counter() - started
            result["cpu"]["bench"] += time.process_time() - cpu.pop("bench")
            for name, pid in pids.items():
                result["cpu"][name] += cpu_seconds(pid) - cpu[name]
    return results


def summary(result: dict[str, Any]) -> dict[str, float]:
    seconds = [s for _, s in result["latencies"]]
    (p50, p99), count = percentiles(seconds, 50, 99), len(seconds)
    cpu = {f"cpu_{k}": v / count * 1000 for k, v in result["cpu"].items()}
    return {"rps": count / result["wall"], "p50": p50 * 1000, "p99": p99 * 1000} | cpu


# --- where the time goes ---------------------------------------------------------------------

# Stages: a sample counts under each whose stack (py-spy's "function (file:line)" frames joined
# by ";") matches, so nested rows are parts of the row above them.
REQUEST_STAGES = [
    ("Meilisearch call in worker threads (asyncio.to_thread)", r"concurrent/futures/thread\.py"),
    ("  requests.post: one Session and one connection a call", r"(^|;)request \([^;]*requests/api"),
    ("    Session set-up and tear-down", r"(^|;)Session\.(__init__|__exit__|close) \("),
    ("    TCP connect", r"(^|;)create_connection \([^;]*urllib3/"),
    ("  the client encoding the body", r"meilisearch/_httprequests\.py:\d+\);dumps \("),
    ("GraphQL execution (graphql-core resolving the fields)", r"graphql/execution/"),
    ("SQL: Tortoise building rows, aiosqlite thread", r"tortoise/|aiosqlite/"),
    ("  parsing datetime columns (iso8601)", r"iso8601/"),
    ("uvicorn's HTTP protocol, outside the app", r"^(?!.*(starlette|strawberry)/).*uvicorn/pro"),
    ("  logging (uvicorn's access log, a line a request)", r"logging/__init__\.py"),
    ("JSON anywhere (request, response, Meilisearch)", r"(^|;)(dumps|loads) \([^;]*json/"),
]
REINDEX_STAGES = [
    ("reading rows (Tortoise, aiosqlite)", r"tortoise/|aiosqlite/"),
    ("  parsing datetime columns (iso8601)", r"iso8601/"),
    ("building documents (search.documents)", r"search/documents\.py"),
]


EVENT_LOOP = re.compile(r"(Handle\._run|BaseEventLoop\._run_once) \(")


def library(frame: str) -> str | None:
    """The installed package or this repository's folder a frame is in; None for the stdlib."""
    path = frame.rpartition(" (")[2].rpartition(":")[0]
    if "site-packages/" in path:
        return path.split("site-packages/")[1].split("/")[0].removesuffix(".py")
    if path.startswith(str(ROOT) + "/"):
        return "this repository: " + path[len(str(ROOT)) + 1 :].split("/")[0]
    return None


def owner(frames: list[str]) -> str:
    """Who a sample's work is for: the innermost frame in a library or this repository, unless
    the event loop's own frame comes first (callbacks, transports: the loop's own work)."""
    for frame in reversed(frames):
        if EVENT_LOOP.match(frame):
            return "stdlib asyncio: the event loop (callbacks, transports)"
        if found := library(frame):
            return found
    path = frames[-1].rpartition(" (")[2].rpartition(":")[0]
    return "stdlib " + (path.rpartition("/lib/python3")[2].split("/")[1:2] or [path])[0]


@contextlib.contextmanager
def sampled(pid: int, rate: int = 200) -> Any:
    """py-spy on `pid` for the block, sampling the thread that holds the GIL (Python work, not
    waits); yields the list it fills with (frames, count) when the block ends."""
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
    out = Path(tempfile.gettempdir()) / f"bench-search-{os.getpid()}-{pid}.txt"
    spying = subprocess.Popen(
        [spy, "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw",
         "--full-filenames", "--gil", "--output", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(1.0)  # py-spy attaches
    samples: list[tuple[list[str], int]] = []
    try:
        yield samples
    finally:
        spying.send_signal(2)  # SIGINT: py-spy writes what it sampled and exits
        spying.wait(timeout=60)
    lines = [line.rpartition(" ") for line in out.read_text().splitlines() if line.strip()]
    out.unlink()
    samples += [(stack.split(";"), int(count)) for stack, _, count in lines]


def print_samples(samples: list[Any], stages: list[tuple[str, str]], ms: float) -> None:
    """Where the samples went: `ms` is what one sample stands for."""
    total = sum(count for _, count in samples)
    print(f"  by stage ({total} samples; rows nest):")
    for label, pattern in stages:
        marker = re.compile(pattern)
        hit = sum(count for frames, count in samples if marker.search(";".join(frames)))
        print(f"    {hit * ms:7.2f} ms {hit / total:6.1%}  {label}")
    by_library: collections.Counter[str] = collections.Counter()
    by_function: collections.Counter[str] = collections.Counter()
    for frames, count in samples:
        by_library[owner(frames)] += count
        by_function[frames[-1]] += count
    print("  by library (the innermost frame outside the stdlib):")
    for name, count in by_library.most_common(10):
        print(f"    {count * ms:7.2f} ms {count / total:6.1%}  {name}")
    print("  innermost functions:")
    prefixes = re.compile(rf"\(/.*?(site-packages|lib/python3\.\d+)/|\({re.escape(str(ROOT))}/")
    for name, count in by_function.most_common(10):
        print(f"    {count * ms:7.2f} ms {count / total:6.1%}  {prefixes.sub('(', name)[:90]}")


async def profile_server(pid: int, calls: dict[str, Call], n: int, what: str) -> None:
    """Where the server's CPU goes while `n` GraphQL requests run one at a time."""
    with sampled(pid) as samples:
        cpu, started = cpu_seconds(pid), time.perf_counter()
        for i in range(n):
            await calls["GraphQL"](i)
        wall, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu
    per_request = cpu * 1000 / n
    print(f"\nserver CPU per GraphQL {what}: {per_request:.2f} ms ({n} one at a time, "
          f"{n / wall:.0f} req/s while sampled), spread by py-spy samples:")  # fmt: skip
    print_samples(samples, REQUEST_STAGES, per_request / sum(c for _, c in samples))


async def reindex_parts(url: str, endpoint: MeilisearchEndpoint) -> None:
    """The reindex of posts in two halves, each alone on the machine: this process reading rows
    and building documents (profiled), then Meilisearch indexing the same documents sent in
    the same batches to a fresh index with the same settings."""
    from search.indexes import SPECS
    from search.sources import all_documents

    engine = SearchEngine(endpoint.url, endpoint.api_key, prefix=PREFIX)
    built: list[list[dict[str, Any]]] = []
    async with database(url):
        with sampled(os.getpid()) as samples:
            started, cpu = time.perf_counter(), time.process_time()
            async for batch, _ in all_documents(m.SearchEntity.POST):
                built.append(batch)
            read, cpu = time.perf_counter() - started, time.process_time() - cpu
    batches = [json.dumps(batch, ensure_ascii=False).encode() for batch in built]
    documents = sum(map(len, built))
    uid = engine.uid("posts__alone")
    await engine.ensure_index(uid, SPECS["posts"])
    headers = {"authorization": f"Bearer {endpoint.api_key}", "content-type": "application/json"}
    async with httpx.AsyncClient(headers=headers, timeout=60) as client:
        started = time.perf_counter()
        for body in batches:
            sent = await client.post(f"{endpoint.url}/indexes/{uid}/documents", content=body)
            task = sent.raise_for_status().json()["taskUid"]
        await engine.wait(task, within=600)
        alone = time.perf_counter() - started
        await client.delete(f"{endpoint.url}/indexes/{uid}")
    print(f"\nreindex of posts, each half alone: {documents:,} documents")
    print(f"  reading rows + building documents (this process): {read:.1f} s, "
          f"{documents / read:,.0f} documents/s, CPU {cpu:.1f} s; py-spy:")  # fmt: skip
    print_samples(samples, REINDEX_STAGES, cpu * 1000 / sum(c for _, c in samples))
    print(f"  Meilisearch indexing them (same settings, same batches, sent at once): {alone:.1f} s,"
          f" {documents / alone:,.0f} documents/s")  # fmt: skip


def client_variants(endpoint: MeilisearchEndpoint, engine: SearchEngine, n: int) -> None:
    """One typeahead multi-search (cheap for Meilisearch, so the client's share shows), n
    times each way, interleaved, from this thread: latency and this process's CPU per call."""
    import meilisearch
    import requests

    queries, url = suggestion_queries(engine, "换电"), f"{endpoint.url}/multi-search"
    body = {"queries": queries}
    headers = {"Authorization": f"Bearer {endpoint.api_key}", "Accept-Encoding": "identity"}
    official = meilisearch.Client(endpoint.url, endpoint.api_key)
    session, client = requests.Session(), httpx.Client(headers=headers)
    variants: dict[str, Callable[[], Any]] = {
        "official client, as the server calls it (requests.post)":
            lambda: official.multi_search(queries),
        "requests.post, no client": lambda: requests.post(url, json=body, headers=headers).json(),
        "requests.Session kept (one connection)":
            lambda: session.post(url, json=body, headers=headers).json(),
        "httpx.Client kept (one connection)": lambda: client.post(url, json=body).json(),
    }  # fmt: skip
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    for _ in range(3):
        for call in variants.values():
            call()
    for _ in range(n):
        for name, call in variants.items():
            started, cpu = time.perf_counter(), time.thread_time()
            call()
            times[name].append((time.perf_counter() - started, time.thread_time() - cpu))
    print(f"  one typeahead multi-search, {n} calls each way, interleaved, from one thread:")
    for name, pairs in times.items():
        wall = statistics.median(w for w, _ in pairs) * 1000
        cpu = statistics.fmean(c for _, c in pairs) * 1000
        print(f"    p50 {wall:5.2f} ms, client CPU {cpu:5.2f} ms/call  {name}")
    session.close()
    client.close()


# --- the run ---------------------------------------------------------------------------------


async def load(
    base: str, endpoint: MeilisearchEndpoint, args: argparse.Namespace, pids: dict[str, int],
    profile: io.StringIO,
) -> dict[str, Any]:  # fmt: skip
    engine = SearchEngine(endpoint.url, endpoint.api_key, prefix=PREFIX)
    engine.ready = True
    widest = max(args.concurrency)
    # Uncompressed: Meilisearch streams a compressed answer in chunks, and on a kept-alive
    # connection the last chunk waits for the client's delayed ACK (Nagle): +40 ms on many.
    headers = {"authorization": f"Bearer {endpoint.api_key}", "accept-encoding": "identity"}
    limits = httpx.Limits(max_connections=widest, max_keepalive_connections=widest)
    found: dict[str, Any] = {"search": {}, "totals": {}, "profile": profile}
    async with (
        httpx.AsyncClient(limits=limits, timeout=30) as graphql,
        httpx.AsyncClient(limits=limits, timeout=30, headers=headers) as meili,
    ):
        calls = sides(base, endpoint, engine, graphql, meili)
        typeahead = sides(base, endpoint, engine, graphql, meili, typeahead=True)
        for i, query in enumerate(QUERIES):  # untimed: both answer the same
            answer, direct = await calls["GraphQL"](i), await calls["direct"](i)
            check_search(answer, direct, query)
            found["totals"][query] = direct["estimatedTotalHits"]
        for i, prefix in enumerate(PREFIXES):
            check_suggestions(await typeahead["GraphQL"](i), await typeahead["direct"](i), prefix)
        for workers in args.concurrency:
            found["search"][workers] = await measure(calls, args.requests, workers, pids)
        found["typeahead"] = await measure(typeahead, args.requests, 1, pids)
        if args.profile:
            with contextlib.redirect_stdout(found["profile"]):
                await profile_server(pids["server"], calls, args.profile, "search")
                await profile_server(pids["server"], typeahead, args.profile, "searchSuggestions")
                client_variants(endpoint, engine, 300)
    return found


def run(url: str, args: argparse.Namespace, tmp: Path) -> None:
    started = time.perf_counter()
    counts = asyncio.run(generate(url, args.posts, args.seed))
    generated = time.perf_counter() - started
    print(f"generated {counts['posts']:,} posts, {counts['users']} users, {counts['groups']} "
          f"groups in {generated:.1f} s", flush=True)  # fmt: skip
    with EmbeddedMeilisearch(tmp / "meilisearch") as endpoint:
        meili_pid = int((tmp / "meilisearch" / "lock").read_text())
        cpu = cpu_seconds(meili_pid)
        indexed = asyncio.run(timed_reindex(url, endpoint))
        indexed["meili_cpu"] = cpu_seconds(meili_pid) - cpu
        print(f"reindexed in {indexed['seconds']:.1f} s", flush=True)
        profile = io.StringIO()  # printed after the figures
        if args.profile:
            with contextlib.redirect_stdout(profile):
                asyncio.run(reindex_parts(url, endpoint))
        with server(url, endpoint, tmp / "server.log") as (base, pid):
            pids = {"server": pid, "meili": meili_pid}
            found = asyncio.run(load(base, endpoint, args, pids, profile))
    report(url, args, counts, indexed, found)
    if args.profile:
        print("\nwhere the time goes (--profile)" + profile.getvalue())


def report(
    url: str, args: argparse.Namespace, counts: dict[str, int], indexed: dict[str, Any],
    found: dict[str, Any],
) -> None:  # fmt: skip
    documents, seconds = sum(indexed["counts"].values()), indexed["seconds"]
    rate = documents / seconds
    print(
        f"\nsearch benchmark: {counts['posts']:,} posts, {url.split(':', 1)[0]}, "
        f"{machine()}, Meilisearch on this machine\n"
    )
    print("reindex (search.reindex.reindex, until Meilisearch has indexed everything)")
    print(f"  {'index':8s} {'documents':>10s} {'seconds':>8s} {'read+send':>10s} "
          f"{'then wait':>10s} {'Meilisearch indexing':>21s}")  # fmt: skip
    for name, mark in indexed["marks"].items():
        n = indexed["counts"].get(name, 0)
        print(f"  {name:8s} {n:10,d} {mark['end'] - mark['start']:8.1f} "
              f"{mark['sent'] - mark['start']:9.1f}s {mark['end'] - mark['sent']:9.1f}s "
              f"{indexed['indexing'].get(name, 0.0):20.1f}s")  # fmt: skip
    verdict = "ok" if rate >= GOAL_DOCS_PER_SECOND else "MISSED"
    print(f"  all      {documents:10,d} {seconds:8.1f}   -> {rate:,.0f} documents/s "
          f"(goal >= {GOAL_DOCS_PER_SECOND:,}: {verdict}); Meilisearch CPU "
          f"{indexed['meili_cpu']:.1f} s")  # fmt: skip

    print(f"\nsearch(query:, first: {PAGE}): {len(QUERIES)} queries, {args.requests} requests per "
          "side, sides alternating in blocks")  # fmt: skip
    print(f"  {'conc':>4s} {'side':8s} {'req/s':>7s} {'p50 ms':>7s} {'p99 ms':>7s}   "
          f"CPU ms/request: {'server':>6s} {'Meili':>6s} {'bench':>6s}")  # fmt: skip
    for workers, results in found["search"].items():
        rows = {side: summary(result) for side, result in results.items()}
        for side, r in rows.items():
            print(
                f"  {workers:4d} {side:8s} {r['rps']:7.0f} {r['p50']:7.2f} {r['p99']:7.2f}"
                f"{'':18s} {r['cpu_server']:6.2f} {r['cpu_meili']:6.2f} {r['cpu_bench']:6.2f}"
            )
        ratio = rows["GraphQL"]["p50"] / rows["direct"]["p50"]
        adapter = rows["adapter"]["p50"] / rows["direct"]["p50"]
        verdict = "ok" if ratio <= GOAL_RATIO else "MISSED"
        print(f"  {'':4s} ratio GraphQL p50 / direct p50: {ratio:.2f}x (goal <= {GOAL_RATIO:g}x: "
              f"{verdict}); adapter p50 / direct p50: {adapter:.2f}x")  # fmt: skip

    print("\n  per query at concurrency", min(found["search"]), "(p50 ms):")
    results = found["search"][min(found["search"])]
    print(f"    {'query':14s} {'hits':>7s} {'GraphQL':>8s} {'adapter':>8s} {'direct':>8s}")
    for i, query in enumerate(QUERIES):
        p50 = {side: statistics.median(s for j, s in r["latencies"] if j % len(QUERIES) == i)
               * 1000 for side, r in results.items()}  # fmt: skip
        print(f"    {query:14s} {found['totals'][query]:7,d} {p50['GraphQL']:8.2f} "
              f"{p50['adapter']:8.2f} {p50['direct']:8.2f}")  # fmt: skip

    print(f"\nsearchSuggestions(prefix:): {len(PREFIXES)} prefixes, {args.requests} requests per "
          "side, concurrency 1")  # fmt: skip
    rows = {side: summary(result) for side, result in found["typeahead"].items()}
    for side, r in rows.items():
        print(
            f"  {side:8s} {r['rps']:7.0f} req/s  p50 {r['p50']:6.2f} ms  p99 {r['p99']:6.2f} ms"
            f"  CPU ms/request: server {r['cpu_server']:.2f}, Meili {r['cpu_meili']:.2f}"
        )
    ratio = rows["GraphQL"]["p50"] / rows["direct"]["p50"]
    print(f"  ratio GraphQL p50 / direct p50: {ratio:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", type=int, nargs="?", const=1000, default=0, metavar="N")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="bench-search-") as tmp,
        bench_database(args.database_url, "search", Path(tmp)) as url,
    ):
        run(url, args, Path(tmp))


if __name__ == "__main__":
    main()
