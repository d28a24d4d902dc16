"""
Field-level checks: ``CheckedIntegerField(condition=Q(points__gte=0))``.

The check becomes an ordinary ``CheckConstraint`` in the model's
``Meta.constraints`` — so ``makemigrations`` writes it into the migration,
``Model.validate_constraints()`` honours it, the API translates its violations
like any other rule, and the data-check command finds rows that break it.

The field itself deconstructs as the plain Django field it extends: the rule
lives in the migration's constraint, once, not also in a field argument.

The argument is ``condition=``, the name Django gives ``CheckConstraint``'s;
``check=``, its earlier name, still works and warns.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class CheckedFieldMixin:
    """Mix into any model field class to give it a ``condition=`` option."""

    def __init__(
        self,
        *args: Any,
        condition: models.Q | models.Expression | None = None,
        check_name: str | None = None,
        check_message: StrOrPromise | None = None,
        check: models.Q | models.Expression | None = None,
        **kwargs: Any,
    ) -> None:
        if check is not None:
            warnings.warn(
                "check= is deprecated: pass condition=, as CheckConstraint takes it.",
                DeprecationWarning,
                stacklevel=2,
            )
            condition = check if condition is None else condition
        super().__init__(*args, **kwargs)
        self.check_condition = condition
        self.check_name = check_name
        self.check_message = check_message

    def contribute_to_class(self, cls: type[models.Model], name: str, *args: Any) -> None:
        super().contribute_to_class(cls, name, *args)  # type: ignore[misc]
        if self.check_condition is None or cls._meta.abstract:
            return
        opts = cls._meta
        constraint = models.CheckConstraint(
            condition=self.check_condition,
            name=f"{opts.app_label}_{opts.model_name}_{self.check_name or name + '_check'}",
            violation_error_message=self.check_message,
        )
        if all(existing.name != constraint.name for existing in opts.constraints):
            opts.constraints = [*opts.constraints, constraint]
        # The migration autodetector reads a model's constraints only when its
        # Meta declared some; a checked field declares one. Options.original_attrs
        # is undocumented (no public way exists); test_fields.py's migration-state
        # test fails if Django stops reading it.
        opts.original_attrs.setdefault("constraints", opts.constraints)

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, _, args, kwargs = super().deconstruct()  # type: ignore[misc]
        base = next(c for c in type(self).__mro__ if c.__module__.startswith("django.db.models"))
        return name, f"django.db.models.{base.__name__}", args, kwargs


class CheckedCharField(CheckedFieldMixin, models.CharField):  # type: ignore[type-arg]
    pass


class CheckedIntegerField(CheckedFieldMixin, models.IntegerField):  # type: ignore[type-arg]
    pass


class CheckedDurationField(CheckedFieldMixin, models.DurationField):  # type: ignore[type-arg]
    pass
