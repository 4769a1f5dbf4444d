from tortoise import migrations
from tortoise.migrations import operations as ops
from server.models.enums import ChangeKind, NotificationKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='POST_ADDED: POST_ADDED\nPOST_UPDATED: POST_UPDATED\nPOST_REMOVED: POST_REMOVED\nCOMMENT_ADDED: COMMENT_ADDED\nNOTIFICATION_ADDED: NOTIFICATION_ADDED', enum_type=ChangeKind, max_length=30)),
                ('post_id', fields.IntField(null=True)),
                ('comment_id', fields.IntField(null=True)),
                ('group_id', fields.IntField(null=True)),
                ('notification_id', fields.IntField(null=True)),
                ('recipient_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'events', 'app': 'models', 'indexes': [Index(fields=['kind', 'id']), Index(fields=['post_id', 'id']), Index(fields=['recipient_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('recipient', fields.ForeignKeyField('models.User', source_field='recipient_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('actor', fields.ForeignKeyField('models.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='notifications_caused', on_delete=OnDelete.SET_NULL)),
                ('kind', fields.CharEnumField(description='REPLY: REPLY\nMENTION: MENTION\nREACTION: REACTION\nFOLLOW: FOLLOW\nGROUP_JOIN: GROUP_JOIN', enum_type=NotificationKind, max_length=20)),
                ('actor_count', fields.IntField(default=1)),
                ('post_id', fields.IntField(null=True)),
                ('comment_id', fields.IntField(null=True)),
                ('group_id', fields.IntField(null=True)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'notifications', 'app': 'models', 'indexes': [Index(fields=['recipient_id', 'updated_at']), Index(fields=['recipient_id', 'read_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
