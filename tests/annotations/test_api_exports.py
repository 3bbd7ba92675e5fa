"""The tags as excerpts (JSON and streamed CSV) and as W3C Web Annotations (JSON-LD)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from annotations.anchoring import QuoteSelector, quote_locate
from annotations.models import Tag
from annotations.services import tag_create
from annotations.w3c import ANNO_CONTEXT

pytestmark = pytest.mark.django_db

TEXT = (
    "Steelworkers in Magnitogorsk could not strike: the combine owned their flats, and the "
    "director handed out the flats. Steelworkers knew it."
)
EXCERPT_COLUMNS = ["tag", "context_before", "text", "context_after", "theme", "theme_slug",
                   "source", "citation", "chapter", "authors", "passage", "permalink", "tagger",
                   "memo", "created"]


@pytest.fixture
def passages(make_passage):
    return [
        make_passage(TEXT, source_slug="crowley-test", section_title="Barriers"),
        make_passage("The plan was not met.", source_slug="clarke-test",
                     section_title="We Didn't Make the Plan", section_authors="Marina Kiblitskaya"),
    ]


@pytest.fixture
def tags(passages, researcher, themes):
    span = TEXT.index("could not strike")
    return [
        tag_create(user=researcher, passage=passages[0], theme=themes["collective-action"],
                   start=span, end=span + len("could not strike"),
                   memo="=HYPERLINK(\"http://evil\")").tag,
        tag_create(user=researcher, passage=passages[0], theme=themes["paternalism"]).tag,
        tag_create(user=researcher, passage=passages[1], theme=themes["collective-action"],
                   memo="-2+3").tag,
    ]


# --- Excerpts ---------------------------------------------------------------------------


def test_excerpt_rows(tags, passages, client, django_assert_num_queries):
    with django_assert_num_queries(3):  # the theme filter, count, page
        response = client.get("/api/excerpts/", {"theme": "collective-action"})
    rows = response.json()["results"]
    # Reading order: sources by ordinal then slug, passages, then position.
    assert [row["tag"] for row in rows] == [tags[2].pk, tags[0].pk]
    second, first = rows
    assert list(first) == EXCERPT_COLUMNS
    assert first["text"] == "could not strike"
    assert first["chapter"] == "Barriers"
    assert first["authors"] == "Test Author"  # the source's: the chapter names none
    assert second["authors"] == "Marina Kiblitskaya"
    assert first["citation"] == "Test Author, Test source crowley-test (1995)."
    assert first["permalink"] == f"http://testserver/passages/{passages[0].pk}/"
    assert (first["theme"], first["theme_slug"], first["source"], first["tagger"]) == (
        "Collective action", "collective-action", "crowley-test", "rosa")
    whole = client.get("/api/excerpts/", {"theme": "paternalism"}).json()["results"][0]
    assert whole["text"] == TEXT


def test_csv_export_streams_with_a_filename(tags, client):
    response = client.get("/api/excerpts/", {"format": "csv", "theme": "collective-action",
                                             "source": "crowley-test"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="excerpts-collective-action-crowley-test.csv"'
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == EXCERPT_COLUMNS
    assert [row[0] for row in rows[1:]] == [str(tags[0].pk)]


def test_span_excerpts_come_with_their_context(tags, passages, client):
    rows = {row["tag"]: row for row in client.get("/api/excerpts/").json()["results"]}
    span = rows[tags[0].pk]
    assert span["context_before"] == "Steelworkers in Magnitogorsk "
    assert span["context_after"] == TEXT[TEXT.index(": the combine"):][:120]
    assert span["context_before"] + span["text"] + span["context_after"] in TEXT
    whole = rows[tags[1].pk]
    assert (whole["context_before"], whole["context_after"]) == ("", "")


def test_an_orphans_excerpt_keeps_its_stored_context(tags, client):
    Tag.objects.filter(pk=tags[0].pk).update(passage=None)
    row = client.get("/api/excerpts/", {"theme": "collective-action"}).json()["results"][-1]
    assert (row["context_before"], row["context_after"]) == (tags[0].prefix, tags[0].suffix)


@pytest.mark.parametrize("flag", ["1", "true"])
def test_csv_for_excel_starts_with_a_byte_order_mark(tags, client, flag):
    body = b"".join(client.get("/api/excerpts/", {"format": "csv", "bom": flag})
                    .streaming_content)
    assert body.startswith(b"\xef\xbb\xbftag,")
    assert list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[0] == EXCERPT_COLUMNS


def test_csv_has_no_byte_order_mark_unless_asked(tags, client):
    body = b"".join(client.get("/api/excerpts/", {"format": "csv"}).streaming_content)
    assert body.startswith(b"tag,")
    assert client.get("/api/excerpts/", {"format": "csv", "bom": "maybe"}).status_code == 400


def test_csv_by_accept_header_has_every_tag(tags, client):
    response = client.get("/api/excerpts/", {"page_size": 1}, HTTP_ACCEPT="text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="excerpts.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [int(row["tag"]) for row in rows] == [tags[2].pk, tags[1].pk, tags[0].pk]


def test_csv_neutralises_formulas(tags, client):
    body = b"".join(client.get("/api/excerpts/?format=csv").streaming_content).decode()
    memos = {int(row["tag"]): row["memo"] for row in csv.DictReader(io.StringIO(body))}
    assert memos[tags[0].pk] == "'=HYPERLINK(\"http://evil\")"
    assert memos[tags[2].pk] == "'-2+3"
    assert memos[tags[1].pk] == ""


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_trigger_is_neutralised(trigger):
    from annotations.renderers import csv_cell

    assert csv_cell(f"{trigger}SUM(A1)") == f"'{trigger}SUM(A1)"
    assert csv_cell(f"a{trigger}b") == f"a{trigger}b"
    assert csv_cell(7) == 7


def test_csv_errors_are_json(tags, client):
    response = client.get("/api/excerpts/", {"format": "csv", "theme": "nope"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"] == {"theme": ["No theme with slug “nope”."]}


def test_csv_queries_do_not_grow_with_tags(tags, passages, researcher, themes, client,
                                           django_assert_num_queries):
    for start in range(30):
        tag_create(user=researcher, passage=passages[0], theme=themes["workerism"],
                   start=start, end=start + 5)
    with django_assert_num_queries(1):
        response = client.get("/api/excerpts/?format=csv")
        body = b"".join(response.streaming_content)
    assert body.count(b"\r\n") == 1 + Tag.objects.count()


# --- W3C Web Annotations ----------------------------------------------------------------


def test_annotation_is_json_ld(tags, client):
    response = client.get(f"/api/annotations/{tags[0].pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == f'application/ld+json; profile="{ANNO_CONTEXT}"'
    annotation = response.json()
    assert annotation["@context"] == ANNO_CONTEXT
    assert annotation["id"] == f"http://testserver/api/annotations/{tags[0].pk}/"
    assert annotation["type"] == "Annotation"
    assert annotation["creator"] == {"type": "Person", "nickname": "rosa"}
    assert annotation["created"] and annotation["modified"]
    assert annotation["body"] == [
        {"type": "TextualBody", "purpose": "tagging", "value": "Collective action"},
        {"type": "SpecificResource", "purpose": "classifying",
         "source": "http://testserver/api/themes/collective-action/"},
        {"type": "TextualBody", "purpose": "commenting", "value": tags[0].memo,
         "format": "text/plain"},
    ]
    assert annotation["target"]["source"] == (
        "http://testserver" + reverse("corpus:passage-detail", kwargs={"pk": tags[0].passage_id})
    )
    plain = client.get(f"/api/annotations/{tags[0].pk}/", HTTP_ACCEPT="application/json")
    assert plain["Content-Type"] == "application/json"
    assert plain.json() == annotation


@pytest.mark.parametrize("which", [0, 1], ids=["span", "whole passage"])
def test_annotation_selectors_find_the_tagged_words_again(tags, passages, client, which):
    tag = tags[which]
    quote, position = client.get(f"/api/annotations/{tag.pk}/").json()["target"]["selector"]
    assert quote["type"] == "TextQuoteSelector" and position["type"] == "TextPositionSelector"
    assert TEXT[position["start"]:position["end"]] == quote["exact"]
    placement = quote_locate(
        selector=QuoteSelector(exact=quote["exact"], prefix=quote["prefix"],
                               suffix=quote["suffix"]),
        passages=passages,
        whole_passage=tag.start is None,
    )
    assert placement.passage_id == tag.passage_id
    if tag.start is None:
        assert (position["start"], position["end"]) == (0, len(TEXT))
        assert placement.start is None
    else:
        # "Steelworkers" occurs twice: the context must pick the tagged occurrence.
        assert (placement.start, placement.end) == (tag.start, tag.end)
        assert (position["start"], position["end"]) == (tag.start, tag.end)


def test_orphan_annotation_keeps_its_quote(tags, client):
    Tag.objects.filter(pk=tags[0].pk).update(passage=None)
    target = client.get(f"/api/annotations/{tags[0].pk}/").json()["target"]
    assert target["source"] == "http://testserver/sources/crowley-test/"
    assert target["selector"] == [{"type": "TextQuoteSelector", "exact": "could not strike",
                                   "prefix": tags[0].prefix, "suffix": tags[0].suffix}]


def test_annotation_pages(tags, client, django_assert_num_queries):
    with django_assert_num_queries(2):  # count, page
        response = client.get("/api/annotations/", {"page_size": 2})
    page = response.json()
    assert response["Content-Type"].startswith("application/ld+json")
    assert page["@context"] == ANNO_CONTEXT
    assert page["type"] == "AnnotationPage"
    assert page["id"] == "http://testserver/api/annotations/?page=1&page_size=2"
    assert page["partOf"] == {
        "id": "http://testserver/api/annotations/?page_size=2",
        "type": "AnnotationCollection",
        "total": 3,
        "first": "http://testserver/api/annotations/?page=1&page_size=2",
        "last": "http://testserver/api/annotations/?page=2&page_size=2",
    }
    assert page["startIndex"] == 0
    assert page["next"] == "http://testserver/api/annotations/?page=2&page_size=2"
    assert "prev" not in page
    assert [item["type"] for item in page["items"]] == ["Annotation"] * 2
    assert "@context" not in page["items"][0]
    second = client.get(page["next"]).json()
    assert (second["startIndex"], len(second["items"])) == (2, 1)
    assert "next" not in second and second["prev"]
    filtered = client.get("/api/annotations/", {"theme": "paternalism"}).json()
    assert filtered["partOf"]["total"] == 1
