"""The annotations part of the REST API, mounted under /api/ by config/urls.py.

Tokens, themes, tags (one at a time or in bulk), and the tags again as excerpts
(JSON or streamed CSV) and as W3C Web Annotations (JSON-LD).
"""

from __future__ import annotations

import hashlib
import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.http import quote_etag
from django.views.decorators.http import conditional_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from annotations import w3c
from annotations.filters import TagFilter
from annotations.models import Tag, Theme, ThemeChange
from annotations.permissions import (
    IsCodebookEditor,
    IsTagger,
    IsTagOwnerOrStaff,
    ReadPublicOrAuthenticated,
)
from annotations.renderers import CSVRenderer, JSONLDRenderer, csv_stream
from annotations.selectors import (
    annotation_list,
    excerpt_list,
    excerpt_rows,
    tag_list,
    theme_counts_by_source,
    theme_list_with_counts,
)
from annotations.serializers import (
    AnnotationSerializer,
    CsvOptionsSerializer,
    ExcerptSerializer,
    TagBulkResultSerializer,
    TagBulkSerializer,
    TagCreateSerializer,
    TagSerializer,
    TagUpdateSerializer,
    ThemeChangeSerializer,
    ThemeDetailSerializer,
    ThemeMergeResultSerializer,
    ThemeMergeSerializer,
    ThemeSerializer,
    ThemeUpdateSerializer,
)
from annotations.services import (
    BulkItemError,
    TagsBulkError,
    TagSpec,
    tag_create,
    tag_delete,
    tag_update,
    tags_bulk_apply,
)
from annotations.theme_selectors import theme_change_list, theme_get_by_any_slug
from annotations.theme_services import theme_merge, theme_update
from config.api_errors import ItemErrors

# Rows fetched from the server-side cursor at a time by a CSV export.
EXPORT_CHUNK_ROWS = 1000


class JsonAnswersMixin:
    """Only the data comes as CSV or JSON-LD: errors and OPTIONS answer in plain JSON,
    whatever was asked for, so that a script can always read why."""

    def options(self, request: Request, *args, **kwargs) -> Response:
        self._answer_json()
        return super().options(request, *args, **kwargs)

    def handle_exception(self, exc) -> Response:
        self._answer_json()
        return super().handle_exception(exc)

    def _answer_json(self) -> None:
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type


# --- Themes -------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="List the themes",
        description="The codebook, with how many tags, passages, sources and taggers each has.",
    )
)
class ThemeListView(generics.ListAPIView):
    serializer_class = ThemeSerializer

    def get_queryset(self) -> QuerySet[Theme]:
        return theme_list_with_counts()


@extend_schema_view(
    get=extend_schema(
        summary="One theme",
        description="With its counts per source. A former slug (before a rename or a merge) "
        "finds the theme it became.",
    ),
    patch=extend_schema(
        summary="Rename, move or edit a theme",
        description="Any of its fields; `parent` moves it (never below itself), `slug` "
        "renames it (the old slug keeps working). Each change is kept in its history. "
        "Researchers and staff.",
        request=ThemeUpdateSerializer,
        responses={200: ThemeDetailSerializer},
        examples=[OpenApiExample("Move and rename", request_only=True,
                                 value={"name": "Housing", "parent": "paternalism"})],
    ),
)
class ThemeDetailView(generics.RetrieveUpdateAPIView):
    permission_classes = [ReadPublicOrAuthenticated | IsCodebookEditor]
    serializer_class = ThemeDetailSerializer
    lookup_field = "slug"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Theme]:
        return theme_list_with_counts()

    def get_object(self) -> Theme:
        theme = _theme_by_any_slug(self.get_queryset(), self.kwargs["slug"])
        self.check_object_permissions(self.request, theme)
        theme.by_source = theme_counts_by_source(theme=theme)
        return theme

    def update(self, request: Request, *args, **kwargs) -> Response:
        theme = _theme_by_any_slug(Theme.objects.all(), self.kwargs["slug"])
        serializer = ThemeUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        theme = theme_update(user=request.user, theme=theme, **serializer.validated_data)
        self.kwargs["slug"] = theme.slug
        return Response(self.get_serializer(self.get_object()).data)


def _theme_by_any_slug(themes: QuerySet[Theme], slug: str) -> Theme:
    try:
        return theme_get_by_any_slug(slug=slug, themes=themes)
    except Theme.DoesNotExist:
        raise NotFound(f"No theme with slug “{slug}”.") from None


