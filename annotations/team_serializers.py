"""Team coding as the API shows it: coding status, agreement, disagreement memos."""

from __future__ import annotations

from rest_framework import serializers

from annotations.models import MEMO_MAX_CHARS, DisagreementMemo, SectionCoding
from annotations.serializers import ThemeSlugField
from corpus.models import Passage


class CodingMarkSerializer(serializers.Serializer):
    coder = serializers.CharField(source="username")
    done_at = serializers.DateTimeField()


class SectionCodingStatusSerializer(serializers.Serializer):
    section = serializers.IntegerField(source="section_id")
    done = CodingMarkSerializer(source="marks", many=True,
                                help_text="Who has marked the section done, earliest first.")


class SectionCodingSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="section.source.slug")
    section_title = serializers.CharField(source="section.title")
    coder = serializers.CharField(source="user.username")

    class Meta:
        model = SectionCoding
        fields = ["section", "section_title", "source", "coder", "done_at"]


class PassageFiguresSerializer(serializers.Serializer):
    alpha = serializers.FloatField(allow_null=True,
                                   help_text="Krippendorff's alpha (nominal); null if undefined.")
    kappa = serializers.FloatField(allow_null=True,
                                   help_text="Cohen's kappa; null unless exactly two coders.")
    percent = serializers.FloatField(allow_null=True,
                                     help_text="Share of units all coders agree on, 0 to 1.")


class CharacterFiguresSerializer(serializers.Serializer):
    alpha = serializers.FloatField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)


class ThemeAgreementSerializer(serializers.Serializer):
    theme = serializers.CharField(source="theme.slug")
    passages = PassageFiguresSerializer()
    characters = CharacterFiguresSerializer()


class OverallAgreementSerializer(serializers.Serializer):
    passages = PassageFiguresSerializer(
        help_text="Every (theme, passage) pair pooled as one unit.")
    characters = CharacterFiguresSerializer(
        help_text="Every (theme, character) pair pooled as one unit.")


class AgreementScopeSerializer(serializers.Serializer):
    source = serializers.CharField(source="source.slug", allow_null=True)
    section = serializers.IntegerField(source="section.pk", allow_null=True)
    finished_only = serializers.BooleanField(
        help_text="True when neither source nor section was named: only the sections every "
        "coder marked done are counted.")
    sections = serializers.ListField(child=serializers.IntegerField(), source="section_ids",
                                     help_text="The sections whose passages were counted.")


class AgreementUnitsSerializer(serializers.Serializer):
    passages = serializers.IntegerField()
    characters = serializers.IntegerField()


class AgreementSerializer(serializers.Serializer):
    """An ``annotations.team_selectors.Agreement``."""

    coders = serializers.ListField(child=serializers.CharField(), source="usernames")
    scope = AgreementScopeSerializer()
    units = AgreementUnitsSerializer(source="*")
    themes = ThemeAgreementSerializer(many=True)
    overall = OverallAgreementSerializer()


class DisagreementMemoSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.slug")
    theme = serializers.CharField(source="theme.slug")
    coders = serializers.SerializerMethodField()
    author = serializers.CharField(source="author.username")

    class Meta:
        model = DisagreementMemo
        fields = ["id", "passage", "source", "theme", "coders", "author", "text", "created"]

    def get_coders(self, memo: DisagreementMemo) -> list[str]:
        return [memo.coder_a.username, memo.coder_b.username]


class DisagreementMemoCreateSerializer(serializers.Serializer):
    passage = serializers.PrimaryKeyRelatedField(queryset=Passage.objects.defer("search_vector"))
    theme = ThemeSlugField()
    coders = serializers.ListField(child=serializers.CharField(max_length=150),
                                   min_length=2, max_length=2,
                                   help_text="The two coders who disagree, by username.")
    text = serializers.CharField(max_length=MEMO_MAX_CHARS)
