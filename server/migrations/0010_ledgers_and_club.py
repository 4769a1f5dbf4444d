"""Points and contribution: the two ledgers (rules as admins set them, accounts, entries), each
year's contribution, daily check-ins, and the club's memberships and yearly runs."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from server.models.enums import AuditKind, ClubKind, Ledger, LedgerEntryKind, NotificationKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0009_group_admission_and_feedback')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CheckIn',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='check_ins', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('streak', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'check_ins', 'app': 'models', 'unique_together': (('user', 'day'),), 'pk_attr': 'id', 'table_description': 'A daily check-in: one per person per community calendar day, with the streak it made.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClubAnnualRun',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('year', fields.IntField(unique=True)),
                ('seats', fields.IntField()),
                ('granted', fields.IntField()),
                ('run_by', fields.ForeignKeyField('models.User', source_field='run_by_id', null=True, db_constraint=True, to_field='id', related_name='club_runs', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'club_annual_runs', 'app': 'models', 'pk_attr': 'id', 'table_description': "A year's choice of top contributors, made once: running it again finds this row."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClubMembership',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='club_memberships', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='FOUNDER: FOUNDER\nSPONSOR: SPONSOR\nTOP_CONTRIBUTOR: TOP_CONTRIBUTOR', enum_type=ClubKind, max_length=20)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('year', fields.IntField(null=True)),
                ('reason', fields.CharField(default='', max_length=500)),
                ('granted_by', fields.ForeignKeyField('models.User', source_field='granted_by_id', null=True, db_constraint=True, to_field='id', related_name='club_grants', on_delete=OnDelete.SET_NULL)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_by', fields.ForeignKeyField('models.User', source_field='revoked_by_id', null=True, db_constraint=True, to_field='id', related_name='club_revocations', on_delete=OnDelete.SET_NULL)),
                ('revoke_reason', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'club_memberships', 'app': 'models', 'unique_together': (('user', 'kind', 'year'),), 'indexes': [Index(fields=['user_id', 'ends_at'])], 'pk_attr': 'id', 'table_description': 'A seat in the club for a term: granted by an admin (FOUNDER, SPONSOR) or earned by a'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContributionYear',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='contribution_years', on_delete=OnDelete.CASCADE)),
                ('year', fields.IntField()),
                ('total', fields.BigIntField(default=0)),
                ('reached_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reached_entry_id', fields.BigIntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'contribution_years', 'app': 'models', 'unique_together': (('user', 'year'),), 'indexes': [Index(fields=['year', 'total', 'reached_entry_id'])], 'pk_attr': 'id', 'table_description': "One person's contribution within one calendar year: what the leaderboard ranks."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LedgerAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='ledger_accounts', on_delete=OnDelete.CASCADE)),
                ('ledger', fields.CharEnumField(description='POINTS: POINTS\nCONTRIBUTION: CONTRIBUTION', enum_type=Ledger, max_length=15)),
                ('balance', fields.BigIntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'ledger_accounts', 'app': 'models', 'unique_together': (('user', 'ledger'),), 'pk_attr': 'id', 'table_description': "One person's balance in one ledger: points left to spend, or contribution earned."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LedgerEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='ledger_entries', on_delete=OnDelete.CASCADE)),
                ('ledger', fields.CharEnumField(description='POINTS: POINTS\nCONTRIBUTION: CONTRIBUTION', enum_type=Ledger, max_length=15)),
                ('kind', fields.CharEnumField(description='EARNED: EARNED\nSPENT: SPENT\nADJUSTED: ADJUSTED\nREVERSED: REVERSED\nRESTORED: RESTORED', enum_type=LedgerEntryKind, max_length=10)),
                ('amount', fields.BigIntField()),
                ('balance_after', fields.BigIntField()),
                ('rule', fields.CharField(null=True, max_length=40)),
                ('reason', fields.CharField(default='', max_length=300)),
                ('reference_type', fields.CharField(null=True, max_length=20)),
                ('reference_id', fields.CharField(null=True, max_length=100)),
                ('idempotency_key', fields.CharField(null=True, max_length=200)),
                ('actor', fields.ForeignKeyField('models.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='ledger_entries_caused', on_delete=OnDelete.SET_NULL)),
                ('day', fields.DateField()),
                ('year', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'ledger_entries', 'app': 'models', 'unique_together': (('user', 'ledger', 'idempotency_key'),), 'indexes': [Index(fields=['user_id', 'ledger', 'id']), Index(fields=['user_id', 'ledger', 'rule', 'day']), Index(fields=['reference_type', 'reference_id'])], 'pk_attr': 'id', 'table_description': 'One movement of one balance, with the balance it left.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LedgerRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ledger', fields.CharEnumField(description='POINTS: POINTS\nCONTRIBUTION: CONTRIBUTION', enum_type=Ledger, max_length=15)),
                ('key', fields.CharField(max_length=40)),
                ('amount', fields.IntField()),
                ('daily_cap', fields.IntField(null=True)),
                ('lifetime_cap', fields.IntField(null=True)),
                ('active', fields.BooleanField(default=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'ledger_rules', 'app': 'models', 'unique_together': (('ledger', 'key'),), 'pk_attr': 'id', 'table_description': "An admin's setting of one earning rule. A built-in rule without a row earns with its"},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='AuditEntry',
            name='kind',
            field=fields.CharEnumField(description='ACTION: ACTION\nRULE_CREATED: RULE_CREATED\nRULE_UPDATED: RULE_UPDATED\nRULE_DELETED: RULE_DELETED\nAPPEAL_UPHELD: APPEAL_UPHELD\nAPPEAL_OVERTURNED: APPEAL_OVERTURNED\nCLAIM_TAKEN_OVER: CLAIM_TAKEN_OVER\nCONTENT_VIEWED: CONTENT_VIEWED\nKOC_APPLICATION_DECIDED: KOC_APPLICATION_DECIDED\nKOC_ROLE_RENEWED: KOC_ROLE_RENEWED\nKOC_ROLE_REVOKED: KOC_ROLE_REVOKED\nKOC_PROGRAM_UPDATED: KOC_PROGRAM_UPDATED\nGROUP_CERTIFICATION_DECIDED: GROUP_CERTIFICATION_DECIDED\nGROUP_CERTIFICATION_REVOKED: GROUP_CERTIFICATION_REVOKED\nGROUP_CERTIFIED_SET: GROUP_CERTIFIED_SET\nGROUP_MEMBER_REMOVED: GROUP_MEMBER_REMOVED\nGROUP_ROLE_CHANGED: GROUP_ROLE_CHANGED\nGROUP_OWNERSHIP_TRANSFERRED: GROUP_OWNERSHIP_TRANSFERRED\nFEEDBACK_ADOPTED: FEEDBACK_ADOPTED\nLEDGER_RULE_UPDATED: LEDGER_RULE_UPDATED\nPOINTS_ADJUSTED: POINTS_ADJUSTED\nACTIVITY_RECORDED: ACTIVITY_RECORDED\nCLUB_GRANTED: CLUB_GRANTED\nCLUB_REVOKED: CLUB_REVOKED\nCLUB_ANNUAL_RUN: CLUB_ANNUAL_RUN', enum_type=AuditKind, max_length=30),
        ),
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='REPLY: REPLY\nMENTION: MENTION\nREACTION: REACTION\nFOLLOW: FOLLOW\nGROUP_JOIN: GROUP_JOIN\nMODERATION: MODERATION\nCREDIT_INVITATION: CREDIT_INVITATION\nCREDIT_ANSWERED: CREDIT_ANSWERED\nWORK_FEATURED: WORK_FEATURED\nEPISODE_REVIEWED: EPISODE_REVIEWED\nEPISODE_SUBMITTED: EPISODE_SUBMITTED\nKOC: KOC\nGROUP_JOIN_REQUEST: GROUP_JOIN_REQUEST\nGROUP_JOIN_DECIDED: GROUP_JOIN_DECIDED\nGROUP_INVITATION: GROUP_INVITATION\nGROUP_ROLE: GROUP_ROLE\nGROUP_REMOVED: GROUP_REMOVED\nGROUP_CERTIFICATION: GROUP_CERTIFICATION\nFEEDBACK_ADOPTED: FEEDBACK_ADOPTED\nREWARD: REWARD\nCLUB: CLUB', enum_type=NotificationKind, max_length=20),
        ),
    ]