@extend_schema(
    summary="Merge a theme into another",
    description="Every tag of this theme becomes a tag of `into`; a tag identical to one "
    "`into` has (same passage, tagger and span) is folded into the earlier of the two, "
    "with both memos. Its sub-themes move under `into`, its slug keeps leading there, and "
    "the theme itself is removed (its fields stay in the history). Researchers and staff.",
    request=ThemeMergeSerializer,
    responses={200: ThemeMergeResultSerializer},
    examples=[OpenApiExample("Merge", request_only=True, value={"into": "paternalism"})],
)
class ThemeMergeView(APIView):
    permission_classes = [IsCodebookEditor]

    def post(self, request: Request, slug: str) -> Response:
        theme = _theme_by_any_slug(Theme.objects.all(), slug)
        serializer = ThemeMergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = theme_merge(user=request.user, theme=theme,
                             into=serializer.validated_data["into"])
        body = {
            "theme": theme_list_with_counts().get(pk=result.theme.pk),
            "tags_moved": result.tags_moved,
            "tags_collapsed": result.tags_collapsed,
            "children_moved": result.children_moved,
        }
        return Response(ThemeMergeResultSerializer(body, context={"request": request}).data)


@extend_schema_view(
    get=extend_schema(summary="A theme's history",
                      description="Renames, moves, merges and edits, newest first.")
)
class ThemeChangeListView(generics.ListAPIView):
    serializer_class = ThemeChangeSerializer

    def get_queryset(self) -> QuerySet[ThemeChange]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator's visit
            return ThemeChange.objects.none()
        return theme_change_list(theme=_theme_by_any_slug(Theme.objects.all(),
                                                          self.kwargs["slug"]))


# --- Tags ---------------------------------------------------------------------

TAG_EXAMPLE = OpenApiExample(
    "A span",
    request_only=True,
    value={"passage": 42, "theme": "collective-action", "start": 10, "end": 58,
           "memo": "Why the strike failed."},
)


def _tag_data(*, pk: int, context: dict) -> dict:
    return TagSerializer(tag_list().get(pk=pk), context=context).data


@extend_schema_view(
    get=extend_schema(summary="List tags", description="Oldest first; filters combine."),
    post=extend_schema(
        summary="Tag a passage or a span of it",
        description="Leave out `start` and `end` to tag the whole passage. Idempotent: if you "
        "already made this very tag, it is returned with 200 (and left as it was); a new tag "
        "is 201. Researchers and staff only.",
        request=TagCreateSerializer,
        responses={200: TagSerializer, 201: TagSerializer},
        examples=[TAG_EXAMPLE],
    ),
)
class TagListView(generics.ListCreateAPIView):
    permission_classes = [ReadPublicOrAuthenticated | IsTagger]
    serializer_class = TagSerializer
    filterset_class = TagFilter

    def get_queryset(self) -> QuerySet[Tag]:
        return tag_list()

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = TagCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = tag_create(user=request.user, **serializer.validated_data)
        return Response(
            _tag_data(pk=result.tag.pk, context=self.get_serializer_context()),
            status=201 if result.created else 200,
        )


@extend_schema_view(
    get=extend_schema(summary="One tag"),
    patch=extend_schema(
        summary="Change a tag's memo or theme",
        description="Your own tags only (staff: anyone's).",
        request=TagUpdateSerializer,
        responses={200: TagSerializer},
    ),
    delete=extend_schema(
        summary="Delete a tag", description="Your own tags only (staff: anyone's)."
    ),
)
class TagDetailView(generics.RetrieveUpdateDestroyAPIView):
    permission_classes = [ReadPublicOrAuthenticated | IsTagger, IsTagOwnerOrStaff]
    serializer_class = TagSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Tag]:
        return tag_list()

    def update(self, request: Request, *args, **kwargs) -> Response:
        tag = self.get_object()
        serializer = TagUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        tag_update(user=request.user, tag=tag, **serializer.validated_data)
        return Response(_tag_data(pk=tag.pk, context=self.get_serializer_context()))

    def perform_destroy(self, instance: Tag) -> None:
        tag_delete(user=self.request.user, tag=instance)


