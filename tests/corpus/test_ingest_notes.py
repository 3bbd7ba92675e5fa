"""Notes kept apart from the body, for each way the five sources print them."""

from __future__ import annotations

from corpus.ingest import notes
from corpus.ingest.manifest import FormatHints
from corpus.ingest.sections import heading_like
from corpus.ingest.text import Line, lines_split

LONG = "x" * 90  # wider than any body line: footnote type


def body_texts(separation: notes.Separation) -> list[str]:
    return [line.text for line in separation.body]


def note_texts(separation: notes.Separation) -> list[tuple[str, str]]:
    return [(note.label, " ".join(line.text for line in note.lines)) for note in separation.notes]


class TestPageFoot:
    """Crowley: footnotes at each page's foot cut the body mid-sentence; a page starts indented."""

    RAW = (
        " Why, despite hardship, have workers remained\n"
        "quiet? The miners have since continued their mil-\n\n"
        f"* Research for this article was made possible by a fellowship {LONG}\n"
        "Herbert Kitschelt and William Zimmerman.\n"
        " itancy and strike activity, while others have not.1\n\n"
        "Kerr and Siegel's thesis has been the classic explanation.2 The fact\n\n"
        f"I Why choose steelworkers, even though their work regime is not {LONG}\n"
        "role.\n\n"
        f"2 For a particularly useful review of the literature, see {LONG}\n"
        "Study of Working Class Consciousness, Politics and Society 12, no. 3 (1983). Linda\n"
        " that certain groups of workers are more strike prone.3 Another\n\n"
        f"J. Cook, Brezhnev's Social Contract and Gorbachev's Reforms {LONG}\n"
        "43 January 1991); Peter Hauslohner, Soviet Economy 3.\n\n"
        f"3 Ted Robert Gurr, Why Men Rebel (Princeton, 1979). {LONG}.\n"
        " explanation is relative deprivation theory.5\n\n"
        "Shorter and Tilly (fn. 3), 13.\n"
        f"5 Michael Yarrow, The Labor Process in Coal Mining {LONG}\n"
    )

    def separate(self) -> notes.Separation:
        return notes.notes_page_foot(lines=lines_split(raw=self.RAW), min_chars=85)

    def test_body_reads_on_across_the_notes(self) -> None:
        assert body_texts(self.separate()) == [
            "Why, despite hardship, have workers remained",
            "quiet? The miners have since continued their mil-",
            "itancy and strike activity, while others have not.1",
            "Kerr and Siegel's thesis has been the classic explanation.2 The fact",
            "that certain groups of workers are more strike prone.3 Another",
            "explanation is relative deprivation theory.5",
        ]

    def test_labels_in_sequence_with_ocr_slips_repaired(self) -> None:
        separated = note_texts(self.separate())
        assert [label for label, _ in separated] == ["*", "1", "2", "3", "4", "5"]
        # Footnote 1 OCR'd as "I"; note 4 lost its number and sits between 3 and 5.
        assert separated[1][1].startswith("Why choose steelworkers")
        assert separated[4][1] == "Shorter and Tilly (fn. 3), 13."

    def test_a_note_continues_on_the_next_page_and_numbers_inside_it_are_not_labels(self) -> None:
        note_two = dict(note_texts(self.separate()))["2"]
        assert note_two.endswith(
            "Linda J. Cook, Brezhnev's Social Contract and Gorbachev's Reforms "
            f"{LONG} 43 January 1991); Peter Hauslohner, Soviet Economy 3."
        )

    def test_labels_are_stripped_from_note_lines(self) -> None:
        first = self.separate().notes[0].lines[0]
        assert first.text.startswith("Research for this article")
        assert self.RAW[first.start : first.end] == first.text

    def test_a_note_line_glued_under_the_body_with_no_blank(self) -> None:
        raw = (
            " Body text of the page goes on and on.3\n\n"
            f"3 Reflecting on this question, Burawoy argues that steelworkers {LONG}\n"
            f"stroika. Second, steelworkers shifted their product profile, thus {LONG}\n"
            " More importantly, miners were paid best.\n"
            "this cash nexus becomes a fragile con-\n"
            f"getting higher state purchase prices for their goods. Third, {LONG}\n"
            " nection because it is a single strand.\n"
        )
        separation = notes.notes_page_foot(lines=lines_split(raw=raw), min_chars=85)
        assert body_texts(separation)[-2:] == [
            "this cash nexus becomes a fragile con-",
            "nection because it is a single strand.",
        ]
        assert "thus " + LONG + " getting higher state" in note_texts(separation)[0][1]


