"""Sections: chapters from the manifest table, or each source's own kind of heading."""

from __future__ import annotations

import pytest

from corpus.ingest.manifest import ChapterHint
from corpus.ingest.sections import (
    IngestError,
    chapters_split,
    headings_drop,
    headings_find,
    sections_from_headings,
    title_case,
)
from corpus.ingest.text import lines_split

CHAPTERS = (
    ChapterHint(
        number="1",
        title="Formal and Informal Relations in Soviet Industrial Production",
        authors="Simon Clarke",
    ),
    ChapterHint(
        number="5",
        title="Paternalism in Russian Enterprises: Our Understanding",
        authors="Samara Research Group",
    ),
    ChapterHint(number="8", title="We Didn't Make the Plan", authors="Marina Kiblitskaya"),
)

BOOK = (
    " Preface \n\nThe papers collected in this volume.\n\n"
    " 1. Formal and Informal Relations in \nSoviet Industrial Production  \nSimon Clarke \n\n"
    "The Soviet ideology of production.\n\n"
    "5. Paternalism in Russian \nEnterprises: Our Understanding \nSamara Research Group* \n\n"
    "By paternalism we understand the following features: \n\n"
    "1. Existence in the enterprise of a wide range of non-industrial  \n\nactivities. \n"
    " 2. Features of charismatic leadership \n"
    "8. Non-monetary relations \n\n"
    "8. We Didn’t Make the Plan  \nMarina Kiblitskaya \n\n"
    "The system of Soviet economic planning.\n"
)


class TestChapters:
    def test_preface_and_chapters_with_their_authors(self) -> None:
        drafts = chapters_split(
            lines=lines_split(raw=BOOK), chapters=CHAPTERS, preface_title="Preface"
        )
        assert [(draft.number, draft.title, draft.authors) for draft in drafts] == [
            ("", "Preface", ""),
            ("1", CHAPTERS[0].title, "Simon Clarke"),
            ("5", CHAPTERS[1].title, "Samara Research Group"),
            ("8", "We Didn't Make the Plan", "Marina Kiblitskaya"),
        ]

    def test_numbered_lists_inside_a_chapter_are_text(self) -> None:
        drafts = chapters_split(
            lines=lines_split(raw=BOOK), chapters=CHAPTERS, preface_title="Preface"
        )
        assert [line.text for line in drafts[2].lines] == [
            "By paternalism we understand the following features:",
            "1. Existence in the enterprise of a wide range of non-industrial",
            "activities.",
            "2. Features of charismatic leadership",
            "8. Non-monetary relations",
        ]
        assert [line.text for line in drafts[3].lines] == [
            "The system of Soviet economic planning."
        ]

    def test_a_missing_chapter_is_an_error(self) -> None:
        with pytest.raises(IngestError, match="Chapter 9"):
            chapters_split(
                lines=lines_split(raw=BOOK),
                chapters=(*CHAPTERS, ChapterHint(number="9", title="Payment Systems", authors="V")),
                preface_title="Preface",
            )


def titles(raw: str, kinds: tuple, **options) -> list[str]:
    lines = lines_split(raw=raw)
    return [heading.title for heading in headings_find(lines=lines, kinds=kinds, **options)]


