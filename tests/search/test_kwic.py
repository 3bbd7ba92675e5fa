"""The concordance's cutting and sorting, without a database."""

from types import SimpleNamespace

from search.kwic import KwicLine, occurrences, sort_lines

S, E = "[", "]"


def spans_of(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """The text of ``marked`` without its brackets, and the spans they marked."""
    text, spans = "", []
    for part in marked.split(S):
        word, _, rest = part.rpartition(E)
        if word or _:
            spans.append((len(text), len(text) + len(word)))
        text += word + rest
    return text, spans


def test_each_marked_word_is_a_line_with_its_context():
    text, spans = spans_of("The [strike] began; a second [strike] followed.")
    assert occurrences(text, spans) == [
        ("The", "strike", "began; a second strike followed."),
        ("The strike began; a second", "strike", "followed."),
    ]


def test_contexts_are_cut_at_word_boundaries_and_whitespace_collapsed():
    text, spans = spans_of("alpha beta gamma\n\n delta [strike] epsilon   zeta eta theta")
    assert occurrences(text, spans, width=16) == [("gamma delta", "strike", "epsilon zeta")]


def test_a_context_of_one_long_word_is_kept_whole_when_not_cut():
    assert occurrences(*spans_of("[Strike]!"), width=3) == [("", "Strike", "!")]


def test_adjacent_marks_are_one_occurrence():
    text, spans = spans_of("the [trade] [union] and the [machine]-[operators], [trade]")
    assert [keyword for _, keyword, _ in occurrences(text, spans)] == [
        "trade union",
        "machine-operators",
        "trade",
    ]


def test_the_text_comes_as_stored():
    text, spans = spans_of("a <b> [strike’s] x 3 < 4")
    assert occurrences(text, spans) == [("a <b>", "strike’s", "x 3 < 4")]


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
