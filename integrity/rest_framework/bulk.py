"""
``POST <resource>/bulk/``: a JSON array of the rows the single create takes.

All or nothing (``integrity.batches``): 201 with the created rows in request
order, or 400 naming every refused row, its index before the field in
``attr`` (``"3.to_user"``), its code the rule's, as for a single create.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db.models import Model
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail
from rest_framework.request import Request
from rest_framework.response import Response

from integrity.batches import MAX_BATCH_ROWS, BatchRefused, insert_batch
from integrity.rest_framework.errors import errors_of
from integrity.rest_framework.serializers import ConstraintModelSerializer

M = TypeVar("M", bound=Model)

BULK_ACTION = "bulk"
BULK_DESCRIPTION = f"""Create many rows at once: a JSON array of the objects the single
create takes, at most {MAX_BATCH_ROWS:,}. All or nothing: 201 with every row created, in
request order, or 400 with none created. A 400 names every refused row: `attr` is the
row's index, a dot and the field (`3.to_user`), `code` the rule's code as for a single
create; rows that conflict with each other inside the batch are refused too."""


class BulkListSerializer(serializers.ListSerializer, Generic[M]):  # type: ignore[type-arg]
    """A batch of ``ConstraintModelSerializer`` rows, written by one INSERT."""

    child: ConstraintModelSerializer[M]

    def to_internal_value(self, data: Any) -> list[dict[str, Any]]:
        try:
            return super().to_internal_value(data)  # type: ignore[no-any-return]
        except serializers.ValidationError as exc:
            # DRF keys a row's errors by its int index; drf-standardized-errors
            # drops a falsy key, so row 0's attr would lose its "0." prefix.
            if isinstance(exc.detail, dict):
                raise serializers.ValidationError(
                    {str(k): v for k, v in exc.detail.items()}
                ) from None
            raise

    def create(self, validated_data: list[dict[str, Any]]) -> list[M]:
        model: type[M] = self.child.Meta.model
        # What ModelSerializer.create() saves, unsaved: bulk_create saves them.
        instances = [model(**attrs) for attrs in validated_data]
        try:
            return insert_batch(model, instances)
        except BatchRefused as refused:
            errors: dict[str, list[ErrorDetail]] = {}
            for row in refused.rows:
                errors.update(errors_of(row.broken, self.child.error_attr, prefix=f"{row.index}."))
            raise serializers.ValidationError(errors) from None


class BulkCreateMixin:
    """
    Adds ``POST <list route>/bulk/`` to a viewset whose serializer is a
    ``ConstraintModelSerializer``. Each row is saved as ``perform_create``
    saves one (what it passes to ``save()`` applies to every row).
    """

    bulk_max_rows = MAX_BATCH_ROWS

    @action(
        detail=False, methods=["post"], url_path="bulk", pagination_class=None, filter_backends=[]
    )
    def bulk(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)  # type: ignore[attr-defined]
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        if getattr(self, "action", None) != BULK_ACTION:
            return super().get_serializer(*args, **kwargs)  # type: ignore[misc]
        if "context" in kwargs:
            child = super().get_serializer(context=kwargs.pop("context"))  # type: ignore[misc]
        else:
            child = super().get_serializer()  # type: ignore[misc]
        kwargs.update(
            child=child, context=child.context, allow_empty=False, max_length=self.bulk_max_rows
        )
        return BulkListSerializer(*args, **kwargs)


def is_bulk_create(view: object) -> bool:
    return isinstance(view, BulkCreateMixin) and getattr(view, "action", None) == BULK_ACTION
