from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from idempotency.conf import expiry


class IdempotencyKeyQuerySet(models.QuerySet["IdempotencyKey"]):
    def expired(self) -> IdempotencyKeyQuerySet:
        """The keys older than ``IDEMPOTENCY_KEY_EXPIRY``: they answer no retry."""
        return self.filter(created_at__lt=timezone.now() - expiry())


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

    objects = IdempotencyKeyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_user_key",
                fields=["user", "key"],
                violation_error_message=_("This idempotency key is already in use."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"

    @property
    def is_expired(self) -> bool:
        return self.created_at < timezone.now() - expiry()
