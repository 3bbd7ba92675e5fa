"""Passages of whole sentences, within a paragraph, of readable length."""

from __future__ import annotations

import pytest
import spacy

from corpus.ingest.segment import Paragraph, passages_segment, sentence_groups, word_count
from corpus.ingest.text import MappedText


@pytest.fixture(scope="module")
def nlp():
    """A blank pipeline that only splits sentences: fast, and enough for these tests."""
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    return pipeline


def sentences_of(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for index, char in enumerate(text):
        if char == "." and (index + 1 == len(text) or text[index + 1] == " "):
            spans.append((start, index + 1))
            start = index + 2
    return spans


def sentence(words: int, marker: str = "w") -> str:
    return " ".join([marker] * (words - 1) + ["end."])


class TestSentenceGroups:
    def test_a_paragraph_within_the_limit_stays_whole(self) -> None:
        text = " ".join(sentence(30) for _ in range(5))
        assert sentence_groups(
            text=text, sentences=sentences_of(text), min_words=40, max_words=250
        ) == [(0, len(text))]

    def test_a_long_paragraph_splits_evenly_at_sentence_ends(self) -> None:
        text = " ".join(sentence(30) for _ in range(12))  # 360 words
        groups = sentence_groups(
            text=text, sentences=sentences_of(text), min_words=40, max_words=250
        )
        counts = [word_count(text[start:end]) for start, end in groups]
        assert counts == [180, 180]
        assert all(text[start:end].strip().endswith("end.") for start, end in groups)
        assert groups[0][0] == 0 and groups[-1][1] == len(text)

    def test_no_group_exceeds_the_limit_and_none_is_a_stub(self) -> None:
        text = " ".join(sentence(words) for words in [100, 120, 90, 10, 140, 30, 200, 15])
        groups = sentence_groups(
            text=text, sentences=sentences_of(text), min_words=40, max_words=250
        )
        counts = [word_count(text[start:end]) for start, end in groups]
        assert sum(counts) == 705
        assert max(counts) <= 250 and min(counts) >= 40

    def test_a_single_sentence_longer_than_the_limit_stays_whole(self) -> None:
        text = sentence(300) + " " + sentence(20)
        groups = sentence_groups(
            text=text, sentences=sentences_of(text), min_words=40, max_words=250
        )
        assert [word_count(text[start:end]) for start, end in groups] == [300, 20]


def test_passages_map_back_to_the_raw_file(nlp) -> None:
    raw = "xx " + " ".join(sentence(60, marker="a") for _ in range(6)) + " yy"
    text = MappedText(text=raw[3:-3], offsets=list(range(3, len(raw) - 3)))
    paragraph = Paragraph(kind="body", section_ordinal=1, note_label="", text=text)
    pieces = passages_segment(paragraphs=[paragraph], nlp=nlp, min_words=40, max_words=250)
    assert [piece.word_count for piece in pieces] == [180, 180]
    for piece in pieces:
        assert raw[piece.char_start : piece.char_end] == piece.text
        assert (piece.kind, piece.section_ordinal) == ("body", 1)


def test_notes_keep_their_label(nlp) -> None:
    text = "Ibid., p. 12."
    paragraph = Paragraph(
        kind="note",
        section_ordinal=2,
        note_label="14",
        text=MappedText(text=text, offsets=list(range(len(text)))),
    )
    [piece] = passages_segment(paragraphs=[paragraph], nlp=nlp, min_words=40, max_words=250)
    assert (piece.kind, piece.note_label, piece.text) == ("note", "14", "Ibid., p. 12.")
