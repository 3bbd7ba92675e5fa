"""Tags as W3C Web Annotations (https://www.w3.org/TR/annotation-model/), in pages as
the Web Annotation Protocol serves them (https://www.w3.org/TR/annotation-protocol/).

A tag's theme is a ``tagging`` body, its memo a ``commenting`` body; the target is
the passage's page, selected by a TextQuoteSelector and a TextPositionSelector into
the passage's text (0 to its length for a whole-passage tag). An orphaned tag has
lost its passage: its target is its source's page, with the stored quote only.
"""

from __future__ import annotations

from django.urls import reverse
from rest_framework.fields import DateTimeField
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from annotations.anchoring import QuoteSelector, quote_context
from annotations.models import Tag
from config.pagination import CappedPageNumberPagination

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ANNO_CONTENT_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'
# The Annotation Protocol's Link headers: an annotation is an LDP resource, the list of
# annotations an LDP basic container constrained by the protocol.
ANNOTATION_LINK = '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
CONTAINER_LINK = ", ".join([
    '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"',
    '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"',
])

_datetime = DateTimeField()


def annotation(*, tag: Tag, request: Request) -> dict:
    """The annotation of a tag from ``annotation_list()`` (no ``@context``: see ``document``)."""
    body = [
        # A purpose belongs to an embedded body or a SpecificResource, never to an external
        # resource named by its bare id (model 3.3.5): the theme's name is the tag, and the
        # theme's address classifies the target through a SpecificResource.
        {"type": "TextualBody", "purpose": "tagging", "value": tag.theme.name},
        {
            "type": "SpecificResource",
            "purpose": "classifying",
            "source": request.build_absolute_uri(
                reverse("api-theme-detail", args=[tag.theme.slug])
            ),
        },
    ]
    if tag.memo:
        body.append(
            {"type": "TextualBody", "purpose": "commenting", "value": tag.memo,
             "format": "text/plain"}
        )
    return {
        "id": request.build_absolute_uri(reverse("api-annotation-detail", args=[tag.pk])),
        "type": "Annotation",
        "motivation": "tagging",
        "created": _datetime.to_representation(tag.created),
        "modified": _datetime.to_representation(tag.updated),
        "creator": {"type": "Person", "nickname": tag.user.get_username()},
        "body": body,
        "target": _target(tag=tag, request=request),
    }


def document(data: dict) -> dict:
    """A standalone JSON-LD document: the context first."""
    return {"@context": ANNO_CONTEXT, **data}


def _target(*, tag: Tag, request: Request) -> dict:
    if tag.passage is None:
        selector = QuoteSelector(exact=tag.quote, prefix=tag.prefix, suffix=tag.suffix)
        return {
            "source": request.build_absolute_uri(tag.source.get_absolute_url()),
            "selector": [_quote_selector(selector)],
        }
    text = tag.passage.text
    start, end = (0, len(text)) if tag.start is None else (tag.start, tag.end)
    return {
        "source": request.build_absolute_uri(tag.passage.get_absolute_url()),
        "selector": [
            # From the passage as it reads now, so the two selectors always agree.
            _quote_selector(quote_context(text=text, start=start, end=end)),
            {"type": "TextPositionSelector", "start": start, "end": end},
        ],
    }


def _quote_selector(selector: QuoteSelector) -> dict:
    return {
        "type": "TextQuoteSelector",
        "exact": selector.exact,
        "prefix": selector.prefix,
        "suffix": selector.suffix,
    }


