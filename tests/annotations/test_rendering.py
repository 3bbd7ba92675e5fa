"""Span highlights: the passage text cut at span boundaries, escaped, marks nested."""

from __future__ import annotations

from annotations.selectors import TagRow
from annotations.templatetags.tagging import passage_text_html


def _tag(pk, start, end, theme_id=1, name="Paternalism", user="rosa"):
    return TagRow(pk=pk, passage_id=1, theme_id=theme_id, theme_name=name, theme_slug="t",
                  user_id=1, username=user, start=start, end=end, quote="", memo="")


def _strip_marks(html: str) -> str:
    import re

    return re.sub(r"</?mark[^>]*>", "", html)


def test_no_spans_is_just_escaped_text():
    assert passage_text_html(text="a < b & c", tags=[_tag(1, None, None)]) == "a &lt; b &amp; c"


def test_one_span():
    html = passage_text_html(text="one two three", tags=[_tag(1, 4, 7)])
    assert html == (
        'one <mark class="hl theme-1" title="Paternalism, tagged by rosa">two</mark> three'
    )


def test_overlapping_spans_nest_longest_outermost():
    tags = [_tag(1, 0, 7, theme_id=1), _tag(2, 4, 13, theme_id=2, name="Workerism", user="karl")]
    html = passage_text_html(text="one two three", tags=tags)
    assert html == (
        '<mark class="hl theme-1" title="Paternalism, tagged by rosa">one </mark>'
        '<mark class="hl theme-1"><mark class="hl theme-2" '
        'title="Paternalism, tagged by rosa; Workerism, tagged by karl">two</mark></mark>'
        '<mark class="hl theme-2" title="Workerism, tagged by karl"> three</mark>'
    )


def test_markup_in_text_and_names_is_escaped():
    text = '<script>alert("x")</script>'
    html = passage_text_html(text=text, tags=[_tag(1, 0, 8, name='"><b>', user="<u>")])
    assert "<script>" not in html and "<b>" not in html and "<u>" not in html
    assert _strip_marks(html) == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def test_marks_add_no_characters():
    text = "Mutual dependence of enterprise and workforce."
    tags = [_tag(1, 0, 6), _tag(2, 7, 17), _tag(3, 0, 46), _tag(4, 7, 17, theme_id=3)]
    assert _strip_marks(passage_text_html(text=text, tags=tags)) == text


def test_span_beyond_the_text_is_ignored():
    assert passage_text_html(text="short", tags=[_tag(1, 2, 99)]) == "short"
