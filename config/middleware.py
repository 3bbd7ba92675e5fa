"""Middleware of the whole site: a Content-Security-Policy, and a bound on addresses.

Django 5.2 has no Content-Security-Policy built in. Everything the site serves is local,
and no page runs inline script, so the policy allows scripts, styles and images from
this origin only.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from config.error_views import uri_too_long

# Path and query: no page or API operation needs more. Below gunicorn's own bound on the
# whole request line (config/gunicorn.py, 8,190 bytes), so that the API answers in JSON.
MAX_URL_LENGTH = 8000

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class UrlLengthMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.get_full_path()) > MAX_URL_LENGTH:
            return uri_too_long(request, limit=MAX_URL_LENGTH)
        return self.get_response(request)
