"""
The keys stored while the table belonged to the integrity app, copied before
integrity's migration drops it: a retry sent across the upgrade is still
answered from its stored response.
"""

from typing import Any

from django.db import migrations

FIELDS = ("user_id", "key", "fingerprint", "status", "headers", "body", "created_at")
BATCH = 1000


def copy_keys(apps: Any, schema_editor: Any) -> None:
    old = apps.get_model("integrity", "IdempotencyKey")
    new = apps.get_model("idempotency", "IdempotencyKey")
    alias = schema_editor.connection.alias
    rows = old.objects.using(alias).values_list(*FIELDS).order_by("pk")
    batch = []
    for values in rows.iterator(chunk_size=BATCH):
        batch.append(new(**dict(zip(FIELDS, values, strict=True))))
        if len(batch) == BATCH:
            new.objects.using(alias).bulk_create(batch)
            batch = []
    new.objects.using(alias).bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("idempotency", "0001_initial"),
        ("integrity", "0001_initial"),
    ]
    run_before = [("integrity", "0002_delete_idempotencykey")]

    operations = [migrations.RunPython(copy_keys, migrations.RunPython.noop, elidable=True)]
