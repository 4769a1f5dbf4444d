"""The demo community's ledgers: points and contribution for the demo accounts, the `owner`'s
check-in streak and featured episode, a contribution leaderboard of a few hundred people, and
the club's founders and sponsors.

`seed_ledgers` runs inside the demo's transaction, after everything its entries point at. The
rest of the demo happens before its fixed BASE_TIME; the ledgers are dated from today instead,
in the community's time zone, because what they show is relative to today: a streak that ends
today, this year's leaderboard, seats in force now. Every entry is one the live server could
have written: earned under the rule tables' amounts and caps, keyed as the features key them,
and each account's entries are written in time order with the balance each leaves, so
`python -m server ledger-check` finds nothing to report.

Last year has totals but no annual run: `python -m server club-annual --year <last year>` has
more candidates than seats to choose from, and its seats are in force as soon as it has run.
Like the rest of the demo, the seed writes no notifications of what it pays.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from resolvers.ledger import Reference, calendar, earning_key
from resolvers.ledger_rules import ensure_rules
from server.demo_club import LIGHT_ACCOUNTS, light_accounts, seat_club
from server.demo_data import BASE_TIME, SEED
from server.demo_radio import capped
from server.demo_radio_data import FEATURE_NOTES
from server.models import (
    AuditEntry,
    AuditKind,
    CheckIn,
    Comment,
    ContributionYear,
    Credit,
    CreditState,
    EpisodeState,
    FeaturedWork,
    FeedbackAdoption,
    KocRole,
    KocRoleState,
    Ledger,
    LedgerAccount,
    LedgerEntry,
    LedgerEntryKind,
    LedgerRule,
    Post,
    RadioEpisode,
    User,
)
from server.settings import Settings

POINTS, CONTRIBUTION = Ledger.POINTS, Ledger.CONTRIBUTION
# How many of everyone took part last year (more than the club's 120 seats, so the annual run
# has a next in line).
LAST_YEAR_PEOPLE = 160
EVENTS_PER_YEAR = 40
STREAK_DAYS = 12
OWNERS_RANK = 4  # among the keenest, before chance has its say
# (rule, what the back office refers to, chance for the keenest person, what the friend did)
REFERRALS = (
    ("REFERRAL_TEST_DRIVE", "TEST_DRIVE", 0.5, "took a test drive"),
    ("REFERRAL_PURCHASE", "ORDER", 0.1, "bought a car"),
)
SPENDERS = ("member05", "member10", "member20")  # besides the owner
STORE = (
    ("充电券 A charging voucher", 100),
    ("车主商城马克杯 A community mug", 60),
    ("车贴 Car stickers", 30),
)
CORRECTION = ("线下聚会签到补录 The Shanghai meetup, missed at the door", 50)
CORRECTION_KEY = "adjust:demo-correction-0001"
FEATURED, ATTENDED = "your work was featured", "you attended an event"


class Book:
    """Entries planned in any order under the rules' caps, then written in time order with
    the balance each leaves, beside the accounts and yearly totals they add up to."""

    def __init__(
        self, settings: Settings, rules: dict[tuple[Ledger, str], LedgerRule], now: datetime
    ) -> None:
        self.settings = settings
        self.rules = rules
        self.now = now
        self.planned: list[LedgerEntry] = []
        self.earned: dict[tuple[int, Ledger, str, date | None], int] = defaultdict(int)

    def year_span(self, year: int) -> tuple[datetime, datetime]:
        """A year in the community's calendar, up to now."""
        start, end = (datetime(y, 1, 1, tzinfo=self.settings.timezone) for y in (year, year + 1))
        return start.astimezone(UTC), min(end.astimezone(UTC), self.now)

    def add(self, reference: Reference | None, **values: Any) -> None:
        """Plan an entry; its balance is known once all are planned."""
        day, year = calendar(self.settings, values["created_at"])
        if reference:
            values |= {"reference_type": reference.type, "reference_id": reference.id}
        self.planned.append(LedgerEntry(day=day, year=year, **values))

    def earn(
        self,
        user_id: int,
        ledger: Ledger,
        rule_key: str,
        at: datetime,
        reference: Reference | None = None,
        *,
        amount: int | None = None,
        **values: Any,
    ) -> None:
        """Earn under a rule as Payout.earn does: its amount (or a share), within its caps,
        keyed by the rule and the reference unless given a key."""
        rule = self.rules[(ledger, rule_key)]
        want = rule.amount if amount is None else amount
        day = calendar(self.settings, at)[0]
        for cap, on in ((rule.daily_cap, day), (rule.lifetime_cap, None)):
            if cap is not None:
                want = min(want, cap - self.earned[(user_id, ledger, rule_key, on)])
        if want <= 0:
            return
        self.earned[(user_id, ledger, rule_key, day)] += want
        self.earned[(user_id, ledger, rule_key, None)] += want
        values.setdefault("idempotency_key", earning_key(rule_key, reference))
        self.add(
            reference,
            user_id=user_id,
            ledger=ledger,
            kind=LedgerEntryKind.EARNED,
            amount=want,
            rule=rule_key,
            created_at=at,
            **values,
        )

    def earn_both(self, user_id: int, rule_key: str, at: datetime, *args: Any, **kw: Any) -> None:
        """Earn in each ledger that has the rule."""
        for ledger in (POINTS, CONTRIBUTION):
            if (ledger, rule_key) in self.rules:
                self.earn(user_id, ledger, rule_key, at, *args, **kw)

    async def write(self) -> tuple[int, int]:
        """Write the entries, accounts and yearly totals. A spend the balance cannot cover at
        its moment is left out."""
        balances: dict[tuple[int, Ledger], int] = defaultdict(int)
        rows: list[LedgerEntry] = []
        for _, row in sorted(
            enumerate(self.planned), key=lambda n_row: (n_row[1].created_at, n_row[0])
        ):
            row.balance_after = balances[(row.user_id, row.ledger)] + row.amount
            if row.balance_after >= 0:
                balances[(row.user_id, row.ledger)] = row.balance_after
                rows.append(row)
        await LedgerEntry.bulk_create(rows, batch_size=1000)
        accounts = [LedgerAccount(user_id=u, ledger=g, balance=b) for (u, g), b in balances.items()]
        await LedgerAccount.bulk_create(sorted(accounts, key=lambda a: (a.user_id, a.ledger)))
        await _count_years(rows)
        return len(rows), len(balances)


