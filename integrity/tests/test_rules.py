from __future__ import annotations

from django.test import SimpleTestCase

from integrity import constraint_code, rule_table, rules_of
from integrity.tests.constraint_models.models import Child, Singleton, Window, WindowProxy


class RuleTableTests(SimpleTestCase):
    def test_code_is_violation_error_code_when_set(self) -> None:
        rule = rule_table().by_constraint_name["constraint_models_window_opens_before_closes"]
        assert rule.code == "window_order"
        assert rule.message == "A window opens before it closes."

    def test_code_is_the_constraint_name_without_violation_error_code(self) -> None:
        (check, *_) = Child._meta.constraints
        assert constraint_code(check) == "constraint_models_child_rank_positive"
        assert rule_table().by_constraint_name[check.name].code == check.name

    def test_rules_of_a_model_are_its_declared_rules_then_its_keys(self) -> None:
        codes = [rule.code for rule in rules_of(Child)]
        assert codes[:4] == [c.name for c in Child._meta.constraints]
        assert "does_not_exist" in codes

    def test_rules_of_a_proxy_are_its_concrete_models(self) -> None:
        assert rules_of(WindowProxy) == rules_of(Window)
        assert {rule.code for rule in rules_of(Window)} >= {
            "window_order",
            "constraint_models_window_unique_dates",
        }

    def test_a_pinned_primary_key_is_listed_once_as_its_check(self) -> None:
        codes = [rule.code for rule in rules_of(Singleton)]
        assert codes == ["constraint_models_singleton_single_instance"]

    def test_a_rule_attaches_to_its_one_field_else_to_none(self) -> None:
        by_code = {rule.code: rule for rule in rules_of(Child)}
        assert by_code["constraint_models_child_rank_positive"].field == "rank"
        assert by_code["constraint_models_child_unique_parent_code"].field is None
