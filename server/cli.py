"""The server's command line: `python -m server <command>`.

serve          apply migrations, seed the demo community the first time (development),
               and serve the API (honours HOST and PORT)
migrate        apply database migrations
seed-demo      seed the demo community into an empty database (never in production)
reindex        rebuild every search index from the database, swapping each in when complete
print-schema   print the GraphQL SDL
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
import time

from server.db import Database
from server.settings import Settings


async def migrate(settings: Settings, *, quiet: bool = False) -> None:
    db = Database(settings.database_url)
    await db.open()
    try:

        def progress(event: str, app: str, name: str) -> None:
            if event == "apply_done" and not quiet:
                print(f"applied migration {app}.{name}", flush=True)

        await db.migrate(progress=progress)
    finally:
        await db.close()


async def seed_demo(settings: Settings) -> str:
    from server.demo import seed_demo_community

    if settings.production:
        raise SystemExit("refusing to seed demo accounts in production mode")
    db = Database(settings.database_url)
    await db.open()
    try:
        summary = await seed_demo_community()
    finally:
        await db.close()
    return summary


def tune_garbage_collector() -> None:
    """Every live subscription holds a few hundred container objects, so a full collection walks
    millions of them with 10,000 subscribers, and one fan-out to all of them allocated enough to
    set off several such walks (seconds of CPU, default thresholds). What start-up made is frozen
    out of the collector's sight, and young collections run far less often, so the short-lived
    objects of a fan-out are mostly freed by reference counting before any collection sees them.
    """
    gc.freeze()
    gc.set_threshold(100_000, 50, 10)


def serve(settings: Settings) -> None:
    import uvicorn

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    from server.app import create_app

    asyncio.run(migrate(settings))
    if settings.seed_demo and settings.development:
        print(asyncio.run(seed_demo(settings)), flush=True)
    app = create_app(settings)
    tune_garbage_collector()
    uvicorn.run(
        app,
        # websockets' Sans-I/O protocol: the same CPU per message as the legacy one and about
        # 6 KB less per connection (uvicorn's "auto" picks it too, unless only wsproto is there).
        ws="websockets-sansio",
        host=settings.host,
        port=settings.port,
        # The client address (sign-in throttles, registration and cost limits of anonymous
        # callers) comes from X-Forwarded-For only when a listed proxy sends it.
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        # Compression would more than double each subscription's memory; protocol pings find
        # dead peers whichever subscription protocol they speak.
        ws_per_message_deflate=False,
        ws_ping_interval=settings.websocket_keepalive_seconds,
        ws_ping_timeout=settings.websocket_keepalive_seconds * 2,
        log_level="info",
    )


async def reindex(settings: Settings) -> None:
    from tqdm import tqdm

    from search.service import reindex_all

    db = Database(settings.database_url)
    await db.open()
    bars: dict[str, tqdm] = {}

    def progress(index: str, done: int, total: int) -> None:
        if index not in bars:  # one index at a time: the previous one is complete
            for bar in bars.values():
                bar.close()
            bars[index] = tqdm(total=total, desc=f"{index:>6}", unit=" rows")
        bars[index].update(done - bars[index].n)

    started = time.monotonic()
    try:
        counts = await reindex_all(settings, progress)
    finally:
        for bar in bars.values():
            bar.close()
        await db.close()
    seconds = time.monotonic() - started
    summary = ", ".join(f"{n:,} {index}" for index, n in counts.items())
    print(f"reindexed {sum(counts.values()):,} documents ({summary}) in {seconds:.1f}s")


def print_schema(settings: Settings) -> None:
    from schema.schema import build_schema

    sys.stdout.write(build_schema(settings).as_str() + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m server",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "command", choices=["serve", "migrate", "seed-demo", "reindex", "print-schema"]
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "serve":
        serve(settings)
    elif args.command == "migrate":
        asyncio.run(migrate(settings))
    elif args.command == "seed-demo":
        print(asyncio.run(seed_demo(settings)))
    elif args.command == "reindex":
        logging.basicConfig(level=logging.WARNING)
        try:
            asyncio.run(reindex(settings))
        except RuntimeError as exc:
            raise SystemExit(f"reindex: {exc}") from None
    else:
        print_schema(settings)
