"""Names that say what they are: the change log subscribers replay (`events` becomes
`change_events`, freeing "event" for community events) and one name, moderation item, for the
queue's items. Tables keep their rows; only names move."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.schema_generator.state import get_related_models_recursive


class MoveTable(ops.TortoiseOperation):
    """Rename a model's table, keeping its rows (RenameModel only renames tables named after
    the model)."""

    def __init__(self, model_name: str, old_table: str, new_table: str) -> None:
        self.model_name = model_name
        self.old_table = old_table
        self.new_table = new_table

    def describe(self) -> str:
        return f"Move {self.model_name} from table {self.old_table} to {self.new_table}"

    def state_forward(self, app_label, state) -> None:
        model_state = self.get_model_state(state, app_label, self.model_name)
        model_state.table = self.new_table
        model_state.options["table"] = self.new_table
        state.reload_model(app_label, self.model_name)

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor:
            model = new_state.apps.get_model(f"{app_label}.{self.model_name}")
            await state_editor.rename_table(model, self.old_table, self.new_table)

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor:
            model = old_state.apps.get_model(f"{app_label}.{self.model_name}")
            await state_editor.rename_table(model, self.new_table, self.old_table)


class RenameLinkedModel(ops.RenameModel):
    """RenameModel for a model with foreign keys: the models it links to are rebuilt too, or
    they keep the old model's reverse relations and clash with the renamed one's."""

    def state_forward(self, app_label, state) -> None:
        old = state.apps.get_model(f"{app_label}.{self.old_name}")
        linked = get_related_models_recursive(old) - {(app_label, self.old_name)}
        state.reload_model = lambda app, name: state.reload_models({(app, name), *linked})
        try:
            super().state_forward(app_label, state)
        finally:
            del state.reload_model


class Migration(migrations.Migration):
    dependencies = [("models", "0005_report_standing")]

    initial = False

    operations = [
        RenameLinkedModel(old_name="QueueItem", new_name="ModerationItem"),
        RenameLinkedModel(old_name="QueueItemEvent", new_name="ModerationItemEvent"),
        ops.RenameModel(old_name="Event", new_name="ChangeEvent"),
        MoveTable("ChangeEvent", "events", "change_events"),
        ops.RenameField(
            model_name="ChangeEvent", old_name="queue_item_id", new_name="moderation_item_id"
        ),
    ]
