"""Normalisation on small crafted inputs: one test per OCR quirk of the five files."""

from __future__ import annotations

import pytest

from corpus.ingest import normalise
from corpus.ingest.text import Line, MappedText, RawMarker, lines_split
from corpus.ingest.vocabulary import Vocabulary

VOCABULARY = Vocabulary.from_texts(
    {
        "clarke": "machine-operators and non-monetary relations; the long range of the long range",
        "kotkin": "increasing output of increasing steel",
    }
)


def reflow(raw: str, *, style: str = "wrapped", width: int = 50, source: str = "") -> list[str]:
    paragraphs = normalise.paragraphs_reflow(
        lines=lines_split(raw=raw), style=style, width=width, vocabulary=VOCABULARY, source=source
    )
    return [paragraph.text for paragraph in paragraphs]


def texts(lines: list[Line]) -> list[str]:
    return [line.text for line in lines]


class TestHyphenation:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("even in- \ncreasing the output", "even increasing the output"),
            ("the machine- \noperators struck", "the machine-operators struck"),
            ("non- \nmonetary relations", "non-monetary relations"),
            # Seen nowhere: a syllable break, so the halves join.
            ("blast fur- \nnaces roared", "blast furnaces roared"),
            # A capital after the break is a compound with a name.
            ("the anti- \nCommunist forces", "the anti-Communist forces"),
            # Two words the corpus knows: a compound.
            ("the long- \nrange bombers", "the long-range bombers"),
            # A dash at a line end is not a hyphen.
            ("the plant — \nnot to mention", "the plant — not to mention"),
            ("in 1989- \n1991 they struck", "in 1989-1991 they struck"),
            ("a maximum of 15– \n20,000 roubles", "a maximum of 15–20,000 roubles"),
        ],
    )
    def test_line_end_hyphen_decided_by_the_corpus(self, raw: str, expected: str) -> None:
        assert reflow(raw) == [expected]

    def test_a_source_own_spelling_wins_over_the_corpus(self) -> None:
        vocabulary = Vocabulary.from_texts(
            {"clarke": "co-operation", "kotkin": "cooperation cooperation"}
        )
        assert vocabulary.hyphen_joined(left="co", right="operation", source="clarke") == (
            "co-operation"
        )
        assert vocabulary.hyphen_joined(left="co", right="operation", source="crowley") == (
            "cooperation"
        )

    def test_broken_halves_do_not_count_as_words(self) -> None:
        vocabulary = Vocabulary.from_texts({"kotkin": "blast fur-\nnaces and furnaces"})
        assert vocabulary.corpus["furnaces"] == 1
        assert vocabulary.corpus["naces"] == 0


class TestParagraphs:
    def test_loose_style_ignores_blank_lines_inside_paragraphs(self) -> None:
        raw = (
            "As the increasingly desperate Soviet leadership \n\n"
            "lurches towards a chimerical restoration of order, \n\n"
            "the ills loom larger than ever. It makes \n\n"
            "sense to assess Soviet society. \n\n"
            "Rather than Moscow, the focus here is the city \n"
            "of Magnitogorsk, a medium-sized industrial city. \n"
        )
        assert reflow(raw, style="loose", width=50) == [
            "As the increasingly desperate Soviet leadership lurches towards a chimerical "
            "restoration of order, the ills loom larger than ever. It makes sense to assess "
            "Soviet society.",
            "Rather than Moscow, the focus here is the city of Magnitogorsk, a medium-sized "
            "industrial city.",
        ]

    def test_loose_style_breaks_before_an_opening_quote(self) -> None:
        raw = (
            "A co-worker guest approached us on the balcony now. \n“I heard that there are many.”\n"
        )
        assert len(reflow(raw, style="loose", width=50)) == 2

    def test_wrapped_style(self) -> None:
        raw = (
            "Why, despite hardship, have workers remained qui- \n\n"
            "escent? Nobody knows. \n\n"
            "A new paragraph starts here and\n"
            "goes on. \n"
            " Another after an indent.\n"
            "the end. \n\n"
            "lowercase after a blank continues.\n"
        )
        assert reflow(raw) == [
            "Why, despite hardship, have workers remained quiescent? Nobody knows.",
            "A new paragraph starts here and goes on.",
            "Another after an indent. the end. lowercase after a blank continues.",
        ]

    def test_line_style_rejoins_paragraphs_split_by_a_page_break(self) -> None:
        raw = (
            "Another reason was the problem of access to sources, particularly archival\n\n"
            "materials, but also local newspapers.\n\n"
            "The next paragraph.\n\n"
            "Former Soviet workers described their situation in the late\n\n"
            "1930s in terms of fear.\n"
        )
        assert reflow(raw, style="line") == [
            "Another reason was the problem of access to sources, particularly archival "
            "materials, but also local newspapers.",
            "The next paragraph.",
            "Former Soviet workers described their situation in the late 1930s in terms of fear.",
        ]

    def test_offsets_point_back_into_the_raw_file(self) -> None:
        raw = "  The blast fur- \n\n naces and\nthe mills.\n"
        [paragraph] = normalise.paragraphs_reflow(
            lines=lines_split(raw=raw), style="loose", width=50, vocabulary=VOCABULARY, source=""
        )
        assert paragraph.text == "The blast furnaces and the mills."
        start, end = paragraph.raw_span(start=0, end=len(paragraph.text))
        assert raw[start:end] == "The blast fur- \n\n naces and\nthe mills."
        word = paragraph.text.index("furnaces")
        start, end = paragraph.raw_span(start=word, end=word + len("furnaces"))
        assert raw[start:end] == "fur- \n\n naces"


