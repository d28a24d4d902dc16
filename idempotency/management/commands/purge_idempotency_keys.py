"""Delete the Idempotency-Keys older than IDEMPOTENCY_KEY_EXPIRY: run it from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from idempotency.models import IdempotencyKey


class Command(BaseCommand):
    help = "Delete expired Idempotency-Keys and the responses stored with them."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted, _ = IdempotencyKey.objects.expired().delete()
        self.stdout.write(f"Deleted {deleted} expired idempotency keys.")
