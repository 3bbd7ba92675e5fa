"""The API's contract: an OpenAPI schema, and Swagger UI served from this site only."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_is_valid_and_describes_every_parameter(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    text = path.read_text()
    for operation in ("/api/tags/bulk/", "/api/excerpts/", "/api/annotations/{id}/",
                      "/api/auth/token/", "/api/themes/{slug}/", "/api/sections/"):
        assert f"  {operation}:" in text


def test_every_query_parameter_has_a_description(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    undescribed = [
        f"{method.upper()} {path} ?{parameter['name']}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and not parameter.get("description")
        and parameter["name"] != "format"  # drf-spectacular's own, an enum of formats
    ]
    assert undescribed == []


def test_swagger_ui_loads_only_local_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    # The split view serves its start-up script from the docs URL itself.
    assert urls and all(url.startswith(("/static/", "/api/docs/")) for url in urls), urls
    assert "//" not in "".join(urls)


def test_swagger_ui_runs_under_the_content_security_policy(client):
    """``script-src 'self'`` forbids inline scripts: every script must be a file.

    Needs config/urls.py to serve /api/docs/ with drf-spectacular's
    ``SpectacularSwaggerSplitView``, which moves the inline initialisation into a
    script of its own (``/api/docs/?script``).
    """
    response = client.get("/api/docs/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode())
    assert inline == []
