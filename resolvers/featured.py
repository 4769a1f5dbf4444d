"""Featured works: staff (moderators and admins in good standing) pick out public works; the
featured feed lists them, newest pick first.

Featuring a work tells its author and its accepted co-creators, writes a WORK_FEATURED
change event and pays them under the WORK_FEATURED rules (resolvers.earnings). A work is
featured once: featuring it again is a Conflict, and staff never feature a work they made
(or a persona they write for made). Unfeatured and featured again, it is back in
the feed, but its makers are not told again and no second event is written: a work earns its
reward once. A featured work that stops being public drops out of the feed, filtered when
read, and comes back when restored.
"""

from __future__ import annotations

from typing import cast

from tortoise.exceptions import IntegrityError

from moderation import policies
from resolvers import earnings, validation
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.notifications import notify
from resolvers.pagination import Listing, Page, id_key, keyset_page, time_key
from resolvers.screening import screen
from resolvers.works import Placed, WorkRef, place_works, public_work
from server.errors import Conflict, Forbidden, NotFound
from server.models import (
    ChangeEvent,
    ChangeKind,
    Credit,
    CreditState,
    FeaturedWork,
    NotificationKind,
)

FEATURED = Listing("featuredFeed", time_key("featured_at"), id_key())


async def makers(ref: WorkRef, author_id: int) -> list[int]:
    """Who made the work: its author, then whoever accepted a credit on it (once each)."""
    credited = await Credit.filter(**ref.filter(), state=CreditState.ACCEPTED).values_list(
        "user_id", flat=True
    )
    return list(dict.fromkeys([author_id, *cast(list[int], credited)]))


async def feature_work(ctx: Context, ref: WorkRef, note: str = "") -> Placed[FeaturedWork]:
    viewer = policies.require_staff(ctx.viewer)
    work = await public_work(ctx, ref)
    clean = validation.text(note, "note", minimum=0, maximum=500, label="A note")
    if clean:
        clean = (await screen(ctx, viewer, "feature", {"note": clean})).fields["note"]
    already = Conflict("This work is already featured.")
    if await FeaturedWork.filter(**ref.filter()).exists():
        raise already
    if set(await makers(ref, work.author_id)) & await ctx.acts_for():
        # Featuring earns its makers points and contribution: never one's own pick.
        raise Forbidden("Another member of staff features a work you made.")
    try:
        async with writing(ctx.hub) as log:
            mark = await FeaturedWork.create(**ref.filter(), note=clean, featured_by_id=viewer.id)
            if await ChangeEvent.filter(kind=ChangeKind.WORK_FEATURED, **ref.filter()).exists():
                return Placed(mark, work)  # featured before: rewarded and told then
            await log.add(ChangeKind.WORK_FEATURED, **ref.filter())
            for user_id in await makers(ref, work.author_id):
                await notify(
                    log,
                    user_id,
                    NotificationKind.WORK_FEATURED,
                    viewer.id,
                    post_id=ref.post_id,
                    episode_id=ref.episode_id,
                )
            await earnings.work_featured(
                log, ctx.settings, actor_id=viewer.id, ref=ref, author_id=work.author_id
            )
    except IntegrityError:
        raise already from None
    return Placed(mark, work)


async def unfeature_work(ctx: Context, ref: WorkRef) -> WorkRef:
    """Take a work's mark off (whatever its state now: staff put it there)."""
    policies.require_staff(ctx.viewer)
    async with writing(ctx.hub):
        if not await FeaturedWork.filter(**ref.filter()).delete():
            raise NotFound("This work is not featured.")
    return ref


async def list_featured(ctx: Context, first: int, after: str | None) -> Page[Placed[FeaturedWork]]:
    """Featured works that are public now, newest pick first."""
    public = FeaturedWork.filter(policies.visible_works(()))
    page: Page[FeaturedWork] = await keyset_page(public, FEATURED, first=first, after=after)
    return await place_works(ctx, page)
