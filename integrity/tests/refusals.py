from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction

from integrity.violations import identify_violation


@contextmanager
def refused(code: str) -> Iterator[None]:
    """The block's write is refused by the database, and identified as rule ``code``."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        rule = identify_violation(exc)
        assert rule is not None, f"{code}: refused, but by no declared rule"
        assert rule.code == code
    else:
        raise AssertionError(f"{code}: the database accepted the write")
