from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.request import Request

# Ids are 64-bit: a larger number is a 400, not an overflow in the driver.
MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.Filter):  # type: ignore[misc]
    """Filter on a foreign key's column by id, without loading the related row."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class FilterBackend(filters.DjangoFilterBackend):  # type: ignore[misc]
    """
    django-filter, skipped for a request that names none of the view's filters:
    an unfiltered page (the common case) builds no filter form.
    """

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = tuple(filterset_class.base_filters)
        # A filter may read several parameters (a range's name_min, name_max).
        if not any(param.startswith(names) for param in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)
