"""Writing the codebook (.qdc) and the whole project (.qdpx) as REFI-QDA 1.0.

Elements are written in the order the schemas fix (importers reject any other), GUIDs
come from ``annotations.refi.guids`` and nothing depends on the time of export, so
exporting the same data twice gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from annotations.models import Theme
from annotations.refi.documents import (
    CODEBOOK_NS,
    INTERNAL_PREFIX,
    PROJECT_MEMBER,
    PROJECT_NS,
    SOURCES_FOLDER,
)
from annotations.refi.guids import (
    coding_guid,
    memo_note_guid,
    selection_guid,
    source_guid,
    theme_criterion_note_guid,
    theme_guid,
    theme_memo_note_guid,
    user_guid,
)
from annotations.refi.selectors import (
    ProjectData,
    SourceText,
    TagRow,
    ThemeNode,
    codebook_tree,
    project_data,
)
from corpus.models import Source

PROJECT_NAME = "Labour history corpus"
ORIGIN = "labour-corpus (Django)"
# A fixed time for zip members: the archive's bytes depend on the data alone.
ZIP_MEMBER_TIME = (1980, 1, 1, 0, 0, 0)
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CRITERIA = (("inclusion", "Inclusion criteria"), ("exclusion", "Exclusion criteria"))


@dataclass(frozen=True)
class _Note:
    """A project ``Note``: a tag's or a theme's memo, or a theme's criterion."""

    guid: str
    name: str
    text: str
    username: str | None = None
    created: datetime | None = None


class EmptyCodebook(Exception):
    """There is no theme, and a REFI-QDA codebook needs at least one code."""


def codebook_export() -> bytes:
    """The codebook as a .qdc file."""
    themes = codebook_tree()
    if not themes:
        raise EmptyCodebook("The codebook has no themes to export.")
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS}, origin=ORIGIN)
    _codes_append(parent=root, nodes=themes, namespace=CODEBOOK_NS)
    return _xml_bytes(root)


def project_export() -> bytes:
    """The project as a .qdpx archive: ``project.qde`` and ``sources/<guid>.txt``."""
    data = project_data()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _member_write(archive, PROJECT_MEMBER, _xml_bytes(_project_element(data=data)))
        for source in data.sources:
            _member_write(archive, SOURCES_FOLDER + _text_file(source=source),
                          data.texts[source.pk].text.encode("utf-8"))
    return buffer.getvalue()


def _member_write(archive: zipfile.ZipFile, name: str, payload: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_MEMBER_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, payload)


def _xml_bytes(root: etree._Element) -> bytes:
    # lxml's own declaration uses single quotes, which some importers do not expect.
    return XML_DECLARATION + etree.tostring(root, xml_declaration=False, encoding="UTF-8",
                                            pretty_print=True)


def _text_file(*, source: Source) -> str:
    return f"{source_guid(slug=source.slug)}.txt"


def _sub(parent: etree._Element, tag: str, namespace: str = PROJECT_NS, *,
         text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}", attributes)
    if text is not None:
        element.text = _xml_safe(text)
    return element


def _xml_safe(value: str) -> str:
    """XML 1.0 cannot carry most control characters, which a pasted memo may hold."""
    return _NOT_XML_CHAR.sub("\ufffd", value)


def _codes_append(*, parent: etree._Element, nodes: list[ThemeNode], namespace: str,
                  notes: Mapping[int, list[_Note]] | None = None) -> None:
    codes = _sub(parent, "Codes", namespace)
    for node in nodes:
        _code_append(parent=codes, node=node, namespace=namespace, notes=notes)


def _code_append(*, parent: etree._Element, node: ThemeNode, namespace: str,
                 notes: Mapping[int, list[_Note]] | None) -> None:
    """A code with its sub-codes. ``notes`` (a project's): each theme's notes, referred to
    between its description and its sub-codes; a codebook has no notes, so the criteria
    join the description there."""
    theme = node.theme
    code = _sub(parent, "Code", namespace, guid=str(theme_guid(theme=theme)),
                name=_xml_safe(theme.name),
                isCodable="true", color=theme.colour)
    description = theme.definition if notes is not None else _description_with_criteria(theme)
    if description:
        _sub(code, "Description", namespace, text=description)
    for note in (notes or {}).get(theme.pk, ()):
        _sub(code, "NoteRef", namespace, targetGUID=note.guid)
    for child in node.children:
        _code_append(parent=code, node=child, namespace=namespace, notes=notes)


def _description_with_criteria(theme: Theme) -> str:
    criteria = [f"{label}: {getattr(theme, field)}" for field, label in CRITERIA
                if getattr(theme, field)]
    return "\n\n".join(part for part in (theme.definition, *criteria) if part)