async def _count_years(rows: list[LedgerEntry]) -> None:
    """Each person's contribution per year, reached with their last entry of the year. `rows`
    were just written in one go, in id order: the ids written are theirs, in order."""
    years: dict[tuple[int, int], ContributionYear] = {}
    ids = await LedgerEntry.all().order_by("id").values_list("id", flat=True)
    for entry_id, row in zip(ids, rows, strict=True):
        if row.ledger == CONTRIBUTION:
            total = years.setdefault(
                (row.user_id, row.year),
                ContributionYear(user_id=row.user_id, year=row.year, total=0),
            )
            total.total += row.amount
            total.reached_at, total.reached_entry_id = row.created_at, entry_id
    await ContributionYear.bulk_create(list(years.values()))


def _check_ins(book: Book, user_id: int, days: list[date]) -> list[CheckIn]:
    """Check-ins on `days` (ascending), each earning DAILY_CHECK_IN and every seventh day in a
    row CHECK_IN_STREAK_7 too, as `checkIn` does; at breakfast time, or now for today."""
    rows, streak, previous = [], 0, None
    for day in days:
        streak = streak + 1 if previous == day - timedelta(days=1) else 1
        previous = day
        breakfast = time(7, (user_id * 7 + day.day) % 60, tzinfo=book.settings.timezone)
        at = min(datetime.combine(day, breakfast).astimezone(UTC), book.now)
        rows.append(CheckIn(user_id=user_id, day=day, streak=streak, created_at=at))
        key, why = f"DAILY_CHECK_IN:{day}", "your daily check-in"
        book.earn(user_id, POINTS, "DAILY_CHECK_IN", at, idempotency_key=key, reason=why)
        if streak % 7 == 0:
            key, why = f"CHECK_IN_STREAK_7:{day}", f"{streak} check-in days in a row"
            book.earn(user_id, POINTS, "CHECK_IN_STREAK_7", at, idempotency_key=key, reason=why)
    return rows


async def _feature_owners_episode(users: dict[str, User]) -> None:
    """The owner's best-liked episode, featured by the moderator like the demo's other picks
    (the demo features none of the owner's works)."""
    owner, moderator = users["owner"], users["moderator"]
    episode = (
        await RadioEpisode.filter(author_id=owner.id, state=EpisodeState.PUBLISHED)
        .order_by("-reaction_count", "id")
        .first()
    )
    if episode is None or await FeaturedWork.filter(episode_id=episode.id).exists():
        return
    at = capped((episode.published_at or BASE_TIME) + timedelta(days=2))
    await FeaturedWork.create(
        episode_id=episode.id, note=FEATURE_NOTES[-1], featured_by_id=moderator.id, featured_at=at
    )


