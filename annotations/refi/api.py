"""The REFI-QDA downloads, mounted under /api/exports/ by config/urls.py.

Both are read like every other endpoint (anyone while ``PUBLIC_READ`` is on, else logged-in
users): the project holds nothing the tags, excerpts and reader do not already show —
the texts, the codebook, the taggers' usernames and the memos — and no account details.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from annotations.api import JsonAnswersMixin
from annotations.permissions import ReadPublicOrAuthenticated
from annotations.refi.export import EmptyCodebook, codebook_export, project_export


class QdcRenderer(BaseRenderer):
    """The one media type each download answers in (the view writes the bytes); errors
    still come as JSON (``JsonAnswersMixin``)."""

    media_type = "application/xml"
    format = "qdc"


class QdpxRenderer(BaseRenderer):
    media_type = "application/zip"
    format = "qdpx"


def _download(payload: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(payload, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@extend_schema(
    summary="The codebook as REFI-QDA (.qdc)",
    description="Every theme as a `Code` (nested under its parent) with its colour and its "
    "definition (then its inclusion and exclusion criteria) as `Description`, for NVivo, "
    "ATLAS.ti, MAXQDA, QualCoder. GUIDs are the same "
    "on every export. 404 if the codebook is empty.",
    responses={(200, "application/xml"): OpenApiResponse(OpenApiTypes.BINARY,
                                                         description="A .qdc file.")},
)
class CodebookExportView(JsonAnswersMixin, APIView):
    permission_classes = [ReadPublicOrAuthenticated]
    renderer_classes = [QdcRenderer]

    def get(self, request: Request) -> HttpResponse:
        try:
            payload = codebook_export()
        except EmptyCodebook as error:
            raise NotFound(str(error)) from error
        return _download(payload, content_type="application/xml; charset=utf-8",
                         filename="codebook.qdc")


@extend_schema(
    summary="The whole project as REFI-QDA (.qdpx)",
    description="A zip with `project.qde` and `sources/<guid>.txt`: each source's passages "
    "in reading order joined by a blank line; the taggers as users; the codebook; every tag "
    "as a `Coding` of a `PlainTextSelection` (positions in Unicode code points into that text; "
    "a whole-passage tag selects the passage's whole text); memos as notes, and a theme's "
    "memos and criteria as notes its code refers to. Orphaned tags, "
    "which have no place in the text, are left out. GUIDs are the same on every export.",
    responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY,
                                                         description="A .qdpx archive.")},
)
class ProjectExportView(JsonAnswersMixin, APIView):
    permission_classes = [ReadPublicOrAuthenticated]
    renderer_classes = [QdpxRenderer]

    def get(self, request: Request) -> HttpResponse:
        return _download(project_export(), content_type="application/zip",
                         filename="project.qdpx")


urlpatterns = [
    path("exports/codebook.qdc", CodebookExportView.as_view(), name="api-export-codebook"),
    path("exports/project.qdpx", ProjectExportView.as_view(), name="api-export-project"),
]
