import pytest
from django.db import connection


@pytest.mark.django_db
def test_runs_on_postgres_with_search_configuration():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('english_unaccent', 'Stakhanovíte strikes')")
        assert cursor.fetchone()[0] == "'stakhanovit':1 'strike':2"


def test_codebook_and_roles_are_installed(freshly_migrated_db):
    # Read where the migrations alone ran: the test database's groups and themes are
    # re-created before every test by ``roles_and_codebook`` and would hide a broken one.
    themes = freshly_migrated_db.execute('SELECT slug FROM annotations_theme ORDER BY "order"')
    assert [slug for (slug,) in themes] == [
        "paternalism",
        "enterprise-dependence",
        "informal-relations",
        "collective-action",
        "workerism",
    ]
    groups = freshly_migrated_db.execute("SELECT name FROM auth_group")
    assert {name for (name,) in groups} >= {"researchers", "students"}


def test_security_headers(client):
    response = client.get("/api/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
