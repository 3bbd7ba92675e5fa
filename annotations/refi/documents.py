"""Reading REFI-QDA files: a codebook (.qdc) or a project (.qdpx), checked against the schemas.

Parsing uses lxml, which also validates against the official XSDs (libxml2) and says
where a file goes wrong: every error names the line and the element. The parser resolves
no external entities and fetches nothing from the network, since files come from uploads.
What this module returns is plain data (dataclasses); nothing here touches the database.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from lxml import etree

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
PROJECT_MEMBER = "project.qde"
INTERNAL_PREFIX = "internal://"
SOURCES_FOLDER = "sources/"
# A zip member larger than this is refused: the five sources together are a few MB.
MEMBER_MAX_BYTES = 100 * 1024 * 1024
ERRORS_SHOWN = 5
_HEX_COLOUR = re.compile(r"[0-9a-f]{6}")
_NAMESPACE_IN_MESSAGE = re.compile(r"\{urn:QDA-XML:[a-z]+:1\.0\}")


class RefiError(ValueError):
    """A file that cannot be imported; the message says where and why."""


@dataclass(frozen=True)
class CodeRecord:
    guid: uuid.UUID
    name: str
    colour: str | None
    description: str
    line: int
    children: tuple[CodeRecord, ...]


@dataclass(frozen=True)
class CodingRecord:
    code_guid: uuid.UUID
    user_guid: uuid.UUID | None
    note_guids: tuple[uuid.UUID, ...]
    created: datetime | None


@dataclass(frozen=True)
class SelectionRecord:
    start: int
    end: int
    user_guid: uuid.UUID | None
    description: str
    note_guids: tuple[uuid.UUID, ...]
    codings: tuple[CodingRecord, ...]
    line: int


@dataclass(frozen=True)
class TextSourceRecord:
    guid: uuid.UUID
    name: str
    text: str | None
    selections: tuple[SelectionRecord, ...]


@dataclass(frozen=True)
class UserRecord:
    guid: uuid.UUID
    name: str


@dataclass(frozen=True)
class ProjectRecord:
    users: tuple[UserRecord, ...]
    codes: tuple[CodeRecord, ...]
    sources: tuple[TextSourceRecord, ...]
    notes: dict[uuid.UUID, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RefiDocument:
    """A validated document: its root element, and the archive it came in, if any."""

    root: etree._Element
    archive: zipfile.ZipFile | None

    @property
    def is_project(self) -> bool:
        return etree.QName(self.root).namespace == PROJECT_NS


@cache
def schema_load(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS_DIR / name)))


def document_read(*, data: bytes, name: str) -> RefiDocument:
    """A .qdc or .qdpx (told apart by content, not by name), parsed and validated."""
    archive = None
    xml = data
    if data[:4] == b"PK\x03\x04":
        archive = _archive_open(data=data, name=name)
        xml = _member_read(archive=archive, member=PROJECT_MEMBER, name=name)
        if xml is None:
            raise RefiError(f"{name}: the .qdpx archive has no {PROJECT_MEMBER}.")
        name = f"{name}: {PROJECT_MEMBER}"
    root = _xml_parse(xml=xml, name=name)
    _validate(root=root, name=name)
    return RefiDocument(root=root, archive=archive)


def _archive_open(*, data: bytes, name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise RefiError(f"{name}: not a readable .qdpx (zip) archive: {error}.") from error


def _member_read(*, archive: zipfile.ZipFile, member: str, name: str) -> bytes | None:
    """A member by name, ignoring case (tools differ on ``Sources/`` and ``sources/``)."""
    info = next((info for info in archive.infolist()
                 if info.filename.lower() == member.lower()), None)
    if info is None:
        return None
    if info.file_size > MEMBER_MAX_BYTES:
        raise RefiError(f"{name}: {info.filename} is too large ({info.file_size} bytes).")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise RefiError(f"{name}: {info.filename} cannot be read: {error}.") from error


def _xml_parse(*, xml: bytes, name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        raise RefiError(f"{name}, line {error.lineno}: not well-formed XML: {error.msg}") from error
    if root is None:
        raise RefiError(f"{name}: the file is empty.")
    if root.getroottree().docinfo.internalDTD is not None:
        # REFI-QDA files have none; a DTD in an upload can only be an entity trick.
        raise RefiError(f"{name}: a DOCTYPE declaration is not allowed in a REFI-QDA file.")
    return root


def _validate(*, root: etree._Element, name: str) -> None:
    qname = etree.QName(root)
    schemas = {(CODEBOOK_NS, "CodeBook"): "Codebook.xsd", (PROJECT_NS, "Project"): "Project.xsd"}
    schema_name = schemas.get((qname.namespace, qname.localname))
    if schema_name is None:
        raise RefiError(
            f"{name}, line {root.sourceline}: the root element is <{qname.localname}> in "
            f"namespace {qname.namespace or '(none)'}; a REFI-QDA codebook has <CodeBook> in "
            f"{CODEBOOK_NS}, a project <Project> in {PROJECT_NS}."
        )
    schema = schema_load(schema_name)
    try:
        if schema.validate(root):
            return
    except etree.XMLSchemaValidateError as error:
        raise RefiError(f"{name} cannot be checked against {schema_name}: {error}") from error
    errors = [
        f"line {entry.line}: {_NAMESPACE_IN_MESSAGE.sub('', entry.message).rstrip('.')}"
        for entry in list(schema.error_log)[:ERRORS_SHOWN]
    ]
    raise RefiError(f"{name} does not follow the REFI-QDA schema {schema_name}: "
                    + "; ".join(errors) + ".")


# --- From elements to records -------------------------------------------------------------


def codes_read(*, document: RefiDocument) -> tuple[CodeRecord, ...]:
    """The codebook's codes, nested as in the file (none if a project has no codebook)."""
    namespace = etree.QName(document.root).namespace
    path = "p:CodeBook/p:Codes/p:Code" if document.is_project else "p:Codes/p:Code"
    return tuple(_code_record(element, namespace)
                 for element in document.root.xpath(path, namespaces={"p": namespace}))


