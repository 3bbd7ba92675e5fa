"""Turning ``ts_headline`` output into HTML that is safe to show.

``ts_headline`` copies the passage text verbatim, so a passage containing markup would
come back as markup. Postgres is therefore asked to mark matches with two private-use
characters instead of tags; the whole text is escaped, and only then do the sentinels
become ``<mark>`` elements.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from config.tsearch import restore_printed

# Private-use code points: escape() leaves them alone, queries are stripped of them
# (selectors.clean_text), and the sources, plain English text, never contain them.
START_SEL = "\ue000"
STOP_SEL = "\ue001"

# ts_headline drops whatever its parser takes for an HTML tag when it cuts fragments,
# so the text goes in with "<" swapped for this and comes back out as the text it was.
LT_STANDIN = "\ue002"

MARKED = re.compile(f"{START_SEL}([^{START_SEL}{STOP_SEL}]*){STOP_SEL}")
SENTINEL = re.compile(f"[{START_SEL}{STOP_SEL}]")


def highlight_html(headline: str) -> SafeString:
    """The escaped headline with each marked match wrapped in ``<mark>``."""
    marked = MARKED.sub(r"<mark>\1</mark>", escape(restore_text(headline)))
    # A stray sentinel (one from the text itself) must not survive, nor open a tag.
    return mark_safe(SENTINEL.sub("", marked))  # noqa: S308


def restore_text(headline: str) -> str:
    """The headline's text as printed: its "<" and apostrophes (config.tsearch) back."""
    return restore_printed(headline.replace(LT_STANDIN, "<"))


def marked_words(headline: str) -> list[str]:
    """The words marked in a headline, as printed, each once (first spelling kept)."""
    words: dict[str, str] = {}
    for match in MARKED.finditer(restore_text(headline)):
        word = match.group(1).strip()
        if word:
            words.setdefault(word.casefold(), word)
    return list(words.values())
