"""The OpenAPI schema says what the API really does, so clients and the fuzz test can trust it.

drf-spectacular cannot see through permission classes combined with ``|``/``&``, nor
knows our error shape or django-filter's leniency; this AutoSchema adds them:
anonymous access on the operations anonymous users may call (``PUBLIC_READ``), the
4xx answers, and that an empty filter (``?theme=``, ``?kind=``) means no filter, as an
empty ``?format=`` means the default format.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.settings import api_settings

from config.api_errors import ApiErrorSerializer
from config.serializers import StrictFieldsMixin

ERROR_RESPONSES = {
    "400": "Invalid parameters or body; `errors` names each wrong field or parameter.",
    "401": "The credentials sent were not valid.",
    "403": "Not allowed: log in (session or `Authorization: Token <key>`) with a role that may.",
    "404": "No such object, or no such page of results.",
    "429": "Too many requests; `Retry-After` says when to try again.",
}


class ApiAutoSchema(AutoSchema):
    def get_auth(self) -> list[dict]:
        auths = super().get_auth()
        if {} not in auths and self._anonymous_allowed():
            auths.append({})
        return auths

    def _anonymous_allowed(self) -> bool:
        # Our permission classes look at the method and the user only.
        request = SimpleNamespace(method=self.method, user=AnonymousUser())
        return all(
            permission.has_permission(request, self.view)
            for permission in self.view.get_permissions()
        )

    def _get_filter_parameters(self) -> list[dict]:
        return [
            {**parameter, "allowEmptyValue": True}
            for parameter in super()._get_filter_parameters()
        ]

    def _get_parameters(self) -> list[dict]:
        # A view lists in ``empty_means_unset`` the parameters it reads through a form.
        may_be_empty = {
            api_settings.URL_FORMAT_OVERRIDE,
            *getattr(self.view, "empty_means_unset", ()),
        }
        return [
            {**parameter, "allowEmptyValue": True}
            if parameter["in"] == "query" and parameter["name"] in may_be_empty
            else parameter
            for parameter in super()._get_parameters()
        ]

    def _get_response_bodies(self, direction="response") -> dict:
        responses = super()._get_response_bodies(direction)
        for status, description in ERROR_RESPONSES.items():
            responses.setdefault(
                status,
                self._get_response_for_code(
                    OpenApiResponse(ApiErrorSerializer, description=description),
                    status,
                    media_types=["application/json"],
                    direction=direction,
                ),
            )
        return responses

    def _map_basic_serializer(self, serializer, direction) -> dict:
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictFieldsMixin):
            schema["additionalProperties"] = False
        return schema
