"""The corpus part of the REST API, mounted under /api/ by config/urls.py: read-only."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.urls import path
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics

from config.filters import SlugChoiceFilter
from corpus.models import Section, Source
from corpus.selectors import section_list_with_counts, source_list_with_counts
from corpus.serializers import SectionSerializer, SourceDetailSerializer, SourceSerializer


class SectionFilter(filters.FilterSet):
    source = SlugChoiceFilter(
        queryset=Source.objects.all(),
        noun="source",
        help_text="Only the sections of this source (its slug, e.g. `clarke-1995`).",
    )

    class Meta:
        model = Section
        fields = ["source"]


@extend_schema_view(
    get=extend_schema(
        summary="List the sources",
        description="The five texts, in reading order, with counts of their passages, "
        "notes, sections and tags.",
    )
)
class SourceListView(generics.ListAPIView):
    serializer_class = SourceSerializer

    def get_queryset(self) -> QuerySet[Source]:
        return source_list_with_counts()


@extend_schema_view(
    get=extend_schema(summary="One source, with its sections", description="Looked up by slug.")
)
class SourceDetailView(generics.RetrieveAPIView):
    serializer_class = SourceDetailSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Source]:
        return source_list_with_counts().prefetch_related(
            Prefetch("sections", queryset=section_list_with_counts())
        )


@extend_schema_view(
    get=extend_schema(
        summary="List the sections",
        description="Chapters (or a text's own sections) with their passage counts, in "
        "reading order; `?source=` keeps one source's.",
    )
)
class SectionListView(generics.ListAPIView):
    serializer_class = SectionSerializer
    filterset_class = SectionFilter

    def get_queryset(self) -> QuerySet[Section]:
        return section_list_with_counts()


@extend_schema_view(get=extend_schema(summary="One section"))
class SectionDetailView(generics.RetrieveAPIView):
    serializer_class = SectionSerializer

    def get_queryset(self) -> QuerySet[Section]:
        return section_list_with_counts()


urlpatterns = [
    path("sources/", SourceListView.as_view(), name="api-source-list"),
    path("sources/<slug:slug>/", SourceDetailView.as_view(), name="api-source-detail"),
    path("sections/", SectionListView.as_view(), name="api-section-list"),
    path("sections/<int:pk>/", SectionDetailView.as_view(), name="api-section-detail"),
]
