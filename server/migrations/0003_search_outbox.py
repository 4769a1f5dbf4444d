from tortoise import migrations
from tortoise.migrations import operations as ops
from server.models.enums import SearchEntity
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_events_and_notifications')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SearchOutbox',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('entity', fields.CharEnumField(description='POST: POST\nGROUP: GROUP\nUSER: USER', enum_type=SearchEntity, max_length=10)),
                ('entity_id', fields.IntField()),
                ('with_posts', fields.BooleanField(default=False, db_default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('drained_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'search_outbox', 'app': 'models', 'indexes': [Index(fields=['drained_at', 'id']), Index(fields=['created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