async def _works(book: Book, accepted: list[Credit]) -> None:
    """What the demo's works earned: every featured work pays its makers as featuring does
    (points each, contribution shared a share per credit); accepted credits, adopted feedback
    and a KOC term served to its end pay too."""
    for mark in await FeaturedWork.all().order_by("id"):
        work: Post | RadioEpisode = await (
            Post.get(id=mark.post_id) if mark.post_id else RadioEpisode.get(id=mark.episode_id)
        )
        ref = Reference.of("POST" if mark.post_id else "EPISODE", work.id)
        where = (mark.post_id, mark.episode_id)
        makers = [work.author_id] + [
            c.user_id for c in accepted if (c.post_id, c.episode_id) == where
        ]
        paid: dict[str, Any] = {"actor_id": mark.featured_by_id, "reason": FEATURED}
        for user_id in dict.fromkeys(makers):
            book.earn(user_id, POINTS, "WORK_FEATURED", mark.featured_at, ref, **paid)
        shares: dict[int, int] = defaultdict(int)
        base, left = divmod(book.rules[(CONTRIBUTION, "WORK_FEATURED")].amount, len(makers))
        for n, user_id in enumerate(makers):
            shares[user_id] += base + (1 if n < left else 0)
        for user_id, share in sorted(shares.items()):
            book.earn(
                user_id, CONTRIBUTION, "WORK_FEATURED", mark.featured_at, ref, amount=share, **paid
            )
    for credit in accepted:  # once per work, however many roles
        made = f"POST:{credit.post_id}" if credit.post_id else f"EPISODE:{credit.episode_id}"
        book.earn(
            credit.user_id,
            CONTRIBUTION,
            "CO_CREATION_CREDIT",
            credit.answered_at or credit.created_at,
            Reference.of("CREDIT", credit.id),
            idempotency_key=f"CO_CREATION_CREDIT:{made}",
            actor_id=credit.user_id,
            reason="you accepted a credit",
        )
    for adoption in await FeedbackAdoption.all().order_by("id"):
        ref, staff = Reference.of("POST", adoption.post_id), adoption.adopted_by_id
        book.earn_both(
            adoption.author_id,
            "FEEDBACK_ADOPTED",
            adoption.created_at,
            ref,
            actor_id=staff,
            reason="your product feedback was adopted",
        )
    for role in await KocRole.filter(state=KocRoleState.EXPIRED).order_by("id"):
        ref = Reference.of("KOC_ROLE", role.id)
        book.earn(
            role.user_id,
            CONTRIBUTION,
            "KOC_TERM_COMPLETED",
            role.ends_at,
            ref,
            reason="you served a full term in a KOC programme",
        )


async def _interactions(book: Book, accepted: list[Credit]) -> None:
    """A unit of contribution for each comment on someone else's work (not its makers', nor a
    reply to one's own comment), up to the daily cap, as commenting earns."""
    makers: dict[tuple[int | None, int | None], set[int]] = defaultdict(set)
    for post_id, author_id in await Post.all().values_list("id", "author_id"):
        makers[(post_id, None)].add(author_id)
    for episode_id, author_id in await RadioEpisode.all().values_list("id", "author_id"):
        makers[(None, episode_id)].add(author_id)
    for credit in accepted:
        makers[(credit.post_id, credit.episode_id)].add(credit.user_id)
    comments = await Comment.all().order_by("created_at", "id")
    authors = {c.id: c.author_id for c in comments}
    for c in comments:
        own = c.author_id in makers[(c.post_id, c.episode_id)] or (
            c.parent_id is not None and authors.get(c.parent_id) == c.author_id
        )
        if not own:
            book.earn(
                c.author_id,
                CONTRIBUTION,
                "DAILY_INTERACTION",
                c.created_at,
                Reference.of("COMMENT", c.id),
                actor_id=c.author_id,
                reason="you joined a conversation",
            )


