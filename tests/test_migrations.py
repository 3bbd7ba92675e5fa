"""The migrations alone, run on an empty database, build everything the app relies on."""

from __future__ import annotations

import json
from pathlib import Path

from django.apps import apps

from annotations.models import RESEARCHERS_GROUP, STUDENTS_GROUP

CODEBOOK = Path(__file__).resolve().parents[1] / "fixtures" / "codebook.json"
PROJECT_APPS = ("corpus", "annotations")


def rows(db, query: str, *params) -> list[tuple]:
    return db.execute(query, params).fetchall()


def test_every_declared_constraint_and_index_exists(freshly_migrated_db) -> None:
    declared = {
        name
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        for name in [
            *(constraint.name for constraint in model._meta.constraints),
            *(index.name for index in model._meta.indexes),
        ]
    }
    present = {name for (name,) in rows(freshly_migrated_db, "SELECT conname FROM pg_constraint")}
    present |= {name for (name,) in rows(freshly_migrated_db, "SELECT indexname FROM pg_indexes")}
    assert declared and declared - present == set()


def test_search_needs_its_configuration_and_generated_vector(freshly_migrated_db) -> None:
    [(vector,)] = rows(
        freshly_migrated_db, "SELECT to_tsvector('english_unaccent', 'Stakhanovíte strikes')"
    )
    assert vector == "'stakhanovit':1 'strike':2"
    [(generated,)] = rows(
        freshly_migrated_db,
        "SELECT is_generated FROM information_schema.columns"
        " WHERE table_name = 'corpus_passage' AND column_name = 'search_vector'",
    )
    assert generated == "ALWAYS"


def test_data_migrations_install_the_codebook_and_the_roles(freshly_migrated_db) -> None:
    codebook = json.loads(CODEBOOK.read_text(encoding="utf-8"))
    themes = rows(
        freshly_migrated_db,
        'SELECT slug, name, definition, colour FROM annotations_theme ORDER BY "order", slug',
    )
    assert themes == [
        (entry["slug"], entry["name"], entry["definition"], entry["colour"]) for entry in codebook
    ]
    groups = {name for (name,) in rows(freshly_migrated_db, "SELECT name FROM auth_group")}
    assert groups == {RESEARCHERS_GROUP, STUDENTS_GROUP}
    researcher_permissions = rows(
        freshly_migrated_db,
        "SELECT p.codename FROM auth_group g"
        " JOIN auth_group_permissions gp ON gp.group_id = g.id"
        " JOIN auth_permission p ON p.id = gp.permission_id"
        " WHERE g.name = %s ORDER BY p.codename",
        RESEARCHERS_GROUP,
    )
    # The codebook, and the glossary of terms (search's own migration), minus deleting
    # glossary entries, which is left to staff.
    assert [codename for (codename,) in researcher_permissions] == [
        "add_glossaryterm",
        "add_theme",
        "change_glossaryterm",
        "change_theme",
        "delete_theme",
        "view_glossaryterm",
        "view_theme",
    ]
