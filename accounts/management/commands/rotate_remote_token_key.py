from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.encryption import TokenKeyMissing, fernet

SELECT = "SELECT id, access_token FROM accounts_remoteapiaccount FOR UPDATE"
UPDATE = "UPDATE accounts_remoteapiaccount SET access_token = %s WHERE id = %s"


class Command(BaseCommand):
    help = (
        "Re-encrypt the stored remote API token with the first key of REMOTE_API_TOKEN_KEYS; "
        "afterwards the other keys can be removed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        select = (
            SELECT
            if connection.features.has_select_for_update
            else SELECT.removesuffix(" FOR UPDATE")
        )
        try:
            keys = fernet()  # no key at all is an error, stored tokens or not
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(select)
                rows = cursor.fetchall()
                for pk, token in rows:
                    cursor.execute(UPDATE, [keys.rotate(token.encode()).decode(), pk])
        except TokenKeyMissing as exc:
            raise CommandError(str(exc.detail)) from None
        except InvalidToken:
            raise CommandError(
                "None of the keys in REMOTE_API_TOKEN_KEYS decrypts the stored token."
            ) from None
        self.stdout.write(f"Re-encrypted {len(rows)} stored token(s) with the first key.")
