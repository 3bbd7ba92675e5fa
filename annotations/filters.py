"""The query-string filters of the tag lists: /api/tags/, /api/excerpts/, /api/annotations/."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters

from annotations.forms import ThemeQueryForm, ThemeSlugsField
from annotations.models import Tag
from annotations.selectors import tagger_list
from annotations.theme_selectors import THEME_MATCH_CHOICES, theme_query_tags_q
from config.filters import ExistingChoiceFilter, IsoDateTimeFilter, SlugChoiceFilter
from corpus.models import Passage, Section, Source


class ThemeSlugsFilter(filters.Filter):
    field_class = ThemeSlugsField


class TagFilter(filters.FilterSet):
    # The three theme parameters are one query, applied together by filter_queryset.
    theme = ThemeSlugsFilter(
        method="_applied_together",
        help_text="Only tags of these themes or their sub-themes: slugs, comma-separated "
        "(e.g. `collective-action,paternalism`); a former slug names the theme it became.",
    )
    theme_match = filters.ChoiceFilter(
        choices=THEME_MATCH_CHOICES, method="_applied_together",
        help_text="`any` (the default): tags of any of the themes; `all`: only those on "
        "passages that carry every one of them.",
    )
    without_theme = ThemeSlugsFilter(
        method="_applied_together",
        help_text="Only tags on passages that carry none of these themes (nor their "
        "sub-themes): slugs, comma-separated.",
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
        form = ThemeQueryForm
        fields = ["theme", "theme_match", "without_theme", "source", "section", "passage",
                  "user", "created_after"]

    def _applied_together(self, queryset: QuerySet[Tag], name: str, value: str) -> QuerySet[Tag]:
        return queryset

    def filter_queryset(self, queryset: QuerySet[Tag]) -> QuerySet[Tag]:
        queryset = super().filter_queryset(queryset)
        themes = self.form.theme_query
        return queryset.filter(theme_query_tags_q(query=themes)) if themes else queryset
