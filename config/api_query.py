"""Unknown or repeated query parameters are a 400 naming them, on every /api/ operation.

A misspelt filter (``?thme=paternalism``) would otherwise be ignored and a script
would export everything; a repeated one (``?page_size=10&page_size=500``) would
silently take its last value. What each operation accepts is what its OpenAPI schema
documents (filters, pagination, ``q``, ``format``...), and only an array in the
schema's default style (``?id=1&id=2``) may repeat, so endpoints added later get the
checks with no code of their own; drf-spectacular builds the schema once per process,
on the first API request.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from django.http import HttpRequest, HttpResponse, JsonResponse

from config.api_middleware import api_error, is_api_request

# Placeholders of path parameters, which Django and the schema name differently.
_DJANGO_PARAMETER = re.compile(r"<(?:\w+:)?\w+>")
_SCHEMA_PARAMETER = re.compile(r"\{\w+\}")
# DRF lets any view's renderer be chosen with ?format=; drf-spectacular's schema and
# docs take the schema's language and version. None of them may repeat.
ALWAYS_ALLOWED = {"format": False}
UNDOCUMENTED_OPERATIONS = dict.fromkeys(["/api/schema/", "/api/docs/"],
                                        {"lang": False, "version": False})


def query_parameters(operation: dict) -> dict[str, bool]:
    """``{name: whether it may repeat}`` for the query parameters of an OpenAPI operation.

    In the default style (``form``, exploded) an array comes as one parameter per value;
    any other style puts the values in one parameter, and anything else has one value.
    """
    return {
        parameter["name"]: (
            parameter.get("schema", {}).get("type") == "array"
            and parameter.get("style", "form") == "form"
            and parameter.get("explode", True)
        )
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    }


@cache
def documented_query_parameters() -> dict[tuple[str, str], dict[str, bool]]:
    """``{(path pattern, method): query_parameters(operation)}`` for every operation of
    the OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (_SCHEMA_PARAMETER.sub("{}", path), method.upper()): query_parameters(operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def allowed_query_parameters(*, route: str, method: str) -> dict[str, bool] | None:
    """``{name: whether it may repeat}``; None for a method the path does not have: the
    view answers that with a 405."""
    path = "/" + _DJANGO_PARAMETER.sub("{}", route)
    method = "GET" if method == "HEAD" else method
    operations = documented_query_parameters()
    documented = operations.get((path, method))
    if documented is None:
        if any(operation_path == path for operation_path, _ in operations):
            return None
        documented = UNDOCUMENTED_OPERATIONS.get(path, {})
    return {**documented, **ALWAYS_ALLOWED}


class QueryParametersMiddleware:
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
        if unknown:
            message = (
                f"Unknown query parameter; this operation takes: {', '.join(sorted(allowed))}."
            )
            return _refusal(f"Unknown query parameter(s): {', '.join(unknown)}.",
                            dict.fromkeys(unknown, message))
        repeated = {
            name: f"Given {len(values)} times; this parameter takes one value."
            for name, values in request.GET.lists()
            if len(values) > 1 and not allowed[name]
        }
        if repeated:
            return _refusal(f"Repeated query parameter(s): {', '.join(repeated)}.", repeated)
        return None


def _refusal(detail: str, errors: dict[str, str]) -> JsonResponse:
    return api_error(
        status=400,
        detail=detail,
        errors={name: [message] for name, message in errors.items()},
    )
