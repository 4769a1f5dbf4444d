"""Opening what a server process shares: the pub/sub hub, search, the moderation services, the
account reader and the radio play counter, in one place, for the app's lifespan and for
commands and tests that run use cases outside a server."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from moderation.services import ModerationServices
from resolvers.accounts import AccountReader
from resolvers.context import Resources
from resolvers.plays import PlayCounter
from search.service import Search, running_search
from server.broadcast import Hub
from server.settings import Settings


@contextlib.asynccontextmanager
async def open_resources(settings: Settings, *, search: bool = True) -> AsyncIterator[Resources]:
    """The process's resources, closed in reverse order when the block ends. `search=False`
    leaves search off whatever the settings say (commands that need no index)."""
    async with contextlib.AsyncExitStack() as stack:
        hub = Hub(settings.broadcast_url, queue_size=settings.subscriber_queue_size)
        await hub.start()
        stack.push_async_callback(hub.stop)
        engine = await stack.enter_async_context(running_search(settings)) if search else Search()
        moderation = ModerationServices(settings, settings.redis_url)
        stack.push_async_callback(moderation.close)
        plays = PlayCounter(settings.redis_url, prefix=f"{settings.redis_key_prefix}play:")
        stack.push_async_callback(plays.close)  # writes the plays still counted
        yield Resources(
            settings=settings,
            hub=hub,
            search=engine,
            moderation=moderation,
            accounts=AccountReader(),
            plays=plays,
        )
