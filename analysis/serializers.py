"""The analysis matrices as the API shows them."""

from __future__ import annotations

from rest_framework import serializers


def _matrix_of(child: serializers.Field, **kwargs) -> serializers.ListField:
    return serializers.ListField(child=serializers.ListField(child=child), **kwargs)


class ThemeSlugsField(serializers.ListField):
    child = serializers.CharField()

    def to_representation(self, themes) -> list[str]:
        return [theme.slug for theme in themes]


class CooccurrenceSerializer(serializers.Serializer):
    themes = ThemeSlugsField(help_text="The codebook's theme slugs, in its order.")
    matrix = _matrix_of(
        serializers.IntegerField(), source="counts",
        help_text="`matrix[i][j]`: passages carrying both theme i and theme j; "
        "`matrix[i][i]`: passages carrying theme i.",
    )


class MatrixColumnSerializer(serializers.Serializer):
    source = serializers.CharField(source="source.slug", help_text="The source's slug.")
    section = serializers.IntegerField(
        source="section.pk", allow_null=True,
        help_text="The chapter's id (null in the theme × source matrix).",
    )
    title = serializers.CharField(help_text="The source's authors and year, or the chapter.")
    passages = serializers.IntegerField(help_text="Passages of the scope in it, tagged or not.")


class ThemeMatrixSerializer(serializers.Serializer):
    themes = ThemeSlugsField(help_text="The rows: theme slugs, in the codebook's order.")
    columns = MatrixColumnSerializer(many=True, help_text="The sources or chapters.")
    passages = _matrix_of(
        serializers.IntegerField(), source="passage_counts",
        help_text="`passages[i][j]`: passages of column j carrying theme i.",
    )
    tags = _matrix_of(
        serializers.IntegerField(), source="tag_counts",
        help_text="`tags[i][j]`: tags of theme i in column j.",
    )
    share = _matrix_of(
        serializers.FloatField(allow_null=True), source="shares",
        help_text="`share[i][j]`: passages carrying theme i per passage of column j, "
        "from 0 to 1 (rounded to 4 decimals).",
    )
