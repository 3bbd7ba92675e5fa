"""The search part of the REST API, mounted under /api/ by config/urls.py."""

from dataclasses import asdict

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView, RetrieveAPIView

from config.api_errors import form_valid_or_400
from config.pagination import CappedPageNumberPagination
from corpus.models import Passage
from search.forms import KwicForm, SearchForm
from search.kwic import SORT_CHOICES
from search.selectors import (
    KWIC_MAX_PASSAGES,
    RANK_CUTOFF,
    SearchHit,
    kwic_lines,
    passage_hit_list,
    passage_search,
    search_hits,
    spelling_suggestions,
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
            '"exact phrases", `or` between alternatives, `-word` to exclude passages with the '
            "word, `word*` for every word starting so. British and American spellings, and "
            "romanisations with or without apostrophes, find each other; glossary terms also "
            "search their other forms (see `glossary`). At most 300 characters; a query of "
            "only very common words (such as `the`) is refused."
        ),
    )


GLOSSARY_PARAMETER = OpenApiParameter(
    "glossary",
    OpenApiTypes.STR,
    enum=["off"],
    description="`off`: search only the words typed, not the glossary terms' other forms.",
)


FILTER_PARAMETERS = [
    OpenApiParameter(
        "theme",
        OpenApiTypes.STR,
        description="Theme slugs, comma-separated: passages tagged with them or their "
        "sub-themes (see `theme_match`).",
    ),
    OpenApiParameter(
        "theme_match",
        OpenApiTypes.STR,
        enum=["any", "all"],
        description="`any` (the default): passages with any of the themes; `all`: with every one.",
    ),
    OpenApiParameter(
        "without_theme",
        OpenApiTypes.STR,
        description="Theme slugs, comma-separated: passages tagged with none of them "
        "(nor their sub-themes).",
    ),
    OpenApiParameter("source", OpenApiTypes.STR, description="Source slug."),
    OpenApiParameter("section", OpenApiTypes.INT, description="Section (chapter) id."),
    OpenApiParameter(
        "author",
        OpenApiTypes.STR,
        description=(
            "Part of a chapter's own authors, any case; the source's authors (an edited "
            "volume's editor) only for chapters without their own, such as the preface."
        ),
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


STRING = {"type": "string"}
INTEGER = {"type": "integer"}


def list_of(items: dict, description: str = "") -> dict:
    schema = {"type": "array", "items": items}
    return schema | ({"description": description} if description else {})


def object_of(**properties: dict) -> dict:
    return {"type": "object", "properties": properties}


SEARCH_EXTRAS_SCHEMA = {
    "approximate": {
        "type": "boolean",
        "description": (
            f"True when more than {RANK_CUTOFF:,} passages match: only the first "
            f"{RANK_CUTOFF:,} found were ranked (and counted), so the order is approximate."
        ),
    },
    "expansions": list_of(
        object_of(typed=STRING, term=STRING, slug=STRING, also=list_of(STRING)),
        "Glossary terms that widened the search: what was typed, what else was searched.",
    ),
    "suggestions": list_of(
        object_of(
            typed=STRING,
            passages=INTEGER,
            alternatives=list_of(object_of(word=STRING, passages=INTEGER)),
        ),
        "Corpus words close to typed words that few or no passages contain.",
    ),
}


class SearchPagination(CappedPageNumberPagination):
    """Pages of search hits, with what the search did besides matching (see PassageList)."""

    def get_paginated_response_schema(self, schema: dict) -> dict:
        schema = super().get_paginated_response_schema(schema)
        schema["properties"] |= SEARCH_EXTRAS_SCHEMA
        return schema


# Read through the search form, where an empty value means the parameter is not given.
FORM_PARAMETERS = [parameter.name for parameter in [GLOSSARY_PARAMETER, *FILTER_PARAMETERS]]


class PassageList(ListAPIView):
    serializer_class = PassageHitSerializer
    empty_means_unset = FORM_PARAMETERS
    queryset = Passage.objects.none()
    filter_backends = []
    pagination_class = SearchPagination

    @extend_schema(
        summary="List or search passages",
        description=(
            "Without `q`, the passages that pass the filters, in reading order. With `q`, "
            "the matches, best first, each with `rank` and an HTML `snippet`. An unknown "
            f"filter value is a 400 naming the parameter. A search ranks and counts at most "
            f"its first {RANK_CUTOFF:,} matches (in storage order): `count` stops there and "
            "`approximate` is true. `expansions` lists the glossary terms that widened the "
            "search, `suggestions` close corpus words for typed words found in few passages."
        ),
        parameters=[query_parameter(required=False), GLOSSARY_PARAMETER, *FILTER_PARAMETERS],
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        form = form_valid_or_400(SearchForm(request.query_params))
        query = form.compiled_query
        results = passage_search(query=query, filters=form.filters)
        page = self.paginate_queryset(results)
        hits = search_hits(items=page)
        suggestions = spelling_suggestions(query=query, matches=len(results)) if query else []
        response = self.get_paginated_response(self.get_serializer(hits, many=True).data)
        response.data |= {
            "approximate": getattr(results, "approximate", False),
            "expansions": [asdict(expansion) for expansion in query.expansions],
            "suggestions": [asdict(suggestion) for suggestion in suggestions],
        }
        return response


class PassageDetail(RetrieveAPIView):
    serializer_class = PassageSerializer
    queryset = passage_hit_list()

    @extend_schema(summary="One passage")
    def get(self, request, *args, **kwargs):
        return self.retrieve(request, *args, **kwargs)

    def get_object(self) -> SearchHit:
        [hit] = search_hits(items=[super().get_object()])
        return hit


class KwicList(ListAPIView):
    serializer_class = KwicLineSerializer
    empty_means_unset = [*FORM_PARAMETERS, "sort"]
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
            GLOSSARY_PARAMETER,
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
        form_valid_or_400(form)
        lines = kwic_lines(
            query=form.compiled_query, filters=form.filters, sort=form.cleaned_data["sort"]
        )
        page = self.paginate_queryset(lines)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


urlpatterns = [
    path("passages/", PassageList.as_view(), name="api-passage-list"),
    path("passages/<int:pk>/", PassageDetail.as_view(), name="api-passage-detail"),
    path("kwic/", KwicList.as_view(), name="api-kwic"),
]
