from __future__ import annotations

import datetime

from django.db import connection
from django.test import TestCase

from integrity.tests.constraint_models.models import Window
from integrity.tests.constraint_models.views import WindowViewSet
from integrity.tests.refusals import refused
from integrity.tests.test_translation import errors, post

MONDAY = datetime.date(2026, 11, 30)
FRIDAY = datetime.date(2026, 12, 4)


class UniqueNullsNotDistinctTests(TestCase):
    def test_two_rows_with_the_same_nulls_conflict(self) -> None:
        Window.objects.create(opens=None, closes=None)
        with refused("constraint_models_window_unique_dates"):
            Window.objects.create(opens=None, closes=None)

    def test_a_null_and_a_value_do_not_conflict(self) -> None:
        Window.objects.create(opens=MONDAY, closes=None)
        Window.objects.create(opens=None, closes=None)
        Window.objects.create(opens=MONDAY, closes=FRIDAY)
        assert Window.objects.count() == 3

    def test_equal_values_conflict(self) -> None:
        Window.objects.create(opens=MONDAY, closes=FRIDAY)
        with refused("constraint_models_window_unique_dates"):
            Window.objects.create(opens=MONDAY, closes=FRIDAY)

    def test_bulk_and_update_paths_are_enforced_too(self) -> None:
        _, second = Window.objects.bulk_create([Window(opens=MONDAY), Window(opens=FRIDAY)])
        with refused("constraint_models_window_unique_dates"):
            Window.objects.filter(pk=second.pk).update(opens=MONDAY)

    def test_api_answers_the_constraint_name_for_null_duplicates(self) -> None:
        assert post(WindowViewSet, {"opens": None, "closes": None}).status_code == 201
        response = post(WindowViewSet, {"opens": None, "closes": None})
        assert response.status_code == 400
        assert errors(response) == [("constraint_models_window_unique_dates", "non_field_errors")]

    def test_api_answers_the_violation_error_code(self) -> None:
        response = post(WindowViewSet, {"opens": str(FRIDAY), "closes": str(MONDAY)})
        assert response.status_code == 400
        assert errors(response) == [("window_order", "non_field_errors")]

    def test_no_system_check_warns_that_the_constraint_is_ignored(self) -> None:
        # Django warns (models.W047) that SQLite ignores nulls_distinct.
        assert Window.check(databases=[connection.alias]) == []
