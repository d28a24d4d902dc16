from __future__ import annotations

from collections.abc import Mapping
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import CharField, F, Func, Q, Value
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan

# The characters str.isspace() calls whitespace (test_conditions.py holds the two together).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def not_blank(field: str) -> GreaterThan:
    """
    ``field`` holds a character other than whitespace: ``LENGTH(TRIM(field,
    <whitespace>)) > 0``. TRIM with a set of characters is the same function on
    PostgreSQL and SQLite, and its set is Python's, so "   ", "\\t" and a
    no-break space are refused alike on both.
    """
    trimmed = Func(F(field), Value(WHITESPACE), function="TRIM", output_field=CharField())
    return GreaterThan(Length(trimmed), 0)


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
