from __future__ import annotations

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
