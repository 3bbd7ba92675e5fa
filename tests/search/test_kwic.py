"""The concordance's cutting and sorting, without a database."""

from types import SimpleNamespace

from search.kwic import KwicLine, occurrences, sort_lines

S, E = "\ue000", "\ue001"


def test_each_marked_word_is_a_line_with_its_context():
    marked = f"The {S}strike{E} began; a second {S}strike{E} followed."
    assert occurrences(marked) == [
        ("The", "strike", "began; a second strike followed."),
        ("The strike began; a second", "strike", "followed."),
    ]


def test_contexts_are_cut_at_word_boundaries_and_whitespace_collapsed():
    marked = f"alpha beta gamma\n\n delta {S}strike{E} epsilon   zeta eta theta"
    assert occurrences(marked, width=16) == [("gamma delta", "strike", "epsilon zeta")]


def test_a_context_of_one_long_word_is_kept_whole_when_not_cut():
    assert occurrences(f"{S}Strike{E}!", width=3) == [("", "Strike", "!")]


def test_adjacent_marks_are_one_occurrence():
    marked = f"the {S}trade{E} {S}union{E} and the {S}machine{E}-{S}operators{E}, {S}trade{E}"
    assert [keyword for _, keyword, _ in occurrences(marked)] == [
        "trade union",
        "machine-operators",
        "trade",
    ]


def test_less_than_signs_come_back_and_stray_sentinels_go():
    marked = f"a \ue002b> {S}strike{E} x{E}y 3 \ue002 4"
    assert occurrences(marked) == [("a <b>", "strike", "xy 3 < 4")]


def line(left: str, right: str, n: int = 0) -> KwicLine:
    return KwicLine(passage=SimpleNamespace(pk=n), left=left, keyword="strike", right=right)


def test_sort_by_left_reads_leftwards_from_the_keyword():
    lines = [
        line("the miners' great", "a"),
        line("a", "b"),
        line("The Miners' General", "c"),
        line("", "d"),
    ]
    # Nearest word first: "general" < "great", whatever comes further left.
    assert [item.right for item in sort_lines(lines, by="left")] == ["d", "b", "c", "a"]


def test_sort_by_right_ignores_case_and_punctuation_and_is_stable():
    lines = [
        line("", "wave of 1989", 1),
        line("", "—Committee met", 2),
        line("", "committee met", 3),
        line("", "", 4),
    ]
    assert [item.passage.pk for item in sort_lines(lines, by="right")] == [4, 2, 3, 1]
    assert [item.passage.pk for item in sort_lines(lines, by="")] == [1, 2, 3, 4]
