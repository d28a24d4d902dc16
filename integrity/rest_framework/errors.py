"""
A database rule violation as DRF's ValidationError: the 400 a client reads.

The code is the rule's (the constraint's ``violation_error_code``, else its
name), the message its ``violation_error_message``, the attr the field the
rule involves, or the one a serializer names for it. Given the row that was
refused, the 400 names every rule it breaks (``integrity.evaluation``), not
only the one the database stopped at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, IntegrityError
from django.db.models import Model
from drf_standardized_errors.handler import ExceptionHandler as StandardizedExceptionHandler
from rest_framework.exceptions import ErrorDetail, ValidationError

from integrity.evaluation import Broken, every_broken_rule
from integrity.rules import GENERIC_CODE, GENERIC_MESSAGE, NON_FIELD, REPEATS_ROW, Rule
from integrity.violations import identify_violation
from integrity.writes import checked_write

ErrorAttr = Callable[[Rule], str]
SubmittedRow = Callable[[], Model | None]


def model_field_attr(rule: Rule) -> str:
    return rule.field or NON_FIELD


def rule_error(
    rule: Rule | None, error_attr: ErrorAttr = model_field_attr
) -> tuple[str, ErrorDetail]:
    """The attr and detail of a broken rule; ``None``, a rule the models do not declare."""
    if rule is None:
        return NON_FIELD, ErrorDetail(str(GENERIC_MESSAGE), code=GENERIC_CODE)
    return error_attr(rule), ErrorDetail(str(rule.message), code=rule.code)


def broken_error(
    broken: Broken, error_attr: ErrorAttr = model_field_attr
) -> tuple[str, ErrorDetail]:
    """As ``rule_error``; a batch row that repeats an earlier row of its batch says so."""
    attr, detail = rule_error(broken.rule, error_attr)
    if broken.repeats is not None:
        message = REPEATS_ROW % {"row": broken.repeats}
        detail = ErrorDetail(message, code=detail.code)
    return attr, detail


def errors_of(
    broken: Iterable[Broken], error_attr: ErrorAttr = model_field_attr, prefix: str = ""
) -> dict[str, list[ErrorDetail]]:
    """The 400's errors, by attr, in the order of ``broken``."""
    errors: dict[str, list[ErrorDetail]] = {}
    for each in broken:
        attr, detail = broken_error(each, error_attr)
        errors.setdefault(f"{prefix}{attr}", []).append(detail)
    return errors


def violation_error(
    exc: IntegrityError,
    error_attr: ErrorAttr = model_field_attr,
    row: SubmittedRow | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> ValidationError:
    """The 400 for a refused write; with ``row``, every rule the submitted row breaks."""
    reported = identify_violation(exc)
    instance = row() if row is not None else None
    return ValidationError(errors_of(every_broken_rule(reported, instance, using), error_attr))


@contextmanager
def violations_as_400(
    model: type[Model],
    using: str = DEFAULT_DB_ALIAS,
    error_attr: ErrorAttr = model_field_attr,
    *,
    one_statement: bool = False,
    row: SubmittedRow | None = None,
) -> Iterator[None]:
    """
    ``checked_write``, with a violation raised as the 400's ValidationError:
    ``with violations_as_400(Follow, row=lambda: follow): follow.save()``.

    ``row``: the row the block writes, built only once the database refused it;
    the 400 then names every rule it breaks.
    """
    try:
        with checked_write(model, using, one_statement=one_statement):
            yield
    except IntegrityError as exc:
        raise violation_error(exc, error_attr, row, using) from None


class ExceptionHandler(StandardizedExceptionHandler):
    """drf-standardized-errors' handler; an IntegrityError that reaches a view is a 400."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, IntegrityError):
            return violation_error(exc)
        return super().convert_known_exceptions(exc)
