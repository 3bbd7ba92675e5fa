"""Unknown query parameters are a 400 naming them, on every /api/ operation.

A misspelt filter (``?thme=paternalism``) would otherwise be ignored and a script
would export everything. What each operation accepts is what its OpenAPI schema
documents (filters, pagination, ``q``, ``format``...), so endpoints added later get
the check with no code of their own; drf-spectacular builds the schema once per
process, on the first API request.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from django.http import HttpRequest, HttpResponse, JsonResponse

from config.api_middleware import is_api_request

# Placeholders of path parameters, which Django and the schema name differently.
_DJANGO_PARAMETER = re.compile(r"<(?:\w+:)?\w+>")
_SCHEMA_PARAMETER = re.compile(r"\{\w+\}")
# DRF lets any view's renderer be chosen with ?format=; drf-spectacular's schema and
# docs take the schema's language and version.
ALWAYS_ALLOWED = frozenset({"format"})
UNDOCUMENTED_OPERATIONS = dict.fromkeys(
    ["/api/schema/", "/api/docs/"], frozenset({"lang", "version"})
)


@cache
def documented_query_parameters() -> dict[tuple[str, str], frozenset[str]]:
    """``{(path pattern, method): names}`` for every operation of the OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (_SCHEMA_PARAMETER.sub("{}", path), method.upper()): frozenset(
            parameter["name"]
            for parameter in operation.get("parameters", [])
            if parameter["in"] == "query"
        )
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def allowed_query_parameters(*, route: str, method: str) -> frozenset[str] | None:
    """None for a method the path does not have: the view answers that with a 405."""
    path = "/" + _DJANGO_PARAMETER.sub("{}", route)
    method = "GET" if method == "HEAD" else method
    operations = documented_query_parameters()
    documented = operations.get((path, method))
    if documented is None:
        if any(operation_path == path for operation_path, _ in operations):
            return None
        documented = UNDOCUMENTED_OPERATIONS.get(path, frozenset())
    return documented | ALWAYS_ALLOWED


class UnknownQueryParametersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not is_api_request(request) or request.method == "OPTIONS" or not request.GET:
            return None
        allowed = allowed_query_parameters(
            route=request.resolver_match.route, method=request.method
        )
        if allowed is None:
            return None
        unknown = [name for name in request.GET if name not in allowed]
        if not unknown:
            return None
        message = (
            f"Unknown query parameter; this operation takes: {', '.join(sorted(allowed))}."
        )
        return JsonResponse(
            {
                "detail": f"Unknown query parameter(s): {', '.join(unknown)}.",
                "errors": {name: [message] for name in unknown},
            },
            status=400,
        )
