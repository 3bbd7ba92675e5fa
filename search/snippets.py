"""Turning marked passage text into HTML that is safe to show.

A snippet is cut from the passage text verbatim (search.highlight), so a passage
containing markup would come out as markup. Matches are therefore marked with two
private-use characters instead of tags; the whole text is escaped, and only then do
the sentinels become ``<mark>`` elements.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Private-use code points: escape() leaves them alone, queries are stripped of them
# (selectors.clean_text), and the sources, plain English text, never contain them.
START_SEL = "\ue000"
STOP_SEL = "\ue001"

MARKED = re.compile(f"{START_SEL}([^{START_SEL}{STOP_SEL}]*){STOP_SEL}")
SENTINEL = re.compile(f"[{START_SEL}{STOP_SEL}]")


def highlight_html(marked_text: str) -> SafeString:
    """The escaped text with each marked match wrapped in ``<mark>``."""
    marked = MARKED.sub(r"<mark>\1</mark>", escape(marked_text))
    # A stray sentinel (one from the text itself) must not survive, nor open a tag.
    return mark_safe(SENTINEL.sub("", marked))  # noqa: S308


def marked_words(marked_text: str) -> list[str]:
    """The words marked in the text, each once (first spelling kept)."""
    words: dict[str, str] = {}
    for match in MARKED.finditer(marked_text):
        word = match.group(1).strip()
        if word:
            words.setdefault(word.casefold(), word)
    return list(words.values())
