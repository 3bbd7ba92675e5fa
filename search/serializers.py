from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from corpus.models import Passage


class PassageSerializer(serializers.ModelSerializer):
    """A passage; ``theme_list`` must be attached (selectors.attach_hit_details)."""

    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    section_title = serializers.CharField(source="section.title", read_only=True)
    url = serializers.HyperlinkedIdentityField(
        view_name="corpus:passage-detail", help_text="The passage's page on the site."
    )
    themes = serializers.SerializerMethodField(
        help_text="Slugs of the themes anyone has tagged the passage with."
    )

    class Meta:
        model = Passage
        fields = [
            "id",
            "source",
            "section",
            "section_title",
            "ordinal",
            "kind",
            "note_label",
            "text",
            "char_start",
            "char_end",
            "word_count",
            "url",
            "themes",
        ]
        read_only_fields = fields

    def get_themes(self, passage: Passage) -> list[str]:
        return [theme.slug for theme in passage.theme_list]


class PassageHitSerializer(PassageSerializer):
    rank = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Relevance in [0, 1): ts_rank_cd normalised by log length. Null without q.",
    )
    snippet = serializers.SerializerMethodField(
        help_text="HTML: escaped text around the matches, each match in <mark>. Null without q."
    )

    class Meta(PassageSerializer.Meta):
        fields = [*PassageSerializer.Meta.fields, "rank", "snippet"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_snippet(self, passage: Passage) -> str | None:
        return passage.snippet


class KwicLineSerializer(serializers.Serializer):
    left = serializers.CharField(help_text="Up to 60 characters before the keyword.")
    keyword = serializers.CharField(help_text="The matched word(s) as they appear in the text.")
    right = serializers.CharField(help_text="Up to 60 characters after the keyword.")
    passage = serializers.IntegerField(source="passage.pk")
    source = serializers.CharField(source="passage.source.slug", help_text="The source's slug.")
    url = serializers.SerializerMethodField(
        help_text="The passage in context, on its source's page."
    )

    def get_url(self, line) -> str:
        passage = line.passage
        url = f"{passage.source.get_absolute_url()}#{passage.anchor}"
        return self.context["request"].build_absolute_uri(url)
