# Row versions (conditional/versions.py); a constant database default: no table rewrite.

import conditional.operations
import conditional.versions
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0003_event_created_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="version",
            field=models.BigIntegerField(
                default=conditional.versions.new_version,
                db_default=1,
                editable=False,
                help_text="Raised by the database on every change of the row.",
            ),
        ),
        migrations.AddField(
            model_name="score",
            name="version",
            field=models.BigIntegerField(
                default=conditional.versions.new_version,
                db_default=1,
                editable=False,
                help_text="Raised by the database on every change of the row.",
            ),
        ),
        conditional.operations.VersionTrigger(model_name="event"),
        conditional.operations.VersionTrigger(model_name="score"),
    ]
