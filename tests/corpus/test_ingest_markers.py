"""Footnote markers: taken out of the text, kept beside it as offsets into each passage."""

from __future__ import annotations

import dataclasses

import pytest
import spacy

from corpus.ingest.manifest import FormatHints
from corpus.ingest.notes import markers_in_sequence
from corpus.ingest.pipeline import ParsedSource, source_parse
from corpus.ingest.segment import NoteMarker, Paragraph, passages_segment
from corpus.ingest.text import MappedText, RawMarker
from corpus.ingest.vocabulary import Vocabulary
from tests.corpus.test_ingest_pipeline import (
    ARTICLE,
    ARTICLE_HINTS,
    BOOK,
    BOOK_HINTS,
    entry_for,
)


@pytest.fixture(scope="module")
def nlp():
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    return pipeline


def parse(*, raw: str, hints: FormatHints, nlp, title: str = "A Study of Workers") -> ParsedSource:
    return source_parse(
        entry=entry_for(hints=hints, title=title), raw=raw, nlp=nlp, vocabulary=Vocabulary()
    )


def cited(parsed: ParsedSource) -> list[tuple[str, str]]:
    """Each marker as (the passage's text up to it, its label)."""
    return [
        (passage.text[: marker.offset], marker.label)
        for passage in parsed.passages
        for marker in passage.note_markers
    ]


def unresolved(parsed: ParsedSource) -> list[str]:
    """Labels of markers with no note of that label in their passage's section."""
    notes = {(p.section_ordinal, p.note_label) for p in parsed.passages if p.kind == "note"}
    return [
        marker.label
        for passage in parsed.passages
        for marker in passage.note_markers
        if (passage.section_ordinal, marker.label) not in notes
    ]


class TestMarkersInSequence:
    def markers(self, *labels: str) -> list[RawMarker]:
        return [RawMarker(raw_offset=index, label=label) for index, label in enumerate(labels)]

    def test_a_number_that_falls_back_takes_the_free_one(self) -> None:
        repaired = markers_in_sequence(self.markers("42", "43", "4", "45", "63", "5", "65"))
        assert [marker.label for marker in repaired] == ["42", "43", "44", "45", "63", "64", "65"]
        assert [marker.raw_offset for marker in repaired] == list(range(7))

    def test_a_marker_cited_again_is_left_alone(self) -> None:
        # No single number is free between its neighbours: a real second citation.
        repaired = markers_in_sequence(self.markers("3", "4", "2", "5", "*"))
        assert [marker.label for marker in repaired] == ["3", "4", "2", "5", "*"]


def test_markers_follow_their_sentences_into_passages(nlp) -> None:
    sentence = "Workers bargained over bonuses and the plan every single month."
    raw = f"{sentence}¹ {sentence} {sentence}² {sentence}"
    # The superscripts are already out: the offsets skip them, as they would in a file.
    text = raw.replace("¹", "").replace("²", "")
    offsets = [index for index, char in enumerate(raw) if char not in "¹²"]
    paragraph = Paragraph(
        kind="body",
        section_ordinal=1,
        note_label="",
        text=MappedText(text=text, offsets=offsets),
        markers=(
            RawMarker(raw_offset=raw.index("¹"), label="1"),
            RawMarker(raw_offset=raw.index("²"), label="2"),
        ),
    )
    first, second = passages_segment(paragraphs=[paragraph], nlp=nlp, min_words=5, max_words=20)
    assert first.note_markers == (NoteMarker(offset=len(sentence), label="1"),)
    # A marker after a sentence's full stop stays with that sentence, at its end.
    assert second.note_markers == (NoteMarker(offset=len(sentence), label="2"),)
    assert second.text == f"{sentence} {sentence}"


def test_page_foot_notes_digit_markers(nlp) -> None:
    """Crowley: numbers glued to the word, notes at each page's foot."""
    parsed = parse(raw=ARTICLE, hints=ARTICLE_HINTS, nlp=nlp)
    assert cited(parsed) == [
        (
            "Why have workers in the former Soviet Union remained quiet? The miners have since "
            "continued their strikes.",
            "1",
        ),
        ("Others, to the contrary, cite the collective action problem.", "2"),
    ]
    assert unresolved(parsed) == []


