import pytest
from django.db import connection


@pytest.mark.django_db
def test_runs_on_postgres_with_search_configuration():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('english_unaccent', 'Stakhanovíte strikes')")
        assert cursor.fetchone()[0] == "'stakhanovit':1 'strike':2"


@pytest.mark.django_db
def test_codebook_and_roles_are_installed(themes):
    from django.contrib.auth.models import Group

    assert list(themes) == [
        "paternalism",
        "enterprise-dependence",
        "informal-relations",
        "collective-action",
        "workerism",
    ]
    assert set(Group.objects.values_list("name", flat=True)) >= {"researchers", "students"}


def test_security_headers(client):
    response = client.get("/api/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
