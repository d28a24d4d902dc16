"""
Database constraints as the single source of a data rule.

The rules are read from the models (``Meta.constraints``, unique fields, keys);
the database enforces them; a violation is identified by rule, on PostgreSQL
and SQLite alike. ``integrity.rest_framework`` turns it into a documented 400
and adds batches (``POST <list>/bulk/``).
"""

from __future__ import annotations

from integrity.batches import (
    MAX_BATCH_ROWS,
    BatchRefused,
    RefusedRow,
    find_refused_rows,
    insert_batch,
)
from integrity.cleanup import Batch, clean_violations
from integrity.conditions import not_blank, value_column_matches
from integrity.constraints import UniqueNullsNotDistinct
from integrity.datacheck import Finding, find_violations
from integrity.evaluation import Broken, broken_rules, every_broken_rule
from integrity.fields import (
    CheckedCharField,
    CheckedDurationField,
    CheckedFieldMixin,
    CheckedIntegerField,
)
from integrity.rules import (
    GENERIC_CODE,
    NON_FIELD,
    Rule,
    RuleTable,
    constraint_code,
    rule_table,
    rules_of,
)
from integrity.violations import KnownViolation, identify_violation
from integrity.writes import checked_write

__all__ = [
    "GENERIC_CODE",
    "MAX_BATCH_ROWS",
    "NON_FIELD",
    "Batch",
    "BatchRefused",
    "Broken",
    "CheckedCharField",
    "CheckedDurationField",
    "CheckedFieldMixin",
    "CheckedIntegerField",
    "Finding",
    "KnownViolation",
    "RefusedRow",
    "Rule",
    "RuleTable",
    "UniqueNullsNotDistinct",
    "broken_rules",
    "checked_write",
    "clean_violations",
    "constraint_code",
    "every_broken_rule",
    "find_refused_rows",
    "find_violations",
    "identify_violation",
    "insert_batch",
    "not_blank",
    "rule_table",
    "rules_of",
    "value_column_matches",
]
