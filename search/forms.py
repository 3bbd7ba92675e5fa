"""The search parameters, validated once for the page and the API alike."""

from __future__ import annotations

from functools import cached_property
from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator

from annotations.forms import ThemeQueryForm
from annotations.selectors import tagger_list
from config.filters import ExistingChoiceField
from corpus.models import Passage, Section, Source
from search.kwic import SORT_CHOICES
from search.query import CompiledQuery, query_parse
from search.selectors import (
    QUERY_MAX_LENGTH,
    SearchFilters,
    clean_text,
    glossary_expand,
    query_terms,
)


def source_label(source: Source) -> str:
    return f"{source.authors}, {source.year}"


class SectionChoiceIterator(ModelChoiceIterator):
    """Sections as ``<optgroup>``s, one per source."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for source, sections in groupby(self.queryset, key=lambda section: section.source):
            yield (source_label(source), [self.choice(section) for section in sections])


class SectionChoiceField(ExistingChoiceField):
    iterator = SectionChoiceIterator


class SourceChoiceField(ExistingChoiceField):
    def label_from_instance(self, obj: Source) -> str:
        return source_label(obj)


class SearchForm(ThemeQueryForm):
    q = forms.CharField(
        required=False,
        label="Search for",
        widget=forms.SearchInput(attrs={"placeholder": 'Stakhanov* "trade union" -Donbass'}),
        help_text=(
            'All the words must occur, in any form. "exact phrase"; strike or protest; '
            "-word leaves out passages containing that word (to leave out an author or "
            "a source, use the filters); Stakhanov* for every word starting so. British "
            "and American spellings, and romanisations with or without apostrophes, "
            "find each other."
        ),
    )
    source = SourceChoiceField(
        noun="source",
        queryset=Source.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All sources",
    )
    section = SectionChoiceField(
        noun="section",
        queryset=Section.objects.select_related("source").order_by(
            "source__ordinal", "source__slug", "ordinal"
        ),
        required=False,
        label="Chapter",
        empty_label="All chapters",
    )
    author = forms.CharField(required=False, max_length=100)
    kind = forms.ChoiceField(
        choices=[("", "Text and notes"), *Passage.Kind.choices],
        required=False,
        error_messages={"invalid_choice": "Kind must be “body” or “note”, not “%(value)s”."},
    )
    glossary = forms.ChoiceField(
        choices=[("", "Widen the search with the glossary"), ("off", "Only the words typed")],
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Glossary must be “off” or left out, not “%(value)s”."},
    )
    tagged_by = ExistingChoiceField(
        noun="tagger",
        queryset=tagger_list(),
        to_field_name="username",
        required=False,
        label="Tagged by",
        empty_label="Anyone",
    )

    def __init__(self, data=None, **kwargs):
        # Control characters (NUL above all) would reach Postgres through any field.
        if data is not None:
            data = {name: clean_text(data[name]) for name in self.base_fields if name in data}
        super().__init__(data, **kwargs)

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        if len(query) > QUERY_MAX_LENGTH:
            raise ValidationError(
                f"Searches are limited to {QUERY_MAX_LENGTH} characters; "
                f"this one has {len(query):,}.",
                code="max_length",
            )
        if query and not query_terms(query=query):
            raise ValidationError(
                "Nothing to search for: the search has no words, or only words too common "
                "to be indexed (such as “the”, “of” or “and”). Try more specific words.",
                code="no_terms",
            )
        return query

    @property
    def query(self) -> str:
        return self.cleaned_data["q"]

    @cached_property
    def compiled_query(self) -> CompiledQuery:
        """The query, widened by the glossary unless ``glossary=off`` (one query)."""
        parsed = query_parse(self.query)
        if not parsed or self.cleaned_data["glossary"] == "off":
            return parsed
        return glossary_expand(query=parsed)

    @property
    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            theme=self.theme_query or None,
            source=data["source"],
            section=data["section"],
            author=data["author"],
            kind=data["kind"],
            tagged_by=data["tagged_by"],
        )


class KwicForm(SearchForm):
    sort = forms.ChoiceField(
        choices=SORT_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Sort must be “left” or “right”, not “%(value)s”."},
    )


class SearchPageForm(KwicForm):
    view = forms.ChoiceField(
        choices=[("", "Passages"), ("kwic", "Concordance")],
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "View must be “kwic” or left out, not “%(value)s”."},
    )