def _events(book: Book, rng: random.Random, year: int, people: list[int], admin_id: int) -> None:
    """A year of community events, each with an organiser and attendees, and the referrals the
    back office recorded: what fills a year's leaderboard. `people` most active first."""
    start, end = book.year_span(year)
    moments = [start + (end - start) * (k + 0.5) / EVENTS_PER_YEAR for k in range(EVENTS_PER_YEAR)]
    events = [Reference.of("EVENT", f"demo-{year}-{k + 1:02d}") for k in range(EVENTS_PER_YEAR)]
    for at, event in zip(moments, events, strict=True):
        book.earn(rng.choice(people[:60]), CONTRIBUTION, "EVENT_ORGANIZED", at, event)
    for rank, user_id in enumerate(people):
        keen = (1 - rank / len(people)) ** 2
        for k in sorted(rng.sample(range(EVENTS_PER_YEAR), 1 + int(keen * rng.randint(2, 12)))):
            book.earn_both(user_id, "EVENT_ATTENDED", moments[k], events[k], reason=ATTENDED)
        for rule, kind, chance, what in REFERRALS:
            for n in range(rng.choice((1, 2, 3)) if rng.random() < chance * keen else 0):
                ref = Reference.of(kind, f"DEMO-{year}-{user_id:04d}-{n}")
                at = start + (end - start) * rng.random()
                book.earn_both(
                    user_id,
                    rule,
                    at,
                    ref,
                    idempotency_key=f"activity:{ref}",
                    actor_id=admin_id,
                    reason=f"a friend you invited {what}",
                )


def _spends_and_a_correction(book: Book, users: dict[str, User], now: datetime) -> None:
    """The owner and a few members spent points in the community store; the admin credited the
    fan for a meetup missed at the door (audited once written)."""
    for n, handle in enumerate(("owner", *SPENDERS)):
        (what, price), order = STORE[n % len(STORE)], Reference("ORDER", f"SO-DEMO-{n + 1:04d}")
        book.add(
            order,
            user_id=users[handle].id,
            ledger=POINTS,
            kind=LedgerEntryKind.SPENT,
            amount=-price,
            reason=what,
            idempotency_key=f"spend:demo-{order.id}",
            created_at=now - timedelta(hours=30 - n),
        )
    reason, amount = CORRECTION
    book.add(
        None,
        user_id=users["fan"].id,
        ledger=POINTS,
        kind=LedgerEntryKind.ADJUSTED,
        amount=amount,
        reason=reason,
        actor_id=users["admin"].id,
        idempotency_key=CORRECTION_KEY,
        created_at=now - timedelta(days=2),
    )


async def seed_ledgers(users: dict[str, User], settings: Settings | None = None) -> str:
    """Seed both ledgers, the check-ins and the club; `users` the demo's accounts by handle.
    Dated in `settings`' community time zone (the default settings' when not given)."""
    settings = settings or Settings()
    rng = random.Random(f"{SEED}-ledger")
    now = datetime.now(UTC)
    today, year = calendar(settings, now)
    rules = {(r.ledger, r.key): r for g in (POINTS, CONTRIBUTION) for r in await ensure_rules(g)}
    book = Book(settings, rules, now)
    await _feature_owners_episode(users)
    accepted = await Credit.filter(state=CreditState.ACCEPTED).order_by("id")
    await _works(book, accepted)
    await _interactions(book, accepted)
    people = [users["owner"], users["fan"], users["employee"]]
    people += [u for h, u in users.items() if h.startswith("member")]
    streak = [today - timedelta(days=d) for d in range(STREAK_DAYS - 1, -1, -1)]
    check_ins = _check_ins(book, users["owner"].id, streak)
    for user in people[1:]:
        days = [today - timedelta(days=d) for d in range(30, 0, -1) if rng.random() < 0.4]
        check_ins += _check_ins(book, user.id, days)
    await CheckIn.bulk_create(check_ins)
    active = [u.id for u in people[1:]] + await light_accounts(rng)
    rng.shuffle(active)
    active.insert(OWNERS_RANK, users["owner"].id)
    _events(book, rng, year, active, users["admin"].id)
    _events(book, rng, year - 1, active[:LAST_YEAR_PEOPLE], users["admin"].id)
    _spends_and_a_correction(book, users, now)
    entries, accounts = await book.write()
    correction = await LedgerEntry.get(idempotency_key=CORRECTION_KEY)
    await AuditEntry.create(
        kind=AuditKind.POINTS_ADJUSTED,
        actor_id=correction.actor_id,
        affected_user_id=correction.user_id,
        reason=correction.reason,
        detail={
            "amount": correction.amount,
            "entryId": correction.id,
            "balanceAfter": correction.balance_after,
        },
        created_at=correction.created_at,
    )
    seats = await seat_club(users, now, book.year_span(year)[0])
    ranked = await ContributionYear.filter(year=year, total__gt=0).count()
    return (
        f"{entries} ledger entries in {accounts} accounts, {len(check_ins)} check-ins, "
        f"{LIGHT_ACCOUNTS} more owners and {ranked} people on this year's leaderboard, "
        f"{seats} founders and sponsors in the club"
    )
