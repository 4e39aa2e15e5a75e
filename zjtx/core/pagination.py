"""API page numbers bounded so that the row offset stays within a 64-bit integer."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# Far beyond any real page; (page - 1) * page_size still fits the databases' OFFSET.
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 1_000


class BoundedPageNumberPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)
