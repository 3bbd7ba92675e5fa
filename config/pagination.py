from rest_framework.pagination import PageNumberPagination


class CappedPageNumberPagination(PageNumberPagination):
    """Page-number pagination whose ``page_size`` a client may choose, up to 500."""

    page_size_query_param = "page_size"
    max_page_size = 500
