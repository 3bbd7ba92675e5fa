"""Bringing a REFI-QDA codebook, and codings made in another tool, into the database.

Both imports run in one transaction (a bad file changes nothing) and can be repeated:
a code is matched by its GUID (the one it was imported with, or the one our exports
derive from its id), then by its name under the same parent; a coding is matched by
what makes a tag itself (passage, theme, user, span), or, for an orphan, by its quote.
Existing themes are never changed: the file adds what is missing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import Group, User
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from annotations.anchoring import (
    Placement,
    QuoteSelector,
    quote_context,
    quote_locate,
)
from annotations.models import RESEARCHERS_GROUP, Tag, Theme
from annotations.refi.documents import (
    CodeRecord,
    ProjectRecord,
    RefiError,
    SelectionRecord,
    TextSourceRecord,
    codes_read,
    document_read,
    project_read,
)
from annotations.refi.guids import source_guid, theme_guid
from annotations.refi.selectors import SourceText, source_text_join
from corpus.models import Passage, Source

# Okabe & Ito's palette, safe for the common colour-vision deficiencies (their black,
# which would hide text, is replaced by grey): for codes whose file gives no colour.
PALETTE = ("#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7",
           "#999999")
# Paths under /themes/ that a theme slug must not shadow.
RESERVED_SLUGS = frozenset({"orphans", "import", "colours-css"})
UNNAMED_CODE = "Unnamed code"
# Codings that name no user (or an unknown one) are credited to this account.
UNKNOWN_CODER = "unknown-coder"
NAME_MAX = Theme._meta.get_field("name").max_length
SLUG_MAX = Theme._meta.get_field("slug").max_length
USERNAME_MAX = User._meta.get_field("username").max_length
ORDER_MAX = 32767  # PositiveSmallIntegerField
_NOT_IN_USERNAME = re.compile(r"[^\w.@+-]+")
_CONCURRENT_CHANGE = ("The codebook or the tags changed while the file was being imported; "
                      "nothing was imported. Please try again.")


@dataclass
class CodebookImportResult:
    created: list[str] = field(default_factory=list)
    matched: int = 0
    themes: dict[uuid.UUID, Theme] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class OrphanReport:
    source: str
    theme: str
    quote: str


@dataclass
class ProjectImportResult:
    codebook: CodebookImportResult
    users_created: list[str] = field(default_factory=list)
    tags_created: int = 0
    tags_existing: int = 0
    orphans: list[OrphanReport] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def codebook_import(*, data: bytes, name: str) -> CodebookImportResult:
    """The codebook of a .qdc, or of the project in a .qdpx."""
    document = document_read(data=data, name=name)
    try:
        with transaction.atomic():
            return _codebook_apply(codes=codes_read(document=document))
    except IntegrityError as error:
        raise RefiError(_CONCURRENT_CHANGE) from error


def project_import(*, data: bytes, name: str) -> ProjectImportResult:
    """A .qdpx's codebook, users and codings on the texts of this corpus."""
    project = project_read(document=document_read(data=data, name=name), name=name)
    try:
        with transaction.atomic():
            result = ProjectImportResult(codebook=_codebook_apply(codes=project.codes))
            users = _Users(project=project, result=result)
            sources = list(Source.objects.all())
            for record in project.sources:
                _source_codings_apply(record=record, sources=sources, project=project,
                                      users=users, result=result)
    except IntegrityError as error:
        raise RefiError(_CONCURRENT_CHANGE) from error
    return result


# --- Codebook ---------------------------------------------------------------------------