def _code_record(element: etree._Element, namespace: str) -> CodeRecord:
    description = element.find(f"{{{namespace}}}Description")
    return CodeRecord(
        guid=uuid.UUID(element.get("guid")),
        name=element.get("name"),
        colour=_colour(element.get("color"), line=element.sourceline),
        description=(description.text or "") if description is not None else "",
        line=element.sourceline,
        children=tuple(_code_record(child, namespace)
                       for child in element.iterfind(f"{{{namespace}}}Code")),
    )


def _colour(value: str | None, *, line: int) -> str | None:
    """``#rrggbb``. The schema allows ``#RGB`` too; a transparency some tools add (and
    libxml2's reading of the schema's pattern lets through) is dropped."""
    if value is None:
        return None
    digits = value.strip().lstrip("#").lower()
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    elif len(digits) == 8:
        digits = digits[:6]
    if not _HEX_COLOUR.fullmatch(digits):
        raise RefiError(f"Line {line}: the code's color {value!r} is not #RRGGBB.")
    return f"#{digits}"


def project_read(*, document: RefiDocument, name: str) -> ProjectRecord:
    if not document.is_project:
        raise RefiError(f"{name} is a codebook (.qdc); codings come in a project (.qdpx).")
    ns = {"p": PROJECT_NS}
    root = document.root
    users = tuple(
        UserRecord(guid=uuid.UUID(user.get("guid")),
                   name=user.get("name") or user.get("id") or "")
        for user in root.iterfind("p:Users/p:User", ns)
    )
    notes = {
        uuid.UUID(note.get("guid")): _text_source_text(document=document, element=note,
                                                       name=name) or ""
        for note in root.iterfind("p:Notes/p:Note", ns)
    }
    sources = tuple(
        TextSourceRecord(
            guid=uuid.UUID(source.get("guid")),
            name=source.get("name") or "",
            text=_text_source_text(document=document, element=source, name=name),
            selections=tuple(_selection_record(element)
                             for element in source.iterfind("p:PlainTextSelection", ns)),
        )
        for source in root.iterfind("p:Sources/p:TextSource", ns)
    )
    return ProjectRecord(users=users, codes=codes_read(document=document), sources=sources,
                         notes=notes)


def _text_source_text(*, document: RefiDocument, element: etree._Element,
                      name: str) -> str | None:
    """The plain text of a source or note: inline, or the file it points to in the archive."""
    content = element.find(f"{{{PROJECT_NS}}}PlainTextContent")
    if content is not None:
        return content.text or ""
    path = element.get("plainTextPath") or ""
    if document.archive is None or not path.startswith(INTERNAL_PREFIX):
        return None
    data = _member_read(archive=document.archive,
                        member=SOURCES_FOLDER + path.removeprefix(INTERNAL_PREFIX), name=name)
    if data is None:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RefiError(f"{name}: {path} is not UTF-8 text ({error.reason} at byte "
                        f"{error.start}).") from error


def _selection_record(element: etree._Element) -> SelectionRecord:
    ns = {"p": PROJECT_NS}
    description = element.find("p:Description", ns)
    return SelectionRecord(
        start=int(element.get("startPosition")),
        end=int(element.get("endPosition")),
        user_guid=_guid_or_none(element.get("creatingUser")),
        description=(description.text or "") if description is not None else "",
        note_guids=_note_refs(element),
        codings=tuple(
            CodingRecord(
                code_guid=uuid.UUID(coding.find("p:CodeRef", ns).get("targetGUID")),
                user_guid=_guid_or_none(coding.get("creatingUser")),
                note_guids=_note_refs(coding),
                created=_datetime_or_none(coding.get("creationDateTime")
                                          or element.get("creationDateTime")),
            )
            for coding in element.iterfind("p:Coding", ns)
        ),
        line=element.sourceline,
    )


def _note_refs(element: etree._Element) -> tuple[uuid.UUID, ...]:
    return tuple(uuid.UUID(ref.get("targetGUID"))
                 for ref in element.iterfind(f"{{{PROJECT_NS}}}NoteRef"))


def _guid_or_none(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def _datetime_or_none(value: str | None) -> datetime | None:
    """An xsd:dateTime (checked by the schema); one without a zone is taken as UTC."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
