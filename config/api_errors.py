"""One error shape for the whole API: ``{"detail": ..., "errors": ...}``.

DRF answers validation errors with a bare field map and everything else with
``{"detail": ...}``; scripts should not need two parsers. ``detail`` is always a
sentence a person can read; ``errors``, when present, says which field (or which
item of a list) was wrong.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.forms import Form
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler


class ApiErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer (documentation only)."""

    detail = serializers.CharField(help_text="What went wrong, in one sentence.")
    errors = serializers.JSONField(
        required=False,
        help_text=(
            "Per field: `{field or query parameter: [messages]}`; for a list sent in one "
            'request: `[{"index": i, ...}]`.'
        ),
    )


class ItemErrors(exceptions.APIException):
    """Errors of some items of a list sent in one request, by their position in it."""

    status_code = 400

    def __init__(self, *, detail: str, errors: list[dict], status_code: int = 400) -> None:
        super().__init__(detail=detail)
        self.errors = errors
        self.status_code = status_code


def api_exception_handler(exc, context) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        # Services raise Django's ValidationError; to a client it is a 400 like any other.
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        exc = _unsupported_media_type(context["request"])
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ItemErrors):
        response.data = {"detail": str(exc.detail), "errors": exc.errors}
        return response
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        response.data = {"detail": str(data["detail"])}
    else:
        response.data = {"detail": _summary(data), "errors": data}
    return response


def _unsupported_media_type(request) -> exceptions.UnsupportedMediaType:
    """Says which types the operation takes: DRF's message names only the one refused."""
    taken = " or ".join(parser.media_type for parser in request.parsers)
    return exceptions.UnsupportedMediaType(
        request.content_type,
        detail=f"Unsupported media type “{request.content_type}”; send the body as {taken}.",
    )


def _summary(errors) -> str:
    """The first message, naming its field: enough for a log line or a script's exception."""
    if isinstance(errors, dict) and errors:
        field, messages = next(iter(errors.items()))
        message = messages[0] if isinstance(messages, list) and messages else messages
        if isinstance(message, str):
            if field == api_settings.NON_FIELD_ERRORS_KEY:
                return message
            return f"{field}: {message}"
    return "Invalid request."


def form_valid_or_400(form: Form) -> Form:
    """``form``, validated; else a 400 naming each field or parameter it refused."""
    if not form.is_valid():
        raise serializers.ValidationError(
            {
                field: [str(message) for message in messages]
                for field, messages in form.errors.items()
            }
        )
    return form
