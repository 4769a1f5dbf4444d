from tortoise import migrations
from tortoise.migrations import operations as ops
from server.models.enums import AuditKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_moderation')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='AuditEntry',
            name='kind',
            field=fields.CharEnumField(description='ACTION: ACTION\nRULE_CREATED: RULE_CREATED\nRULE_UPDATED: RULE_UPDATED\nRULE_DELETED: RULE_DELETED\nAPPEAL_UPHELD: APPEAL_UPHELD\nAPPEAL_OVERTURNED: APPEAL_OVERTURNED\nCLAIM_TAKEN_OVER: CLAIM_TAKEN_OVER\nCONTENT_VIEWED: CONTENT_VIEWED', enum_type=AuditKind, max_length=20),
        ),
        ops.AddField(
            model_name='Report',
            name='hide_weight',
            field=fields.FloatField(default=0, db_default=0),
        ),
    ]
