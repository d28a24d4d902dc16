from __future__ import annotations

from django.db import models


class Item(models.Model):
    sku = models.CharField(max_length=20)
    quantity = models.IntegerField()
    bundle = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        app_label = "shop"
        constraints = [
            models.UniqueConstraint(
                name="shop_item_unique_sku",
                fields=["sku"],
                violation_error_message="Another item has this SKU.",
            ),
            models.CheckConstraint(
                name="shop_item_quantity_not_negative",
                condition=models.Q(quantity__gte=0),
                violation_error_code="negative_quantity",
                violation_error_message="A quantity cannot be negative.",
            ),
        ]
