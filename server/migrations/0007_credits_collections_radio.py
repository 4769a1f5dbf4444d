"""Works made together and the owners' radio: credits, collections, featured works, radio
stations, their heads, followers, episodes and reactions; comments may belong to an episode
instead of a post; notifications and the change log learn to point at episodes and credits."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from server.models.enums import ChangeKind, CreditRole, CreditState, EpisodeState, ModerationTarget, NotificationKind, ReactionKind, SearchEntity
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0006_change_log_and_moderation_items')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Collection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=60)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('cover_url', fields.CharField(null=True, max_length=500)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='collections_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'collections', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CollectionCurator',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('collection', fields.ForeignKeyField('models.Collection', source_field='collection_id', db_constraint=True, to_field='id', related_name='curators', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='collections_curated', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'collection_curators', 'app': 'models', 'unique_together': (('collection', 'user'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RadioStation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=60)),
                ('name', fields.CharField(max_length=100)),
                ('city', fields.CharField(db_index=True, max_length=50)),
                ('description', fields.TextField(default='', unique=False)),
                ('cover_url', fields.CharField(null=True, max_length=500)),
                ('follower_count', fields.IntField(default=0)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='stations_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'radio_stations', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RadioEpisode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('station', fields.ForeignKeyField('models.RadioStation', source_field='station_id', db_constraint=True, to_field='id', related_name='episodes', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', db_constraint=True, to_field='id', related_name='episodes', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('audio_url', fields.CharField(max_length=500)),
                ('duration_seconds', fields.IntField()),
                ('mime_type', fields.CharField(max_length=100)),
                ('size_bytes', fields.BigIntField(null=True)),
                ('cover_url', fields.CharField(null=True, max_length=500)),
                ('state', fields.CharEnumField(default=EpisodeState.DRAFT, description='DRAFT: DRAFT\nSUBMITTED: SUBMITTED\nPUBLISHED: PUBLISHED\nREJECTED: REJECTED\nHIDDEN: HIDDEN\nREMOVED: REMOVED', enum_type=EpisodeState, max_length=20)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('edited_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_by', fields.ForeignKeyField('models.User', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name='episodes_reviewed', on_delete=OnDelete.SET_NULL)),
                ('review_note', fields.CharField(default='', max_length=500)),
                ('play_count', fields.IntField(default=0)),
                ('comment_count', fields.IntField(default=0)),
                ('reaction_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'radio_episodes', 'app': 'models', 'indexes': [Index(fields=['state', 'published_at']), Index(fields=['station_id', 'state', 'published_at']), Index(fields=['author_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CollectionItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('collection', fields.ForeignKeyField('models.Collection', source_field='collection_id', db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.CASCADE)),
                ('post', fields.ForeignKeyField('models.Post', source_field='post_id', null=True, db_constraint=True, to_field='id', related_name='collection_items', on_delete=OnDelete.CASCADE)),
                ('episode', fields.ForeignKeyField('models.RadioEpisode', source_field='episode_id', null=True, db_constraint=True, to_field='id', related_name='collection_items', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('note', fields.CharField(default='', max_length=500)),
                ('added_by', fields.ForeignKeyField('models.User', source_field='added_by_id', null=True, db_constraint=True, to_field='id', related_name='collection_items_added', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'collection_items', 'app': 'models', 'unique_together': (('collection', 'post'), ('collection', 'episode')), 'indexes': [Index(fields=['collection_id', 'position'])], 'pk_attr': 'id', 'table_description': "A work's place in a collection, in the curators' order, with their note."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Credit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('models.Post', source_field='post_id', null=True, db_constraint=True, to_field='id', related_name='credits', on_delete=OnDelete.CASCADE)),
                ('episode', fields.ForeignKeyField('models.RadioEpisode', source_field='episode_id', null=True, db_constraint=True, to_field='id', related_name='credits', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='credits', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='WRITER: WRITER\nPHOTOGRAPHER: PHOTOGRAPHER\nVIDEOGRAPHER: VIDEOGRAPHER\nEDITOR: EDITOR\nILLUSTRATOR: ILLUSTRATOR\nHOST: HOST\nGUEST: GUEST\nPRODUCER: PRODUCER\nTRANSLATOR: TRANSLATOR\nOTHER: OTHER', enum_type=CreditRole, max_length=20)),
                ('state', fields.CharEnumField(default=CreditState.PENDING, description='PENDING: PENDING\nACCEPTED: ACCEPTED\nDECLINED: DECLINED', enum_type=CreditState, max_length=10)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'credits', 'app': 'models', 'unique_together': (('post', 'user', 'role'), ('episode', 'user', 'role')), 'indexes': [Index(fields=['user_id', 'state', 'id'])], 'pk_attr': 'id', 'table_description': 'One person credited on one work, with a role, once they agree.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EpisodeReaction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('episode', fields.ForeignKeyField('models.RadioEpisode', source_field='episode_id', db_constraint=True, to_field='id', related_name='reactions', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='episode_reactions', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='LIKE: LIKE\nLOVE: LOVE\nLAUGH: LAUGH\nWOW: WOW\nSAD: SAD\nCLAP: CLAP', enum_type=ReactionKind, max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'episode_reactions', 'app': 'models', 'unique_together': (('episode', 'user', 'kind'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeaturedWork',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.OneToOneField('models.Post', source_field='post_id', null=True, db_constraint=True, to_field='id', related_name='featured', on_delete=OnDelete.CASCADE)),
                ('episode', fields.OneToOneField('models.RadioEpisode', source_field='episode_id', null=True, db_constraint=True, to_field='id', related_name='featured', on_delete=OnDelete.CASCADE)),
                ('note', fields.CharField(default='', max_length=500)),
                ('featured_by', fields.ForeignKeyField('models.User', source_field='featured_by_id', null=True, db_constraint=True, to_field='id', related_name='works_featured', on_delete=OnDelete.SET_NULL)),
                ('featured_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'featured_works', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A work staff picked out, with at most one mark per work.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StationFollow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('station', fields.ForeignKeyField('models.RadioStation', source_field='station_id', db_constraint=True, to_field='id', related_name='follows', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='stations_followed', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'station_follows', 'app': 'models', 'unique_together': (('station', 'user'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StationHead',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('station', fields.ForeignKeyField('models.RadioStation', source_field='station_id', db_constraint=True, to_field='id', related_name='heads', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='stations_headed', on_delete=OnDelete.CASCADE)),
                ('appointed_by', fields.ForeignKeyField('models.User', source_field='appointed_by_id', null=True, db_constraint=True, to_field='id', related_name='heads_appointed', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'station_heads', 'app': 'models', 'unique_together': (('station', 'user'),), 'pk_attr': 'id', 'table_description': 'A user who runs a station: publishes without review and reviews what others submit.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='AuditEntry',
            name='target_type',
            field=fields.CharEnumField(null=True, description='POST: POST\nCOMMENT: COMMENT\nUSER: USER\nGROUP: GROUP\nEPISODE: EPISODE\nSTATION: STATION\nCOLLECTION: COLLECTION\nCREDIT: CREDIT', enum_type=ModerationTarget, max_length=10),
        ),
        ops.AlterField(
            model_name='ChangeEvent',
            name='kind',
            field=fields.CharEnumField(description='POST_ADDED: POST_ADDED\nPOST_UPDATED: POST_UPDATED\nPOST_REMOVED: POST_REMOVED\nCOMMENT_ADDED: COMMENT_ADDED\nNOTIFICATION_ADDED: NOTIFICATION_ADDED\nQUEUE_CHANGED: QUEUE_CHANGED\nEPISODE_ADDED: EPISODE_ADDED\nEPISODE_UPDATED: EPISODE_UPDATED\nEPISODE_REMOVED: EPISODE_REMOVED\nWORK_FEATURED: WORK_FEATURED', enum_type=ChangeKind, max_length=30),
        ),
        ops.AddField(
            model_name='ChangeEvent',
            name='episode_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='ChangeEvent',
            name='station_id',
            field=fields.IntField(null=True),
        ),
        ops.AddIndex(
            model_name='ChangeEvent',
            index=Index(fields=['episode_id', 'id']),
        ),
        ops.AlterField(
            model_name='Comment',
            name='post',
            field=fields.ForeignKeyField('models.Post', source_field='post_id', null=True, db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='Comment',
            name='episode',
            field=fields.ForeignKeyField('models.RadioEpisode', source_field='episode_id', null=True, db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.CASCADE),
        ),
        ops.AddIndex(
            model_name='Comment',
            index=Index(fields=['episode_id', 'parent_id', 'created_at']),
        ),
        ops.AlterField(
            model_name='ModerationItem',
            name='target_type',
            field=fields.CharEnumField(description='POST: POST\nCOMMENT: COMMENT\nUSER: USER\nGROUP: GROUP\nEPISODE: EPISODE\nSTATION: STATION\nCOLLECTION: COLLECTION\nCREDIT: CREDIT', enum_type=ModerationTarget, max_length=10),
        ),
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='REPLY: REPLY\nMENTION: MENTION\nREACTION: REACTION\nFOLLOW: FOLLOW\nGROUP_JOIN: GROUP_JOIN\nMODERATION: MODERATION\nCREDIT_INVITATION: CREDIT_INVITATION\nCREDIT_ANSWERED: CREDIT_ANSWERED\nWORK_FEATURED: WORK_FEATURED\nEPISODE_REVIEWED: EPISODE_REVIEWED\nEPISODE_SUBMITTED: EPISODE_SUBMITTED', enum_type=NotificationKind, max_length=20),
        ),
        ops.AddField(
            model_name='Notification',
            name='credit_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Notification',
            name='episode_id',
            field=fields.IntField(null=True),
        ),
        ops.AlterField(
            model_name='Report',
            name='target_type',
            field=fields.CharEnumField(description='POST: POST\nCOMMENT: COMMENT\nUSER: USER\nGROUP: GROUP\nEPISODE: EPISODE\nSTATION: STATION\nCOLLECTION: COLLECTION\nCREDIT: CREDIT', enum_type=ModerationTarget, max_length=10),
        ),
        ops.AlterField(
            model_name='SearchOutbox',
            name='entity',
            field=fields.CharEnumField(description='POST: POST\nGROUP: GROUP\nUSER: USER\nEPISODE: EPISODE\nSTATION: STATION\nCOLLECTION: COLLECTION', enum_type=SearchEntity, max_length=10),
        ),
    ]
