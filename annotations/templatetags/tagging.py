"""Template helpers for the reader. Its HTML lives in the templates under
``annotations/reader/``: a page holds one section (about a hundred passages at most),
which templates render fast enough (see ``bench/reader_browser.py``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template

register = template.Library()

READER_PARAMETERS = ("theme", "theme_match", "without_theme", "tagger", "back")


@register.simple_tag
def reader_query(query: dict, **changes: str) -> str:
    """The reader's query string (``?...``) with some parameters changed; words to mark
    (``hl``) are kept as they are, one parameter each."""
    params = {name: query.get(name, "") for name in READER_PARAMETERS}
    params.update(changes)
    pairs = [(name, value) for name, value in params.items() if value]
    pairs += [("hl", word) for word in query.get("hl", [])]
    return f"?{urlencode(pairs)}" if pairs else "?"
