import json

import pytest
from django.contrib.auth.models import User

from annotations.backup import BackupError, annotations_export, annotations_import
from annotations.models import Tag, Theme
from annotations.services import tag_create
from annotations.theme_services import theme_update

pytestmark = pytest.mark.django_db

TEXT = (
    "The director handed out flats to loyal workers. "
    "Strikes were rare because the workers depended on the enterprise for food."
)


@pytest.fixture
def coded(make_passage, themes, researcher, other_researcher):
    first = make_passage(TEXT)
    second = make_passage("A second passage about <script>alert(1)</script> and =SUM(A1).")
    tag_create(user=researcher, passage=first, theme=themes["paternalism"], start=4, end=12,
               memo="the director as father")
    tag_create(user=researcher, passage=first, theme=themes["collective-action"])
    tag_create(user=other_researcher, passage=second, theme=themes["workerism"], start=2, end=8,
               memo='memo with "quotes" and =formula')
    return first, second


def test_export_wipe_import_reproduces_the_same_bytes(coded):
    first_export = annotations_export()
    Tag.objects.all().delete()
    User.objects.filter(username__in=["rosa", "karl"]).delete()

    result = annotations_import(payload=first_export)

    assert (result.tags_created, result.users_created, result.tags_orphaned) == (3, 2, 0)
    assert annotations_export() == first_export


def test_import_into_the_same_database_adds_no_duplicates(coded):
    export = annotations_export()

    result = annotations_import(payload=export)

    assert (result.tags_created, result.tags_existing) == (0, 3)
    assert Tag.objects.count() == 3


def test_export_records_quote_selectors_not_ids(coded):
    document = json.loads(annotations_export())
    span = next(tag for tag in document["tags"] if tag["theme"] == "paternalism")
    assert (span["exact"], span["prefix"]) == ("director", "The ")
    assert (span["start"], span["end"]) == (4, 12)
    assert "id" not in span and "passage" not in span


def test_a_tag_whose_text_is_gone_is_restored_as_an_orphan(coded):
    export = annotations_export()
    Tag.objects.all().delete()
    first, _ = coded
    first.tags.all().delete()
    first.text = "An entirely different paragraph now stands here."
    first.save(update_fields=["text"])

    result = annotations_import(payload=export)

    assert result.tags_orphaned == 2
    assert Tag.objects.filter(passage__isnull=True).count() == 2
    assert Theme.objects.count() == 5


@pytest.mark.parametrize("payload", ["not json", "[]", '{"format": "other"}',
                                     '{"format": "labour-corpus-annotations", "version": 99}'])
def test_a_bad_backup_is_refused_with_a_message(payload):
    with pytest.raises(BackupError):
        annotations_import(payload=payload)


def test_the_tree_and_criteria_survive_a_backup(coded, themes, researcher):
    housing = Theme.objects.create(slug="housing", name="Housing", definition="Flats.",
                                   colour="#336699", parent=themes["paternalism"],
                                   inclusion="Queues.", exclusion="Wages.")
    Theme.objects.create(slug="rent", name="Rent", definition="Paying.", colour="#336699",
                         parent=housing)
    export = annotations_export()
    Theme.objects.filter(slug="rent").delete()
    Theme.objects.filter(slug="housing").delete()

    assert annotations_import(payload=export).themes_created == 2
    rent = Theme.objects.get(slug="rent")
    assert (rent.parent.slug, rent.parent.parent.slug) == ("housing", "paternalism")
    assert (rent.parent.inclusion, rent.parent.exclusion) == ("Queues.", "Wages.")
    assert annotations_export() == export


def test_a_backup_from_before_a_rename_restores_onto_the_renamed_theme(coded, researcher):
    export = annotations_export()
    Tag.objects.all().delete()
    theme_update(user=researcher, theme=Theme.objects.get(slug="workerism"),
                 name="Productivism", slug="productivism")

    result = annotations_import(payload=export)

    assert (result.themes_created, result.tags_created) == (0, 3)
    assert Tag.objects.filter(theme__slug="productivism").count() == 1
