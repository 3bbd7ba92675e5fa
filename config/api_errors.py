"""One error shape for the whole API: ``{"detail": ..., "errors": {...}}``.

DRF answers validation errors with a bare field map and everything else with
``{"detail": ...}``; scripts should not need two parsers.
"""

from rest_framework.response import Response
from rest_framework.views import exception_handler


def api_exception_handler(exc, context) -> Response | None:
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        response.data = {"detail": str(data["detail"])}
    else:
        response.data = {"detail": "Invalid request.", "errors": data}
    return response
