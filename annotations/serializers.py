"""Themes and tags as the API shows them, and what clients may send to make tags."""

from __future__ import annotations

import copy

from django.core.validators import slug_re
from django.urls import reverse
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from annotations import w3c
from annotations.models import MEMO_MAX_CHARS, ApiToken, Tag, Theme, ThemeChange
from annotations.selectors import EXCERPT_CONTEXT_CHARS, EXCERPT_FIELDS
from annotations.theme_selectors import theme_get_by_any_slug
from config.serializers import StrictFieldsMixin
from corpus.models import Passage

# Tag offsets are stored in PostgreSQL integer columns.
OFFSET_MAX = 2**31 - 1
BULK_MAX_ITEMS = 500


class ThemeSlugField(serializers.SlugRelatedField):
    """A theme by slug; a value that cannot be a slug never reaches the database."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("error_messages", {"does_not_exist": "No theme with slug “{value}”."})
        super().__init__(slug_field="slug", queryset=Theme.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or not slug_re.match(data):
            self.fail("does_not_exist", slug_name="slug", value=data)
        try:
            # A slug the theme had before a rename or merge still names it.
            return theme_get_by_any_slug(slug=data, themes=self.get_queryset())
        except Theme.DoesNotExist:
            self.fail("does_not_exist", slug_name="slug", value=data)


@extend_schema_field(OpenApiTypes.URI)
class PermalinkField(serializers.Field):
    """The absolute URL of a passage's page, from the passage's id."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        url = reverse("corpus:passage-detail", kwargs={"pk": value})
        return self.context["request"].build_absolute_uri(url)


class ThemeCountsSerializer(serializers.Serializer):
    tags = serializers.IntegerField(source="tag_count", help_text="Tags placed on passages.")
    passages = serializers.IntegerField(source="passage_count", help_text="Passages tagged.")
    sources = serializers.IntegerField(source="source_count", help_text="Sources tagged.")
    taggers = serializers.IntegerField(source="tagger_count", help_text="People who tagged.")


class ThemeSourceCountSerializer(serializers.Serializer):
    source = serializers.CharField(source="slug", help_text="The source's slug.")
    tags = serializers.IntegerField()
    passages = serializers.IntegerField()


class ThemeSerializer(serializers.ModelSerializer):
    """A theme from ``theme_list_with_counts()``."""

    url = serializers.HyperlinkedIdentityField(view_name="api-theme-detail", lookup_field="slug")
    parent = serializers.CharField(
        source="parent_slug", read_only=True, allow_null=True,
        help_text="The broader theme's slug; null for a top-level theme.",
    )
    former_slugs = serializers.ListField(
        child=serializers.CharField(), read_only=True,
        help_text="Slugs it had before (renames, themes merged into it); they still work.",
    )
    counts = ThemeCountsSerializer(source="*", read_only=True)

    class Meta:
        model = Theme
        fields = ["slug", "url", "name", "parent", "definition", "inclusion", "exclusion",
                  "colour", "order", "key", "former_slugs", "counts"]


class ThemeDetailSerializer(ThemeSerializer):
    by_source = ThemeSourceCountSerializer(
        many=True, read_only=True, help_text="The counts per source that has tags of it."
    )

    class Meta(ThemeSerializer.Meta):
        fields = [*ThemeSerializer.Meta.fields, "by_source"]


class TagSerializer(serializers.ModelSerializer):
    """A tag from ``tag_list()``."""

    url = serializers.HyperlinkedIdentityField(view_name="api-tag-detail")
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    theme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    user = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="The tagger's username."
    )
    quote = serializers.CharField(
        source="excerpt_text", read_only=True,
        help_text="The tagged words: the span's text, or the whole passage's.",
    )

    class Meta:
        model = Tag
        fields = [
            "id", "url", "passage", "source", "theme", "user", "start", "end", "quote", "memo",
            "created", "updated", "is_example",
        ]
        extra_kwargs = {
            "passage": {"help_text": "The passage's id; null for an orphan (its words were "
                        "lost when the source was re-ingested)."},
            "start": {"help_text": "Offset of the span in the passage's text; null for a "
                      "whole-passage tag."},
            "end": {"help_text": "End of the span (exclusive); null for a whole-passage tag."},
            "is_example": {"read_only": True, "help_text": "Shown in the codebook as an "
                           "example of its theme (marked on the theme's page)."},
        }


class TagCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    read_only_fields = ("id", "url", "source", "user", "quote", "created", "updated")

    passage = serializers.PrimaryKeyRelatedField(
        queryset=Passage.objects.defer("search_vector"), pk_field=serializers.IntegerField(),
        help_text="The passage's id.",
    )
    theme = ThemeSlugField(help_text="The theme's slug, e.g. `collective-action`.")
    start = serializers.IntegerField(
        min_value=0, max_value=OFFSET_MAX, required=False, allow_null=True, default=None,
        help_text="Offset of the span in the passage's text; leave out (with `end`) to tag "
        "the whole passage.",
    )
    end = serializers.IntegerField(
        min_value=1, max_value=OFFSET_MAX, required=False, allow_null=True, default=None,
        help_text="End of the span (exclusive), at most the passage's length.",
    )
    memo = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MEMO_MAX_CHARS,
        help_text="A note on why; kept with the tag.",
    )


class TagUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    """A tag's words and place are fixed: move or resize it by deleting and re-tagging."""

    read_only_fields = (
        "id", "url", "passage", "source", "user", "start", "end", "quote", "created", "updated",
    )

    memo = serializers.CharField(required=False, allow_blank=True, max_length=MEMO_MAX_CHARS)
    theme = ThemeSlugField(required=False, help_text="Move the tag to another theme.")

    def validate(self, attrs: dict) -> dict:
        if not attrs:
            raise serializers.ValidationError("Nothing to change: send `memo` or `theme`.")
        return attrs


class TagBulkSerializer(StrictFieldsMixin, serializers.Serializer):
    create = TagCreateSerializer(
        many=True, required=False, max_length=BULK_MAX_ITEMS,
        help_text=f"Tags to create (idempotent, as POST /api/tags/); at most {BULK_MAX_ITEMS}.",
    )
    delete = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False,
        max_length=BULK_MAX_ITEMS, help_text="Ids of your tags to delete.",
    )


class TagBulkResultSerializer(serializers.Serializer):
    tags = TagSerializer(many=True, help_text="One per item of `create`, in order.")
    created = serializers.IntegerField(help_text="How many of them are new.")
    deleted = serializers.ListField(child=serializers.IntegerField())


class ExcerptSerializer(serializers.Serializer):
    """A row from ``excerpt_rows()``: one tag, ready for a spreadsheet."""

    tag = serializers.IntegerField(help_text="The tag's id.")
    context_before = serializers.CharField(
        help_text=f"Up to {EXCERPT_CONTEXT_CHARS} characters of the passage before a span "
        "(empty for a whole-passage tag)."
    )
    text = serializers.CharField(help_text="The tagged words: the span, or the whole passage.")
    context_after = serializers.CharField(
        help_text=f"Up to {EXCERPT_CONTEXT_CHARS} characters of the passage after a span."
    )
    theme = serializers.CharField(help_text="The theme's name.")
    theme_slug = serializers.CharField(help_text="The theme's slug, as `?theme=` takes it.")
    source = serializers.CharField(help_text="The source's slug.")
    citation = serializers.CharField(help_text="The source's citation.")
    chapter = serializers.CharField(
        allow_null=True, help_text="The section's title; null for an orphaned tag."
    )
    authors = serializers.CharField(
        help_text="The chapter's authors, or the source's if the chapter names none."
    )
    passage = serializers.IntegerField(allow_null=True, help_text="The passage's id.")
    permalink = PermalinkField(source="passage", allow_null=True, help_text="The passage's page.")
    tagger = serializers.CharField(help_text="The tagger's username.")
    memo = serializers.CharField()
    created = serializers.DateTimeField()

    def to_representation(self, instance) -> dict:
        return super().to_representation(dict(zip(EXCERPT_FIELDS, instance, strict=True)))


class CsvOptionsSerializer(serializers.Serializer):
    """The query options of a CSV export."""

    bom = serializers.BooleanField(required=False, default=False)


class AnnotationSerializer(serializers.BaseSerializer):
    """A tag from ``annotation_list()`` as a W3C Web Annotation."""

    def to_representation(self, instance) -> dict:
        return w3c.annotation(tag=instance, request=self.context["request"])


class AnnotationSchema(OpenApiSerializerExtension):
    target_class = AnnotationSerializer

    def map_serializer(self, auto_schema, direction) -> dict:
        # A copy: drf-spectacular's enum hook replaces enums in place with references to
        # components it builds once, so the second schema served would lack them.
        return copy.deepcopy(w3c.ANNOTATION_SCHEMA)


class TokenRequestSerializer(StrictFieldsMixin, AuthTokenSerializer):
    name = serializers.CharField(
        max_length=100, required=False, default="API token",
        help_text="What the token is for; asking again for a name you have replaces its "
        "token (the old key stops working).",
    )


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "key_prefix", "created", "last_used"]
        read_only_fields = fields


class IssuedTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(
        read_only=True, help_text="The key, shown this once: send it as `Authorization: Token "
        "<key>`."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields


# --- Changing the codebook ---------------------------------------------------------


class ThemeUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    """What PATCH /api/themes/<slug>/ may change; every field is optional."""

    name = serializers.CharField(required=False, max_length=100)
    slug = serializers.SlugField(required=False, max_length=64,
                                 help_text="A new slug; the old one keeps working.")
    parent = ThemeSlugField(required=False, allow_null=True,
                            help_text="Move under this theme; null for the top level.")
    key = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=9,
                                   help_text="The reader's number key; null for none.")
    definition = serializers.CharField(required=False)
    inclusion = serializers.CharField(required=False, allow_blank=True)
    exclusion = serializers.CharField(required=False, allow_blank=True)
    colour = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False,
                                    help_text="A hex colour such as #b5443a.")


class ThemeMergeSerializer(StrictFieldsMixin, serializers.Serializer):
    into = ThemeSlugField(help_text="The theme that takes over every tag of this one.")


class ThemeMergeResultSerializer(serializers.Serializer):
    theme = ThemeSerializer(help_text="The theme merged into, as it is now.")
    tags_moved = serializers.IntegerField(help_text="Tags of the merged theme, now of this one.")
    tags_collapsed = serializers.IntegerField(
        help_text="Of those, how many were identical to one it had (folded into one tag "
        "with both memos)."
    )
    children_moved = serializers.IntegerField(help_text="Sub-themes moved under it.")


class ThemeChangeSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    before = serializers.JSONField(help_text="The changed fields' values before.")
    after = serializers.JSONField(help_text="And after.")

    class Meta:
        model = ThemeChange
        fields = ["kind", "user", "created", "before", "after"]
