from __future__ import annotations

from collections.abc import Mapping
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q


def value_column_matches(discriminator: str, columns: Mapping[Any, str]) -> Q:
    """
    Each value of ``discriminator`` sets exactly its own column of ``columns``.

    For ``{1: "a", 2: "b"}``: ``type = 1 AND a IS NOT NULL AND b IS NULL OR
    type = 2 AND a IS NULL AND b IS NOT NULL``, plus any other type (left to the
    rule that checks the discriminator itself). Adding a type is adding a column
    and an entry; the condition follows.
    """
    branches = [
        Q(**{discriminator: value}, **{f"{c}__isnull": c != column for c in columns.values()})
        for value, column in columns.items()
    ]
    return reduce(or_, branches, ~Q(**{f"{discriminator}__in": list(columns)}))
