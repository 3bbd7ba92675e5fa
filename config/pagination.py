from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class CappedPageNumberPagination(PageNumberPagination):
    """Page-number pagination whose ``page_size`` a client may choose, up to 500.

    A size out of bounds is a 400, as the schema's bounds promise, not silently capped;
    an empty ``?page=`` is no page number (a 404, as ``?page=x``), not the first page.
    """

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def get_page_number(self, request, paginator) -> int | str:
        if request.query_params.get(self.page_query_param) == "":
            return ""
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        return [
            {**parameter, "schema": {**parameter["schema"], **bounds.get(parameter["name"], {})}}
            for parameter in super().get_schema_operation_parameters(view)
        ]
