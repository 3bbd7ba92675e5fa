"""The staff page that imports a codebook from an upload."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.models import Theme

pytestmark = pytest.mark.django_db

URL = "/themes/import/"


def _codebook(*names: str) -> SimpleUploadedFile:
    codes = "".join(f'<Code guid="{uuid.uuid4()}" name="{name}" isCodable="true"/>'
                    for name in names)
    payload = (f'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook '
               f'xmlns="urn:QDA-XML:codebook:1.0"><Codes>{codes}</Codes></CodeBook>')
    return SimpleUploadedFile("nvivo.qdc", payload.encode(), content_type="application/xml")


def test_staff_import_a_codebook(client, staff_user, django_assert_max_num_queries):
    client.force_login(staff_user)
    assert client.get(URL).status_code == 200

    with django_assert_max_num_queries(12):  # session, user, themes, then two inserts
        response = client.post(URL, {"file": _codebook("Welfare", "Favours")})

    assert response.status_code == 200
    page = response.content.decode()
    assert "2 new themes; 0 already in the codebook." in page
    assert "<li>Welfare</li>" in page
    assert Theme.objects.filter(name__in=["Welfare", "Favours"]).count() == 2


def test_a_bad_file_is_a_friendly_400_that_changes_nothing(client, staff_user):
    client.force_login(staff_user)
    bad = SimpleUploadedFile("broken.qdc", b"<CodeBook", content_type="application/xml")
    before = Theme.objects.count()

    response = client.post(URL, {"file": bad})

    assert response.status_code == 400
    assert "broken.qdc, line 1: not well-formed XML" in response.content.decode()
    assert Theme.objects.count() == before
    assert client.post(URL, {}).status_code == 400


def test_only_staff_may_import(client, researcher):
    assert client.get(URL).url.startswith("/accounts/login/")
    client.force_login(researcher)
    response = client.post(URL, {"file": _codebook("Welfare")})
    assert response.status_code == 403
    assert not Theme.objects.filter(name="Welfare").exists()
