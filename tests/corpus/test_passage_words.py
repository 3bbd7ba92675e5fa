"""The word spans of each passage, kept by triggers whatever writes the passage."""

from importlib import import_module

import pytest
from django.db import connection

from corpus.models import SEARCH_CONFIG, Passage, PassageWords

pytestmark = pytest.mark.django_db


def spans_of(passage: Passage) -> list[int]:
    return PassageWords.objects.get(passage=passage).spans


def test_spans_follow_the_text(make_passage):
    passage = make_passage("Miners struck.")
    assert spans_of(passage) == [0, 6, 7, 13]

    Passage.objects.filter(pk=passage.pk).update(text="The miners’ strike")
    assert spans_of(passage) == [0, 3, 4, 11, 12, 18]

    Passage.objects.filter(pk=passage.pk).update(heading="A new heading")
    assert spans_of(passage) == [0, 3, 4, 11, 12, 18]

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM corpus_passage WHERE id = %s", [passage.pk])
    assert not PassageWords.objects.filter(passage_id=passage.pk).exists()


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE corpus_passage CASCADE",
        "TRUNCATE corpus_passage, corpus_passagewords CASCADE",  # as a flush does
    ],
)
def test_truncating_passages_empties_them(make_passage, statement):
    make_passage("Miners struck.")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # none pending, as TRUNCATE needs
        cursor.execute(statement)
    assert not PassageWords.objects.exists()


def test_the_spans_number_the_token_types_the_configuration_maps():
    """passage_word_spans lists them; a change to the mapping must change it too."""
    migration = import_module("corpus.migrations.0006_passage_words")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT maptokentype FROM pg_ts_config_map WHERE mapcfg = %s::regconfig",
            [SEARCH_CONFIG],
        )
        mapped = {row[0] for row in cursor.fetchall()}
    assert mapped == {int(n) for n in migration.POSITIONED_TYPES.strip("{}").split(",")}
