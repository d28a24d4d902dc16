from __future__ import annotations

from typing import Any

from django.test import TestCase
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from integrity.tests.constraint_models.models import Child, Parent
from integrity.tests.constraint_models.views import ChildViewSet

factory = APIRequestFactory()


def write(method: str, pk: int, data: dict[str, Any]) -> Response:
    action = "update" if method == "put" else "partial_update"
    view = ChildViewSet.as_view({method: action})
    response: Response = view(getattr(factory, method)("/", data, format="json"), pk=pk)
    response.render()
    return response


class ReplaceTests(TestCase):
    child: Child

    @classmethod
    def setUpTestData(cls) -> None:
        parent = Parent.objects.create(name="p")
        cls.child = Child.objects.create(parent=parent, code="a", label="l", rank=1, active=False)

    def test_put_stores_the_default_of_an_omitted_field(self) -> None:
        body = {"parent": self.child.parent_id, "code": "b", "label": "m", "rank": 2}

        response = write("put", self.child.pk, body)

        assert response.status_code == 200, response.data
        self.child.refresh_from_db()
        assert (self.child.code, self.child.active) == ("b", True)

    def test_patch_keeps_an_omitted_field(self) -> None:
        response = write("patch", self.child.pk, {"rank": 2})

        assert response.status_code == 200, response.data
        self.child.refresh_from_db()
        assert (self.child.rank, self.child.active) == (2, False)