class TestDebris:
    def test_page_numbers_running_heads_and_stray_marks_go(self) -> None:
        raw = (
            "text of the page ends with a break-\n\n\n\n"
            "24 Management and Industry in Russia \n\n"
            "downs and interruptions.\n\n\n\n"
            " Formal and Informal Relations in Soviet Industrial Production 7 \n\n"
            "More text. \n\n148 \n"
            "\ufffd\n"
            ". To be sure, Magnitogorsk supplies steel \n"
            "and unchallenged by competition. | \n"
            "political power and influence. ' \n"
            ".economic dependence on the enterprise\n"
        )
        lines = normalise.debris_drop(
            lines=lines_split(raw=raw),
            running_titles=[
                "Management and Industry in Russia",
                "Formal and Informal Relations in Soviet Industrial Production",
            ],
        )
        assert texts(lines) == [
            "text of the page ends with a break-",
            "downs and interruptions.",
            "More text.",
            "To be sure, Magnitogorsk supplies steel",
            "and unchallenged by competition.",
            "political power and influence.",
            "economic dependence on the enterprise",
        ]
        assert lines[1].gap_before > 3  # the head's place still counts as a page break
        for line in lines:
            assert raw[line.start : line.end] == line.text

    def test_numbers_inside_prose_stay(self) -> None:
        raw = "The strike took place in the second section, which has about 120 \nworkers.\n"
        lines = normalise.debris_drop(lines=lines_split(raw=raw), running_titles=["A Book"])
        assert len(lines) == 2

    def test_a_block_the_ocr_repeated_loses_its_first_copy(self) -> None:
        raw = (
            "and forcing them to become business-oriented. \n"
            "Such a move, which does not appear imminent, is \n\n"
            "replete with momentous moral ramifications. The \n"
            "live on. The Magnitogorsk Works, whichalong with \n"
            "True, there isnow underway a struggle between the \n"
            " Such a move, which does not appear imminent, is \n"
            "replete with momentous moral ramifications. The \n\n"
            "live on. The Magnitogorsk Works, which along with \n"
            "True, there isnow underway a struggle between the \n"
            "center and periphery over the disposition of local \n"
        )
        lines = normalise.duplicate_blocks_drop(lines=lines_split(raw=raw))
        assert texts(lines) == [
            "and forcing them to become business-oriented.",
            "Such a move, which does not appear imminent, is",
            "replete with momentous moral ramifications. The",
            "live on. The Magnitogorsk Works, which along with",
            "True, there isnow underway a struggle between the",
            "center and periphery over the disposition of local",
        ]
        assert lines[1].start == raw.index(" Such a move") + 1

    def test_tables_and_figure_captions_go_prose_stays(self) -> None:
        raw = (
            "The reduction has taken place smoothly: \n\n"
            "Table One:  Total Number of Employees \n\n"
            "1.1.90 29 959 \n1.1.91 28 784 \n\n"
            "The reduction was achieved through natural wastage, not by any means. \n"
            "Figure Two:  The number of piece-work workers in the Kukino \n\n"
            " area, 1993 \n"
            " Another important reason for the failure to meet the plan \n"
            "Popugai carriage assembly shop  15 15 16.34 \n"
            "Wheel shop 264 264 50 \n"
            "Motor section 15 14 49.30 \n\n"
            "including 68 of 109 surgeons, 99 of 137 \n\n"
            "gynecologists, and 171 of 364 pediatricians. And the \n"
        )
        assert texts(normalise.tables_drop(lines=lines_split(raw=raw))) == [
            "The reduction has taken place smoothly:",
            "The reduction was achieved through natural wastage, not by any means.",
            "Another important reason for the failure to meet the plan",
            "including 68 of 109 surgeons, 99 of 137",
            "gynecologists, and 171 of 364 pediatricians. And the",
        ]

    def test_front_matter_is_the_title_and_byline(self) -> None:
        raw = (
            " BARRIERS TO \nCOLLECTIVE ACTION \n\nSteelworkers and Mutual Dependence \n"
            "By STEPHEN CROWLEY * \n\ndespite tremendous economic hardship\n"
        )
        lines = normalise.front_matter_drop(
            lines=lines_split(raw=raw),
            title="Barriers to Collective Action: Steelworkers and Mutual Dependence",
            author_names=["Stephen Crowley"],
        )
        assert texts(lines) == ["despite tremendous economic hardship"]

    def test_a_chapter_number_before_the_title_is_front_matter_too(self) -> None:
        raw = (
            "9 Reassessing the history of Soviet workers\n\n"
            "Robert W. Thurston\n\nOnly in recent years.\n"
        )
        lines = normalise.front_matter_drop(
            lines=lines_split(raw=raw),
            title="Reassessing the history of Soviet workers",
            author_names=["Robert W. Thurston"],
        )
        assert texts(lines) == ["Only in recent years."]


