from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """
    A client's ``Idempotency-Key`` and the response its request got, stored in
    the transaction of the request's write: both are committed, or neither.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, path and body of the request that used the key first.
    fingerprint = models.CharField(max_length=64)
    # None until the response is stored, in the same transaction: never seen by
    # another transaction.
    status = models.PositiveSmallIntegerField(null=True)
    headers = models.JSONField(default=dict)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_user_key",
                fields=["user", "key"],
                violation_error_message="This idempotency key is already in use.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"
