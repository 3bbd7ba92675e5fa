from django.contrib import admin

from search.models import GlossaryTerm


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    """Researchers view, add and change terms (search migration 0001); staff delete."""

    list_display = ["term", "translation", "source"]
    prepopulated_fields = {"slug": ["term"]}
    search_fields = ["term", "translation", "variants", "definition"]
    fields = ["term", "slug", "translation", "variants", "definition", "source"]
