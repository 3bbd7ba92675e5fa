"""Friendly error pages in the site's own style."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from config.api_middleware import api_bad_request_detail, api_error, is_api_request


def _error_page(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    context = {"title": title, "message": message, "status": status}
    return render(request, "error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return api_error(status=400, detail=api_bad_request_detail(exception))
    return _error_page(request, status=400, title="Bad request",
                       message="The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, status=403, title="Not allowed",
                       message="Your account may not do this.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        # Scripts get the API's error shape, not an HTML page.
        return api_error(status=404)
    return _error_page(request, status=404, title="Not found",
                       message="There is nothing at this address.")


def uri_too_long(request: HttpRequest, *, limit: int) -> HttpResponse:
    if is_api_request(request):
        return api_error(status=414, detail=(
            f"The address is longer than {limit:,} characters (path and query): "
            "send fewer or shorter query parameters."
        ))
    return _error_page(request, status=414, title="Address too long",
                       message=f"This address is too long: at most {limit:,} characters. "
                               "Try a shorter search.")


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return api_error(status=500)
    # No request context: its processors query the database, which may be what failed.
    html = render_to_string("error.html", {
        "title": "Something went wrong", "status": 500,
        "message": "The error has been logged. Please try again later.",
    })
    return HttpResponse(html, status=500)
