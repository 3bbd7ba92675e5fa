"""REFI-QDA imports: codebooks from other tools, and codings back from a project."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from annotations.models import RESEARCHERS_GROUP, Tag, Theme
from annotations.refi.documents import RefiError
from annotations.refi.export import codebook_export, project_export
from annotations.refi.guids import source_guid
from annotations.refi.import_ import PALETTE, codebook_import, project_import
from annotations.services import tag_create
from tests.annotations.refi.conftest import FIRST

pytestmark = pytest.mark.django_db

CODEBOOK_HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n'
                 '<CodeBook xmlns="urn:QDA-XML:codebook:1.0">')


def _codebook_state() -> set[tuple]:
    return {
        (theme.name, theme.parent.name if theme.parent else None, theme.colour, theme.definition)
        for theme in Theme.objects.select_related("parent")
    }


def _tag_state() -> set[tuple]:
    return {
        (tag.source.slug, tag.passage.ordinal if tag.passage else None, tag.start, tag.end,
         tag.theme.name, tag.user.username, tag.quote, tag.memo, tag.created)
        for tag in Tag.objects.select_related("source", "passage", "theme", "user")
    }


def _file(tmp_path, name: str, payload: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(payload)
    return str(path)


# --- Round trip ---------------------------------------------------------------------------


def test_export_empty_database_import_gives_the_same_codebook_and_tags(coded, tmp_path):
    codebook, tags = _codebook_state(), _tag_state()
    codebook_file = codebook_export()
    path = _file(tmp_path, "project.qdpx", project_export())
    Tag.objects.all().delete()
    User.objects.all().delete()
    while Theme.objects.exists():  # leaves first: a parent is protected by its children
        Theme.objects.filter(children=None).delete()

    call_command("import_project", path, stdout=io.StringIO())

    assert _codebook_state() == codebook
    assert _tag_state() == tags
    assert codebook_export() == codebook_file  # the same GUIDs again
    for user in User.objects.all():
        assert not user.has_usable_password()
        assert user.groups.filter(name=RESEARCHERS_GROUP).exists()


def test_importing_the_same_project_twice_duplicates_nothing(coded):
    payload = project_export()
    tags = _tag_state()

    first = project_import(data=payload, name="project.qdpx")
    second = project_import(data=payload, name="project.qdpx")

    assert (first.tags_created, first.tags_existing) == (0, len(coded))
    assert (second.tags_created, second.codebook.created, second.users_created) == (0, [], [])
    assert _tag_state() == tags


def test_the_command_reports_what_it_did(coded, tmp_path):
    path = _file(tmp_path, "project.qdpx", project_export())
    Tag.objects.filter(user__username="karl").delete()
    out = io.StringIO()

    call_command("import_project", path, stdout=out)

    assert out.getvalue().startswith(
        "Themes created: 0; users created: 0; tags created: 2 (0 as orphans); "
        "already present: 4.")


# --- Codings from another tool ------------------------------------------------------------


def _foreign_project(*, text: str, selections: list[tuple[int, int, str]],
                     source_name: str = "kotkin-test", source_id: uuid.UUID | None = None,
                     user_name: str = "Ana María", code_name: str = "Paternalism") -> bytes:
    """A project as another tool writes it: its own GUIDs, inline memos as descriptions."""
    code, user = uuid.uuid4(), uuid.uuid4()
    source = source_id or uuid.uuid4()
    selection_xml = "".join(
        f'<PlainTextSelection guid="{uuid.uuid4()}" startPosition="{start}" '
        f'endPosition="{end}" creatingUser="{user}"><Description>{memo}</Description>'
        f'<Coding guid="{uuid.uuid4()}" creatingUser="{user}"><CodeRef targetGUID="{code}"/>'
        f"</Coding></PlainTextSelection>"
        for start, end, memo in selections
    )
    project = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="Elsewhere" origin="QualCoder 3.5">'
        f'<Users><User guid="{user}" name="{user_name}"/></Users>'
        f'<CodeBook><Codes><Code guid="{code}" name="{code_name}" isCodable="true"/></Codes>'
        f'</CodeBook><Sources><TextSource guid="{source}" name="{source_name}" '
        f'plainTextPath="internal://{source}.txt">{selection_xml}</TextSource></Sources>'
        "</Project>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", project)
        archive.writestr(f"Sources/{source}.txt", "\ufeff" + text.replace("\n", "\r\n"))
    return buffer.getvalue()


def test_codings_from_another_tool_are_placed_by_quote(coded, codebook):
    # The other tool's text: one passage, re-typed with a changed word and CRLF line ends.
    text = "Preface.\n" + FIRST.replace("loyal", "loyall")
    written = text.replace("\n", "\r\n")  # as the helper writes it
    moved, lost = written.index("flats to loyall workers"), written.index("Preface")
    payload = _foreign_project(text=text, selections=[
        (moved, moved + len("flats to loyall workers"), "moved"),
        (lost, lost + len("Preface"), "gone"),
    ])

    result = project_import(data=payload, name="elsewhere.qdpx")

    assert result.users_created == ["Ana-María"]
    assert result.codebook.created == []  # matched by name
    placed = Tag.objects.get(user__username="Ana-María", passage__isnull=False)
    assert (placed.quote, placed.memo, placed.theme) == ("flats to loyal workers", "moved",
                                                          codebook["paternalism"])
    orphan = Tag.objects.get(user__username="Ana-María", passage__isnull=True)
    assert (orphan.quote, orphan.source.slug) == ("Preface", "kotkin-test")
    assert [(report.quote, report.theme) for report in result.orphans] == [
        ("Preface", "Paternalism")]
    again = project_import(data=payload, name="elsewhere.qdpx")
    assert (again.tags_created, again.tags_existing) == (0, 2)


def test_codings_on_an_unknown_source_are_reported_not_imported(coded):
    payload = _foreign_project(text="Some other book.", selections=[(0, 4, "")],
                               source_name="someone-else-2001")

    result = project_import(data=payload, name="elsewhere.qdpx")

    assert result.tags_created == 0
    assert result.skipped == ["source someone-else-2001: not a source of this corpus; "
                              "1 coded selection(s) skipped."]


def test_a_source_is_matched_by_its_exported_guid_whatever_its_name(coded):
    text = FIRST
    payload = _foreign_project(text=text, selections=[(4, 12, "")], source_name="Renamed",
                               source_id=source_guid(slug="kotkin-test"))

    result = project_import(data=payload, name="elsewhere.qdpx")

    assert result.tags_created == 1
    assert Tag.objects.filter(quote="director", user__username="Ana-María").exists()


def test_a_selection_outside_its_text_is_reported(coded):
    payload = _foreign_project(text="short", selections=[(2, 99, "")])

    result = project_import(data=payload, name="elsewhere.qdpx")

    assert result.tags_created == 0
    assert "lies outside the text (5 characters)" in result.skipped[0]


# --- Codebooks ------------------------------------------------------------------------------


GRANDCHILDREN = ("Other", "Positive", "Negative")


def _nvivo_codebook(*, top: int = 12, children: int = 6) -> bytes:
    """A codebook as NVivo writes one: braced upper-case GUIDs, no colours, the same sub-code
    names under every parent, descriptions on some codes only."""

    def guid() -> str:
        return "{" + str(uuid.uuid4()).upper() + "}"

    def code(name: str, inner: str = "", description: str = "") -> str:
        described = f"<Description>{description}</Description>" if description else ""
        return f'<Code guid="{guid()}" name="{name}" isCodable="true">{described}{inner}</Code>'

    codes = "".join(
        code(f"Top {t} – Завод", description=f"Top-level code {t}", inner="".join(
            code(f"Child {c}", inner="".join(code(name) for name in GRANDCHILDREN))
            for c in range(children)
        ))
        for t in range(top)
    )
    return f"{CODEBOOK_HEAD}<Codes>{codes}</Codes></CodeBook>".encode()


def test_a_large_nested_nvivo_codebook_imports_whole(tmp_path):
    payload = _nvivo_codebook()  # 12 + 72 + 216 = 300 codes
    before = Theme.objects.count()
    out = io.StringIO()

    call_command("import_codebook", _file(tmp_path, "nvivo.qdc", payload), stdout=out)

    assert out.getvalue().strip() == "Themes created: 300; already in the codebook: 0."
    assert Theme.objects.count() == before + 300
    top = Theme.objects.get(name="Top 3 – Завод")
    assert top.definition == "Top-level code 3" and top.parent is None
    assert top.children.count() == 6
    child = top.children.get(name="Child 2 (Top 3 – Завод)")
    assert child.children.count() == 3
    assert Theme.objects.filter(parent__parent__parent=None, parent__parent__isnull=False
                                ).count() == 216
    assert set(Theme.objects.filter(guid__isnull=False).values_list("colour", flat=True)) == set(
        PALETTE)
    assert Theme.objects.filter(slug__in=["orphans", "import"]).count() == 0
    existing = Theme.objects.filter(guid__isnull=True).values_list("order", flat=True)
    imported = list(Theme.objects.filter(guid__isnull=False).order_by("order")
                    .values_list("name", flat=True))
    assert Theme.objects.get(name=imported[0]).order > max(existing)  # number keys stay
    assert imported[:3] == ["Top 0 – Завод", "Child 0", "Other"]  # the file's order

    again = codebook_import(data=payload, name="nvivo.qdc")
    assert (again.created, again.matched) == ([], 300)
    assert Theme.objects.count() == before + 300


def test_codes_match_existing_themes_by_name_under_the_same_parent(codebook):
    payload = (f'{CODEBOOK_HEAD}<Codes><Code guid="{uuid.uuid4()}" name="Paternalism" '
               f'isCodable="true" color="#ABC"><Code guid="{uuid.uuid4()}" name="Housing" '
               f'isCodable="false"/><Code guid="{uuid.uuid4()}" name="Welfare" isCodable="true"/>'
               f"</Code></Codes></CodeBook>").encode()

    result = codebook_import(data=payload, name="c.qdc")

    assert (result.created, result.matched) == (["Welfare"], 2)
    welfare = Theme.objects.get(name="Welfare")
    assert (welfare.parent, welfare.slug, welfare.colour) == (codebook["paternalism"], "welfare",
                                                               PALETTE[0])
    assert codebook["paternalism"].colour == Theme.objects.get(slug="paternalism").colour
    assert codebook_import(data=payload, name="c.qdc").created == []


@pytest.mark.parametrize(("given", "stored"), [("#ABC", "#aabbcc"), ("#FF000080", "#ff0000")])
def test_short_colours_are_expanded_and_transparency_dropped(given, stored, db):
    payload = (f'{CODEBOOK_HEAD}<Codes><Code guid="{uuid.uuid4()}" name="Coloured" '
               f'isCodable="true" color="{given}"/></Codes></CodeBook>').encode()
    codebook_import(data=payload, name="c.qdc")
    assert Theme.objects.get(name="Coloured").colour == stored


def test_the_codebook_of_a_project_imports_too(codebook, tmp_path):
    payload = project_export()
    Theme.objects.filter(slug="hostels").delete()

    call_command("import_codebook", _file(tmp_path, "p.qdpx", payload), stdout=io.StringIO())

    assert Theme.objects.get(name="Hostels").parent == codebook["housing"]


@pytest.mark.parametrize(("payload", "message"), [
    (b"not a codebook", "bad.qdc, line 1: not well-formed XML"),
    (b"PK\x03\x04 broken", "bad.qdc: not a readable .qdpx (zip) archive"),
    (b"<CodeBook><Codes/></CodeBook>", "the root element is <CodeBook> in namespace (none)"),
    (f'{CODEBOOK_HEAD}<Codes>\n<Code guid="x" name="A" isCodable="true"/></Codes></CodeBook>'
     .encode(), "line 3: Element 'Code', attribute 'guid': [facet 'pattern']"),
    (f'{CODEBOOK_HEAD}<Codes>\n<Code guid="{uuid.uuid4()}" name="A"/></Codes></CodeBook>'.encode(),
     "line 3: Element 'Code': The attribute 'isCodable' is required but missing."),
    (f'{CODEBOOK_HEAD}<Codes>\n<Code guid="{uuid.uuid4()}" name="A" isCodable="true" '
     f'color="#ff00f"/></Codes></CodeBook>'.encode(), "line 3: Element 'Code', attribute 'color'"),
    (f'{CODEBOOK_HEAD}<Codes/><Sets/></CodeBook>'.encode(), "Missing child element(s)"),
])
def test_a_bad_file_gets_a_message_naming_where(payload, message, db):
    with pytest.raises(RefiError, match=None) as error:
        codebook_import(data=payload, name="bad.qdc")
    assert message in str(error.value)


def test_a_bad_file_changes_nothing(tmp_path, db):
    repeated = uuid.uuid4()
    payload = (f'{CODEBOOK_HEAD}<Codes><Code guid="{uuid.uuid4()}" name="Fine" isCodable="true"/>'
               f'\n<Code guid="{repeated}" name="A" isCodable="true"/>\n'
               f'<Code guid="{repeated}" name="B" isCodable="true"/></Codes></CodeBook>').encode()
    before = _codebook_state()

    with pytest.raises(CommandError, match="Line 4: the code GUID .* on line 3"):
        call_command("import_codebook", _file(tmp_path, "twice.qdc", payload))

    assert _codebook_state() == before


def test_a_project_has_to_be_a_qdpx(db):
    payload = f'{CODEBOOK_HEAD}<Codes><Code guid="{uuid.uuid4()}" name="A" isCodable="true"/>' \
              "</Codes></CodeBook>"
    with pytest.raises(RefiError, match="is a codebook"):
        project_import(data=payload.encode(), name="c.qdc")


def test_a_doctype_is_refused_so_no_entity_is_resolved(db, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    payload = (f'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file://{secret}">]>'
               f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="{uuid.uuid4()}" '
               f'name="A" isCodable="true"><Description>&x;</Description></Code></Codes>'
               f"</CodeBook>").encode()
    with pytest.raises(RefiError, match="c.qdc: a DOCTYPE declaration is not allowed"):
        codebook_import(data=payload, name="c.qdc")


def test_a_span_over_a_whole_passage_is_not_imported_again_as_a_whole_passage_tag(
        make_passage, themes, researcher):
    passage = make_passage("Walder (fn. 18).")
    tag_create(user=researcher, passage=passage, theme=themes["workerism"], start=0,
               end=len(passage.text))

    result = project_import(data=project_export(), name="project.qdpx")

    assert (result.tags_created, result.tags_existing) == (0, 1)


@pytest.mark.parametrize("command", ["import_codebook", "import_project"])
def test_a_missing_file_is_a_command_error(command, tmp_path, db):
    with pytest.raises(CommandError, match="Cannot read .*missing.qdpx: No such file"):
        call_command(command, str(tmp_path / "missing.qdpx"))
