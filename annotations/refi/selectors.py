"""What an export reads: the codebook as a tree, each source's text, its placed tags.

A source's exported text is its passages' texts (body text and notes alike) in reading
order (``Passage.ordinal``), joined by one blank line (``PASSAGE_SEPARATOR``). Offsets
of a tag in that text are the passage's start plus the tag's own offsets.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F

from annotations.models import Tag, Theme, ThemeMemo
from corpus.models import Passage, Source

PASSAGE_SEPARATOR = "\n\n"


@dataclass
class ThemeNode:
    theme: Theme
    children: list[ThemeNode] = field(default_factory=list)


@dataclass(frozen=True)
class SourceText:
    """A source's text as exported, and where each passage stands in it (reading order)."""

    text: str
    spans: dict[int, tuple[int, int]]
    _ids: list[int] = field(init=False, repr=False, compare=False)
    _starts: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ids", list(self.spans))
        object.__setattr__(self, "_starts", [start for start, _ in self.spans.values()])

    def passage_at(self, offset: int) -> int | None:
        """The id of the passage whose text holds ``offset`` (None in a separator)."""
        index = bisect.bisect_right(self._starts, offset) - 1
        if index < 0:
            return None
        passage_id = self._ids[index]
        return passage_id if offset < self.spans[passage_id][1] else None


@dataclass(frozen=True)
class TagRow:
    id: int
    source_id: int
    passage_id: int
    start: int | None
    end: int | None
    theme_id: int
    username: str
    memo: str
    created: datetime


@dataclass(frozen=True)
class ThemeMemoRow:
    id: int
    theme_id: int
    username: str
    text: str
    created: datetime


@dataclass(frozen=True)
class ProjectData:
    themes: list[ThemeNode]
    usernames: list[str]
    sources: list[Source]
    texts: dict[int, SourceText]
    tags: list[TagRow]
    theme_memos: list[ThemeMemoRow] = field(default_factory=list)


def codebook_tree() -> list[ThemeNode]:
    """The top-level themes, each with its sub-themes, in codebook order."""
    nodes = {theme.pk: ThemeNode(theme) for theme in Theme.objects.order_by("order", "name")}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.theme.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


def source_text_join(*, passages: Iterable[tuple[int, str]]) -> SourceText:
    """Joins ``(passage id, text)`` pairs, in reading order, into one exported text."""
    spans: dict[int, tuple[int, int]] = {}
    parts: list[str] = []
    offset = 0
    for passage_id, text in passages:
        if parts:
            parts.append(PASSAGE_SEPARATOR)
            offset += len(PASSAGE_SEPARATOR)
        spans[passage_id] = (offset, offset + len(text))
        parts.append(text)
        offset += len(text)
    return SourceText(text="".join(parts), spans=spans)


def source_texts(*, source_ids: Sequence[int]) -> dict[int, SourceText]:
    by_source: dict[int, list[tuple[int, str]]] = {source_id: [] for source_id in source_ids}
    rows = (Passage.objects.filter(source_id__in=source_ids)
            .order_by("source_id", "ordinal").values_list("source_id", "pk", "text"))
    for source_id, passage_id, text in rows.iterator(chunk_size=2000):
        by_source[source_id].append((passage_id, text))
    return {source_id: source_text_join(passages=passages)
            for source_id, passages in by_source.items()}


def project_data() -> ProjectData:
    """Everything a project export holds, in five queries. Orphaned tags, which have no
    place in any text, are left out."""
    tags = [
        TagRow(**row)
        for row in Tag.objects.filter(passage__isnull=False)
        .order_by("source__ordinal", "source__slug", "passage__ordinal", "start", "pk")
        .values("id", "source_id", "passage_id", "start", "end", "theme_id", "memo", "created",
                username=F("user__username"))
    ]
    memos = [
        ThemeMemoRow(**row)
        for row in ThemeMemo.objects.order_by("created", "pk")
        .values("id", "theme_id", "text", "created", username=F("user__username"))
    ]
    sources = list(Source.objects.order_by("ordinal", "slug"))
    return ProjectData(
        themes=codebook_tree(),
        usernames=sorted({tag.username for tag in tags} | {memo.username for memo in memos}),
        sources=sources,
        texts=source_texts(source_ids=[source.pk for source in sources]),
        tags=tags,
        theme_memos=memos,
    )
