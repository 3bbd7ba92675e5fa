"""Annotations against the W3C Web Annotation test suite's MUST assertions, and the
Annotation Protocol's headers."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from annotations.models import Tag
from annotations.services import tag_create

pytestmark = pytest.mark.django_db

HERE = Path(__file__).resolve().parent
# The suite's clone beside the project when there is one (CI), else the copy kept here.
SUITE_CLONE = HERE.parents[2] / "shared" / "w3c-annotation-tests"
SUITE = SUITE_CLONE if SUITE_CLONE.is_dir() else HERE / "w3c_suite"


@cache
def registry() -> Registry:
    resources = [
        Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT4)
        for path in (SUITE / "definitions").glob("*.json")
    ]
    return Registry().with_resources((resource.id(), resource) for resource in resources)


def failed_assertions(document: dict, *, musts: str) -> list[str]:
    """The titles of the suite's assertions in ``musts`` that the document fails."""
    failures = []
    for assertion in json.loads((SUITE / musts).read_text())["assertions"]:
        schema = json.loads((SUITE / assertion).read_text())
        valid = Draft4Validator(schema, registry=registry()).is_valid(document)
        if valid != (schema.get("expectedResult", "valid") == "valid"):
            failures.append(f"{assertion}: {schema.get('errorMessage', schema['title'])}")
    return failures


@pytest.fixture
def tags(make_passage, researcher, themes) -> list[Tag]:
    passage = make_passage("The strike committee met at night; the director promised flats.")
    span = tag_create(user=researcher, passage=passage, theme=themes["collective-action"],
                      start=4, end=21, memo="Who called it?").tag
    whole = tag_create(user=researcher, passage=passage, theme=themes["paternalism"]).tag
    orphan = tag_create(user=researcher, passage=passage, theme=themes["workerism"],
                        start=0, end=3).tag
    Tag.objects.filter(pk=orphan.pk).update(passage=None)
    return [span, whole, orphan]


def test_the_suite_is_there():
    assert (SUITE / "annotations" / "annotationMusts.test").is_file()
    assert failed_assertions({"not": "an annotation"}, musts="annotations/annotationMusts.test")


@pytest.mark.parametrize("which", [0, 1, 2], ids=["span with memo", "whole passage", "orphan"])
def test_every_annotation_passes_the_suites_musts(client, tags, which):
    annotation = client.get(f"/api/annotations/{tags[which].pk}/").json()
    assert failed_assertions(annotation, musts="annotations/annotationMusts.test") == []


def test_every_annotation_in_a_page_passes_the_suites_musts(client, tags):
    page = client.get("/api/annotations/", {"page_size": 2}).json()
    assert failed_assertions(page, musts="collections/pages/pageMusts.test") == []
    for annotation in page["items"]:
        document = {"@context": page["@context"], **annotation}
        assert failed_assertions(document, musts="annotations/annotationMusts.test") == []


def test_an_annotation_has_the_protocols_headers(client, tags):
    response = client.get(f"/api/annotations/{tags[0].pk}/")
    assert response["Link"] == '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
    assert response["ETag"]
    assert "Accept" in response["Vary"]


def test_the_annotation_list_is_a_container(client, tags):
    response = client.get("/api/annotations/")
    assert '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"' in response["Link"]
    assert response["ETag"]


@pytest.mark.parametrize("url", ["/api/annotations/{pk}/", "/api/annotations/"])
def test_an_unchanged_annotation_is_a_304(client, tags, url):
    url = url.format(pk=tags[0].pk)
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    client.force_login(tags[0].user)
    client.patch(f"/api/tags/{tags[0].pk}/", {"memo": "changed"}, content_type="application/json")
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_json_ld_and_plain_json_answers_have_different_etags(client, tags):
    url = f"/api/annotations/{tags[0].pk}/"
    assert client.get(url)["ETag"] != client.get(url, HTTP_ACCEPT="application/json")["ETag"]