@extend_schema(
    summary="Create and delete many tags at once",
    description="All or nothing, in one transaction. If any item is refused nothing is "
    "changed, and `errors` lists every refused item as `{\"operation\": \"create\" or "
    "\"delete\", \"index\": i, \"errors\": {...}}` (403 if any was not yours to delete, "
    "else 400). 201 if a tag was created, else 200.",
    request=TagBulkSerializer,
    responses={200: TagBulkResultSerializer, 201: TagBulkResultSerializer},
    examples=[
        OpenApiExample(
            "Two tags, one deletion", request_only=True,
            value={
                "create": [
                    {"passage": 42, "theme": "collective-action"},
                    {"passage": 43, "theme": "paternalism", "start": 0, "end": 25},
                ],
                "delete": [7],
            },
        )
    ],
)
class TagBulkView(APIView):
    permission_classes = [IsTagger]

    def post(self, request: Request) -> Response:
        serializer = TagBulkSerializer(data=request.data)
        if not serializer.is_valid():
            items = _item_errors_from_serializer(serializer.errors)
            if items is None:
                raise serializers.ValidationError(serializer.errors)
            raise _refused(items, status_code=400)
        data = serializer.validated_data
        try:
            result = tags_bulk_apply(
                user=request.user,
                create=[TagSpec(**item) for item in data.get("create", [])],
                delete=data.get("delete", []),
            )
        except TagsBulkError as error:
            permission = any(isinstance(item.error, PermissionDenied) for item in error.errors)
            raise _refused(
                [_item_error_from_service(item) for item in error.errors],
                status_code=403 if permission else 400,
            ) from error
        tags = tag_list().in_bulk([item.tag.pk for item in result.created])
        body = {
            "tags": [tags[item.tag.pk] for item in result.created],
            "created": sum(item.created for item in result.created),
            "deleted": result.deleted,
        }
        return Response(
            TagBulkResultSerializer(body, context={"request": request}).data,
            status=201 if body["created"] else 200,
        )


def _refused(items: list[dict], *, status_code: int) -> ItemErrors:
    return ItemErrors(
        detail=f"Nothing was changed: {len(items)} item(s) refused.",
        errors=items,
        status_code=status_code,
    )


def _item_errors_from_serializer(errors: dict) -> list[dict] | None:
    """Per-item errors of the ``create`` and ``delete`` lists; None if the body is malformed."""
    items = []
    for operation, by_index in errors.items():
        # Item errors come keyed by index; anything else means no list to speak of.
        if not (isinstance(by_index, dict) and all(isinstance(key, int) for key in by_index)):
            return None
        items += [
            {"operation": operation, "index": index,
             "errors": messages if isinstance(messages, dict) else {"id": messages}}
            for index, messages in by_index.items()
        ]
    return items


def _item_error_from_service(item: BulkItemError) -> dict:
    if isinstance(item.error, DjangoValidationError):
        messages = as_serializer_error(item.error)
    else:
        messages = {api_settings.NON_FIELD_ERRORS_KEY: [str(item.error)]}
    return {"operation": item.operation, "index": item.index, "errors": messages}


# --- Excerpts -----------------------------------------------------------------

FORMAT_PARAMETER = OpenApiParameter(
    "format", OpenApiTypes.STR, enum=["json", "csv"],
    description="`csv` for a spreadsheet (the same as `Accept: text/csv`).",
)
BOM_PARAMETER = OpenApiParameter(
    "bom", OpenApiTypes.BOOL,
    description="CSV only: start with a UTF-8 byte-order mark, so that Excel reads the "
    "accents and Cyrillic right when the file is opened with a double click.",
)


