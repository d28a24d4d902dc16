"""The rate limits' counters, where the database is the cache (web/cache.py)."""

from __future__ import annotations

from django.db import models


class RateCount(models.Model):
    """One client's requests in one window of a rate limit: a key, a count, when it ends."""

    key = models.CharField(max_length=255, primary_key=True)
    count = models.PositiveBigIntegerField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "web_rate_count"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