def mapped(text: str) -> MappedText:
    return MappedText(text=text, offsets=list(range(len(text))))


class TestClean:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("the *oblast'* party committee", "the oblast' party committee"),
            (
                "\ufffd What are the changes? \ufffd\ufffdWell, none.",
                "– What are the changes? – Well, none.",
            ),
            ("then, of course\ufffd And what then?", "then, of course… And what then?"),
            ("steelworkers . suffered deprivations", "steelworkers suffered deprivations"),
            ("many  spaces   here ", "many spaces here"),
            ("Workers’ Committees’ , Sotsiologicheskie", "Workers’ Committees’, Sotsiologicheskie"),
            ("* Explaining why the miners struck", "Explaining why the miners struck"),
        ],
    )
    def test_paragraph_clean(self, raw: str, expected: str) -> None:
        cleaned = normalise.paragraph_clean(text=mapped(raw), italics=True)
        assert cleaned.text == expected
        assert len(cleaned.offsets) == len(cleaned.text)

    def test_italics_keep_their_words_offsets(self) -> None:
        cleaned = normalise.paragraph_clean(text=mapped("see *ibid.*"), italics=True)
        assert cleaned.text == "see ibid."
        assert cleaned.raw_span(start=4, end=9) == (5, 10)

    def test_superscript_markers_go_and_are_reported_where_they_stood(self) -> None:
        text, markers = normalise.superscript_markers_strip(
            mapped("waste on the job.¹⁰ They also entered prison.¹¹")
        )
        assert text.text == "waste on the job. They also entered prison."
        assert markers == [
            RawMarker(raw_offset=17, label="10"),
            RawMarker(raw_offset=45, label="11"),
        ]
        assert [text.index_before(marker.raw_offset) for marker in markers] == [17, 43]

    @pytest.mark.parametrize(
        ("raw", "expected", "labels"),
        [
            ("in certain groups.2 The present case", "in certain groups. The present case", ["2"]),
            (
                "relative deprivation theory4 For this",
                "relative deprivation theory For this",
                ["4"],
            ),
            (
                "soon become clear, however,'3 in particular",
                "soon become clear, however, in particular",
                ["13"],
            ),
            ("through the workplace.2l Workers", "through the workplace. Workers", ["21"]),
            ('a small monetary prize."4 But', 'a small monetary prize." But', ["4"]),
            ('and the next year 20,000."41 Since', 'and the next year 20,000." Since', ["41"]),
            ("from the middle of the 1970s.2 We", "from the middle of the 1970s. We", ["2"]),
            # Not markers: decimals, years, and numbers beyond the last note.
            ("worth 2.5 million in 1991 alone", "worth 2.5 million in 1991 alone", []),
            ("in chapter.99 below", "in chapter.99 below", []),
        ],
    )
    def test_digit_markers_go(self, raw: str, expected: str, labels: list[str]) -> None:
        text, found = normalise.digit_markers_strip(mapped(raw), max_label=83, ocr_one="'")
        assert (text.text, [marker.label for marker in found]) == (expected, labels)

    def test_a_digit_marker_stands_after_what_it_is_glued_to(self) -> None:
        raw = "soon become clear, however,'3 in particular"
        text, [marker] = normalise.digit_markers_strip(mapped(raw), max_label=83, ocr_one="'")
        assert marker == RawMarker(raw_offset=raw.index("'3"), label="13")
        assert text.text[: text.index_before(marker.raw_offset)] == "soon become clear, however,"

    def test_marker_positions_survive_the_clean_up(self) -> None:
        # Taken out first, then spaces collapsed and italics unwrapped around them.
        raw = "the *artel'*  leaders.²⁸ Surely  they did."
        text, [marker] = normalise.superscript_markers_strip(mapped(raw))
        cleaned = normalise.paragraph_clean(text=text, italics=True)
        assert cleaned.text == "the artel' leaders. Surely they did."
        assert cleaned.text[: cleaned.index_before(marker.raw_offset)] == "the artel' leaders."
