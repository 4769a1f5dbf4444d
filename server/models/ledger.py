"""The two ledgers (points and contribution), daily check-ins and the club.

Each ledger is append-only: an entry is never edited or deleted, and a balance changes only
together with the entry that explains it. An account keeps its balance beside the entries, so
reading it costs one row. Entries are the truth: `python -m server ledger-check` proves every
balance equals the sum of its entries.
"""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import ClubKind, Ledger, LedgerEntryKind
from server.models.users import User


class LedgerRule(Model):
    """An admin's setting of one earning rule. A built-in rule without a row earns with its
    built-in values (resolvers.ledger_rules)."""

    id = fields.IntField(primary_key=True)
    ledger = fields.CharEnumField(Ledger, max_length=15)
    key = fields.CharField(max_length=40)
    amount = fields.IntField()
    # Units one person may earn under the rule per calendar day and over all time (NULL: no cap).
    daily_cap = fields.IntField(null=True)
    lifetime_cap = fields.IntField(null=True)
    active = fields.BooleanField(default=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "ledger_rules"
        unique_together = (("ledger", "key"),)


class LedgerAccount(Model):
    """One person's balance in one ledger: points left to spend, or contribution earned."""

    id = fields.IntField(primary_key=True)
    user_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="ledger_accounts", on_delete=fields.CASCADE
    )
    ledger = fields.CharEnumField(Ledger, max_length=15)
    # Changed only by a guarded update (`balance + n >= 0`) in the transaction of its entry.
    balance = fields.BigIntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "ledger_accounts"
        unique_together = (("user", "ledger"),)


class LedgerEntry(Model):
    """One movement of one balance, with the balance it left."""

    id = fields.BigIntField(primary_key=True)
    user_id: int
    actor_id: int | None
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="ledger_entries", on_delete=fields.CASCADE
    )
    ledger = fields.CharEnumField(Ledger, max_length=15)
    kind = fields.CharEnumField(LedgerEntryKind, max_length=10)
    amount = fields.BigIntField()
    balance_after = fields.BigIntField()
    # The earning rule behind it (EARNED, and what a reversal compensates), else NULL.
    rule = fields.CharField(max_length=40, null=True)
    reason = fields.CharField(max_length=300, default="")
    # What caused it: ("POST", "12"), ("EPISODE", "3"), ("ORDER", "SO-2026-0042") and so on.
    reference_type = fields.CharField(max_length=20, null=True)
    reference_id = fields.CharField(max_length=100, null=True)
    # One entry per key and account: a retry with the same key finds the first entry.
    idempotency_key = fields.CharField(max_length=200, null=True)
    # Who caused it when it was not the account's owner (staff, a back-office client).
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="ledger_entries_caused", null=True, on_delete=fields.SET_NULL
    )
    # The community's calendar day and year of the entry (caps, check-ins, yearly totals).
    day = fields.DateField()
    year = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ledger_entries"
        unique_together = (("user", "ledger", "idempotency_key"),)
        indexes = (
            ("user_id", "ledger", "id"),
            ("user_id", "ledger", "rule", "day"),
            ("reference_type", "reference_id"),
        )


class ContributionYear(Model):
    """One person's contribution within one calendar year: what the leaderboard ranks."""

    id = fields.IntField(primary_key=True)
    user_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="contribution_years", on_delete=fields.CASCADE
    )
    year = fields.IntField()
    total = fields.BigIntField(default=0)
    # When the total last changed (ties go to whoever reached the total first), and the entry
    # that changed it, to order two changes within one clock tick.
    reached_at = fields.DatetimeField()
    reached_entry_id = fields.BigIntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "contribution_years"
        unique_together = (("user", "year"),)
        indexes = (("year", "total", "reached_entry_id"),)


class CheckIn(Model):
    """A daily check-in: one per person per community calendar day, with the streak it made."""

    id = fields.IntField(primary_key=True)
    user_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="check_ins", on_delete=fields.CASCADE
    )
    day = fields.DateField()
    streak = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "check_ins"
        unique_together = (("user", "day"),)


class ClubMembership(Model):
    """A seat in the club for a term: granted by an admin (FOUNDER, SPONSOR) or earned by a
    year's contribution (TOP_CONTRIBUTOR, with the year that earned it)."""

    id = fields.IntField(primary_key=True)
    user_id: int
    granted_by_id: int | None
    revoked_by_id: int | None
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="club_memberships", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(ClubKind, max_length=20)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    # TOP_CONTRIBUTOR: the contribution year that earned the seat (one per person and year).
    year = fields.IntField(null=True)
    reason = fields.CharField(max_length=500, default="")
    granted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="club_grants", null=True, on_delete=fields.SET_NULL
    )
    revoked_at = fields.DatetimeField(null=True)
    revoked_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="club_revocations", null=True, on_delete=fields.SET_NULL
    )
    revoke_reason = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "club_memberships"
        unique_together = (("user", "kind", "year"),)
        indexes = (("user_id", "ends_at"),)


class ClubAnnualRun(Model):
    """A year's choice of top contributors, made once: running it again finds this row."""

    id = fields.IntField(primary_key=True)
    run_by_id: int | None
    year = fields.IntField(unique=True)
    seats = fields.IntField()
    granted = fields.IntField()
    run_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="club_runs", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "club_annual_runs"
