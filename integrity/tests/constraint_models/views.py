from __future__ import annotations

from typing import Any

from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.serializers import BaseSerializer

from integrity.rest_framework.serializers import ConstraintModelSerializer
from integrity.tests.constraint_models.models import Child, Parent, Singleton, Window


class ParentSerializer(ConstraintModelSerializer[Parent]):
    class Meta:
        model = Parent
        fields = ["id", "name"]
        read_only_fields: list[str] = []
        extra_kwargs = {"id": {"read_only": False, "required": False}}


class ChildSerializer(ConstraintModelSerializer[Child]):
    class Meta:
        model = Child
        fields = ["id", "parent", "code", "label", "rank", "active"]
        extra_kwargs = {"label": {"allow_null": True}}
        constraint_attrs = {"constraint_models_child_unique_parent_code": "code"}


class SingletonSerializer(ConstraintModelSerializer[Singleton]):
    class Meta:
        model = Singleton
        fields = ["id", "value"]


class WindowSerializer(ConstraintModelSerializer[Window]):
    class Meta:
        model = Window
        fields = ["id", "opens", "closes"]


class ParentViewSet(viewsets.ModelViewSet[Parent]):
    permission_classes = (AllowAny,)
    authentication_classes = ()
    queryset = Parent.objects.all()
    serializer_class = ParentSerializer


class ChildViewSet(viewsets.ModelViewSet[Child]):
    permission_classes = (AllowAny,)
    authentication_classes = ()
    queryset = Child.objects.all()
    serializer_class = ChildSerializer


class SingletonViewSet(viewsets.ModelViewSet[Singleton]):
    permission_classes = (AllowAny,)
    authentication_classes = ()
    queryset = Singleton.objects.all()
    serializer_class = SingletonSerializer


class UntranslatedChildViewSet(ChildViewSet):
    """Writes with the plain ORM, leaving the IntegrityError to the exception handler."""

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        Child.objects.create(**serializer.validated_data)


class WindowViewSet(viewsets.ModelViewSet[Window]):
    permission_classes = (AllowAny,)
    authentication_classes = ()
    queryset = Window.objects.all()
    serializer_class = WindowSerializer