class _Codebook:
    """The themes in the database, looked up the ways a code is matched, and new names."""

    def __init__(self) -> None:
        themes = list(Theme.objects.all())
        self.by_guid = {theme_guid(theme=theme): theme for theme in themes}
        # Only themes that were here before: two codes of one file never match each other.
        self.by_parent_and_name = {(theme.parent_id, theme.name): theme for theme in themes}
        self.names = {theme.name for theme in themes}
        self.slugs = {theme.slug for theme in themes} | RESERVED_SLUGS
        # New themes come after the existing ones, in the file's order, so that the themes
        # researchers have on their number keys stay first.
        self.first_order = max((theme.order for theme in themes), default=0) + 1
        self.created = 0

    def match(self, *, record: CodeRecord, parent: Theme | None) -> Theme | None:
        theme = self.by_guid.get(record.guid)
        if theme is None:
            theme = self.by_parent_and_name.get((_pk(parent), _name(record.name)))
            if theme is not None and theme.guid is None:
                # Remember the file's GUID, so that the next import matches by it.
                theme.guid = record.guid
                theme.save(update_fields=["guid"])
                self.by_guid[record.guid] = theme
        return theme

    def create(self, *, record: CodeRecord, parent: Theme | None) -> Theme:
        name = self._unique_name(name=_name(record.name), parent=parent)
        theme = Theme.objects.create(
            guid=record.guid,
            name=name,
            slug=self._unique_slug(name=name),
            definition=record.description,
            colour=record.colour or PALETTE[self.created % len(PALETTE)],
            order=min(self.first_order + self.created, ORDER_MAX),
            parent=parent,
        )
        self.created += 1
        self.by_guid[record.guid] = theme
        return theme

    def _unique_name(self, *, name: str, parent: Theme | None) -> str:
        """Names are unique across the codebook; tools allow "Other" under every code."""
        candidates = [name]
        if parent is not None:
            candidates.append(f"{name} ({parent.name})")
        candidates += (f"{name} {number}" for number in range(2, 10_000))
        for candidate in candidates:
            candidate = candidate[:NAME_MAX]
            if candidate not in self.names:
                self.names.add(candidate)
                return candidate
        raise RefiError(f"Too many codes named {name!r}.")

    def _unique_slug(self, *, name: str) -> str:
        base = slugify(name)[: SLUG_MAX - 6].strip("-") or "code"
        slug, number = base, 1
        while slug in self.slugs:
            number += 1
            slug = f"{base}-{number}"
        self.slugs.add(slug)
        return slug


def _pk(theme: Theme | None) -> int | None:
    return theme.pk if theme else None


def _name(name: str) -> str:
    return " ".join(name.split())[:NAME_MAX] or UNNAMED_CODE


def _codebook_apply(*, codes: Iterable[CodeRecord]) -> CodebookImportResult:
    codebook = _Codebook()
    result = CodebookImportResult()
    seen: dict[uuid.UUID, int] = {}

    def apply(records: Iterable[CodeRecord], parent: Theme | None) -> None:
        for record in records:
            if record.guid in seen:
                raise RefiError(f"Line {record.line}: the code GUID {record.guid} is already "
                                f"used by the code on line {seen[record.guid]}.")
            seen[record.guid] = record.line
            theme = codebook.match(record=record, parent=parent)
            if theme is None:
                theme = codebook.create(record=record, parent=parent)
                result.created.append(theme.name)
            else:
                result.matched += 1
            result.themes[record.guid] = theme
            apply(record.children, theme)

    apply(codes, None)
    return result


# --- Users --------------------------------------------------------------------------------


class _Users:
    """The project's users as accounts here: matched by name, else created as researchers
    who cannot log in until an administrator sets a password."""

    def __init__(self, *, project: ProjectRecord, result: ProjectImportResult) -> None:
        self._result = result
        self._names = {record.guid: _username(record.name or f"coder-{record.guid.hex[:8]}")
                       for record in project.users}
        self._accounts = {user.username: user for user in User.objects.filter(
            username__in=[*self._names.values(), UNKNOWN_CODER])}

    def get(self, guid: uuid.UUID | None) -> User:
        username = self._names.get(guid, UNKNOWN_CODER)
        if username not in self._accounts:
            user = User.objects.create_user(username=username, password=None)
            user.groups.add(Group.objects.get(name=RESEARCHERS_GROUP))
            self._accounts[username] = user
            self._result.users_created.append(username)
        return self._accounts[username]