def _theme_notes(*, data: ProjectData) -> dict[int, list[_Note]]:
    """Each theme's criteria (the non-empty ones), then its memos, oldest first."""
    themes = {node.theme.pk: node.theme for node in _walk(data.themes)}
    notes: dict[int, list[_Note]] = defaultdict(list)
    for theme in themes.values():
        for field, label in CRITERIA:
            if getattr(theme, field):
                guid = theme_criterion_note_guid(theme=theme, criterion=field)
                notes[theme.pk].append(_Note(guid=str(guid), name=f"{label}: {theme.name}",
                                             text=getattr(theme, field)))
    for memo in data.theme_memos:
        notes[memo.theme_id].append(_Note(
            guid=str(theme_memo_note_guid(memo_id=memo.id)),
            name=f"Memo on {themes[memo.theme_id].name}", text=memo.text,
            username=memo.username, created=memo.created,
        ))
    return notes


def _project_element(*, data: ProjectData) -> etree._Element:
    root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS},
                         name=PROJECT_NAME, origin=ORIGIN)
    if data.usernames:
        users = _sub(root, "Users")
        for username in data.usernames:
            _sub(users, "User", guid=str(user_guid(username=username)), name=username)
    theme_notes = _theme_notes(data=data)
    if data.themes:
        _codes_append(parent=_sub(root, "CodeBook"), nodes=data.themes, namespace=PROJECT_NS,
                      notes=theme_notes)
    if data.sources:
        _sources_append(parent=root, data=data)
    notes = [
        *(_Note(guid=str(memo_note_guid(tag_id=tag.id)), name=f"Memo on tag {tag.id}",
                text=tag.memo, username=tag.username, created=tag.created)
          for tag in data.tags if tag.memo),
        *(note for node in _walk(data.themes) for note in theme_notes.get(node.theme.pk, ())),
    ]
    if notes:
        _notes_append(parent=root, notes=notes)
    return root


def _sources_append(*, parent: etree._Element, data: ProjectData) -> None:
    code_guids = {node.theme.pk: str(theme_guid(theme=node.theme)) for node in _walk(data.themes)}
    tags_by_source: dict[int, list[TagRow]] = defaultdict(list)
    for tag in data.tags:
        tags_by_source[tag.source_id].append(tag)
    sources = _sub(parent, "Sources")
    for source in data.sources:
        element = _sub(sources, "TextSource", guid=str(source_guid(slug=source.slug)),
                       name=source.slug, plainTextPath=INTERNAL_PREFIX + _text_file(source=source))
        _sub(element, "Description", text=source.citation)
        for tag in tags_by_source[source.pk]:
            _selection_append(parent=element, tag=tag, text=data.texts[source.pk],
                              code_guid=code_guids[tag.theme_id])


def _walk(nodes: list[ThemeNode]) -> Iterable[ThemeNode]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _selection_append(*, parent: etree._Element, tag: TagRow, text: SourceText,
                      code_guid: str) -> None:
    """One tag: a selection of its words (of its whole passage) coded with its theme."""
    passage_start, passage_end = text.spans[tag.passage_id]
    if tag.start is None:
        start, end = passage_start, passage_end
    else:
        start, end = passage_start + tag.start, passage_start + tag.end
    creator = str(user_guid(username=tag.username))
    created = tag.created.isoformat()
    selection = _sub(parent, "PlainTextSelection", guid=str(selection_guid(tag_id=tag.id)),
                     startPosition=str(start), endPosition=str(end), creatingUser=creator,
                     creationDateTime=created)
    if tag.memo:
        # QualCoder and MAXQDA read a selection's description as the coding memo.
        _sub(selection, "Description", text=tag.memo)
    coding = _sub(selection, "Coding", guid=str(coding_guid(tag_id=tag.id)),
                  creatingUser=creator, creationDateTime=created)
    _sub(coding, "CodeRef", targetGUID=code_guid)
    if tag.memo:
        _sub(coding, "NoteRef", targetGUID=str(memo_note_guid(tag_id=tag.id)))


def _notes_append(*, parent: etree._Element, notes: list[_Note]) -> None:
    element = _sub(parent, "Notes")
    for note in notes:
        authorship = {} if note.username is None else {
            "creatingUser": str(user_guid(username=note.username)),
            "creationDateTime": note.created.isoformat(),
        }
        written = _sub(element, "Note", guid=note.guid, name=_xml_safe(note.name), **authorship)
        _sub(written, "PlainTextContent", text=note.text)
