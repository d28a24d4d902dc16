from typing import Any

from django.db import migrations, models


def unlogged(apps: Any, schema_editor: Any) -> None:
    # A counter is not worth a WAL flush on every write: a crash that empties the
    # table only restarts the current windows.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE web_rate_count SET UNLOGGED")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="RateCount",
            fields=[
                ("key", models.CharField(max_length=255, primary_key=True, serialize=False)),
                ("count", models.PositiveBigIntegerField()),
                ("expires", models.DateTimeField(db_index=True)),
            ],
            options={"db_table": "web_rate_count"},
        ),
        migrations.RunPython(unlogged, migrations.RunPython.noop, elidable=True),
    ]
