"""A ConstraintModelSerializer builds its fields once per class; each serializer binds copies."""

from __future__ import annotations

from typing import Any

from django.test import SimpleTestCase
from rest_framework import serializers

from integrity.rest_framework.serializers import ConstraintModelSerializer
from integrity.tests.constraint_models.models import Gauge


class TagSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()


class GaugeSerializer(ConstraintModelSerializer[Gauge]):
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    owner = TagSerializer(required=False)

    class Meta:
        model = Gauge
        fields = ["id", "level", "tags", "owner"]


class FieldCopiesTests(SimpleTestCase):
    def test_each_serializer_binds_fields_of_its_own(self) -> None:
        first, second = GaugeSerializer(), GaugeSerializer()

        for name in ("id", "level", "tags", "owner"):
            assert first.fields[name] is not second.fields[name]
            assert first.fields[name].parent is first
            assert second.fields[name].parent is second
            assert first.fields[name].field_name == name

    def test_a_field_holding_another_is_copied_whole(self) -> None:
        first, second = GaugeSerializer(), GaugeSerializer()

        tags, owner = first.fields["tags"], first.fields["owner"]
        assert tags.child is not second.fields["tags"].child
        assert tags.child.parent is tags
        assert owner.fields["name"].parent is owner
        assert owner.root is first

    def test_the_fields_are_those_modelserializer_builds(self) -> None:
        built = serializers.ModelSerializer.get_fields(GaugeSerializer())

        copies = GaugeSerializer().get_fields()

        assert list(copies) == list(built)
        for name, field in copies.items():
            assert type(field) is type(built[name])
            assert repr(field) == repr(built[name])

    def test_one_serializers_errors_are_not_anothers(self) -> None:
        refused = GaugeSerializer(data={"level": "high", "tags": "not a list"})
        accepted = GaugeSerializer(data={"level": 5, "tags": ["a"]})

        assert not refused.is_valid()
        assert accepted.is_valid(), accepted.errors
        assert set(refused.errors) == {"level", "tags"}
        assert accepted.validated_data == {"level": 5, "tags": ["a"]}

    def test_a_serializer_changing_its_fields_in_place_changes_no_other(self) -> None:
        first = DefaultedSerializer()
        first.fields["caption"].validators.append(lambda value: None)
        first.fields["caption"].error_messages["blank"] = "changed"
        first.fields["caption"].style["base_template"] = "textarea.html"
        first.fields["flags"].default["seen"] = True

        second = DefaultedSerializer()

        caption = second.fields["caption"]
        assert len(caption.validators) == len(first.fields["caption"].validators) - 1
        assert caption.error_messages["blank"] != "changed"
        assert "base_template" not in caption.style
        assert second.fields["flags"].default == {}
        fresh = DefaultedSerializer(data={"level": 5})
        assert fresh.is_valid(), fresh.errors
        assert fresh.validated_data["flags"] == {}

    def test_fields_are_built_once_per_class_and_each_subclass_builds_its_own(self) -> None:
        GaugeSerializer()
        built = GaugeSerializer.__dict__["_field_prototypes"]

        GaugeSerializer()
        wider = WiderGaugeSerializer()

        assert GaugeSerializer.__dict__["_field_prototypes"] is built
        assert "note" in wider.fields
        assert "note" not in GaugeSerializer().fields
        assert WiderGaugeSerializer.__dict__["_field_prototypes"] is not built


class DefaultedSerializer(ConstraintModelSerializer[Gauge]):
    caption = serializers.CharField(required=False)
    flags = serializers.JSONField(default={})

    class Meta:
        model = Gauge
        fields = ["level", "caption", "flags"]


class WiderGaugeSerializer(GaugeSerializer):
    note = serializers.CharField(required=False)

    class Meta(GaugeSerializer.Meta):
        fields = [*GaugeSerializer.Meta.fields, "note"]