def _username(name: str) -> str:
    return _NOT_IN_USERNAME.sub("-", name.strip()).strip("-")[:USERNAME_MAX] or UNKNOWN_CODER


# --- Codings --------------------------------------------------------------------------------


@dataclass
class _SourceTarget:
    """A source of this corpus that a project's text source stands for."""

    source: Source
    passages: dict[int, Passage]
    layout: SourceText
    tag_keys: set[tuple]
    # The file's text is the one we export: positions point straight at passages.
    aligned: bool


def _source_codings_apply(*, record: TextSourceRecord, sources: list[Source],
                          project: ProjectRecord, users: _Users,
                          result: ProjectImportResult) -> None:
    coded = [selection for selection in record.selections if selection.codings]
    if not coded:
        return
    label = f"source {record.name or record.guid}"
    source = _source_match(record=record, sources=sources)
    if source is None:
        result.skipped.append(f"{label}: not a source of this corpus; "
                              f"{len(coded)} coded selection(s) skipped.")
        return
    if record.text is None:
        result.skipped.append(f"{label}: its text is missing from the file; "
                              f"{len(coded)} coded selection(s) skipped.")
        return
    target = _target_load(source=source, text=record.text)
    new_tags: list[tuple[Tag, datetime | None]] = []
    for selection in coded:
        if not 0 <= selection.start < selection.end <= len(record.text):
            result.skipped.append(
                f"{label}, line {selection.line}: the selection {selection.start}–"
                f"{selection.end} lies outside the text ({len(record.text)} characters).")
            continue
        new_tags += _selection_tags(selection=selection, text=record.text, target=target,
                                    project=project, users=users, result=result)
    Tag.objects.bulk_create(tag for tag, _ in new_tags)
    # Creation times come from the file where it gives them (auto_now_add ignores them on
    # create); bulk_update writes the attribute as set.
    dated = [tag for tag, created in new_tags if created is not None]
    for tag, created in new_tags:
        if created is not None:
            tag.created = created
    Tag.objects.bulk_update(dated, ["created"], batch_size=1000)
    result.tags_created += len(new_tags)


def _source_match(*, record: TextSourceRecord, sources: list[Source]) -> Source | None:
    """By the GUID our exports give a source, else by name (its slug, then its title)."""
    for source in sources:
        if source_guid(slug=source.slug) == record.guid:
            return source
    return next((source for source in sources if record.name in (source.slug, source.title)),
                None)


def _target_load(*, source: Source, text: str) -> _SourceTarget:
    passages = {passage.pk: passage for passage in
                Passage.objects.filter(source=source).order_by("ordinal").only("pk", "text")}
    tag_keys = {
        _tag_key(**row) for row in Tag.objects.filter(source=source).values(
            "passage_id", "theme_id", "user_id", "start", "end", "quote")
    }
    layout = source_text_join(passages=((pk, passage.text) for pk, passage in passages.items()))
    return _SourceTarget(source=source, passages=passages, layout=layout, tag_keys=tag_keys,
                         aligned=text == layout.text)


def _tag_key(*, passage_id: int | None, theme_id: int, user_id: int, start: int | None,
             end: int | None, quote: str) -> tuple:
    """What makes a tag itself: its place, or for an orphan (no place) its words."""
    if passage_id is None:
        return (None, theme_id, user_id, quote)
    return (passage_id, theme_id, user_id, start, end)


def _tag_keys(*, tag: Tag) -> set[tuple]:
    """A tag's key; for a whole-passage tag, also that of a span over all of its text,
    which exports as the same selection."""
    keys = {_tag_key(passage_id=tag.passage_id, theme_id=tag.theme_id, user_id=tag.user_id,
                     start=tag.start, end=tag.end, quote=tag.quote)}
    if tag.passage_id is not None and tag.start is None:
        keys.add(_tag_key(passage_id=tag.passage_id, theme_id=tag.theme_id, user_id=tag.user_id,
                          start=0, end=len(tag.quote), quote=tag.quote))
    return keys


