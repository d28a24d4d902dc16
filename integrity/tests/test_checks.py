from __future__ import annotations

import gc

from django.core import checks
from django.db import models
from django.test import SimpleTestCase
from django.test.utils import isolate_apps

from integrity.checks import constraint_message_warnings
from integrity.rest_framework import ConstraintModelSerializer
from integrity.rest_framework.checks import check_constraint_attrs
from integrity.tests.constraint_models.models import Child


def messages_about(serializer_class: type) -> list[tuple[str, str]]:
    return [(m.id, m.msg) for m in check_constraint_attrs() if m.obj is serializer_class]  # type: ignore[misc]


class ConstraintAttrsCheckTests(SimpleTestCase):
    # Django 6.1's model checks ask the database for its features.
    databases = {"default"}

    def tearDown(self) -> None:
        # The serializers defined by a test are gone for the next check.
        gc.collect()

    def test_misspelt_rule_is_an_error(self) -> None:
        class Misspelt(ConstraintModelSerializer[Child]):
            class Meta:
                model = Child
                fields = ["id", "parent", "code", "rank"]
                constraint_attrs = {"constraint_models_child_unique_parent_cod": "code"}

        ((check_id, message),) = messages_about(Misspelt)
        assert check_id == "integrity.E001"
        assert "'constraint_models_child_unique_parent_cod'" in message

    def test_attr_that_is_no_field_of_the_serializer_is_an_error(self) -> None:
        class NoSuchField(ConstraintModelSerializer[Child]):
            class Meta:
                model = Child
                fields = ["id", "parent", "code", "rank"]
                constraint_attrs = {"constraint_models_child_unique_parent_code": "label"}

        assert [i for i, _ in messages_about(NoSuchField)] == ["integrity.E002"]

    def test_entry_restating_the_default_is_a_warning(self) -> None:
        class Redundant(ConstraintModelSerializer[Child]):
            class Meta:
                model = Child
                fields = ["id", "parent", "code", "rank"]
                constraint_attrs = {
                    "constraint_models_child_rank_positive": "rank",
                    "constraint_models_child_unique_parent_code": "code",
                }

        assert [i for i, _ in messages_about(Redundant)] == ["integrity.W002"]

    def test_the_service_passes_its_own_checks(self) -> None:
        found = [m for m in checks.run_checks() if m.id and m.id.startswith("integrity.")]
        assert found == []


@isolate_apps("integrity.tests.constraint_models")
class ConstraintMessageCheckTests(SimpleTestCase):
    def test_constraint_left_with_the_default_message_is_a_warning(self) -> None:
        class Loose(models.Model):
            size = models.IntegerField()

            class Meta:
                app_label = "constraint_models"
                constraints = [
                    models.CheckConstraint(name="loose_size", condition=models.Q(size__gt=0)),
                    models.UniqueConstraint(name="loose_unique_size", fields=["size"]),
                ]

        (warning,) = constraint_message_warnings(Loose)
        assert warning.id == "integrity.W001"
        assert "'loose_size'" in warning.msg

    def test_constraint_with_a_message_passes(self) -> None:
        assert constraint_message_warnings(Child) == []
