"""The corpus in the admin: read-mostly, since the ingestion owns every passage.

Citation details of sources and titles of sections may be corrected here (a reload
keeps such corrections: see corpus.services); passages
are read only (their text is tied to character ranges of the raw file), and nothing
is added or deleted by hand.
"""

from django.contrib import admin
from django.http import HttpRequest

from corpus.models import Passage, Section, Source
from corpus.services import section_save


class ReadMostlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Source)
class SourceAdmin(ReadMostlyAdmin):
    list_display = ["title", "authors", "year", "ordinal", "ingested_at"]
    search_fields = ["title", "authors", "citation"]
    readonly_fields = ["slug", "filename", "sha256", "ingested_at"]


@admin.register(Section)
class SectionAdmin(ReadMostlyAdmin):
    list_display = ["__str__", "source", "ordinal", "authors"]
    list_filter = ["source"]
    list_select_related = ["source"]
    search_fields = ["title", "authors"]
    readonly_fields = ["source", "ordinal"]

    def save_model(self, request: HttpRequest, obj: Section, form, change: bool) -> None:
        # Passages carry the title as their (indexed) heading: the service updates them.
        section_save(section=obj)


@admin.register(Passage)
class PassageAdmin(ReadMostlyAdmin):
    list_display = ["__str__", "kind", "note_label", "heading", "word_count"]
    list_filter = ["source", "kind"]
    list_select_related = ["source"]
    search_fields = ["text"]
    show_full_result_count = False
    fields = [
        "source",
        "section",
        "ordinal",
        "kind",
        "note_label",
        "heading",
        "text",
        "note_markers",
        "char_start",
        "char_end",
        "word_count",
    ]
    readonly_fields = fields

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Viewing only: the change form renders read-only with view permission.
        return False

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).defer("search_vector")