def test_per_chapter_notes_restart_their_numbers(nlp) -> None:
    """Clarke: each chapter's NOTES, numbered from 1 again."""
    parsed = parse(raw=BOOK, hints=BOOK_HINTS, nlp=nlp, title="Management and Industry")
    assert [
        (passage.section_ordinal, marker.label, passage.text[: marker.offset].split()[-1])
        for passage in parsed.passages
        for marker in passage.note_markers
    ] == [(1, "1", "relations."), (2, "1", "production.")]
    assert unresolved(parsed) == []


ENDNOTES = (
    "A Study of Workers\n\nAnn Author\n\n"
    "The regime urged its people to criticize *local* conditions.¹ The party\n"
    "newspaper went further.²\n"
    "Some respondents had a positive view of the courts.³\n\n"
    "Notes\n\n"
    "1 Pravda, 4 March 1937.\n\n2 Ibid.\n\n3 Zawodny file, interview 7.\n"
)
ENDNOTES_HINTS = FormatHints(
    paragraphs="line",
    notes="endnotes",
    notes_heading="Notes",
    note_markers="superscript",
    italics=True,
)


def test_a_numbered_list_of_endnotes_superscript_markers(nlp) -> None:
    """Thurston: superscript markers, a numbered list of notes after "Notes"."""
    parsed = parse(raw=ENDNOTES, hints=ENDNOTES_HINTS, nlp=nlp)
    first = (
        "The regime urged its people to criticize local conditions. The party "
        "newspaper went further."
    )
    # Italics unwrapped and lines joined after the markers came out: offsets still hold.
    assert cited(parsed) == [
        ("The regime urged its people to criticize local conditions.", "1"),
        (first, "2"),
        ("Some respondents had a positive view of the courts.", "3"),
    ]
    assert [(p.note_label, p.text) for p in parsed.passages if p.kind == "note"] == [
        ("1", "Pravda, 4 March 1937."),
        ("2", "Ibid."),
        ("3", "Zawodny file, interview 7."),
    ]
    assert unresolved(parsed) == []


def test_interleaved_notes_superscript_markers(nlp) -> None:
    """Graziosi: each note paragraph follows the paragraph that cites it."""
    raw = (
        "SUMMARY\n\n"
        "Between 1928 and 1930 the image of workers evolved.¹ It was their fault.²\n\n"
        "¹ See the issues of *Sotsialisticheskii vestnik*.\n\n"
        "² There had been a decrease in the growth in productivity.\n\n"
        "The first change occurred in early 1929.³\n\n"
        "³ See B.L. Markus, *Istoriia proletariata*, 2 (1930).\n"
    )
    hints = FormatHints(
        paragraphs="line",
        notes="interleaved",
        note_markers="superscript",
        italics=True,
        headings=("caps",),
        lead_section_title="Summary",
    )
    parsed = parse(raw=raw, hints=hints, nlp=nlp)
    assert cited(parsed) == [
        ("Between 1928 and 1930 the image of workers evolved.", "1"),
        ("Between 1928 and 1930 the image of workers evolved. It was their fault.", "2"),
        ("The first change occurred in early 1929.", "3"),
    ]
    assert unresolved(parsed) == []


def test_a_closing_author_note_has_no_marker(nlp) -> None:
    """Kotkin: the note about the author is cited by nothing in the text."""
    raw = (
        "Magnitogorsk is no longer invulnerable to the troubles of the wider economy. \n\n"
        "Stephen Kotkin is Assistant Professor of History at \nPrinceton University.\n"
    )
    hints = FormatHints(paragraphs="loose", trailing_author_note=True)
    entry = dataclasses.replace(entry_for(hints=hints), author_names=("Stephen Kotkin",))
    parsed = source_parse(entry=entry, raw=raw, nlp=nlp, vocabulary=Vocabulary())
    assert [(p.kind, p.note_markers) for p in parsed.passages] == [("body", ()), ("note", ())]
