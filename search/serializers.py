from rest_framework import serializers

from corpus.models import Passage
from search.selectors import SearchHit

PASSAGE = Passage._meta


def passage_field(name: str, field_class: type[serializers.Field], **kwargs) -> serializers.Field:
    """A read-only field of the hit's passage, described as the model describes it."""
    help_text = PASSAGE.get_field(name).help_text
    if help_text:
        kwargs.setdefault("help_text", help_text)
    return field_class(source=f"passage.{name}", read_only=True, **kwargs)


class PassageSerializer(serializers.Serializer):
    """A passage and the themes anyone has tagged it with."""

    id = serializers.IntegerField(source="passage.pk", read_only=True)
    source = serializers.CharField(source="passage.source.slug", read_only=True)
    section = serializers.IntegerField(source="passage.section_id", read_only=True)
    section_title = serializers.CharField(source="passage.section.title", read_only=True)
    ordinal = passage_field("ordinal", serializers.IntegerField)
    kind = passage_field("kind", serializers.ChoiceField, choices=Passage.Kind.choices)
    note_label = passage_field("note_label", serializers.CharField)
    text = passage_field("text", serializers.CharField)
    char_start = passage_field("char_start", serializers.IntegerField)
    char_end = passage_field("char_end", serializers.IntegerField)
    word_count = passage_field("word_count", serializers.IntegerField)
    url = serializers.HyperlinkedRelatedField(
        source="passage",
        view_name="corpus:passage-detail",
        read_only=True,
        help_text="The passage's page on the site.",
    )
    themes = serializers.SerializerMethodField(
        help_text="Slugs of the themes anyone has tagged the passage with."
    )

    def get_themes(self, hit: SearchHit) -> list[str]:
        return [theme.slug for theme in hit.themes]


class PassageHitSerializer(PassageSerializer):
    """A passage as a search lists it: its themes, rank and snippet."""

    rank = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Relevance in [0, 1): ts_rank_cd normalised by log length. Null without q.",
    )
    snippet = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="HTML: escaped text around the matches, each match in <mark>. Null without q.",
    )


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
