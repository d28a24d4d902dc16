from __future__ import annotations

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def delete_self_follows(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Rows written before the rule existed would make ADD CONSTRAINT fail.
    Follow = apps.get_model("social", "Follow")
    db_alias = schema_editor.connection.alias
    Follow.objects.using(db_alias).filter(from_user=models.F("to_user")).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            code=delete_self_follows,
            reverse_code=migrations.RunPython.noop,
            elidable=True,
        ),
        migrations.AddConstraint(
            model_name="follow",
            constraint=models.CheckConstraint(
                condition=models.Q(("from_user", models.F("to_user")), _negated=True),
                name="social_follow_prevent_self_follow",
                violation_error_message="Users cannot follow themselves.",
            ),
        ),
    ]
