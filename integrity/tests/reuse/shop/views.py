from __future__ import annotations

from rest_framework import viewsets

from integrity.rest_framework import ConstraintModelSerializer
from shop.models import Item


class ItemSerializer(ConstraintModelSerializer[Item]):
    class Meta:
        model = Item
        fields = ["id", "sku", "quantity", "bundle"]


class ItemViewSet(viewsets.ModelViewSet[Item]):
    queryset = Item.objects.all()
    serializer_class = ItemSerializer
