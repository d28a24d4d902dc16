"""Models that exist only for the integrity core's tests: one of each kind of rule."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

from integrity.constraints import UniqueNullsNotDistinct
from integrity.fields import CheckedIntegerField


class Parent(models.Model):
    name = models.CharField(max_length=50, unique=True)


class Child(models.Model):
    parent = models.ForeignKey(Parent, on_delete=models.CASCADE)
    code = models.CharField(max_length=20)
    label = models.CharField(max_length=20)
    rank = models.IntegerField()
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_rank_positive",
                condition=models.Q(rank__gt=0),
                violation_error_message="Rank must be positive.",
            ),
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_parent_code",
                fields=["parent", "code"],
                violation_error_message="This parent already has a child with this code.",
            ),
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_one_active_label",
                fields=["label"],
                condition=models.Q(active=True),
                violation_error_message="Another active child has this label.",
            ),
            models.UniqueConstraint(
                Lower("code"),
                models.F("rank"),
                name="%(app_label)s_%(class)s_unique_code_rank_ci",
                violation_error_message="Codes must differ by more than case at the same rank.",
            ),
        ]


class Singleton(models.Model):
    value = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_single_instance",
                condition=models.Q(id=1),
                violation_error_message="There can be only one.",
            ),
        ]


class Gauge(models.Model):
    # No Meta.constraints at all: the field alone declares the rule.
    level = CheckedIntegerField(
        condition=models.Q(level__gte=0, level__lte=100),
        check_message="A level is a percentage.",
    )


class Window(models.Model):
    # A rule with its own API code, and NULL dates that count as equal.
    opens = models.DateField(null=True)
    closes = models.DateField(null=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_opens_before_closes",
                condition=models.Q(opens__lt=models.F("closes")),
                violation_error_code="window_order",
                violation_error_message="A window opens before it closes.",
            ),
            UniqueNullsNotDistinct(
                name="%(app_label)s_%(class)s_unique_dates",
                fields=["opens", "closes"],
                violation_error_message="Another window has these dates.",
            ),
        ]


class WindowProxy(Window):
    class Meta:
        proxy = True
