"""Storing parsed sources: passages keep their identity across reloads."""

from __future__ import annotations

import dataclasses
import json
from io import StringIO
from pathlib import Path

import pytest
import spacy
from django.core.management import call_command

from annotations.services import ReanchorResult, tags_reanchor
from corpus.ingest.manifest import ManifestEntry
from corpus.ingest.pipeline import ParsedPassage, ParsedSection, ParsedSource
from corpus.ingest.segment import NoteMarker
from corpus.models import Passage, Section, Source
from corpus.services import corpus_load, parsed_source_store, section_save

ENTRY = ManifestEntry(
    slug="test-1995",
    filename="test.txt",
    path=Path("test.txt"),
    title="A Study of Workers",
    authors="Ann Author",
    author_names=("Ann Author",),
    year=1995,
    venue="A Journal",
    citation="Ann Author, A Study of Workers (1995).",
    ordinal=9,
)


def parsed_source(
    *passages: tuple[int, str, str], sections: tuple[str, ...] = ("One", "Two")
) -> ParsedSource:
    """Passages as (section ordinal, kind, text); offsets are made up but valid."""
    return ParsedSource(
        entry=ENTRY,
        sha256="0" * 64,
        sections=[
            ParsedSection(ordinal=ordinal, number="", title=title, authors="")
            for ordinal, title in enumerate(sections, start=1)
        ],
        passages=[
            ParsedPassage(
                ordinal=ordinal,
                section_ordinal=section,
                kind=kind,
                note_label="1" if kind == "note" else "",
                text=text,
                char_start=ordinal * 100,
                char_end=ordinal * 100 + len(text),
                word_count=len(text.split()),
            )
            for ordinal, (section, kind, text) in enumerate(passages, start=1)
        ],
    )


FIRST = parsed_source(
    (1, "body", "Workers depended on the enterprise for housing."),
    (1, "note", "Ibid."),
    (2, "body", "The miners struck in 1989."),
    (2, "note", "Ibid."),
    (2, "body", "Steelworkers stayed at the mills."),
)


