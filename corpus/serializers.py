"""The corpus as the API shows it: sources and their sections (passages: see search.api)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from corpus.models import Section, Source


@extend_schema_field(OpenApiTypes.URI)
class PageLinkField(serializers.Field):
    """The absolute URL of an object's page on the site (its ``get_absolute_url``)."""

    def __init__(self, *, source: str = "*", **kwargs) -> None:
        super().__init__(source=source, read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


class SourceCountsSerializer(serializers.Serializer):
    body_passages = serializers.IntegerField(source="body_count", help_text="Body-text passages.")
    notes = serializers.IntegerField(source="note_count", help_text="Footnotes and endnotes.")
    sections = serializers.IntegerField(source="section_count", help_text="Chapters or sections.")
    tags = serializers.IntegerField(source="tag_count", help_text="Tags placed on its passages.")


class SectionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-section-detail")
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    body_passages = serializers.IntegerField(source="body_count", read_only=True)
    notes = serializers.IntegerField(source="note_count", read_only=True)

    class Meta:
        model = Section
        fields = [
            "id",
            "url",
            "source",
            "ordinal",
            "number",
            "title",
            "authors",
            "body_passages",
            "notes",
        ]
        extra_kwargs = {
            "authors": {"help_text": "The chapter's own authors (edited volumes); else empty."},
        }


class SourceSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-source-detail", lookup_field="slug")
    html_url = PageLinkField(help_text="The source's reading page.")
    counts = SourceCountsSerializer(source="*", read_only=True)

    class Meta:
        model = Source
        fields = [
            "slug",
            "url",
            "html_url",
            "title",
            "authors",
            "year",
            "venue",
            "citation",
            "counts",
        ]


class SourceDetailSerializer(SourceSerializer):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "sections"]
