"""Events with their signups and waitlists, community polls with options and votes, satisfaction
ratings, and the change log's event and poll ids."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from server.models.enums import AuditKind, ChangeKind, EventKind, EventState, ExperienceSubject, NotificationKind, PollWeighting, ResultsVisibility, SearchEntity, SignupState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0010_ledgers_and_club')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('kind', fields.CharEnumField(description='ONLINE: ONLINE\nOFFLINE: OFFLINE', enum_type=EventKind, max_length=10)),
                ('city', fields.CharField(default='', max_length=50)),
                ('venue', fields.CharField(default='', max_length=200)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cover_url', fields.CharField(null=True, max_length=500)),
                ('capacity', fields.IntField()),
                ('signup_opens_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('signup_closes_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('min_contribution', fields.BigIntField(default=0)),
                ('group', fields.ForeignKeyField('models.Group', source_field='group_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('organizer', fields.ForeignKeyField('models.User', source_field='organizer_id', db_constraint=True, to_field='id', related_name='events_organized', on_delete=OnDelete.CASCADE)),
                ('state', fields.CharEnumField(default=EventState.SCHEDULED, description='SCHEDULED: SCHEDULED\nCANCELLED: CANCELLED\nFINISHED: FINISHED', enum_type=EventState, max_length=10)),
                ('confirmed_seats', fields.IntField(default=0)),
                ('waitlisted_seats', fields.IntField(default=0)),
                ('waitlist_length', fields.IntField(default=0)),
                ('cancel_reason', fields.CharField(default='', max_length=500)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'community_events', 'app': 'models', 'indexes': [Index(fields=['state', 'starts_at', 'id']), Index(fields=['group_id', 'starts_at']), Index(fields=['ends_at', 'state'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EventSignup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='signups', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='event_signups', on_delete=OnDelete.CASCADE)),
                ('state', fields.CharEnumField(description='CONFIRMED: CONFIRMED\nWAITLISTED: WAITLISTED\nCANCELLED: CANCELLED\nATTENDED: ATTENDED', enum_type=SignupState, max_length=10)),
                ('guests', fields.IntField(default=0)),
                ('note', fields.CharField(default='', max_length=500)),
                ('position', fields.IntField(null=True)),
                ('check_in_code', fields.CharField(max_length=16)),
                ('checked_in_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('checked_in_by', fields.ForeignKeyField('models.User', source_field='checked_in_by_id', null=True, db_constraint=True, to_field='id', related_name='event_check_ins', on_delete=OnDelete.SET_NULL)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'event_signups', 'app': 'models', 'unique_together': (('event', 'user'), ('event', 'check_in_code')), 'indexes': [Index(fields=['event_id', 'state', 'position']), Index(fields=['user_id', 'id']), Index(fields=['event_id', 'id'])], 'pk_attr': 'id', 'table_description': "One person's signup for one event (one row per person and event: signing up again after"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Poll',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('question', fields.CharField(max_length=300)),
                ('description', fields.TextField(default='', unique=False)),
                ('multiple', fields.BooleanField(default=False)),
                ('closes_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('weighting', fields.CharEnumField(description='EQUAL: EQUAL\nCONTRIBUTION: CONTRIBUTION', enum_type=PollWeighting, max_length=15)),
                ('results_visibility', fields.CharEnumField(description='ALWAYS: ALWAYS\nAFTER_VOTE: AFTER_VOTE\nAFTER_CLOSE: AFTER_CLOSE', enum_type=ResultsVisibility, max_length=15)),
                ('group', fields.ForeignKeyField('models.Group', source_field='group_id', null=True, db_constraint=True, to_field='id', related_name='polls', on_delete=OnDelete.CASCADE)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', db_constraint=True, to_field='id', related_name='polls_created', on_delete=OnDelete.CASCADE)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_by', fields.ForeignKeyField('models.User', source_field='closed_by_id', null=True, db_constraint=True, to_field='id', related_name='polls_closed', on_delete=OnDelete.SET_NULL)),
                ('voters', fields.IntField(default=0)),
                ('total_weight', fields.BigIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'polls', 'app': 'models', 'indexes': [Index(fields=['group_id', 'id']), Index(fields=['closes_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PollOption',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('poll', fields.ForeignKeyField('models.Poll', source_field='poll_id', db_constraint=True, to_field='id', related_name='options', on_delete=OnDelete.CASCADE)),
                ('label', fields.CharField(max_length=200)),
                ('position', fields.IntField()),
                ('votes', fields.IntField(default=0)),
                ('weight', fields.BigIntField(default=0)),
            ],
            options={'table': 'poll_options', 'app': 'models', 'unique_together': (('poll', 'position'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PollVote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('poll', fields.ForeignKeyField('models.Poll', source_field='poll_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='poll_votes', on_delete=OnDelete.CASCADE)),
                ('option_ids', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('weight', fields.IntField()),
                ('contribution', fields.BigIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'poll_votes', 'app': 'models', 'unique_together': (('poll', 'user'),), 'indexes': [Index(fields=['poll_id', 'id'])], 'pk_attr': 'id', 'table_description': "One person's vote in one poll: final, with the weight fixed when it was cast."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SatisfactionRating',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='ratings', on_delete=OnDelete.CASCADE)),
                ('subject', fields.CharEnumField(description='PURCHASE: PURCHASE\nDELIVERY: DELIVERY\nSERVICE: SERVICE\nCHARGING: CHARGING\nEVENT: EVENT\nAPP: APP', enum_type=ExperienceSubject, max_length=10)),
                ('score', fields.SmallIntField()),
                ('comment', fields.TextField(default='', unique=False)),
                ('city', fields.CharField(default='', max_length=50)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', null=True, db_constraint=True, to_field='id', related_name='ratings', on_delete=OnDelete.CASCADE)),
                ('group_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'satisfaction_ratings', 'app': 'models', 'unique_together': (('user', 'event'),), 'indexes': [Index(fields=['user_id', 'subject', 'created_at']), Index(fields=['subject', 'created_at']), Index(fields=['group_id', 'created_at']), Index(fields=['user_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='AuditEntry',
            name='kind',
            field=fields.CharEnumField(description='ACTION: ACTION\nRULE_CREATED: RULE_CREATED\nRULE_UPDATED: RULE_UPDATED\nRULE_DELETED: RULE_DELETED\nAPPEAL_UPHELD: APPEAL_UPHELD\nAPPEAL_OVERTURNED: APPEAL_OVERTURNED\nCLAIM_TAKEN_OVER: CLAIM_TAKEN_OVER\nCONTENT_VIEWED: CONTENT_VIEWED\nKOC_APPLICATION_DECIDED: KOC_APPLICATION_DECIDED\nKOC_ROLE_RENEWED: KOC_ROLE_RENEWED\nKOC_ROLE_REVOKED: KOC_ROLE_REVOKED\nKOC_PROGRAM_UPDATED: KOC_PROGRAM_UPDATED\nGROUP_CERTIFICATION_DECIDED: GROUP_CERTIFICATION_DECIDED\nGROUP_CERTIFICATION_REVOKED: GROUP_CERTIFICATION_REVOKED\nGROUP_CERTIFIED_SET: GROUP_CERTIFIED_SET\nGROUP_MEMBER_REMOVED: GROUP_MEMBER_REMOVED\nGROUP_ROLE_CHANGED: GROUP_ROLE_CHANGED\nGROUP_OWNERSHIP_TRANSFERRED: GROUP_OWNERSHIP_TRANSFERRED\nFEEDBACK_ADOPTED: FEEDBACK_ADOPTED\nLEDGER_RULE_UPDATED: LEDGER_RULE_UPDATED\nPOINTS_ADJUSTED: POINTS_ADJUSTED\nACTIVITY_RECORDED: ACTIVITY_RECORDED\nCLUB_GRANTED: CLUB_GRANTED\nCLUB_REVOKED: CLUB_REVOKED\nCLUB_ANNUAL_RUN: CLUB_ANNUAL_RUN\nEVENT_CREATED: EVENT_CREATED\nEVENT_UPDATED: EVENT_UPDATED\nEVENT_CANCELLED: EVENT_CANCELLED\nPOLL_CREATED: POLL_CREATED\nPOLL_CLOSED: POLL_CLOSED', enum_type=AuditKind, max_length=30),
        ),
        ops.AlterField(
            model_name='ChangeEvent',
            name='kind',
            field=fields.CharEnumField(description='POST_ADDED: POST_ADDED\nPOST_UPDATED: POST_UPDATED\nPOST_REMOVED: POST_REMOVED\nCOMMENT_ADDED: COMMENT_ADDED\nNOTIFICATION_ADDED: NOTIFICATION_ADDED\nQUEUE_CHANGED: QUEUE_CHANGED\nEPISODE_ADDED: EPISODE_ADDED\nEPISODE_UPDATED: EPISODE_UPDATED\nEPISODE_REMOVED: EPISODE_REMOVED\nWORK_FEATURED: WORK_FEATURED\nFEEDBACK_ADOPTED: FEEDBACK_ADOPTED\nEVENT_UPDATED: EVENT_UPDATED\nPOLL_UPDATED: POLL_UPDATED', enum_type=ChangeKind, max_length=30),
        ),
        ops.AddField(
            model_name='ChangeEvent',
            name='event_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='ChangeEvent',
            name='poll_id',
            field=fields.IntField(null=True),
        ),
        ops.AddIndex(
            model_name='ChangeEvent',
            index=Index(fields=['event_id', 'id']),
        ),
        ops.AddIndex(
            model_name='ChangeEvent',
            index=Index(fields=['poll_id', 'id']),
        ),
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='REPLY: REPLY\nMENTION: MENTION\nREACTION: REACTION\nFOLLOW: FOLLOW\nGROUP_JOIN: GROUP_JOIN\nMODERATION: MODERATION\nCREDIT_INVITATION: CREDIT_INVITATION\nCREDIT_ANSWERED: CREDIT_ANSWERED\nWORK_FEATURED: WORK_FEATURED\nEPISODE_REVIEWED: EPISODE_REVIEWED\nEPISODE_SUBMITTED: EPISODE_SUBMITTED\nKOC: KOC\nGROUP_JOIN_REQUEST: GROUP_JOIN_REQUEST\nGROUP_JOIN_DECIDED: GROUP_JOIN_DECIDED\nGROUP_INVITATION: GROUP_INVITATION\nGROUP_ROLE: GROUP_ROLE\nGROUP_REMOVED: GROUP_REMOVED\nGROUP_CERTIFICATION: GROUP_CERTIFICATION\nFEEDBACK_ADOPTED: FEEDBACK_ADOPTED\nREWARD: REWARD\nCLUB: CLUB\nEVENT: EVENT', enum_type=NotificationKind, max_length=20),
        ),
        ops.AlterField(
            model_name='SearchOutbox',
            name='entity',
            field=fields.CharEnumField(description='POST: POST\nGROUP: GROUP\nUSER: USER\nEPISODE: EPISODE\nSTATION: STATION\nCOLLECTION: COLLECTION\nEVENT: EVENT', enum_type=SearchEntity, max_length=10),
        ),
    ]
