from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.migrations.state import ModelState
from django.test import TestCase
from django.test.utils import isolate_apps
from rest_framework.exceptions import ValidationError as DRFValidationError

from integrity.fields import CheckedIntegerField
from integrity.rest_framework.serializers import ConstraintModelSerializer
from integrity.tests.constraint_models.models import Gauge
from integrity.tests.refusals import refused

RULE = "constraint_models_gauge_level_check"


class GaugeSerializer(ConstraintModelSerializer[Gauge]):
    class Meta:
        model = Gauge
        fields = ["id", "level"]


class CheckedFieldTests(TestCase):
    def test_check_becomes_a_named_model_constraint(self) -> None:
        (constraint,) = Gauge._meta.constraints

        assert isinstance(constraint, models.CheckConstraint)
        assert constraint.name == RULE
        assert constraint.condition == models.Q(level__gte=0, level__lte=100)

    def test_migration_state_carries_the_constraint(self) -> None:
        state = ModelState.from_model(Gauge)

        assert [c.name for c in state.options["constraints"]] == [RULE]

    def test_field_deconstructs_as_the_plain_django_field(self) -> None:
        _, path, _, kwargs = Gauge._meta.get_field("level").deconstruct()

        assert path == "django.db.models.IntegerField"
        assert "check" not in kwargs

    def test_database_refuses_out_of_range(self) -> None:
        Gauge.objects.create(level=100)

        with refused(RULE):
            Gauge.objects.create(level=101)
        with refused(RULE):
            Gauge.objects.update(level=-1)

    def test_validate_constraints_honours_the_check(self) -> None:
        with self.assertRaisesMessage(ValidationError, "A level is a percentage."):
            Gauge(level=500).validate_constraints()

    def test_api_reports_the_rule_on_its_field(self) -> None:
        serializer = GaugeSerializer(data={"level": 101})
        assert serializer.is_valid(), serializer.errors

        with self.assertRaises(DRFValidationError) as raised:
            serializer.save()

        detail: Any = raised.exception.detail
        assert detail["level"][0].code == RULE

    @isolate_apps("integrity.tests.constraint_models")
    def test_abstract_models_get_the_constraint_per_concrete_child(self) -> None:
        class Base(models.Model):
            share = CheckedIntegerField(condition=models.Q(share__gte=0))

            class Meta:
                abstract = True
                app_label = "constraint_models"

        class Concrete(Base):
            class Meta:
                app_label = "constraint_models"

        assert Base._meta.constraints == []
        assert [c.name for c in Concrete._meta.constraints] == [
            "constraint_models_concrete_share_check"
        ]

    @isolate_apps("integrity.tests.constraint_models")
    def test_check_is_the_deprecated_name_of_condition(self) -> None:
        with self.assertWarnsMessage(DeprecationWarning, "pass condition="):

            class Legacy(models.Model):
                share = CheckedIntegerField(check=models.Q(share__gte=0))

                class Meta:
                    app_label = "constraint_models"

        [constraint] = Legacy._meta.constraints
        assert isinstance(constraint, models.CheckConstraint)
        assert constraint.condition == models.Q(share__gte=0)