class AnnotationPagePagination(CappedPageNumberPagination):
    """The same ``page``/``page_size`` as every list, answered as an AnnotationPage."""

    def get_paginated_response(self, data) -> Response:
        page_number = self.page.number
        collection_url = remove_query_param(
            self.request.build_absolute_uri(), self.page_query_param
        )
        page = {
            "id": self._page_url(page_number),
            "type": "AnnotationPage",
            "partOf": {
                "id": collection_url,
                "type": "AnnotationCollection",
                "total": self.page.paginator.count,
                "first": self._page_url(1),
                "last": self._page_url(self.page.paginator.num_pages),
            },
            "startIndex": max(self.page.start_index() - 1, 0),
        }
        if self.page.has_next():
            page["next"] = self._page_url(self.page.next_page_number())
        if self.page.has_previous():
            page["prev"] = self._page_url(self.page.previous_page_number())
        return Response(document({**page, "items": data}))

    def _page_url(self, number: int) -> str:
        return replace_query_param(
            self.request.build_absolute_uri(), self.page_query_param, number
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return annotation_page_schema(items=schema)


# --- The OpenAPI description of the documents above --------------------------

_URI = {"type": "string", "format": "uri"}
_CONTEXT = {**_URI, "description": f"The JSON-LD context: always `{ANNO_CONTEXT}`."}

QUOTE_SELECTOR_SCHEMA = {
    "type": "object",
    "required": ["type", "exact", "prefix", "suffix"],
    "properties": {
        "type": {"type": "string", "enum": ["TextQuoteSelector"]},
        "exact": {"type": "string", "description": "The tagged words."},
        "prefix": {"type": "string", "description": "Up to 32 characters before them."},
        "suffix": {"type": "string", "description": "Up to 32 characters after them."},
    },
}
POSITION_SELECTOR_SCHEMA = {
    "type": "object",
    "required": ["type", "start", "end"],
    "properties": {
        "type": {"type": "string", "enum": ["TextPositionSelector"]},
        "start": {"type": "integer", "minimum": 0},
        "end": {"type": "integer", "minimum": 0, "description": "Exclusive."},
    },
}
ANNOTATION_SCHEMA = {
    "type": "object",
    "description": "A tag as a W3C Web Annotation.",
    "required": ["id", "type", "motivation", "created", "modified", "creator", "body", "target"],
    "properties": {
        "@context": _CONTEXT,
        "id": _URI,
        "type": {"type": "string", "enum": ["Annotation"]},
        "motivation": {"type": "string", "enum": ["tagging"]},
        "created": {"type": "string", "format": "date-time"},
        "modified": {"type": "string", "format": "date-time"},
        "creator": {
            "type": "object",
            "required": ["type", "nickname"],
            "properties": {
                "type": {"type": "string", "enum": ["Person"]},
                "nickname": {"type": "string", "description": "The tagger's username."},
            },
        },
        "body": {
            "type": "array",
            "description": "The theme's name (a TextualBody, purpose `tagging`), the "
            "theme's address (a SpecificResource, purpose `classifying`), then the memo if "
            "any (a TextualBody, purpose `commenting`).",
            "items": {
                "type": "object",
                "required": ["type", "purpose"],
                "properties": {
                    "type": {"type": "string", "enum": ["TextualBody", "SpecificResource"]},
                    "purpose": {
                        "type": "string", "enum": ["tagging", "classifying", "commenting"],
                    },
                    "value": {"type": "string", "description": "A TextualBody's text."},
                    "format": {"type": "string", "enum": ["text/plain"]},
                    "source": {**_URI, "description": "The theme, for the SpecificResource."},
                },
            },
        },
        "target": {
            "type": "object",
            "required": ["source", "selector"],
            "properties": {
                "source": {
                    **_URI, "description": "The passage's page (an orphan's: its source's).",
                },
                "selector": {
                    "type": "array",
                    "items": {"oneOf": [QUOTE_SELECTOR_SCHEMA, POSITION_SELECTOR_SCHEMA]},
                },
            },
        },
    },
}


def annotation_page_schema(*, items: dict) -> dict:
    return {
        "type": "object",
        "required": ["@context", "id", "type", "partOf", "startIndex", "items"],
        "properties": {
            "@context": _CONTEXT,
            "id": _URI,
            "type": {"type": "string", "enum": ["AnnotationPage"]},
            "partOf": {
                "type": "object",
                "required": ["id", "type", "total", "first", "last"],
                "properties": {
                    "id": _URI,
                    "type": {"type": "string", "enum": ["AnnotationCollection"]},
                    "total": {"type": "integer", "minimum": 0},
                    "first": _URI,
                    "last": _URI,
                },
            },
            "startIndex": {"type": "integer", "minimum": 0},
            "next": _URI,
            "prev": _URI,
            "items": items,
        },
    }