class TestEndnotes:
    def test_a_notes_list_after_a_heading(self) -> None:
        """Thurston: numbered notes after ``Notes``; a page break splits some of them."""
        raw = (
            "The last body paragraph.⁵\n\nNotes\n\n"
            "1. For older treatment of workers, see Gordon (New York, 1941).\n"
            "2. This view draws on an old tradition. See Pipes (1917\n\n"
            "- 1968), p. 8.\n"
            " 3. The epitome of this approach is probably Conquest.\n"
        )
        separation = notes.notes_endnotes(lines=lines_split(raw=raw), heading="Notes", width=60)
        assert body_texts(separation) == ["The last body paragraph.⁵"]
        assert note_texts(separation) == [
            ("1", "For older treatment of workers, see Gordon (New York, 1941)."),
            ("2", "This view draws on an old tradition. See Pipes (1917 - 1968), p. 8."),
            ("3", "The epitome of this approach is probably Conquest."),
        ]

    def test_a_chapter_notes_block_with_continuation_paragraphs(self) -> None:
        """Clarke: NOTES closes a chapter; a note's second paragraph is indented."""
        raw = (
            "The end of the chapter.\n\nNOTES\n\n"
            "1 Most of the literature on management focuses on this formal sys-\n\n"
            "tem. See Freris, 1984.\n\n"
            "2 R.V. Ryvkina, The Social-managerial Mechanism, 1989.\n\n"
            "  N.V. Chernina, Labour Behaviour, 1992, is based on research.\n\n"
            "3 J. Berliner, Factory and Manager in the USSR, 1957.\n"
        )
        separation = notes.notes_endnotes(lines=lines_split(raw=raw), heading="NOTES", width=60)
        assert note_texts(separation) == [
            (
                "1",
                "Most of the literature on management focuses on this formal sys- tem. "
                "See Freris, 1984.",
            ),
            (
                "2",
                "R.V. Ryvkina, The Social-managerial Mechanism, 1989. N.V. Chernina, Labour "
                "Behaviour, 1992, is based on research.",
            ),
            ("3", "J. Berliner, Factory and Manager in the USSR, 1957."),
        ]

    def test_trailing_notes_without_a_heading_and_lost_labels(self) -> None:
        """Clarke's preface: small-type notes follow the body, the first two unnumbered."""
        body = "Our research project is continuing for as long as we can fund it, \n" * 3
        raw = (
            body
            + "can be found in the following publications: \n"
            + " collective elaboration of the papers: Peter Fairbrother, Irina Kozina, "
            + "Tanya Metalina, \n"
            + " Veronika Kabalina, Vadim Borisov.\n\n"
            + "  The papers by Pasha Romanov were presented to the Labour Process Conference, \n"
            + "presented to the International Labour Process Conference, Aston University, \n"
            + "Conference.\n\n"
            + "3 We continue to refer to the system of production as Soviet, despite the "
            + "collapse \n"
            + "of the wider Soviet system.\n\n"
            + "4 These volumes are to be published by Edward Elgar as Conflict and Change in the \n"
            + "Restructuring of the Russian Enterprise.\n"
        )
        separation = notes.notes_endnotes(lines=lines_split(raw=raw), heading="NOTES", width=68)
        assert body_texts(separation)[-1] == "can be found in the following publications:"
        assert [label for label, _ in note_texts(separation)] == ["1", "2", "3", "4"]
        assert note_texts(separation)[0][1].startswith("collective elaboration")

    def test_an_author_note_closing_a_chapter(self) -> None:
        raw = (
            "Short body line one of the chapter here.\nAnd its last line.\n\n"
            "* The members of the Samara Research Group are Irina Kozina, \n"
            "Sergei Alasheev, Pavel Romanov\n"
        )
        separation = notes.notes_endnotes(lines=lines_split(raw=raw), heading="NOTES", width=60)
        assert note_texts(separation) == [
            (
                "*",
                "The members of the Samara Research Group are Irina Kozina, Sergei Alasheev, "
                "Pavel Romanov",
            )
        ]

    def test_no_notes_at_all(self) -> None:
        raw = "A chapter with no notes.\n\nIts second paragraph, 1 of 2.\n"
        separation = notes.notes_endnotes(lines=lines_split(raw=raw), heading="NOTES", width=60)
        assert separation.notes == [] and len(separation.body) == 2


