# The stored remote API token, encrypted in place with REMOTE_API_TOKEN_KEYS.

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

import accounts.encryption

SELECT = "SELECT id, access_token FROM accounts_remoteapiaccount"
UPDATE = "UPDATE accounts_remoteapiaccount SET access_token = %s WHERE id = %s"


def _convert(schema_editor: BaseDatabaseSchemaEditor, convert: Any) -> None:
    # Raw SQL: the historical model's field would already encrypt and decrypt.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(SELECT)
        rows = cursor.fetchall()
        if rows and not settings.REMOTE_API_TOKEN_KEYS:
            raise ImproperlyConfigured(
                "Set REMOTE_API_TOKEN_KEYS before migrating: this migration encrypts the "
                "stored remote API token with it (docs/deploying.md)."
            )
        for pk, token in rows:
            cursor.execute(UPDATE, [convert(token), pk])


def encrypt(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _convert(schema_editor, accounts.encryption.encrypt)


def decrypt(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _convert(schema_editor, accounts.encryption.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_remoteapiaccount"),
    ]

    operations = [
        migrations.RunPython(encrypt, decrypt),
        migrations.AlterField(
            model_name="remoteapiaccount",
            name="access_token",
            field=accounts.encryption.EncryptedTextField(),
        ),
    ]
