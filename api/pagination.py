from __future__ import annotations

from typing import Any

from rest_framework.pagination import CursorPagination


class Pagination(CursorPagination):
    """
    Newest first, by a cursor: a page costs the same at any table size, as it
    needs no COUNT(*) and no OFFSET.
    """

    max_page_size = 100
    ordering = "-pk"
    page_size = 20
    page_size_query_description = "Number of results per page: 20 by default, at most 100."
    page_size_query_param = "limit"

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated: dict[str, Any] = super().get_paginated_response_schema(schema)
        # DRF's example of `next` ends with a stray quote, which makes it no URI.
        link = paginated["properties"]["next"]
        link["example"] = link["example"].rstrip('"')
        return paginated