class TestInterleaved:
    """Graziosi: note paragraphs follow the paragraph citing them; page breaks strand pieces."""

    RAW = (
        "INTRODUCTION\n\n"
        "Between 1928 and 1930 the image of workers evolved.¹\n\n"
        "* This essay was presented at a conference in Naples.\n\n"
        "¹ See the issues of *Sotsialisticheskii vestnik*.\n\n"
        "² There had been a decrease in the growth in productivity; see *TPG*, the\n\n"
        "The first change occurred in early 1929.\n\n"
        "As the censuses showed, the dismissals which accompanied the NEP and\n\n"
        "Komsomolskaia Pravda and authors like Kraval’ distinguished themselves.\n\n"
        "³ See B.L. Markus, *Istoriia proletariata*, 2 (1930).\n\n"
        "which were used for social engineering meant that experience was old.⁴\n\n"
        "⁴ Stalin, who was adopting many policies associated with\n\n"
        "administrators were progressively strengthened.\n"
    )

    def separate(self) -> notes.Separation:
        return notes.notes_interleaved(
            lines=lines_split(raw=self.RAW),
            is_heading=lambda line: heading_like(line, kinds=("caps", "short_line")),
        )

    def test_stranded_lines_go_where_they_belong(self) -> None:
        separation = self.separate()
        assert body_texts(separation) == [
            "INTRODUCTION",
            "Between 1928 and 1930 the image of workers evolved.¹",
            "The first change occurred in early 1929.",
            "As the censuses showed, the dismissals which accompanied the NEP and",
            "which were used for social engineering meant that experience was old.⁴",
        ]
        labelled = dict(note_texts(separation))
        assert labelled["2"].endswith(
            "the Komsomolskaia Pravda and authors like Kraval’ distinguished themselves."
        )
        assert labelled["*"] == "This essay was presented at a conference in Naples."
        assert labelled["4"].endswith(
            "associated with administrators were progressively strengthened."
        )

    def test_a_note_continuation_between_body_lines(self) -> None:
        raw = (
            "A body line.¹\n\n"
            "¹ Stalin, who was adopting many policies associated with\n\n"
            "One is justified in asking. Peasant recruits reacted to Stalin's\n\n"
            "Trotsky, wanted to show that he was following his own line.\n\n"
            "1928 volte-face (the army had also anticipated it).\n"
        )
        separation = notes.notes_interleaved(
            lines=lines_split(raw=raw), is_heading=lambda line: False
        )
        assert dict(note_texts(separation))["1"].endswith(
            "associated with Trotsky, wanted to show that he was following his own line."
        )
        assert body_texts(separation)[-1] == "1928 volte-face (the army had also anticipated it)."


def test_a_closing_author_note() -> None:
    """Kotkin: a note about the author closes the text."""
    raw = (
        "a built-in critique of anything resembling the old \nsystem. \n\n"
        "Stephen Kotkin is Assistant Professor of History at \n"
        "Princeton University.\n"
    )
    separation = notes.notes_separate(
        lines=lines_split(raw=raw),
        hints=FormatHints(paragraphs="loose", trailing_author_note=True),
        width=50,
        author_names=["Stephen Kotkin"],
        is_heading=lambda line: False,
    )
    assert body_texts(separation) == [
        "a built-in critique of anything resembling the old",
        "system.",
    ]
    assert note_texts(separation) == [
        ("", "Stephen Kotkin is Assistant Professor of History at Princeton University.")
    ]


def test_note_open_means_unfinished() -> None:
    note = notes.Note(label="1", lines=[Line(index=0, start=0, end=10, text="see *TPG*, the")])
    assert note.is_open
    note.lines.append(Line(index=1, start=11, end=20, text="organ of VSNKh."))
    assert not note.is_open