@extend_schema_view(
    get=extend_schema(
        summary="Tagged excerpts, for reading or a spreadsheet",
        description="One row per tag, in reading order: the tagged words, theme, source, "
        "citation, chapter and its authors, the passage's permalink, the tagger, memo and "
        "time. JSON is paginated; CSV (`Accept: text/csv` or `?format=csv`) is the whole "
        "selection, streamed, with cells that a spreadsheet would run as a formula "
        "(starting `=`, `+`, `-`, `@`, tab or CR) prefixed with `'`.",
        parameters=[FORMAT_PARAMETER, BOM_PARAMETER],
        responses={
            (200, "application/json"): ExcerptSerializer(many=True),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="A header row, then one row per tag.",
            ),
        },
    )
)
class ExcerptListView(JsonAnswersMixin, generics.ListAPIView):
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]
    serializer_class = ExcerptSerializer
    filterset_class = TagFilter

    def get_queryset(self) -> QuerySet[Tag]:
        return excerpt_list()

    def list(self, request: Request, *args, **kwargs) -> Response | StreamingHttpResponse:
        rows = excerpt_rows(tags=self.filter_queryset(self.get_queryset()))
        options = CsvOptionsSerializer(data=request.query_params)
        options.is_valid(raise_exception=True)
        if isinstance(request.accepted_renderer, CSVRenderer):
            return self._csv_response(rows, bom=options.validated_data["bom"])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _csv_response(self, rows: QuerySet, *, bom: bool) -> StreamingHttpResponse:
        serializer = self.get_serializer()
        # .iterator() reads through a server-side cursor: memory stays flat however many rows.
        records = (
            serializer.to_representation(row).values()
            for row in rows.iterator(chunk_size=EXPORT_CHUNK_ROWS)
        )
        response = StreamingHttpResponse(
            csv_stream(header=list(serializer.fields), rows=records, bom=bom),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{self._csv_filename()}"'
        return response

    def _csv_filename(self) -> str:
        # The filter values were validated against the database, but stay defensive:
        # only characters that need no quoting go into the header.
        parts = ["excerpts"] + [
            re.sub(r"[^\w.@+-]", "", self.request.query_params[name].replace(",", "+"))
            for name in ("theme", "source", "section", "user")
            if self.request.query_params.get(name)
        ]
        return "-".join(parts) + ".csv"


# --- W3C Web Annotations ------------------------------------------------------


class AnnotationViewMixin(JsonAnswersMixin):
    """As the Annotation Protocol serves them: its media type and Link header, and an
    ETag (``conditional_page``) so that ``If-None-Match`` gets a 304."""

    protocol_link: str
    renderer_classes = [JSONLDRenderer, JSONRenderer]
    serializer_class = AnnotationSerializer

    def get_queryset(self) -> QuerySet[Tag]:
        return annotation_list()

    def finalize_response(self, request: Request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.exception:
            return response
        if isinstance(request.accepted_renderer, JSONLDRenderer):
            # The Web Annotation Protocol's media type names the annotation profile.
            response.content_type = w3c.ANNO_CONTENT_TYPE
        response["Link"] = self.protocol_link
        patch_vary_headers(response, ["Accept"])
        response.add_post_render_callback(_set_representation_etag)
        return response


def _set_representation_etag(response: Response) -> None:
    # The JSON-LD and the plain JSON answers have the same bytes but are different
    # representations: a strong ETag must tell them apart (RFC 9110, 8.8.3).
    digest = hashlib.md5(response["Content-Type"].encode(), usedforsecurity=False)
    digest.update(response.content)
    response["ETag"] = quote_etag(digest.hexdigest())


@extend_schema_view(
    get=extend_schema(
        summary="Tags as W3C Web Annotations",
        description="An AnnotationPage of the AnnotationCollection of all tags (or the "
        "filtered ones), paged with `page` and `page_size` like every list. JSON-LD "
        "(`application/ld+json`); ask for `application/json` for the same as plain JSON.",
    )
)
@method_decorator(conditional_page, name="dispatch")
class AnnotationListView(AnnotationViewMixin, generics.ListAPIView):
    protocol_link = w3c.CONTAINER_LINK
    pagination_class = w3c.AnnotationPagePagination
    filterset_class = TagFilter


@extend_schema_view(
    get=extend_schema(
        summary="One tag as a W3C Web Annotation",
        description="JSON-LD (`application/ld+json`); its TextQuoteSelector and "
        "TextPositionSelector select the tagged words in the passage's text.",
    )
)
@method_decorator(conditional_page, name="dispatch")
class AnnotationDetailView(AnnotationViewMixin, generics.RetrieveAPIView):
    protocol_link = w3c.ANNOTATION_LINK

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return Response(w3c.document(self.get_serializer(self.get_object()).data))


urlpatterns = [
    path("themes/", ThemeListView.as_view(), name="api-theme-list"),
    path("themes/<slug:slug>/", ThemeDetailView.as_view(), name="api-theme-detail"),
    path("themes/<slug:slug>/merge/", ThemeMergeView.as_view(), name="api-theme-merge"),
    path("themes/<slug:slug>/history/", ThemeChangeListView.as_view(),
         name="api-theme-history"),
    path("tags/", TagListView.as_view(), name="api-tag-list"),
    path("tags/bulk/", TagBulkView.as_view(), name="api-tag-bulk"),
    path("tags/<int:pk>/", TagDetailView.as_view(), name="api-tag-detail"),
    path("excerpts/", ExcerptListView.as_view(), name="api-excerpt-list"),
    path("annotations/", AnnotationListView.as_view(), name="api-annotation-list"),
    path("annotations/<int:pk>/", AnnotationDetailView.as_view(), name="api-annotation-detail"),
]
