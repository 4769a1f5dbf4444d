from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from server.models.enums import AccountState, AppealState, AuditKind, CommentState, ChangeKind, ModerationItemEventKind, MatchKind, ModerationAction, ModerationTarget, NotificationKind, PostState, ModerationItemState, ReportOutcome, ReportReason, RuleAction
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_search_outbox')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor', fields.ForeignKeyField('models.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.SET_NULL)),
                ('kind', fields.CharEnumField(description='ACTION: ACTION\nRULE_CREATED: RULE_CREATED\nRULE_UPDATED: RULE_UPDATED\nRULE_DELETED: RULE_DELETED\nAPPEAL_UPHELD: APPEAL_UPHELD\nAPPEAL_OVERTURNED: APPEAL_OVERTURNED', enum_type=AuditKind, max_length=20)),
                ('action', fields.CharEnumField(null=True, description='APPROVE: APPROVE\nHIDE: HIDE\nREMOVE: REMOVE\nLOCK_COMMENTS: LOCK_COMMENTS\nWARN: WARN\nSILENCE: SILENCE\nSUSPEND: SUSPEND\nBAN: BAN\nIGNORE: IGNORE\nESCALATE: ESCALATE\nRESTORE: RESTORE\nLIFT_SANCTION: LIFT_SANCTION', enum_type=ModerationAction, max_length=20)),
                ('target_type', fields.CharEnumField(null=True, description='POST: POST\nCOMMENT: COMMENT\nUSER: USER\nGROUP: GROUP', enum_type=ModerationTarget, max_length=10)),
                ('target_id', fields.IntField(null=True)),
                ('affected_user_id', fields.IntField(null=True, db_index=True)),
                ('group_id', fields.IntField(null=True)),
                ('item_id', fields.IntField(null=True, db_index=True)),
                ('reason', fields.TextField(default='', unique=False)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'audit_log', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Who did what to what, why and when. Append-only.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ModerationRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('pattern', fields.CharField(max_length=100)),
                ('match', fields.CharEnumField(description='WORD: WORD\nSUBSTRING: SUBSTRING', enum_type=MatchKind, max_length=10)),
                ('action', fields.CharEnumField(description='BLOCK: BLOCK\nHOLD: HOLD\nFLAG: FLAG\nREPLACE: REPLACE', enum_type=RuleAction, max_length=10)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='rules_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'moderation_rules', 'app': 'models', 'unique_together': (('pattern', 'match'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QueueItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('target_type', fields.CharEnumField(description='POST: POST\nCOMMENT: COMMENT\nUSER: USER\nGROUP: GROUP', enum_type=ModerationTarget, max_length=10)),
                ('target_id', fields.IntField()),
                ('author_id', fields.IntField(null=True)),
                ('group_id', fields.IntField(null=True, db_index=True)),
                ('state', fields.CharEnumField(default=ModerationItemState.PENDING, description='PENDING: PENDING\nRESOLVED: RESOLVED\nIGNORED: IGNORED\nESCALATED: ESCALATED', enum_type=ModerationItemState, max_length=10)),
                ('score', fields.FloatField(default=0)),
                ('reasons', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('auto_hits', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('target_hidden', fields.BooleanField(default=False)),
                ('open_key', fields.CharField(null=True, unique=True, max_length=40)),
                ('claimed_by', fields.ForeignKeyField('models.User', source_field='claimed_by_id', null=True, db_constraint=True, to_field='id', related_name='items_claimed', on_delete=OnDelete.SET_NULL)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolved_by', fields.ForeignKeyField('models.User', source_field='resolved_by_id', null=True, db_constraint=True, to_field='id', related_name='items_resolved', on_delete=OnDelete.SET_NULL)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'moderation_items', 'app': 'models', 'indexes': [Index(fields=['state', 'score']), Index(fields=['target_type', 'target_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Appeal',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('decision', fields.OneToOneField('models.AuditEntry', source_field='decision_id', db_constraint=True, to_field='id', related_name='appeal', on_delete=OnDelete.CASCADE)),
                ('item', fields.ForeignKeyField('models.QueueItem', source_field='item_id', db_constraint=True, to_field='id', related_name='appeals', on_delete=OnDelete.CASCADE)),
                ('appellant', fields.ForeignKeyField('models.User', source_field='appellant_id', db_constraint=True, to_field='id', related_name='appeals', on_delete=OnDelete.CASCADE)),
                ('text', fields.TextField(unique=False)),
                ('state', fields.CharEnumField(default=AppealState.PENDING, description='PENDING: PENDING\nUPHELD: UPHELD\nOVERTURNED: OVERTURNED', enum_type=AppealState, max_length=10)),
                ('decided_by', fields.ForeignKeyField('models.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='appeals_decided', on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'appeals', 'app': 'models', 'pk_attr': 'id', 'table_description': "An affected user's one appeal against one decision (an audit entry)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QueueItemEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('models.QueueItem', source_field='item_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('actor', fields.ForeignKeyField('models.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='item_events', on_delete=OnDelete.SET_NULL)),
                ('kind', fields.CharEnumField(description='OPENED: OPENED\nREPORTED: REPORTED\nSCREENED: SCREENED\nCLAIMED: CLAIMED\nRELEASED: RELEASED\nNOTE: NOTE\nACTION: ACTION\nAPPEALED: APPEALED\nAPPEAL_DECIDED: APPEAL_DECIDED', enum_type=ModerationItemEventKind, max_length=20)),
                ('text', fields.TextField(default='', unique=False)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'moderation_item_events', 'app': 'models', 'pk_attr': 'id', 'table_description': "One line of a queue item's timeline."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Report',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('reporter', fields.ForeignKeyField('models.User', source_field='reporter_id', db_constraint=True, to_field='id', related_name='reports_made', on_delete=OnDelete.CASCADE)),
                ('item', fields.ForeignKeyField('models.QueueItem', source_field='item_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('target_type', fields.CharEnumField(description='POST: POST\nCOMMENT: COMMENT\nUSER: USER\nGROUP: GROUP', enum_type=ModerationTarget, max_length=10)),
                ('target_id', fields.IntField()),
                ('reason', fields.CharEnumField(description='SPAM: SPAM\nHARASSMENT: HARASSMENT\nHATE: HATE\nMISINFORMATION: MISINFORMATION\nILLEGAL: ILLEGAL\nPRIVACY: PRIVACY\nOTHER: OTHER', enum_type=ReportReason, max_length=20)),
                ('note', fields.TextField(default='', unique=False)),
                ('weight', fields.FloatField(default=1)),
                ('outcome', fields.CharEnumField(default=ReportOutcome.OPEN, description='OPEN: OPEN\nUPHELD: UPHELD\nREJECTED: REJECTED', enum_type=ReportOutcome, max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'reports', 'app': 'models', 'unique_together': (('reporter', 'target_type', 'target_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RuleSetVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(default=0)),
            ],
            options={'table': 'moderation_rule_versions', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One row whose number grows with every rule change: processes compare it to reload'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Comment',
            name='state',
            field=fields.CharEnumField(default=CommentState.PUBLISHED, description='HELD: HELD\nPUBLISHED: PUBLISHED\nHIDDEN: HIDDEN\nREMOVED: REMOVED\nDELETED: DELETED', enum_type=CommentState, max_length=20),
        ),
        ops.AlterField(
            model_name='Event',
            name='kind',
            field=fields.CharEnumField(description='POST_ADDED: POST_ADDED\nPOST_UPDATED: POST_UPDATED\nPOST_REMOVED: POST_REMOVED\nCOMMENT_ADDED: COMMENT_ADDED\nNOTIFICATION_ADDED: NOTIFICATION_ADDED\nQUEUE_CHANGED: QUEUE_CHANGED', enum_type=ChangeKind, max_length=30),
        ),
        ops.AddField(
            model_name='Event',
            name='queue_item_id',
            field=fields.IntField(null=True),
        ),
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='REPLY: REPLY\nMENTION: MENTION\nREACTION: REACTION\nFOLLOW: FOLLOW\nGROUP_JOIN: GROUP_JOIN\nMODERATION: MODERATION', enum_type=NotificationKind, max_length=20),
        ),
        ops.AddField(
            model_name='Notification',
            name='text',
            field=fields.CharField(default='', db_default='', max_length=500),
        ),
        ops.AlterField(
            model_name='Post',
            name='state',
            field=fields.CharEnumField(default=PostState.DRAFT, description='DRAFT: DRAFT\nHELD: HELD\nPUBLISHED: PUBLISHED\nHIDDEN: HIDDEN\nREMOVED: REMOVED', enum_type=PostState, max_length=20),
        ),
        ops.AddField(
            model_name='Post',
            name='comments_locked',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AlterField(
            model_name='User',
            name='state',
            field=fields.CharEnumField(default=AccountState.ACTIVE, description='ACTIVE: ACTIVE\nSILENCED: SILENCED\nSUSPENDED: SUSPENDED\nBANNED: BANNED', enum_type=AccountState, max_length=20),
        ),
    ]
