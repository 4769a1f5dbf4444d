"""Groups that approve, invite and get certified, and product feedback: join requests,
invitations, invite links, bans from rejoining, certification applications, a group's join
question and moderators, and staff adopting a post of feedback. A group's industry becomes one
of the Industry values (the free texts of earlier versions are mapped onto them)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from server.models.enums import AuditKind, ChangeKind, GroupInvitationState, GroupRequestState, GroupRole, Industry, JoinPolicy, NotificationKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_koc_programs')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FeedbackAdoption',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.OneToOneField('models.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='adoption', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', db_constraint=True, to_field='id', related_name='adopted_feedback', on_delete=OnDelete.CASCADE)),
                ('adopted_by', fields.ForeignKeyField('models.User', source_field='adopted_by_id', null=True, db_constraint=True, to_field='id', related_name='feedback_adopted', on_delete=OnDelete.SET_NULL)),
                ('note', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'feedback_adoptions', 'app': 'models', 'indexes': [Index(fields=['author_id', 'id'])], 'pk_attr': 'id', 'table_description': "Staff adopted a post of product feedback: shown on its author's profile, rewarded by"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GroupBan',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.ForeignKeyField('models.Group', source_field='group_id', db_constraint=True, to_field='id', related_name='bans', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='group_bans', on_delete=OnDelete.CASCADE)),
                ('banned_by', fields.ForeignKeyField('models.User', source_field='banned_by_id', null=True, db_constraint=True, to_field='id', related_name='group_bans_given', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'group_bans', 'app': 'models', 'unique_together': (('group', 'user'),), 'pk_attr': 'id', 'table_description': 'Someone removed from a group and barred from rejoining it, until its staff lift it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GroupCertificationApplication',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.ForeignKeyField('models.Group', source_field='group_id', db_constraint=True, to_field='id', related_name='certification_applications', on_delete=OnDelete.CASCADE)),
                ('applicant', fields.ForeignKeyField('models.User', source_field='applicant_id', null=True, db_constraint=True, to_field='id', related_name='certification_applications', on_delete=OnDelete.SET_NULL)),
                ('industry', fields.CharEnumField(description='EDUCATION: EDUCATION\nSHIPPING: SHIPPING\nHUMAN_RESOURCES: HUMAN_RESOURCES\nFINANCE: FINANCE\nMEDICINE: MEDICINE\nLAW: LAW\nIT: IT\nMEDIA: MEDIA\nMANUFACTURING: MANUFACTURING\nENERGY: ENERGY\nRETAIL: RETAIL\nPUBLIC_SERVICE: PUBLIC_SERVICE\nRESEARCH: RESEARCH\nCONSTRUCTION: CONSTRUCTION\nOTHER: OTHER', enum_type=Industry, max_length=20)),
                ('evidence', fields.TextField(unique=False)),
                ('state', fields.CharEnumField(default=GroupRequestState.PENDING, description='PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED\nWITHDRAWN: WITHDRAWN', enum_type=GroupRequestState, max_length=10)),
                ('pending_key', fields.CharField(null=True, unique=True, max_length=20)),
                ('reviewer', fields.ForeignKeyField('models.User', source_field='reviewer_id', null=True, db_constraint=True, to_field='id', related_name='certification_reviews', on_delete=OnDelete.SET_NULL)),
                ('note', fields.CharField(default='', max_length=500)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'group_certification_applications', 'app': 'models', 'indexes': [Index(fields=['state', 'id']), Index(fields=['group_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A group owner asks the brand to certify the group as an industry group.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GroupInvitation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.ForeignKeyField('models.Group', source_field='group_id', db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='group_invitations', on_delete=OnDelete.CASCADE)),
                ('inviter', fields.ForeignKeyField('models.User', source_field='inviter_id', null=True, db_constraint=True, to_field='id', related_name='group_invitations_sent', on_delete=OnDelete.SET_NULL)),
                ('state', fields.CharEnumField(default=GroupInvitationState.PENDING, description='PENDING: PENDING\nACCEPTED: ACCEPTED\nDECLINED: DECLINED\nREVOKED: REVOKED', enum_type=GroupInvitationState, max_length=10)),
                ('pending_key', fields.CharField(null=True, unique=True, max_length=40)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'group_invitations', 'app': 'models', 'indexes': [Index(fields=['user_id', 'state', 'id']), Index(fields=['group_id', 'id'])], 'pk_attr': 'id', 'table_description': "A group's staff invite one person by handle, who joins on accepting whatever the policy."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GroupInviteLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.ForeignKeyField('models.Group', source_field='group_id', db_constraint=True, to_field='id', related_name='invite_links', on_delete=OnDelete.CASCADE)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='group_invite_links', on_delete=OnDelete.SET_NULL)),
                ('code', fields.CharField(unique=True, max_length=40)),
                ('max_uses', fields.IntField(null=True)),
                ('uses', fields.IntField(default=0)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'group_invite_links', 'app': 'models', 'indexes': [Index(fields=['group_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A code anyone who has it may join with, a number of times or until a moment.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GroupJoinRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.ForeignKeyField('models.Group', source_field='group_id', db_constraint=True, to_field='id', related_name='join_requests', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='group_join_requests', on_delete=OnDelete.CASCADE)),
                ('answer', fields.CharField(default='', max_length=1000)),
                ('state', fields.CharEnumField(default=GroupRequestState.PENDING, description='PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED\nWITHDRAWN: WITHDRAWN', enum_type=GroupRequestState, max_length=10)),
                ('pending_key', fields.CharField(null=True, unique=True, max_length=40)),
                ('decided_by', fields.ForeignKeyField('models.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='group_join_decisions', on_delete=OnDelete.SET_NULL)),
                ('note', fields.CharField(default='', max_length=500)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'group_join_requests', 'app': 'models', 'indexes': [Index(fields=['group_id', 'state', 'id']), Index(fields=['user_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A request to join a group that approves its members, with the answer to its question.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='AuditEntry',
            name='kind',
            field=fields.CharEnumField(description='ACTION: ACTION\nRULE_CREATED: RULE_CREATED\nRULE_UPDATED: RULE_UPDATED\nRULE_DELETED: RULE_DELETED\nAPPEAL_UPHELD: APPEAL_UPHELD\nAPPEAL_OVERTURNED: APPEAL_OVERTURNED\nCLAIM_TAKEN_OVER: CLAIM_TAKEN_OVER\nCONTENT_VIEWED: CONTENT_VIEWED\nKOC_APPLICATION_DECIDED: KOC_APPLICATION_DECIDED\nKOC_ROLE_RENEWED: KOC_ROLE_RENEWED\nKOC_ROLE_REVOKED: KOC_ROLE_REVOKED\nKOC_PROGRAM_UPDATED: KOC_PROGRAM_UPDATED\nGROUP_CERTIFICATION_DECIDED: GROUP_CERTIFICATION_DECIDED\nGROUP_CERTIFICATION_REVOKED: GROUP_CERTIFICATION_REVOKED\nGROUP_CERTIFIED_SET: GROUP_CERTIFIED_SET\nGROUP_MEMBER_REMOVED: GROUP_MEMBER_REMOVED\nGROUP_ROLE_CHANGED: GROUP_ROLE_CHANGED\nGROUP_OWNERSHIP_TRANSFERRED: GROUP_OWNERSHIP_TRANSFERRED\nFEEDBACK_ADOPTED: FEEDBACK_ADOPTED', enum_type=AuditKind, max_length=30),
        ),
        ops.AlterField(
            model_name='ChangeEvent',
            name='kind',
            field=fields.CharEnumField(description='POST_ADDED: POST_ADDED\nPOST_UPDATED: POST_UPDATED\nPOST_REMOVED: POST_REMOVED\nCOMMENT_ADDED: COMMENT_ADDED\nNOTIFICATION_ADDED: NOTIFICATION_ADDED\nQUEUE_CHANGED: QUEUE_CHANGED\nEPISODE_ADDED: EPISODE_ADDED\nEPISODE_UPDATED: EPISODE_UPDATED\nEPISODE_REMOVED: EPISODE_REMOVED\nWORK_FEATURED: WORK_FEATURED\nFEEDBACK_ADOPTED: FEEDBACK_ADOPTED', enum_type=ChangeKind, max_length=30),
        ),
        # Earlier versions kept the industry as free text: map it before the column narrows.
        ops.RunSQL(
            "UPDATE groups SET industry = CASE LOWER(industry) WHEN 'education' THEN 'EDUCATION' WHEN 'shipping' THEN 'SHIPPING' WHEN 'logistics' THEN 'SHIPPING' WHEN 'hr' THEN 'HUMAN_RESOURCES' WHEN 'human resources' THEN 'HUMAN_RESOURCES' WHEN 'human_resources' THEN 'HUMAN_RESOURCES' WHEN 'finance' THEN 'FINANCE' WHEN 'banking' THEN 'FINANCE' WHEN 'medicine' THEN 'MEDICINE' WHEN 'medical' THEN 'MEDICINE' WHEN 'healthcare' THEN 'MEDICINE' WHEN 'law' THEN 'LAW' WHEN 'legal' THEN 'LAW' WHEN 'it' THEN 'IT' WHEN 'media' THEN 'MEDIA' WHEN 'manufacturing' THEN 'MANUFACTURING' WHEN 'energy' THEN 'ENERGY' WHEN 'retail' THEN 'RETAIL' WHEN 'public_service' THEN 'PUBLIC_SERVICE' WHEN 'public service' THEN 'PUBLIC_SERVICE' WHEN 'research' THEN 'RESEARCH' WHEN 'construction' THEN 'CONSTRUCTION' ELSE 'OTHER' END WHERE industry IS NOT NULL",
            reverse_sql="UPDATE groups SET industry = LOWER(industry) WHERE industry IS NOT NULL",
        ),
        ops.AlterField(
            model_name='Group',
            name='industry',
            field=fields.CharEnumField(null=True, description='EDUCATION: EDUCATION\nSHIPPING: SHIPPING\nHUMAN_RESOURCES: HUMAN_RESOURCES\nFINANCE: FINANCE\nMEDICINE: MEDICINE\nLAW: LAW\nIT: IT\nMEDIA: MEDIA\nMANUFACTURING: MANUFACTURING\nENERGY: ENERGY\nRETAIL: RETAIL\nPUBLIC_SERVICE: PUBLIC_SERVICE\nRESEARCH: RESEARCH\nCONSTRUCTION: CONSTRUCTION\nOTHER: OTHER', enum_type=Industry, max_length=20),
        ),
        ops.AlterField(
            model_name='Group',
            name='join_policy',
            field=fields.CharEnumField(default=JoinPolicy.OPEN, description='OPEN: OPEN\nAPPROVAL: APPROVAL\nINVITE_ONLY: INVITE_ONLY', enum_type=JoinPolicy, max_length=20),
        ),
        ops.AddField(
            model_name='Group',
            name='join_question',
            field=fields.CharField(default='', db_default='', max_length=300),
        ),
        ops.AlterField(
            model_name='GroupMembership',
            name='role',
            field=fields.CharEnumField(default=GroupRole.MEMBER, description='OWNER: OWNER\nADMIN: ADMIN\nMODERATOR: MODERATOR\nMEMBER: MEMBER', enum_type=GroupRole, max_length=20),
        ),
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='REPLY: REPLY\nMENTION: MENTION\nREACTION: REACTION\nFOLLOW: FOLLOW\nGROUP_JOIN: GROUP_JOIN\nMODERATION: MODERATION\nCREDIT_INVITATION: CREDIT_INVITATION\nCREDIT_ANSWERED: CREDIT_ANSWERED\nWORK_FEATURED: WORK_FEATURED\nEPISODE_REVIEWED: EPISODE_REVIEWED\nEPISODE_SUBMITTED: EPISODE_SUBMITTED\nKOC: KOC\nGROUP_JOIN_REQUEST: GROUP_JOIN_REQUEST\nGROUP_JOIN_DECIDED: GROUP_JOIN_DECIDED\nGROUP_INVITATION: GROUP_INVITATION\nGROUP_ROLE: GROUP_ROLE\nGROUP_REMOVED: GROUP_REMOVED\nGROUP_CERTIFICATION: GROUP_CERTIFICATION\nFEEDBACK_ADOPTED: FEEDBACK_ADOPTED', enum_type=NotificationKind, max_length=20),
        ),
        ops.AddField(
            model_name='Post',
            name='feedback',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
