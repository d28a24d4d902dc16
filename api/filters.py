from __future__ import annotations

from django import forms
from django_filters import rest_framework as filters


class IdFilter(filters.Filter):  # type: ignore[misc]
    """Filter on a foreign key's column by id, without loading the related row."""

    field_class = forms.IntegerField
