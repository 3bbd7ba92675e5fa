"""REFI-QDA exports: valid against the official schemas, stable GUIDs, exact offsets."""

from __future__ import annotations

import uuid

import pytest
from django.test import override_settings
from lxml import etree

from annotations.models import Tag, Theme, ThemeMemo
from annotations.refi.documents import CODEBOOK_NS, PROJECT_MEMBER, PROJECT_NS, SCHEMAS_DIR
from annotations.refi.export import codebook_export, project_export
from annotations.refi.guids import (
    source_guid,
    theme_criterion_note_guid,
    theme_guid,
    theme_memo_note_guid,
    user_guid,
)
from tests.annotations.refi.conftest import (
    FIRST,
    NOTE,
    SECOND,
    SHARED_SCHEMAS,
    official_schema,
    project_members,
    project_root,
)
from tests.api_roles import EVERYONE, LOGGED_IN, RoleClients, assert_role_matrix

pytestmark = pytest.mark.django_db

CB = {"c": CODEBOOK_NS}
P = {"p": PROJECT_NS}


@pytest.mark.skipif(SHARED_SCHEMAS is None, reason="../shared/refi-qda is not beside the clone")
@pytest.mark.parametrize("name", ["Codebook.xsd", "Project.xsd"])
def test_bundled_schemas_are_the_official_ones(name):
    assert (SCHEMAS_DIR / name).read_bytes() == (SHARED_SCHEMAS / name).read_bytes()


# --- Codebook ---------------------------------------------------------------------------


def test_codebook_is_valid_and_nested(codebook):
    payload = codebook_export()

    root = etree.fromstring(payload)
    official_schema("Codebook.xsd").assertValid(root)
    assert payload.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    top = root.xpath("c:Codes/c:Code/@name", namespaces=CB)
    assert top == [theme.name for theme in Theme.objects.filter(parent=None)]
    housing = root.xpath("c:Codes/c:Code[@name='Paternalism']/c:Code", namespaces=CB)[0]
    assert (housing.get("name"), housing.get("color"), housing.get("isCodable")) == (
        "Housing", "#123456", "true")
    assert housing.findtext("c:Description", namespaces=CB) == "Flats and hostels."
    hostels = housing.find("c:Code", namespaces=CB)
    assert hostels.get("name") == "Hostels"
    assert hostels.find("c:Description", namespaces=CB) is None  # no empty definitions


def test_codebook_guids_are_the_same_on_every_export(codebook):
    imported = uuid.uuid4()
    Theme.objects.filter(slug="hostels").update(guid=imported)

    first, second = codebook_export(), codebook_export()

    assert first == second
    guids = etree.fromstring(first).xpath("//c:Code/@guid", namespaces=CB)
    assert str(imported) in guids
    assert str(theme_guid(theme=codebook["housing"])) in guids
    assert len(set(guids)) == len(guids)


def test_codebook_descriptions_carry_the_criteria(codebook):
    Theme.objects.filter(slug="housing").update(inclusion="Flats given by the plant.",
                                                exclusion="Rents: use wages.")
    Theme.objects.filter(slug="hostels").update(inclusion="Barracks too.")

    root = etree.fromstring(codebook_export())

    official_schema("Codebook.xsd").assertValid(root)
    descriptions = dict(zip(root.xpath("//c:Code/@name", namespaces=CB),
                            [code.findtext("c:Description", namespaces=CB)
                             for code in root.iterfind(".//c:Code", namespaces=CB)], strict=True))
    assert descriptions["Housing"] == ("Flats and hostels.\n\n"
                                       "Inclusion criteria: Flats given by the plant.\n\n"
                                       "Exclusion criteria: Rents: use wages.")
    assert descriptions["Hostels"] == "Inclusion criteria: Barracks too."


# --- Project ----------------------------------------------------------------------------


