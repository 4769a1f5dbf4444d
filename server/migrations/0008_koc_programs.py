"""KOC programmes: the programmes, the applications for a role and the roles granted for a
term; notifications and the audit log learn their kinds."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from server.models.enums import AuditKind, KocApplicationState, KocRoleKind, KocRoleState, NotificationKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_credits_collections_radio')]

    initial = False

    operations = [
        ops.CreateModel(
            name='KocApplication',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='koc_applications', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='VOLUNTEER: VOLUNTEER\nEXPERIENCE_OFFICER: EXPERIENCE_OFFICER\nCHIEF_CREATIVE_OFFICER: CHIEF_CREATIVE_OFFICER\nSTORY_SCOUT: STORY_SCOUT\nQUALITY_OFFICER: QUALITY_OFFICER\nPERK_PARTNER: PERK_PARTNER\nPRODUCT_ADVISOR: PRODUCT_ADVISOR', enum_type=KocRoleKind, max_length=30)),
                ('statement', fields.TextField(unique=False)),
                ('city', fields.CharField(default='', max_length=50)),
                ('state', fields.CharEnumField(default=KocApplicationState.PENDING, description='PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED\nWITHDRAWN: WITHDRAWN', enum_type=KocApplicationState, max_length=10)),
                ('pending_key', fields.CharField(null=True, unique=True, max_length=50)),
                ('reviewer', fields.ForeignKeyField('models.User', source_field='reviewer_id', null=True, db_constraint=True, to_field='id', related_name='koc_reviews', on_delete=OnDelete.SET_NULL)),
                ('note', fields.CharField(default='', max_length=500)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'koc_applications', 'app': 'models', 'indexes': [Index(fields=['kind', 'state', 'id']), Index(fields=['user_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='KocProgram',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(unique=True, description='VOLUNTEER: VOLUNTEER\nEXPERIENCE_OFFICER: EXPERIENCE_OFFICER\nCHIEF_CREATIVE_OFFICER: CHIEF_CREATIVE_OFFICER\nSTORY_SCOUT: STORY_SCOUT\nQUALITY_OFFICER: QUALITY_OFFICER\nPERK_PARTNER: PERK_PARTNER\nPRODUCT_ADVISOR: PRODUCT_ADVISOR', enum_type=KocRoleKind, max_length=30)),
                ('name_zh', fields.CharField(max_length=50)),
                ('name_en', fields.CharField(max_length=80)),
                ('description', fields.TextField(default='', unique=False)),
                ('eligible_identities', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('open', fields.BooleanField(default=True)),
                ('term_months', fields.IntField(default=12)),
                ('seats', fields.IntField(default=100)),
                ('seats_taken', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'koc_programs', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One kind of role as a programme: who may apply, for how long, how many seats. The row'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='KocRole',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='koc_roles', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='VOLUNTEER: VOLUNTEER\nEXPERIENCE_OFFICER: EXPERIENCE_OFFICER\nCHIEF_CREATIVE_OFFICER: CHIEF_CREATIVE_OFFICER\nSTORY_SCOUT: STORY_SCOUT\nQUALITY_OFFICER: QUALITY_OFFICER\nPERK_PARTNER: PERK_PARTNER\nPRODUCT_ADVISOR: PRODUCT_ADVISOR', enum_type=KocRoleKind, max_length=30)),
                ('state', fields.CharEnumField(default=KocRoleState.ACTIVE, description='ACTIVE: ACTIVE\nEXPIRED: EXPIRED\nREVOKED: REVOKED', enum_type=KocRoleState, max_length=10)),
                ('active_key', fields.CharField(null=True, unique=True, max_length=50)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('granted_by', fields.ForeignKeyField('models.User', source_field='granted_by_id', null=True, db_constraint=True, to_field='id', related_name='koc_roles_granted', on_delete=OnDelete.SET_NULL)),
                ('application', fields.ForeignKeyField('models.KocApplication', source_field='application_id', null=True, db_constraint=True, to_field='id', related_name='roles', on_delete=OnDelete.SET_NULL)),
                ('reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_reason', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'koc_roles', 'app': 'models', 'indexes': [Index(fields=['state', 'ends_at']), Index(fields=['user_id', 'state'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='AuditEntry',
            name='kind',
            field=fields.CharEnumField(description='ACTION: ACTION\nRULE_CREATED: RULE_CREATED\nRULE_UPDATED: RULE_UPDATED\nRULE_DELETED: RULE_DELETED\nAPPEAL_UPHELD: APPEAL_UPHELD\nAPPEAL_OVERTURNED: APPEAL_OVERTURNED\nCLAIM_TAKEN_OVER: CLAIM_TAKEN_OVER\nCONTENT_VIEWED: CONTENT_VIEWED\nKOC_APPLICATION_DECIDED: KOC_APPLICATION_DECIDED\nKOC_ROLE_RENEWED: KOC_ROLE_RENEWED\nKOC_ROLE_REVOKED: KOC_ROLE_REVOKED\nKOC_PROGRAM_UPDATED: KOC_PROGRAM_UPDATED', enum_type=AuditKind, max_length=30),
        ),
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='REPLY: REPLY\nMENTION: MENTION\nREACTION: REACTION\nFOLLOW: FOLLOW\nGROUP_JOIN: GROUP_JOIN\nMODERATION: MODERATION\nCREDIT_INVITATION: CREDIT_INVITATION\nCREDIT_ANSWERED: CREDIT_ANSWERED\nWORK_FEATURED: WORK_FEATURED\nEPISODE_REVIEWED: EPISODE_REVIEWED\nEPISODE_SUBMITTED: EPISODE_SUBMITTED\nKOC: KOC', enum_type=NotificationKind, max_length=20),
        ),
    ]