def _selection_tags(*, selection: SelectionRecord, text: str, target: _SourceTarget,
                    project: ProjectRecord, users: _Users,
                    result: ProjectImportResult) -> list[tuple[Tag, datetime | None]]:
    placement, selector = _place(text=text, start=selection.start, end=selection.end,
                                 target=target)
    tags = []
    for coding in selection.codings:
        theme = result.codebook.themes.get(coding.code_guid)
        if theme is None:
            result.skipped.append(f"line {selection.line}: the coding refers to code "
                                  f"{coding.code_guid}, which is not in the codebook.")
            continue
        tag = _tag_build(
            placement=placement, selector=selector, target=target, theme=theme,
            user=users.get(coding.user_guid or selection.user_guid),
            memo=_memo(notes=project.notes, guids=coding.note_guids + selection.note_guids,
                       description=selection.description),
        )
        keys = _tag_keys(tag=tag)
        if not keys.isdisjoint(target.tag_keys):
            result.tags_existing += 1
            continue
        target.tag_keys |= keys
        tags.append((tag, coding.created))
        if placement is None:
            result.orphans.append(OrphanReport(source=target.source.slug, theme=theme.name,
                                               quote=tag.quote))
    return tags


def _selectors_in(*, text: str, start: int, end: int) -> list[tuple[QuoteSelector, int]]:
    """The selection as it is, then without the spaces or line breaks at its ends that other
    tools often select with the words: each with where it starts in ``text``."""
    exact = text[start:end]
    trimmed_start = start + len(exact) - len(exact.lstrip())
    trimmed_end = end - (len(exact) - len(exact.rstrip()))
    spans = [(start, end)]
    if (trimmed_start, trimmed_end) != (start, end) and trimmed_start < trimmed_end:
        spans.append((trimmed_start, trimmed_end))
    return [(quote_context(text=text, start=first, end=last), first) for first, last in spans]


def _place(*, text: str, start: int, end: int,
           target: _SourceTarget) -> tuple[Placement | None, QuoteSelector]:
    """Where the words stand now, and their selector: in the passage at their position when
    the file's text is the one we export (a round trip), else by quote anywhere in the
    source. Unplaced, the last selector tried describes the orphan."""
    for selector, offset in _selectors_in(text=text, start=start, end=end):
        placement = _locate(selector=selector, offset=offset, target=target)
        if placement is not None:
            return placement, selector
    return None, selector


def _locate(*, selector: QuoteSelector, offset: int, target: _SourceTarget) -> Placement | None:
    if not selector.exact.strip():
        return None
    hint = target.passages.get(target.layout.passage_at(offset)) if target.aligned else None
    return quote_locate(selector=selector, passages=target.passages.values(),
                        whole_passage=False, hint=hint)


def _tag_build(*, placement: Placement | None, selector: QuoteSelector, target: _SourceTarget,
               theme: Theme, user: User, memo: str) -> Tag:
    if placement is None:
        return Tag(source=target.source, passage=None, theme=theme, user=user,
                   quote=selector.exact, prefix=selector.prefix, suffix=selector.suffix,
                   memo=memo)
    passage = target.passages[placement.passage_id]
    if (placement.start, placement.end) == (0, len(passage.text)):
        # A selection of a whole passage is a whole-passage tag, as it was exported.
        return Tag(source=target.source, passage=passage, theme=theme, user=user,
                   quote=passage.text, memo=memo)
    context = quote_context(text=passage.text, start=placement.start, end=placement.end)
    return Tag(source=target.source, passage=passage, theme=theme, user=user,
               start=placement.start, end=placement.end, quote=context.exact,
               prefix=context.prefix, suffix=context.suffix, memo=memo)


def _memo(*, notes: dict[uuid.UUID, str], guids: tuple[uuid.UUID, ...],
          description: str) -> str:
    """The coding's notes, else the selection's description (how QualCoder writes memos)."""
    texts = list(dict.fromkeys(notes[guid] for guid in guids if notes.get(guid)))
    return "\n\n".join(texts) or description