class ReplacementRecorder:
    """An ``on_passages_replaced`` step that records its calls and moves nothing."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, **kwargs) -> ReanchorResult:
        self.calls.append(kwargs)
        return ReanchorResult()


@pytest.fixture
def replaced() -> ReplacementRecorder:
    return ReplacementRecorder()


def ids_by_text() -> dict[tuple[str, str, int], int]:
    return {
        (passage.kind, passage.text, passage.ordinal): passage.pk
        for passage in Passage.objects.filter(source__slug=ENTRY.slug)
    }


@pytest.mark.django_db
class TestStore:
    def test_a_first_store_creates_the_source_sections_and_passages(self) -> None:
        result = parsed_source_store(parsed=FIRST)
        source = Source.objects.get(slug=ENTRY.slug)
        assert (source.title, source.venue, source.ordinal, source.sha256) == (
            "A Study of Workers",
            "A Journal",
            9,
            "0" * 64,
        )
        assert source.ingested_at is not None
        assert result.passages_created == 5 and result.sections_created == 2
        passages = list(source.passages.order_by("ordinal"))
        assert [(p.section.title, p.heading, p.kind) for p in passages] == [
            ("One", "One", "body"),
            ("One", "One", "note"),
            ("Two", "Two", "body"),
            ("Two", "Two", "note"),
            ("Two", "Two", "body"),
        ]
        assert Passage.objects.filter(search_vector="workers").count() == 1

    def test_storing_the_same_parse_again_changes_nothing(self, replaced) -> None:
        parsed_source_store(parsed=FIRST)
        before = ids_by_text()
        sections = list(Section.objects.values_list("pk", flat=True))
        result = parsed_source_store(parsed=FIRST, on_passages_replaced=replaced)
        assert ids_by_text() == before
        assert list(Section.objects.values_list("pk", flat=True)) == sections
        assert (result.passages_kept, result.passages_created, result.passages_deleted) == (5, 0, 0)
        assert replaced.calls == []

    def test_unchanged_passages_keep_their_ids_when_others_change(self, replaced) -> None:
        parsed_source_store(parsed=FIRST)
        old = ids_by_text()
        second = parsed_source(
            (1, "body", "A new opening paragraph."),
            (1, "body", "Workers depended on the enterprise for housing."),
            (1, "note", "Ibid."),
            (2, "body", "The miners struck in 1989 and 1991."),
            (2, "note", "Ibid."),
            (2, "body", "Steelworkers stayed at the mills."),
        )
        result = parsed_source_store(parsed=second, on_passages_replaced=replaced)
        new = ids_by_text()
        # Renumbered, but the same rows: the unique ordinal constraint is deferred.
        assert (
            new[("body", "Workers depended on the enterprise for housing.", 2)]
            == old[("body", "Workers depended on the enterprise for housing.", 1)]
        )
        assert new[("note", "Ibid.", 3)] == old[("note", "Ibid.", 2)]
        assert new[("note", "Ibid.", 5)] == old[("note", "Ibid.", 4)]
        assert (
            new[("body", "Steelworkers stayed at the mills.", 6)]
            == old[("body", "Steelworkers stayed at the mills.", 5)]
        )
        assert (result.passages_kept, result.passages_created, result.passages_deleted) == (4, 2, 1)
        stale_id = old[("body", "The miners struck in 1989.", 3)]
        assert not Passage.objects.filter(pk=stale_id).exists()
        [call] = replaced.calls
        assert call["source"].slug == ENTRY.slug
        assert call["stale_passage_ids"] == [stale_id]
        assert [passage.ordinal for passage in call["new_passages"]] == [1, 2, 3, 4, 5, 6]

    def test_sections_keep_their_identity_by_title(self, replaced) -> None:
        parsed_source_store(parsed=FIRST)
        two = Section.objects.get(title="Two")
        renamed = dataclasses.replace(
            FIRST,
            sections=[
                ParsedSection(ordinal=1, number="", title="Opening", authors=""),
                ParsedSection(ordinal=2, number="", title="Two", authors="A. N. Other"),
            ],
        )
        result = parsed_source_store(parsed=renamed, on_passages_replaced=replaced)
        assert (result.sections_kept, result.sections_created, result.sections_deleted) == (1, 1, 1)
        two.refresh_from_db()
        assert two.authors == "A. N. Other"
        assert list(Section.objects.order_by("ordinal").values_list("title", flat=True)) == [
            "Opening",
            "Two",
        ]
        assert set(
            Passage.objects.filter(section__title="Opening").values_list("heading", flat=True)
        ) == {"Opening"}

    def test_a_tag_on_a_changed_passage_is_moved_not_lost(self, make_user, themes) -> None:
        from annotations.models import Tag

        parsed_source_store(parsed=FIRST)
        passage = Passage.objects.get(text="The miners struck in 1989.")
        tag = Tag.objects.create(
            source=passage.source,
            passage=passage,
            theme=themes["collective-action"],
            user=make_user("rosa", role="researcher"),
            start=4,
            end=17,
            quote="miners struck",
            prefix="The ",
            suffix=" in 1989.",
        )
        parsed_source_store(
            parsed=parsed_source(
                (1, "body", "Workers depended on the enterprise for housing."),
                (2, "body", "The miners struck in 1989 and again in 1991."),
            ),
            on_passages_replaced=tags_reanchor,
        )
        tag.refresh_from_db()
        assert tag.passage.text == "The miners struck in 1989 and again in 1991."
        assert tag.passage.text[tag.start : tag.end] == "miners struck"


MINI_TEXT = (
    "The Mini Source\n\nAnn Author\n\n"
    "Workers depended on the enterprise for housing, food and holidays.¹ They did not strike.\n\n"
    "Notes\n\n1. Ibid., p. 12.\n"
)


@pytest.fixture
def mini_manifest(tmp_path, settings, monkeypatch) -> Path:
    """A one-source manifest, and a blank sentence splitter standing in for the model."""
    (tmp_path / "sources").mkdir()
    source_file = tmp_path / "sources" / "mini.txt"
    source_file.write_text(MINI_TEXT, encoding="utf-8")
    manifest = {
        "sources": [
            {
                "slug": "mini-1995",
                "ordinal": 1,
                "filename": "mini.txt",
                "title": "The Mini Source",
                "authors": "Ann Author",
                "author_names": ["Ann Author"],
                "year": 1995,
                "citation": "Ann Author, The Mini Source (1995).",
                "format": {
                    "paragraphs": "line",
                    "notes": "endnotes",
                    "notes_heading": "Notes",
                    "note_markers": "superscript",
                },
            }
        ]
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    settings.CORPUS_MANIFEST = tmp_path / "manifest.json"
    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    monkeypatch.setattr("corpus.services.nlp_load", lambda: blank)
    return source_file


def spacy_forbidden() -> None:
    raise AssertionError("spaCy must not be loaded when no file changed")


@pytest.mark.django_db
class TestCorpusLoad:
    def test_first_load_then_unchanged_without_spacy(self, mini_manifest, monkeypatch) -> None:
        [first] = corpus_load()
        assert (first.slug, first.status, first.body_passages, first.notes, first.sections) == (
            "mini-1995",
            "loaded",
            1,
            1,
            1,
        )
        ids = set(Passage.objects.values_list("pk", flat=True))
        monkeypatch.setattr("corpus.services.nlp_load", spacy_forbidden)
        [again] = corpus_load()
        assert again.status == "unchanged"
        assert set(Passage.objects.values_list("pk", flat=True)) == ids

    def test_force_reingests_and_keeps_ids(self, mini_manifest) -> None:
        corpus_load()
        ids = set(Passage.objects.values_list("pk", flat=True))
        [forced] = corpus_load(force=True)
        assert forced.status == "loaded"
        assert set(Passage.objects.values_list("pk", flat=True)) == ids

    def test_a_changed_file_is_reloaded(self, mini_manifest, replaced) -> None:
        corpus_load()
        note_id = Passage.objects.get(kind="note").pk
        mini_manifest.write_text(
            MINI_TEXT.replace("They did not strike.", "They struck."), encoding="utf-8"
        )
        [result] = corpus_load(on_passages_replaced=replaced)
        assert result.status == "loaded"
        assert Passage.objects.get(kind="note").pk == note_id
        assert Passage.objects.get(kind="body").text.endswith("They struck.")
        assert len(replaced.calls) == 1

    def test_only_loads_the_named_sources(self, mini_manifest) -> None:
        assert corpus_load(only=["nothing-of-the-kind"]) == []
        assert [result.slug for result in corpus_load(only=["mini-1995"])] == ["mini-1995"]

    def test_progress_is_reported(self, mini_manifest) -> None:
        steps: list[tuple[int, int, str]] = []
        corpus_load(progress=lambda done, total, label: steps.append((done, total, label)))
        assert steps == [(0, 1, "mini-1995"), (1, 1, "done")]

    def test_the_command_prints_a_summary(self, mini_manifest) -> None:
        out, err = StringIO(), StringIO()
        call_command("load_corpus", stdout=out, stderr=err)
        call_command("load_corpus", "--only", "mini-1995", stdout=out, stderr=err)
        summary = out.getvalue()
        assert "mini-1995" in summary and "loaded" in summary and "unchanged" in summary
        assert "total" in summary
        assert "[" in err.getvalue()  # the progress bar


def with_markers(parsed: ParsedSource, markers: dict[str, tuple[NoteMarker, ...]]) -> ParsedSource:
    """``parsed`` with note markers given to the passages whose text is a key."""
    return dataclasses.replace(
        parsed,
        passages=[
            dataclasses.replace(passage, note_markers=markers.get(passage.text, ()))
            for passage in parsed.passages
        ],
    )


@pytest.mark.django_db
class TestNoteMarkers:
    def test_markers_are_stored_beside_the_text(self) -> None:
        parsed_source_store(
            parsed=with_markers(
                FIRST, {"The miners struck in 1989.": (NoteMarker(offset=26, label="1"),)}
            )
        )
        assert Passage.objects.get(text="The miners struck in 1989.").note_markers == [
            {"offset": 26, "label": "1"}
        ]
        assert Passage.objects.get(text="Steelworkers stayed at the mills.").note_markers == []

    def test_a_reload_updates_the_markers_of_a_kept_passage(self, replaced) -> None:
        parsed_source_store(parsed=FIRST)
        kept = Passage.objects.get(text="Steelworkers stayed at the mills.")
        markers = (NoteMarker(offset=12, label="2"), NoteMarker(offset=33, label="3"))
        result = parsed_source_store(
            parsed=with_markers(FIRST, {kept.text: markers}), on_passages_replaced=replaced
        )
        assert result.passages_kept == 5 and replaced.calls == []
        kept.refresh_from_db()
        assert kept.note_markers == [{"offset": 12, "label": "2"}, {"offset": 33, "label": "3"}]


@pytest.mark.django_db
class TestMetadataEdits:
    """The manifest and the parse seed titles, citations and authors; edits then win."""

    def test_an_edited_citation_survives_a_reload_while_unedited_fields_follow_the_manifest(
        self,
    ) -> None:
        parsed_source_store(parsed=FIRST)
        Source.objects.filter(slug=ENTRY.slug).update(citation="Corrected citation.")
        renamed_entry = dataclasses.replace(
            ENTRY, title="A Study of Workers, Revised", citation="Manifest citation."
        )
        parsed_source_store(parsed=dataclasses.replace(FIRST, entry=renamed_entry))
        source = Source.objects.get(slug=ENTRY.slug)
        assert (source.citation, source.title) == (
            "Corrected citation.",
            "A Study of Workers, Revised",
        )
        parsed_source_store(
            parsed=dataclasses.replace(FIRST, entry=renamed_entry), reset_metadata=True
        )
        assert Source.objects.get(slug=ENTRY.slug).citation == "Manifest citation."

    def test_an_edited_section_title_keeps_its_section_and_reaches_the_headings(self) -> None:
        parsed_source_store(parsed=FIRST)
        section = Section.objects.get(title="Two")
        section.title = "The Miners' Strikes"
        assert section_save(section=section) == 3
        result = parsed_source_store(parsed=FIRST)
        assert result.sections_kept == 2 and result.sections_deleted == 0
        section.refresh_from_db()
        assert section.title == "The Miners' Strikes"
        assert set(section.passages.values_list("heading", flat=True)) == {"The Miners' Strikes"}
        parsed_source_store(parsed=FIRST, reset_metadata=True)
        section.refresh_from_db()
        assert section.title == "Two"
        assert set(section.passages.values_list("heading", flat=True)) == {"Two"}

    def test_a_section_title_edit_is_found_by_search(self) -> None:
        parsed_source_store(parsed=FIRST)
        section = Section.objects.get(title="One")
        assert not Passage.objects.filter(search_vector="housekeeping").exists()
        section.title = "Housekeeping"
        section_save(section=section)
        assert set(
            Passage.objects.filter(search_vector="housekeeping").values_list("text", flat=True)
        ) == {"Workers depended on the enterprise for housing.", "Ibid."}
        assert not Passage.objects.filter(section=section, search_vector="one").exists()


@pytest.mark.django_db
def test_admin_edits_survive_every_unchanged_load_until_reset(mini_manifest) -> None:
    """``make run`` loads the corpus each time: the files are unchanged, the edits stay."""
    corpus_load()
    Source.objects.filter(slug="mini-1995").update(title="The Mini Source, corrected")
    section = Section.objects.get(source__slug="mini-1995")
    section.title = "Opening"
    section_save(section=section)
    [result] = corpus_load()
    assert result.status == "unchanged"
    assert Source.objects.get(slug="mini-1995").title == "The Mini Source, corrected"
    assert Section.objects.get(pk=section.pk).title == "Opening"
    call_command("load_corpus", "--reset-metadata", stdout=StringIO(), stderr=StringIO())
    assert Source.objects.get(slug="mini-1995").title == "The Mini Source"
    assert Section.objects.get(pk=section.pk).title == "Introduction"
    assert set(Passage.objects.values_list("heading", flat=True)) == {"Introduction"}


@pytest.mark.django_db
def test_the_command_moves_tags_off_changed_passages(mini_manifest, researcher, themes) -> None:
    """``load_corpus`` (in annotations) hands the loader the re-anchoring step."""
    from annotations.models import Tag

    call_command("load_corpus", stdout=StringIO(), stderr=StringIO())
    passage = Passage.objects.get(kind="body")
    tag = Tag.objects.create(
        source=passage.source,
        passage=passage,
        theme=themes["paternalism"],
        user=researcher,
        start=0,
        end=7,
        quote="Workers",
        suffix=" depended",
    )
    mini_manifest.write_text(
        MINI_TEXT.replace("They did not strike.", "They struck."), encoding="utf-8"
    )
    out = StringIO()
    call_command("load_corpus", stdout=out, stderr=StringIO())
    tag.refresh_from_db()
    assert tag.passage.text.endswith("They struck.") and tag.passage_id != passage.pk
    assert "Tags re-anchored: 1; newly orphaned: 0." in out.getvalue()
