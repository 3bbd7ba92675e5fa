"""Marking matches from positions: the query tree, the word spans, the fragments."""

import pytest
from django.db import connection

from corpus.models import SEARCH_CONFIG, Passage, PassageWords
from search.highlight import (
    Occurrences,
    Operand,
    Operation,
    char_spans,
    fragments,
    matches,
    query_tree,
    with_punctuation,
)
from search.selectors import SearchFilters, kwic_lines, passage_search

# Tokens the default parser treats apart: hyphenated words, URLs, emails, numbers,
# tags, entities, apostrophes and primes (swapped into the word), romanised names.
TRICKY = (
    "A shock-worker at http://example.com/x/y and a@b.com, 1950-s e.g. 3.5 v1.2 <b>tag</b> "
    "&amp; the workers’ kollektiv, Zasiad'ko and Zasiadʹko; self-criticism in 1936–37."
)


def test_query_trees_follow_tsquery_precedence():
    tree = query_tree("'shock' <-> 'worker' | 'udarnik' & 'stakhanov':* & !'kotkin'")
    phrase = Operation("<>", Operand("shock"), Operand("worker"), 1)
    both = Operation("&", Operation("&", Operand("udarnik"), Operand("stakhanov", prefix=True)),
                     Operation("!", None, Operand("kotkin")))
    assert tree.root == Operation("|", phrase, both)
    assert tree.lexemes == ["shock", "udarnik", "worker"]  # never the excluded word
    assert tree.prefixes == ["stakhanov"]
    assert query_tree("'ministri' <2> 'labour'").root.distance == 2
    assert query_tree("'zasiad''ko'").root == Operand("zasiad'ko")
    assert query_tree("T").root is None and query_tree("").root is None


def test_phrases_match_only_in_order_and_prefixes_any_ending():
    positions = {"trade": [1, 5, 9], "union": [2, 4], "stakhanovit": [7], "stakhanov": [3]}
    assert matches(query_tree("'trade' <-> 'union'"), positions) == [(1, 2)]
    assert matches(query_tree("'trade' <2> 'union'"), positions) == []
    assert matches(query_tree("'stakhanov':*"), positions) == [(3, 3), (7, 7)]
    assert matches(query_tree("'trade' & !'union'"), positions) == [(1, 1), (5, 5), (9, 9)]


def test_word_spans_number_the_words_as_the_vector_does(db):
    """Every lexeme's position in to_tsvector lies on a word that gives that lexeme."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT passage_word_spans(%s), (SELECT array_agg(ARRAY[lexeme, position::text]) "
            "FROM unnest(to_tsvector(%s::regconfig, translate(%s, %s, %s))) AS entry, "
            "unnest(entry.positions) AS position)",
            [TRICKY, SEARCH_CONFIG, TRICKY, "'’′″", "ʼʽˊˮ"],
        )
        spans, lexemes = cursor.fetchone()
        words = [TRICKY[spans[2 * n] : spans[2 * n + 1]] for n in range(len(spans) // 2)]
        for lexeme, position in lexemes:
            cursor.execute(
                "SELECT to_tsvector(%s::regconfig, translate(%s, %s, %s)) @@ %s::tsquery",
                [SEARCH_CONFIG, words[int(position) - 1], "'’′″", "ʼʽˊˮ", f"'{lexeme}'"],
            )
            assert cursor.fetchone()[0], (lexeme, position, words[int(position) - 1])
    assert words[:4] == ["A", "shock-worker", "shock", "worker"]
    assert "Zasiad'ko" in words and "workers’" in words


def test_overlapping_spans_merge():
    # "shock-worker" (position 1) and its parts (2 and 3), then "kollektiv" (4).
    spans_at = {1: (0, 12), 2: (0, 5), 3: (6, 12), 4: (13, 22)}
    assert char_spans(spans_at, [(1, 1), (3, 3), (4, 4)]) == [(0, 12), (13, 22)]
    assert char_spans(spans_at, [(2, 3)]) == [(0, 12)]  # a phrase: first start, last end


def test_occurrences_come_from_the_stored_positions_and_the_word_spans():
    # A two-word heading ("worker" at 2), then "Shock workers" (3 and 4 as stored).
    stored = {"worker": [2, 4], "shock": [3]}
    found = Occurrences.from_stored(stored, heading_words=2, word_spans=[0, 5, 6, 13])
    assert found.positions == {"worker": [2], "shock": [1]}
    assert found.spans == {2: (6, 13), 1: (0, 5)}
    assert Occurrences.from_stored(None, heading_words=0, word_spans=[0, 5]).positions == {}
    # Without its word spans (triggers bypassed) a passage has nothing to mark.
    assert Occurrences.from_stored(stored, heading_words=2, word_spans=None).spans == {}


def test_fragments_hold_the_most_matches_in_text_order():
    found = [(3, 3), (40, 40), (42, 42), (44, 44), (90, 90)]
    windows = fragments(100, found, max_words=25, max_fragments=2, lead=6)
    assert windows == [(1, 25), (34, 58)]  # the run of three, then the earliest of the rest
    assert fragments(10, found[:1], max_words=25, max_fragments=2, lead=6) == [(1, 10)]
    assert fragments(100, [], max_words=25, max_fragments=2, lead=6) == [(1, 25)]


def test_fragments_take_the_punctuation_next_to_them():
    text = "He said: “the strike,” and left."
    assert with_punctuation(text, text.index("the"), text.index(",")) == (9, 22)


def test_snippets_and_concordance_show_the_text_as_stored(make_passage):
    make_passage("The kollektiv’s shock-workers (udarniki) met Zasiad'ko’s trade union.")
    [hit] = passage_search(query='"trade union" zasiadko udarnik*', filters=SearchFilters())
    assert hit.snippet == (
        "The kollektiv’s shock-workers (<mark>udarniki</mark>) met "
        "<mark>Zasiad&#x27;ko’s</mark> <mark>trade union</mark>."
    )
    assert hit.marked_words == ("udarniki", "Zasiad'ko’s", "trade union")
    lines = kwic_lines(query="shock-worker", filters=SearchFilters())
    assert [(line.left, line.keyword) for line in lines] == [("The kollektiv’s", "shock-workers")]


def test_long_passages_give_two_fragments(make_passage):
    filler = " ".join(f"word{n}" for n in range(60))
    make_passage(f"A strike began. {filler} Then a second strike. {filler} The end.")
    [hit] = passage_search(query="strike", filters=SearchFilters())
    assert hit.snippet.count("<mark>strike</mark>") == 2
    assert " … " in hit.snippet and "The end" not in hit.snippet


@pytest.mark.parametrize("query", ["heading", "-nothing"])
def test_words_only_in_the_heading_or_excluded_show_the_start(make_passage, query):
    passage = make_passage("Miners went on strike in the summer of 1989.")
    Passage.objects.filter(pk=passage.pk).update(heading="A heading")
    [hit] = passage_search(query=query, filters=SearchFilters())
    assert hit.snippet == "Miners went on strike in the summer of 1989."


def test_a_passage_without_its_word_spans_shows_its_text(make_passage):
    """Only if its triggers were bypassed (a restore without them, say): no error."""
    passage = make_passage("Miners went on strike in the summer of 1989.")
    PassageWords.objects.filter(passage=passage).delete()
    [hit] = passage_search(query="strike", filters=SearchFilters())
    assert hit.snippet == "Miners went on strike in the summer of 1989."
    assert [line.keyword for line in kwic_lines(query="strike", filters=SearchFilters())] == []
