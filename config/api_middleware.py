"""Every answer under /api/ is JSON with the API's error shape, whatever failed.

DRF answers in JSON for what reaches its views; this catches the rest, which Django
would answer with an HTML page: an unknown address (under DEBUG, its technical
page), a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, an unhandled exception.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"
JSON_TYPES = ("application/json", "application/ld+json")
DETAILS = {
    400: "The request could not be read.",
    404: "Not found.",
    500: "Something went wrong on our side; it has been logged.",
}


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(
    *, status: int, detail: str | None = None, errors: dict[str, list[str]] | None = None
) -> JsonResponse:
    """An answer in the API's error shape (config/api_errors.py), for what happens
    outside DRF's views."""
    if detail is None:
        detail = DETAILS.get(status) or f"{HTTPStatus(status).phrase}."
    body = {"detail": detail} if errors is None else {"detail": detail, "errors": errors}
    return JsonResponse(body, status=status)


def api_bad_request_detail(exception: Exception | None) -> str | None:
    if isinstance(exception, RequestDataTooBig):
        return "The request body is too large."
    return None


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and is_api_request(request)
            and not response.get("Content-Type", "").startswith(JSON_TYPES)
        ):
            return api_error(status=response.status_code)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # Raised inside a view, e.g. while DRF reads the body: say what was wrong.
        if is_api_request(request) and isinstance(exception, RequestDataTooBig):
            return api_error(status=400, detail=api_bad_request_detail(exception))
        return None