def test_project_is_a_valid_archive_of_the_texts(coded):
    members = project_members(project_export())

    official_schema("Project.xsd").assertValid(etree.fromstring(members[PROJECT_MEMBER]))
    texts = {name: data for name, data in members.items() if name != PROJECT_MEMBER}
    assert set(texts) == {f"sources/{source_guid(slug=slug)}.txt"
                          for slug in ("kotkin-test", "crowley-test")}
    kotkin = texts[f"sources/{source_guid(slug='kotkin-test')}.txt"]
    assert not kotkin.startswith(b"\xef\xbb\xbf")  # no byte-order mark
    # Passages in reading order, body text and notes alike, one blank line apart.
    assert kotkin.decode("utf-8") == f"{FIRST}\n\n{SECOND}\n\n{NOTE}"


def test_project_lists_users_sources_and_codes(coded):
    root = project_root(project_export())

    assert root.xpath("p:Users/p:User/@name", namespaces=P) == ["karl", "rosa"]
    source = root.xpath("p:Sources/p:TextSource[@name='kotkin-test']", namespaces=P)[0]
    assert source.get("plainTextPath") == f"internal://{source_guid(slug='kotkin-test')}.txt"
    assert source.findtext("p:Description", namespaces=P).startswith("Test Author")
    codes = root.xpath("p:CodeBook/p:Codes//p:Code/@name", namespaces=P)
    assert {"Paternalism", "Housing", "Hostels"} <= set(codes)


def test_each_selection_selects_exactly_its_tag_quote(coded):
    members = project_members(project_export())
    root = etree.fromstring(members[PROJECT_MEMBER])
    codes = {code.get("guid"): code.get("name") for code in root.iter(f"{{{PROJECT_NS}}}Code")}
    users = {user.get("guid"): user.get("name") for user in root.iter(f"{{{PROJECT_NS}}}User")}

    exported = set()
    for source in root.iterfind("p:Sources/p:TextSource", namespaces=P):
        text = members["sources/" + source.get("plainTextPath").removeprefix("internal://")]
        text = text.decode("utf-8")
        for selection in source.iterfind("p:PlainTextSelection", namespaces=P):
            coding = selection.find("p:Coding", namespaces=P)
            code = codes[coding.find("p:CodeRef", namespaces=P).get("targetGUID")]
            quote = text[int(selection.get("startPosition")):int(selection.get("endPosition"))]
            exported.add((source.get("name"), code, users[coding.get("creatingUser")], quote))

    # A span selects its quote; a whole-passage tag its passage's whole text.
    expected = {(tag.source.slug, tag.theme.name, tag.user.username, tag.quote)
                for tag in Tag.objects.select_related("source", "theme", "user")}
    assert exported == expected
    assert len(exported) == len(coded)


def test_memos_are_notes_referenced_from_their_coding(coded):
    root = project_root(project_export())

    notes = {note.get("guid"): note.findtext("p:PlainTextContent", namespaces=P)
             for note in root.iterfind("p:Notes/p:Note", namespaces=P)}
    assert set(notes.values()) == {"the director as father", "whole passage memo",
                                   'memo with <angle> & "quotes"'}
    for coding in root.iter(f"{{{PROJECT_NS}}}Coding"):
        refs = coding.xpath("p:NoteRef/@targetGUID", namespaces=P)
        description = coding.getparent().findtext("p:Description", namespaces=P)
        assert [notes[ref] for ref in refs] == ([description] if description else [])


def test_orphans_are_left_out_and_guids_are_stable(coded):
    Tag.objects.filter(pk=coded[0].pk).update(passage=None, start=None, end=None)

    first = project_export()

    selections = project_root(first).iter(f"{{{PROJECT_NS}}}PlainTextSelection")
    assert len(list(selections)) == len(coded) - 1
    assert project_export() == first  # the same bytes, GUIDs included


def test_an_empty_project_is_still_valid(db):
    Tag.objects.all().delete()
    official_schema("Project.xsd").assertValid(project_root(project_export()))


# --- Endpoints ----------------------------------------------------------------------------


def test_exports_download_as_files(coded, client, django_assert_num_queries):
    with django_assert_num_queries(1):
        codebook = client.get("/api/exports/codebook.qdc")
    # tags with their users, theme memos with theirs, sources, passages, themes
    with django_assert_num_queries(5):
        project = client.get("/api/exports/project.qdpx")

    assert codebook.status_code == project.status_code == 200
    assert codebook["Content-Type"] == "application/xml; charset=utf-8"
    assert codebook["Content-Disposition"] == 'attachment; filename="codebook.qdc"'
    assert project["Content-Type"] == "application/zip"
    assert project["Content-Disposition"] == 'attachment; filename="project.qdpx"'
    assert project.content == project_export()


