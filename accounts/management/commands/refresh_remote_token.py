from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import services
from accounts.encryption import TokenKeyMissing


class Command(BaseCommand):
    help = (
        "Refresh the remote API token if it expires within REMOTE_API_REFRESH_MARGIN "
        "seconds (for cron). Safe to run from many hosts at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Refresh even a fresh token.")

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        try:
            account = services.valid_account(force=force)
        except services.RemoteAPINotConfigured:
            raise CommandError("The remote API is not configured (REMOTE_API_*).") from None
        except services.RemoteAPIError:
            raise CommandError("The remote API did not issue a token; see the log.") from None
        except TokenKeyMissing as exc:
            raise CommandError(str(exc.detail)) from None
        self.stdout.write(
            f"Token {account.access_token_hint} expires at {account.access_token_expires}"
        )
