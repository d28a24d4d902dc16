from __future__ import annotations

from typing import Any

from django import forms
from django_filters import rest_framework as filters

# Ids are 64-bit: a larger number is a 400, not an overflow in the driver.
MAX_ID = 2**63 - 1


class IdFilter(filters.Filter):  # type: ignore[misc]
    """Filter on a foreign key's column by id, without loading the related row."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