class TestHeadings:
    def test_kotkin_lowercase_lines_with_blank_lines_everywhere(self) -> None:
        raw = (
            "notwithstanding a \n\nprofusion of changes, stubbornly persist. \n\n"
            "a political economy \n\n"
            "Forty-three kilometers around, the Works \n\n"
            "production’s sake” might as well be termed \n\n"
            "the hands of those who control it. \n"
            "no longer a matter of honor, \nglory, and heroism \n"
            "Even after the summer 1989 outbreak of strikes \n"
            "renovated premises. \n\n"
            "without a “civil society” \n\n"
            "On 28 July 1988 the newspaper published \n"
        )
        assert titles(raw, ("lowercase_line",), gaps_meaningful=False) == [
            "a political economy",
            "no longer a matter of honor, glory, and heroism",
            "without a “civil society”",
        ]

    def test_caps_headings_over_one_or_two_lines(self) -> None:
        raw = (
            "strikes. \n\nEXPLAINING STRIKES \n\nThere has been no shortage.\n\n"
            "INFORMAL RELATIONS IN SOVIET AND \nSOVIETOLOGICAL RESEARCH \n\nThe Soviet ideology.\n"
            "The VTsSPS and the NKT met in 1929 and \nagreed.\n"
        )
        assert titles(raw, ("caps",)) == [
            "Explaining Strikes",
            "Informal Relations in Soviet and Sovietological Research",
        ]

    def test_short_lines_in_one_paragraph_per_line_text(self) -> None:
        raw = (
            "The previous paragraph ends here.³⁸\n\n"
            "The Stakhanovite movement and workers' criticism\n\n"
            "During the night of 30-1 August 1935, Stakhanov cut 102 tons of coal.\n\n"
            "Former Soviet workers sometimes described their situation in the late\n\n"
            "1930s using terms of fear.\n"
        )
        assert titles(raw, ("short_line",)) == ["The Stakhanovite movement and workers' criticism"]

    def test_title_case_subheadings_but_not_list_items_or_prose(self) -> None:
        raw = (
            "The end of a paragraph.\n\n"
            "How Coercion Took Root in the Soviet Economy \n\n"
            "In the beginning there was coercion.\n\n"
            "1) Individual Violations \n\n"
            "Practically every worker commits violations.\n\n"
            "1.    Non-Industrial Activity \n\n"
            "Paternalism as a form of relation.\n\n"
            "2. Features of charismatic leadership \n"
            "3. Strongly hierarchical management \n\n"
            "She repeats her earlier question: \n\n"
            "The Director appeals to Ivanov, the Deputy Director for the Kukino \n\n"
            "site, who was in charge of the site in May.\n"
        )
        assert titles(raw, ("caps", "title_line")) == [
            "How Coercion Took Root in the Soviet Economy",
            "Individual Violations",
            "Non-Industrial Activity",
        ]

    def test_dropped_headings_leave_a_paragraph_break(self) -> None:
        lines = lines_split(raw="The end.\n\nTHE NEXT PART\n\nThe start.\n")
        kept = headings_drop(lines=lines, headings=headings_find(lines=lines, kinds=("caps",)))
        assert [line.text for line in kept] == ["The end.", "The start."]
        assert kept[1].gap_before == 3


def test_sections_from_headings_nest_level_two_titles() -> None:
    raw = (
        "Summary: an essay.\n\nINTRODUCTION\n\nBetween 1928 and 1930.\n\n"
        "THE EVOLUTION OF LABOR CONDITIONS, 1924–1931\n\n1924–1927\n\nBy the mid-1920s.\n\n"
        "1928–1931\n\nIn December 1927.\n"
    )
    lines = lines_split(raw=raw)
    headings = headings_find(lines=lines, kinds=("caps", "short_line"))
    drafts = sections_from_headings(lines=lines, headings=headings, lead_title="Summary")
    assert [(draft.title, [line.text for line in draft.lines]) for draft in drafts] == [
        ("Summary", ["Summary: an essay."]),
        ("Introduction", ["Between 1928 and 1930."]),
        ("The Evolution of Labor Conditions, 1924–1931", []),
        ("The Evolution of Labor Conditions, 1924–1931: 1924–1927", ["By the mid-1920s."]),
        ("The Evolution of Labor Conditions, 1924–1931: 1928–1931", ["In December 1927."]),
    ]
    assert drafts[1].start_index == 2


@pytest.mark.parametrize(
    ("caps", "expected"),
    [
        ("THE IDEOLOGICAL BUILD-UP", "The Ideological Build-Up"),
        ("WHY DO RUSSIAN WORKERS WORK?", "Why Do Russian Workers Work?"),
        ("MIDDLE MANAGERS – NEW CHARACTERISTICS", "Middle Managers – New Characteristics"),
    ],
)
def test_title_case(caps: str, expected: str) -> None:
    assert title_case(caps) == expected
