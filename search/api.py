"""The search part of the REST API, mounted under /api/ by config/urls.py."""

from django import forms
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView, RetrieveAPIView

from corpus.models import Passage
from search.forms import KwicForm, SearchForm
from search.kwic import SORT_CHOICES
from search.selectors import (
    KWIC_MAX_PASSAGES,
    RANK_CUTOFF,
    attach_hit_details,
    kwic_lines,
    passage_search,
)
from search.serializers import (
    KwicLineSerializer,
    PassageHitSerializer,
    PassageSerializer,
)


def query_parameter(*, required: bool) -> OpenApiParameter:
    return OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        required=required,
        description=(
            'Web-search syntax: words (all must occur, in any form: "strikes" finds "strike"), '
            '"exact phrases", `or` between alternatives, `-word` to exclude. At most 300 '
            "characters; a query of only very common words (such as `the`) is refused."
        ),
    )


FILTER_PARAMETERS = [
    OpenApiParameter(
        "theme", OpenApiTypes.STR,
        description="Theme slugs, comma-separated: passages tagged with them or their "
        "sub-themes (see `theme_match`).",
    ),
    OpenApiParameter(
        "theme_match", OpenApiTypes.STR, enum=["any", "all"],
        description="`any` (the default): passages with any of the themes; `all`: with every one.",
    ),
    OpenApiParameter(
        "without_theme", OpenApiTypes.STR,
        description="Theme slugs, comma-separated: passages tagged with none of them "
        "(nor their sub-themes).",
    ),
    OpenApiParameter("source", OpenApiTypes.STR, description="Source slug."),
    OpenApiParameter("section", OpenApiTypes.INT, description="Section (chapter) id."),
    OpenApiParameter(
        "author",
        OpenApiTypes.STR,
        description="Part of the section's or the source's authors, any case.",
    ),
    OpenApiParameter(
        "kind", OpenApiTypes.STR, enum=["body", "note"], description="Body text or notes."
    ),
    OpenApiParameter(
        "tagged_by",
        OpenApiTypes.STR,
        description="Username: passages that user tagged (with `theme`, with that theme).",
    ),
]


def valid(form: forms.Form) -> forms.Form:
    if not form.is_valid():
        raise ValidationError(
            {
                field: [error["message"] for error in errors]
                for field, errors in form.errors.get_json_data().items()
            }
        )
    return form


class PassageList(ListAPIView):
    serializer_class = PassageHitSerializer
    queryset = Passage.objects.none()
    filter_backends = []

    @extend_schema(
        summary="List or search passages",
        description=(
            "Without `q`, the passages that pass the filters, in reading order. With `q`, "
            "the matches, best first, each with `rank` and an HTML `snippet`. An unknown "
            f"filter value is a 400 naming the parameter. A search ranks and counts at most "
            f"its first {RANK_CUTOFF:,} matches (in storage order): `count` stops there."
        ),
        parameters=[query_parameter(required=False), *FILTER_PARAMETERS],
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        form = valid(SearchForm(request.query_params))
        page = self.paginate_queryset(passage_search(query=form.query, filters=form.filters))
        hits = attach_hit_details(passages=page, query=form.query)
        return self.get_paginated_response(self.get_serializer(hits, many=True).data)


class PassageDetail(RetrieveAPIView):
    serializer_class = PassageSerializer
    queryset = Passage.objects.select_related("source", "section").defer("search_vector")

    @extend_schema(summary="One passage")
    def get(self, request, *args, **kwargs):
        return self.retrieve(request, *args, **kwargs)

    def get_object(self) -> Passage:
        passage = super().get_object()
        attach_hit_details(passages=[passage], query="")
        return passage


class KwicList(ListAPIView):
    serializer_class = KwicLineSerializer
    queryset = Passage.objects.none()
    filter_backends = []

    @extend_schema(
        summary="Concordance (keyword in context)",
        description=(
            "One line per occurrence of the query's words in the matching passages, drawn "
            f"from the {KWIC_MAX_PASSAGES} best-ranked: the words before, the keyword, the "
            "words after. In rank order, or sorted by the word to the left or right."
        ),
        parameters=[
            query_parameter(required=True),
            *FILTER_PARAMETERS,
            OpenApiParameter(
                "sort",
                OpenApiTypes.STR,
                enum=[value for value, _ in SORT_CHOICES if value],
                description="Sort by the words left of the keyword (nearest first) or right of it.",
            ),
        ],
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        form = KwicForm(request.query_params)
        if form.is_valid() and not form.query:
            form.add_error("q", "Give words to search for.")
        valid(form)
        lines = kwic_lines(query=form.query, filters=form.filters, sort=form.cleaned_data["sort"])
        page = self.paginate_queryset(lines)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


urlpatterns = [
    path("passages/", PassageList.as_view(), name="api-passage-list"),
    path("passages/<int:pk>/", PassageDetail.as_view(), name="api-passage-detail"),
    path("kwic/", KwicList.as_view(), name="api-kwic"),
]
