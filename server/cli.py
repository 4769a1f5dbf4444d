"""The server's command line: `python -m server <command>`.

serve          apply migrations, seed the demo community the first time (development),
               and serve the API (honours HOST and PORT)
migrate        apply database migrations
seed-demo      seed the demo community into an empty database (never in production)
reindex        rebuild every search index from the database, swapping each in when complete
print-schema   print the GraphQL SDL
settings-table print the README's table of settings (environment variables); with
               --readme README.md, rewrite it there between its markers
ledger-check   verify that both ledgers add up (entries, balances, yearly contribution);
               one line per difference, exit status 1 if there is any
club-annual    with --year 2026: seat that year's top contributors in the club for the next
               year, once (running it again changes nothing); prints the figures

Other launchers (uvicorn, gunicorn) start `server.asgi:app`; see server/asgi.py.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path

from server.db import Database
from server.settings import Settings, settings_table

TABLE_START = "<!-- settings-table:start -->"
TABLE_END = "<!-- settings-table:end -->"


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


def serve(settings: Settings) -> None:
    import uvicorn

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    from server.app import create_app
    from server.asgi import tune_garbage_collector, uvicorn_options

    asyncio.run(migrate(settings))
    if settings.seed_demo and settings.development:
        print(asyncio.run(seed_demo(settings)), flush=True)
    app = create_app(settings)
    tune_garbage_collector()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        # The same as under any other launcher (server.asgi, server.worker).
        **uvicorn_options(settings),
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


def with_settings_table(readme: str) -> str:
    """`readme` with the table between its settings-table markers made afresh."""
    head, start, rest = readme.partition(TABLE_START)
    _, end, tail = rest.partition(TABLE_END)
    if not (start and end):
        raise SystemExit(f"settings-table: no {TABLE_START} ... {TABLE_END} to write between")
    return f"{head}{start}\n{settings_table()}{end}{tail}"


async def ledger_check(settings: Settings) -> int:
    """Print every difference in the ledgers and a summary; the exit status."""
    from resolvers.ledger_check import check_ledgers

    db = Database(settings.database_url)
    await db.open()
    try:
        report = await check_ledgers()
    finally:
        await db.close()
    for difference in report.differences:
        print(difference)
    print(report.summary())
    return 0 if report.ok else 1


async def club_annual(settings: Settings, year: int) -> str:
    """Run the club's year `year` (as nobody: no admin asked); what it did, in a line."""
    from resolvers.club import run_annual
    from server.errors import InvalidInput
    from server.resources import open_resources

    db = Database(settings.database_url)
    await db.open()
    try:
        async with open_resources(settings, search=False) as resources:
            run = await run_annual(resources.hub, settings, year, None)
    except InvalidInput as exc:
        raise SystemExit(f"club-annual: {exc.message}") from None
    finally:
        await db.close()
    if run.already_run:
        return f"club-annual {year}: already run, {run.granted} of {run.seats} seats granted then"
    return f"club-annual {year}: {run.granted} of {run.seats} seats granted"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m server",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "command",
        choices=[
            "serve",
            "migrate",
            "seed-demo",
            "reindex",
            "print-schema",
            "settings-table",
            "ledger-check",
            "club-annual",
        ],
    )
    parser.add_argument(
        "--readme", metavar="PATH", help="settings-table: rewrite the table in this file"
    )
    parser.add_argument("--year", type=int, help="club-annual: the contribution year to run")
    args = parser.parse_args(argv)
    if args.command == "settings-table":  # documentation: whatever the environment holds
        if args.readme:
            readme = Path(args.readme)
            readme.write_text(with_settings_table(readme.read_text(encoding="utf-8")), "utf-8")
        else:
            sys.stdout.write(settings_table())
        return
    settings = Settings.from_env()
    if args.command == "serve":
        serve(settings)
    elif args.command == "migrate":
        asyncio.run(migrate(settings))
    elif args.command == "seed-demo":
        print(asyncio.run(seed_demo(settings)))
    elif args.command == "ledger-check":
        sys.exit(asyncio.run(ledger_check(settings)))
    elif args.command == "club-annual":
        if args.year is None:
            parser.error("club-annual needs --year")
        print(asyncio.run(club_annual(settings, args.year)))
    elif args.command == "reindex":
        logging.basicConfig(level=logging.WARNING)
        try:
            asyncio.run(reindex(settings))
        except RuntimeError as exc:
            raise SystemExit(f"reindex: {exc}") from None
    else:
        print_schema(settings)
