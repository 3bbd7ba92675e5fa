"""The whole pipeline on small crafted sources (no database, a sentence-splitting stub)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import spacy

from corpus.ingest.manifest import ChapterHint, FormatHints, ManifestEntry, manifest_load
from corpus.ingest.pipeline import nlp_load, source_parse
from corpus.ingest.text import letters_only
from corpus.ingest.vocabulary import Vocabulary


@pytest.fixture(scope="module")
def nlp():
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    return pipeline


def entry_for(*, hints: FormatHints, title: str = "A Study of Workers") -> ManifestEntry:
    return ManifestEntry(
        slug="test-1995",
        filename="test.txt",
        path=Path("test.txt"),
        title=title,
        authors="Ann Author",
        author_names=("Ann Author",),
        year=1995,
        venue="",
        citation="Ann Author, A Study of Workers (1995).",
        ordinal=1,
        hints=hints,
    )


def assert_traceable(*, raw: str, passages) -> None:
    for passage in passages:
        source = letters_only(raw[passage.char_start : passage.char_end])
        words = letters_only(passage.text)
        remaining = iter(source)
        assert all(char in remaining for char in words), passage.text
        assert source[:1] == words[:1] and source[-1:] == words[-1:]


ARTICLE = (
    " A STUDY OF \nWORKERS \n\nBy ANN AUTHOR * \n\n"
    "Why have workers in the former Soviet Union remained quiet? The miners have since con- \n"
    "tinued their strikes.1 The steelworkers stayed at the mills. \n\n"
    "* Research for this article was made possible by a grant from a foundation for studies. \n"
    " Others, to the contrary, cite the collective action problem.2 \n\n"
    "EXPLAINING STRIKES \n\n"
    "There has been no shortage of attempts to explain strikes. \n\n"
    "I Why choose steelworkers, even though their work regime is not similar to coal mining? \n"
    "2 For a review of the literature, see Gordon Marshall, Politics and Society 12 (1983). \n"
)
ARTICLE_HINTS = FormatHints(
    paragraphs="wrapped",
    notes="page_foot",
    note_line_min_chars=85,
    note_markers="digits",
    headings=("caps",),
)


class TestArticle:
    def parse(self, nlp):
        vocabulary = Vocabulary.from_texts({"test-1995": ARTICLE + " continued"})
        return source_parse(
            entry=entry_for(hints=ARTICLE_HINTS), raw=ARTICLE, nlp=nlp, vocabulary=vocabulary
        )

    def test_sections_from_headings(self, nlp) -> None:
        parsed = self.parse(nlp)
        assert [(section.ordinal, section.title) for section in parsed.sections] == [
            (1, "Introduction"),
            (2, "Explaining Strikes"),
        ]

    def test_body_without_notes_markers_or_hyphenation(self, nlp) -> None:
        body = [passage.text for passage in self.parse(nlp).passages if passage.kind == "body"]
        assert body == [
            "Why have workers in the former Soviet Union remained quiet? The miners have since "
            "continued their strikes. The steelworkers stayed at the mills.",
            # A new page starts indented: after a sentence end, a new paragraph.
            "Others, to the contrary, cite the collective action problem.",
            "There has been no shortage of attempts to explain strikes.",
        ]

    def test_notes_apart_with_labels_in_the_section_that_cites_them(self, nlp) -> None:
        notes = [
            (passage.note_label, passage.section_ordinal, passage.text[:20])
            for passage in self.parse(nlp).passages
            if passage.kind == "note"
        ]
        assert notes == [
            ("*", 1, "Research for this ar"),
            ("1", 1, "Why choose steelwork"),
            ("2", 1, "For a review of the "),
        ]

    def test_ordinals_follow_the_file_and_offsets_trace_back(self, nlp) -> None:
        parsed = self.parse(nlp)
        assert [passage.ordinal for passage in parsed.passages] == list(range(1, 7))
        assert [passage.char_start for passage in parsed.passages] == sorted(
            passage.char_start for passage in parsed.passages
        )
        assert_traceable(raw=ARTICLE, passages=parsed.passages)
        assert parsed.sha256 == hashlib.sha256(ARTICLE.encode()).hexdigest()


BOOK = (
    " Preface \n\n"
    "The papers collected here were written by a group of sociologists \n"
    "working in four regions of Russia between 1991 and 1994 on the \n"
    "restructuring of management and industrial relations.1 \n\n"
    "1 The group met in Moscow, Samara and Kemerovo, and in Syktyvkar, throughout 1993. \n"
    " 1. Formal Relations in \nProduction \nSimon Clarke \n\n"
    "INFORMAL RELATIONS \n\n"
    "The Soviet ideology of production.1 It was technologistic in that \n"
    "the organisation of labour followed from the equipment. \n\n"
    "NOTES\n\n1 Most of the literature focuses on the formal system.\n\n"
    "2. Paternalism \nSamara Research Group* \n\n"
    + ("Paternalism is a relation between management and the collective, \n" * 12)
    + "found in each of the enterprises that we have been studying: \n\n"
    + "1. Existence of non-industrial activities. \n\n"
    + " \n* The members of the group are Irina Kozina and Sergei Alasheev.\n"
)
BOOK_HINTS = FormatHints(
    paragraphs="wrapped",
    notes="endnotes",
    notes_heading="NOTES",
    note_markers="digits",
    headings=("caps", "title_line"),
    subheadings="drop",
    preface_title="Preface",
    chapters=(
        ChapterHint(number="1", title="Formal Relations in Production", authors="Simon Clarke"),
        ChapterHint(number="2", title="Paternalism", authors="Samara Research Group"),
    ),
)


def test_an_edited_volume(nlp) -> None:
    parsed = source_parse(
        entry=entry_for(hints=BOOK_HINTS, title="Management and Industry"),
        raw=BOOK,
        nlp=nlp,
        vocabulary=Vocabulary(),
    )
    assert [(s.number, s.title, s.authors) for s in parsed.sections] == [
        ("", "Preface", ""),
        ("1", "Formal Relations in Production", "Simon Clarke"),
        ("2", "Paternalism", "Samara Research Group"),
    ]
    assert [(p.section_ordinal, p.kind, p.note_label, p.text[:25]) for p in parsed.passages] == [
        (1, "body", "", "The papers collected here"),
        (1, "note", "1", "The group met in Moscow, "),
        (2, "body", "", "The Soviet ideology of pr"),
        (2, "note", "1", "Most of the literature fo"),
        (3, "body", "", "Paternalism is a relation"),
        (3, "body", "", "1. Existence of non-indus"),
        (3, "note", "*", "The members of the group "),
    ]
    assert_traceable(raw=BOOK, passages=parsed.passages)


def test_nlp_load_loads_the_configured_model_once(settings) -> None:
    assert nlp_load() is nlp_load()
    assert nlp_load().meta["name"] in settings.SPACY_MODEL


def test_the_manifest_describes_five_sources_that_exist() -> None:
    entries = manifest_load()
    assert [entry.slug for entry in entries] == [
        "kotkin-1991",
        "crowley-1994",
        "thurston-1992",
        "clarke-1995",
        "graziosi-1995",
    ]
    assert all(entry.path.is_file() for entry in entries)
    clarke = entries[3]
    assert len(clarke.hints.chapters) == 9
    assert clarke.hints.chapters[5].authors == "Lena Lapshova and Irina Tartakovskaya"
