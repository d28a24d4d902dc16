"""
A database rule violation as DRF's ValidationError: the 400 a client reads.

The code is the rule's (the constraint's ``violation_error_code``, else its
name), the message its ``violation_error_message``, the attr the field the
rule involves, or the one a serializer names for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, IntegrityError
from django.db.models import Model
from drf_standardized_errors.handler import ExceptionHandler as StandardizedExceptionHandler
from rest_framework.exceptions import ErrorDetail, ValidationError

from integrity.rules import GENERIC_CODE, GENERIC_MESSAGE, NON_FIELD, Rule
from integrity.violations import identify_violation
from integrity.writes import checked_write

ErrorAttr = Callable[[Rule], str]


def model_field_attr(rule: Rule) -> str:
    return rule.field or NON_FIELD


def rule_error(
    rule: Rule | None, error_attr: ErrorAttr = model_field_attr
) -> tuple[str, ErrorDetail]:
    """The attr and detail of a broken rule; ``None``, a rule the models do not declare."""
    if rule is None:
        return NON_FIELD, ErrorDetail(GENERIC_MESSAGE, code=GENERIC_CODE)
    return error_attr(rule), ErrorDetail(rule.message, code=rule.code)


def violation_error(
    exc: IntegrityError, error_attr: ErrorAttr = model_field_attr
) -> ValidationError:
    attr, detail = rule_error(identify_violation(exc), error_attr)
    return ValidationError({attr: [detail]})


@contextmanager
def violations_as_400(
    model: type[Model],
    using: str = DEFAULT_DB_ALIAS,
    error_attr: ErrorAttr = model_field_attr,
    *,
    one_statement: bool = False,
) -> Iterator[None]:
    """
    ``checked_write``, with a violation raised as the 400's ValidationError:
    ``with violations_as_400(Follow): Follow.objects.create(...)``.
    """
    try:
        with checked_write(model, using, one_statement=one_statement):
            yield
    except IntegrityError as exc:
        raise violation_error(exc, error_attr) from None


class ExceptionHandler(StandardizedExceptionHandler):
    """drf-standardized-errors' handler; an IntegrityError that reaches a view is a 400."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, IntegrityError):
            return violation_error(exc)
        return super().convert_known_exceptions(exc)
