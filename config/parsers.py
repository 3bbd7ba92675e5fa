"""A JSON parser that refuses absurdly nested documents with a 400.

Python's ``json`` recurses once per level: about a thousand levels exhaust the
interpreter's stack (a ``RecursionError``, a 500), and a few hundred that parse would
still recurse through validation and error rendering. No request of this API nests
more than a few levels, so anything deeper than ``MAX_JSON_DEPTH`` is refused.
"""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_too_deep()) from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(_too_deep())
        return data


def json_depth(value) -> int:
    """How many arrays and objects deep a parsed JSON value goes, without recursing."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if depth <= MAX_JSON_DEPTH:
            pending.extend((child, depth + 1) for child in children)
    return deepest


def _too_deep() -> str:
    return f"JSON nested more than {MAX_JSON_DEPTH} levels deep is not accepted."
