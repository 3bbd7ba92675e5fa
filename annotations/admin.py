from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from annotations.models import ApiToken, Tag, Theme, ThemeSlugAlias
from annotations.services import tag_update, theme_delete, theme_validate_deletable


class ThemeAdminForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name", "slug", "parent", "key", "definition", "inclusion", "exclusion",
                  "colour", "order"]

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if ThemeSlugAlias.objects.filter(slug=slug).exists():
            raise ValidationError("A theme had this slug before, and it still leads there.")
        return slug


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    """New themes are added here; renaming, moving and merging happen on the codebook
    page, which keeps each change in the theme's history and its old slug working."""

    form = ThemeAdminForm
    list_display = ["name", "slug", "parent", "key", "colour", "order", "tag_count"]
    list_editable = ["order"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "definition"]
    actions = ["delete_unused_themes"]
    # Through the codebook page only, where the services record them.
    TREE_FIELDS = ["name", "slug", "parent", "key"]

    def get_readonly_fields(self, request: HttpRequest, obj: Theme | None = None) -> list[str]:
        return self.TREE_FIELDS if obj is not None else []

    def get_prepopulated_fields(self, request: HttpRequest, obj: Theme | None = None) -> dict:
        return {} if obj is not None else self.prepopulated_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Theme]:
        return super().get_queryset(request).annotate(tag_count=Count("tags"))

    @admin.display(description="tags", ordering="tag_count")
    def tag_count(self, theme: Theme) -> int:
        return theme.tag_count

    def get_actions(self, request: HttpRequest) -> dict:
        # The stock bulk delete would list every protected tag; ours says why in a line.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request: HttpRequest, object_id: str,
                    extra_context: dict | None = None) -> HttpResponse:
        theme = self.get_object(request, unquote(object_id))
        if theme is not None:
            try:
                theme_validate_deletable(theme=theme)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return redirect("admin:annotations_theme_change", theme.pk)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request: HttpRequest, obj: Theme) -> None:
        theme_delete(theme=obj)

    @admin.action(description="Delete selected themes (only those without tags)",
                  permissions=["delete"])
    def delete_unused_themes(self, request: HttpRequest, queryset: QuerySet[Theme]) -> None:
        deleted = []
        for theme in queryset:
            try:
                theme_delete(theme=theme)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                deleted.append(theme.name)
        if deleted:
            self.message_user(request, f"Deleted: {', '.join(deleted)}.", messages.SUCCESS)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["theme", "source", "passage", "user", "start", "end", "created"]
    list_filter = ["theme", "source"]
    list_select_related = ["theme", "source", "passage__source", "user"]
    search_fields = ["quote", "memo", "user__username"]
    date_hierarchy = "created"
    fields = ["source", "passage", "theme", "user", "start", "end", "quote", "prefix", "suffix",
              "memo", "created", "updated"]
    readonly_fields = [field for field in fields if field != "memo"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Tags are made in the reader, where the span offsets come from a selection.
        return False

    def save_model(self, request: HttpRequest, obj: Tag, form, change: bool) -> None:
        tag_update(user=request.user, tag=obj, memo=obj.memo)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff see every API token and may revoke one (delete it); keys are made only by
    their owner (the tokens page or the API), since a key is shown just once."""

    list_display = ["name", "user", "key_prefix", "created", "last_used"]
    list_select_related = ["user"]
    search_fields = ["name", "user__username"]
    readonly_fields = ["name", "user", "key_prefix", "created", "last_used"]
    exclude = ["key_digest"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
