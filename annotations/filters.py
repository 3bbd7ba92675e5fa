"""The query-string filters of the tag lists: /api/tags/, /api/excerpts/, /api/annotations/."""

from __future__ import annotations

from django_filters import rest_framework as filters

from annotations.models import Tag, Theme
from annotations.selectors import tagger_list
from config.filters import ExistingChoiceFilter, IsoDateTimeFilter, SlugChoiceFilter
from corpus.models import Passage, Section, Source


class TagFilter(filters.FilterSet):
    theme = SlugChoiceFilter(
        queryset=Theme.objects.all(), noun="theme",
        help_text="Only tags of this theme (its slug, e.g. `collective-action`).",
    )
    source = SlugChoiceFilter(
        queryset=Source.objects.all(), noun="source",
        help_text="Only tags in this source (its slug, e.g. `crowley-1994`).",
    )
    section = ExistingChoiceFilter(
        field_name="passage__section", queryset=Section.objects.all(), to_field_name="id",
        noun="section", help_text="Only tags in this section (chapter), by id.",
    )
    passage = ExistingChoiceFilter(
        queryset=Passage.objects.only("pk"), to_field_name="id", noun="passage",
        help_text="Only tags on this passage, by id.",
    )
    user = ExistingChoiceFilter(
        queryset=tagger_list(), to_field_name="username", noun="user",
        help_text="Only tags by this researcher (username).",
    )
    created_after = IsoDateTimeFilter(
        field_name="created", lookup_expr="gte",
        help_text="Only tags created at or after this ISO 8601 time, e.g. "
        "`2025-01-31T00:00:00Z`.",
    )

    class Meta:
        model = Tag
        fields = ["theme", "source", "section", "passage", "user", "created_after"]
