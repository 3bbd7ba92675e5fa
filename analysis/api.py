"""The analysis part of the REST API, mounted under /api/ by config/urls.py.

Co-occurrence of themes, and themes by source and by chapter, as JSON or CSV.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from analysis.forms import AnalysisScopeForm
from analysis.selectors import (
    AnalysisScope,
    CooccurrenceMatrix,
    MatrixAxis,
    ThemeMatrix,
    cooccurrence_matrix,
    theme_matrix,
)
from analysis.serializers import CooccurrenceSerializer, ThemeMatrixSerializer
from annotations.api import FORMAT_PARAMETER, JsonAnswersMixin
from annotations.renderers import CSVRenderer, csv_cell, csv_stream
from config.api_errors import form_valid_or_400

SCOPE_PARAMETERS = [
    OpenApiParameter(
        # An array: the analysis page's checkboxes send one parameter per coder.
        "coders", OpenApiTypes.STR, many=True,
        description="Usernames, repeated (`coders=rosa&coders=karl`) or comma-separated "
        "(`rosa,karl`): count only their tags. Left out: everyone's.",
    ),
    OpenApiParameter("source", OpenApiTypes.STR, description="Only this source (its slug)."),
    OpenApiParameter(
        "section", OpenApiTypes.INT, description="Only this section (chapter), by id."
    ),
]

THEME_MATRIX_CSV_HEADER = [
    "theme", "source", "section", "chapter",
    "theme_passages", "theme_tags", "all_passages", "share",
]


def scope_from_query(request: Request) -> AnalysisScope:
    return form_valid_or_400(AnalysisScopeForm(request.query_params)).scope


def csv_download(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A small CSV file (a matrix), formula cells neutralised like every export's (the
    header too: a matrix's names its themes)."""
    response = HttpResponse(
        "".join(csv_stream(header=[csv_cell(name) for name in header], rows=rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_filename(*, name: str, scope: AnalysisScope) -> str:
    # Slugs and ids only: nothing that would need quoting in the header.
    parts = [name]
    if scope.source is not None:
        parts.append(scope.source.slug)
    if scope.section is not None:
        parts.append(f"section-{scope.section.pk}")
    return "-".join(parts) + ".csv"


def _csv_responses(description: str) -> dict:
    return {
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=description),
    }


class MatrixView(JsonAnswersMixin, APIView):
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]

    def wants_csv(self) -> bool:
        return isinstance(self.request.accepted_renderer, CSVRenderer)


@extend_schema(
    summary="Which themes occur together",
    description="A theme × theme matrix of passage counts: `matrix[i][j]` is the number of "
    "passages carrying both theme i and theme j from the selected coders' tags (whole "
    "passage or span; everyone's when `coders` is left out); the diagonal is the number "
    "carrying theme i. Themes in the codebook's order. As CSV (`?format=csv`): the same "
    "matrix with a header row and a first column of theme slugs.",
    parameters=[*SCOPE_PARAMETERS, FORMAT_PARAMETER],
    responses={
        (200, "application/json"): CooccurrenceSerializer,
        **_csv_responses("`theme`, then one column per theme; one row per theme."),
    },
)
class CooccurrenceView(MatrixView):
    def get(self, request: Request) -> Response | HttpResponse:
        scope = scope_from_query(request)
        matrix = cooccurrence_matrix(scope=scope)
        if self.wants_csv():
            return csv_download(
                filename=csv_filename(name="cooccurrence", scope=scope),
                header=["theme", *(theme.slug for theme in matrix.themes)],
                rows=_cooccurrence_rows(matrix),
            )
        return Response(CooccurrenceSerializer(matrix).data)


def _cooccurrence_rows(matrix: CooccurrenceMatrix) -> Iterable[list]:
    for theme, counts in zip(matrix.themes, matrix.counts, strict=True):
        yield [theme.slug, *counts]


THEME_MATRIX_DESCRIPTION = (
    "Rows are themes (in the codebook's order), columns the {columns} with passages in "
    "scope. Per cell: `passages`, the passages there carrying the theme from the selected "
    "coders' tags (everyone's when `coders` is left out); `tags`, those tags; `share`, "
    "`passages` per passage of the column. As CSV (`?format=csv`): one row per theme and "
    "column, with the columns " + ", ".join(f"`{name}`" for name in THEME_MATRIX_CSV_HEADER)
    + "."
)


def _theme_matrix_schema(*, summary: str, columns: str):
    return extend_schema(
        summary=summary,
        description=THEME_MATRIX_DESCRIPTION.format(columns=columns),
        parameters=[*SCOPE_PARAMETERS, FORMAT_PARAMETER],
        responses={
            (200, "application/json"): ThemeMatrixSerializer,
            **_csv_responses("A header row, then one row per theme and column."),
        },
    )


class ThemeMatrixView(MatrixView):
    axis: MatrixAxis
    csv_name: str

    def get(self, request: Request) -> Response | HttpResponse:
        scope = scope_from_query(request)
        matrix = theme_matrix(scope=scope, axis=self.axis)
        if self.wants_csv():
            return csv_download(
                filename=csv_filename(name=self.csv_name, scope=scope),
                header=THEME_MATRIX_CSV_HEADER,
                rows=_theme_matrix_rows(matrix),
            )
        return Response(ThemeMatrixSerializer(matrix).data)


def _theme_matrix_rows(matrix: ThemeMatrix) -> Iterable[list]:
    for row in matrix.rows:
        for cell in row.cells:
            column = cell.column
            yield [
                row.theme.slug, column.source.slug,
                column.section.pk if column.section else "",
                str(column.section) if column.section else "",
                cell.passages, cell.tags, column.passages,
                cell.share_rounded,
            ]


@_theme_matrix_schema(summary="Where each theme lives: by source", columns="sources")
class ThemesBySourceView(ThemeMatrixView):
    axis = "source"
    csv_name = "themes-by-source"


@_theme_matrix_schema(summary="Where each theme lives: by chapter", columns="chapters (sections)")
class ThemesByChapterView(ThemeMatrixView):
    axis = "section"
    csv_name = "themes-by-chapter"


urlpatterns = [
    path("cooccurrence/", CooccurrenceView.as_view(), name="api-cooccurrence"),
    path("matrices/themes-by-source/", ThemesBySourceView.as_view(),
         name="api-themes-by-source"),
    path("matrices/themes-by-chapter/", ThemesByChapterView.as_view(),
         name="api-themes-by-chapter"),
]