def test_an_empty_codebook_is_a_404_not_an_invalid_file(client):
    Theme.objects.all().delete()

    response = client.get("/api/exports/codebook.qdc")

    assert response.status_code == 404
    assert response.json()["detail"] == "The codebook has no themes to export."


@pytest.mark.parametrize("url", ["/api/exports/codebook.qdc", "/api/exports/project.qdpx"])
def test_exports_are_read_like_every_endpoint(url, user_for_role):
    clients = RoleClients(user_for_role)
    assert_role_matrix(clients, "get", url, EVERYONE)
    with override_settings(PUBLIC_READ=False):
        assert_role_matrix(clients, "get", url, LOGGED_IN)


def test_the_codebook_page_links_to_the_exports(client, staff_user, researcher):
    page = client.get("/themes/").content.decode()
    assert 'href="/api/exports/codebook.qdc"' in page
    assert 'href="/api/exports/project.qdpx"' in page
    assert 'href="/themes/import/"' not in page
    client.force_login(staff_user)
    assert 'href="/themes/import/"' in client.get("/themes/").content.decode()


def test_asking_for_json_is_told_so_in_json(client):
    response = client.get("/api/exports/codebook.qdc", HTTP_ACCEPT="application/json")
    assert response.status_code == 406
    assert "detail" in response.json()


def test_control_characters_a_memo_may_hold_do_not_break_the_xml(coded):
    Tag.objects.filter(pk=coded[0].pk).update(memo="pasted\x0bfrom a PDF\x0c")
    Theme.objects.filter(slug="hostels").update(name="Hostels\x1b")

    root = project_root(project_export())

    official_schema("Project.xsd").assertValid(root)
    notes = root.xpath("p:Notes/p:Note/p:PlainTextContent/text()", namespaces=P)
    assert "pasted\ufffdfrom a PDF\ufffd" in notes
    assert "Hostels\ufffd" in root.xpath("//p:Code/@name", namespaces=P)


def test_theme_memos_and_criteria_are_notes_referred_to_by_their_code(coded, codebook,
                                                                    researcher, staff_user):
    housing = codebook["housing"]
    Theme.objects.filter(pk=housing.pk).update(inclusion="Flats given by the plant.",
                                               exclusion="Rents: use wages.")
    housing.refresh_from_db()
    first_memo = ThemeMemo.objects.create(theme=housing, user=researcher, text="Split rents?")
    second_memo = ThemeMemo.objects.create(theme=housing, user=staff_user, text="No: wages.")

    payload = project_export()

    root = project_root(payload)
    official_schema("Project.xsd").assertValid(root)  # NoteRef between Description and Code
    code = root.xpath(f"//p:Code[@guid='{theme_guid(theme=housing)}']", namespaces=P)[0]
    expected = [
        str(theme_criterion_note_guid(theme=housing, criterion="inclusion")),
        str(theme_criterion_note_guid(theme=housing, criterion="exclusion")),
        str(theme_memo_note_guid(memo_id=first_memo.pk)),
        str(theme_memo_note_guid(memo_id=second_memo.pk)),
    ]
    assert code.xpath("p:NoteRef/@targetGUID", namespaces=P) == expected
    notes = {note.get("guid"): note for note in root.iterfind("p:Notes/p:Note", namespaces=P)}
    assert [notes[guid].findtext("p:PlainTextContent", namespaces=P) for guid in expected] == [
        "Flats given by the plant.", "Rents: use wages.", "Split rents?", "No: wages.",
    ]
    assert notes[expected[0]].get("creatingUser") is None  # a criterion has no author
    author = str(user_guid(username=staff_user.username))
    assert notes[expected[3]].get("creatingUser") == author
    assert author in root.xpath("p:Users/p:User/@guid", namespaces=P)
    other_codes = root.xpath(f"//p:Code[@guid!='{theme_guid(theme=housing)}']", namespaces=P)
    assert not [ref for other in other_codes for ref in other.iterfind("p:NoteRef", namespaces=P)]
    assert project_export() == payload  # the same bytes, GUIDs included
