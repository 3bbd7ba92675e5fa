"""The codebook and the corpus in the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from annotations.models import Tag, Theme, ThemeSlugAlias
from annotations.services import tag_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("boss", password="x"))
    return client


@pytest.fixture
def used_theme(make_passage, researcher, themes):
    tag_create(user=researcher, passage=make_passage("Flats."), theme=themes["paternalism"])
    return themes["paternalism"]


@pytest.fixture
def unused_theme(db):
    return Theme.objects.create(slug="shortage", name="Shortage", definition="d", colour="#123456")


def test_theme_changelist_shows_tag_counts(admin_client, used_theme):
    response = admin_client.get("/admin/annotations/theme/")
    assert response.status_code == 200
    assert '<td class="field-tag_count">1</td>' in response.content.decode()


def test_deleting_a_used_theme_is_refused_with_a_message(admin_client, used_theme):
    url = f"/admin/annotations/theme/{used_theme.pk}/delete/"
    for method in (admin_client.get, admin_client.post):
        response = method(url, follow=True)
        assert response.status_code == 200
        assert "“Paternalism” cannot be deleted: 1 tag use it." in response.content.decode()
    assert Theme.objects.filter(pk=used_theme.pk).exists()


def test_deleting_an_unused_theme_works(admin_client, unused_theme):
    response = admin_client.post(f"/admin/annotations/theme/{unused_theme.pk}/delete/",
                                 {"post": "yes"})
    assert response.status_code == 302
    assert not Theme.objects.filter(pk=unused_theme.pk).exists()


def test_bulk_delete_deletes_only_unused_themes(admin_client, used_theme, unused_theme):
    response = admin_client.post(
        "/admin/annotations/theme/",
        {"action": "delete_unused_themes", "_selected_action": [used_theme.pk, unused_theme.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "“Paternalism” cannot be deleted" in html and "Deleted: Shortage." in html
    assert list(Theme.objects.filter(pk__in=[used_theme.pk, unused_theme.pk])) == [used_theme]


def test_stock_bulk_delete_is_not_offered(admin_client, used_theme):
    html = admin_client.get("/admin/annotations/theme/").content.decode()
    assert 'value="delete_selected"' not in html


def test_adding_a_theme(admin_client):
    response = admin_client.post("/admin/annotations/theme/add/", {
        "slug": "shortage", "name": "Shortage", "definition": "Deficit goods.",
        "colour": "#445566", "order": 6,
    })
    assert response.status_code == 302
    assert Theme.objects.get(slug="shortage").definition == "Deficit goods."


def test_tag_admin_edits_the_memo_only(admin_client, used_theme):
    tag = Tag.objects.get()
    assert admin_client.get("/admin/annotations/tag/").status_code == 200
    response = admin_client.post(f"/admin/annotations/tag/{tag.pk}/change/", {"memo": "Checked."})
    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.memo == "Checked."
    assert admin_client.get("/admin/annotations/tag/add/").status_code == 403


@pytest.mark.parametrize("model", ["source", "section", "passage"])
def test_corpus_admin_is_read_mostly(admin_client, make_passage, model):
    passage = make_passage("Some text.")
    obj_pk = {"source": passage.source_id, "section": passage.section_id, "passage": passage.pk}
    assert admin_client.get(f"/admin/corpus/{model}/").status_code == 200
    assert admin_client.get(f"/admin/corpus/{model}/{obj_pk[model]}/change/").status_code == 200
    assert admin_client.get(f"/admin/corpus/{model}/add/").status_code == 403
    assert admin_client.get(f"/admin/corpus/{model}/{obj_pk[model]}/delete/").status_code == 403


def test_researchers_refine_the_codebook_in_the_admin_and_see_nothing_else(client, researcher):
    client.force_login(researcher)

    index = client.get("/admin/")
    assert index.status_code == 200
    assert "/admin/annotations/theme/" in index.content.decode()
    assert "/admin/auth/user/" not in index.content.decode()
    assert client.get("/admin/annotations/tag/").status_code == 403

    response = client.post("/admin/annotations/theme/add/", {
        "name": "Labour discipline", "slug": "labour-discipline", "colour": "#445566",
        "order": 6, "definition": "Fines, dismissals and the labour book.",
    })
    assert response.status_code == 302
    assert client.get("/admin/annotations/theme/").status_code == 200


def test_students_cannot_enter_the_admin(client, student):
    client.force_login(student)
    assert client.get("/admin/").status_code == 302


def test_the_admin_leaves_renames_and_moves_to_the_codebook_page(admin_client, used_theme):
    page = admin_client.get(f"/admin/annotations/theme/{used_theme.pk}/change/").content.decode()
    assert 'name="definition"' in page
    assert 'name="slug"' not in page and 'name="parent"' not in page and 'name="name"' not in page


def test_the_admin_refuses_a_former_slug_for_a_new_theme(admin_client, used_theme):
    ThemeSlugAlias.objects.create(slug="old-name", theme=used_theme)
    response = admin_client.post("/admin/annotations/theme/add/", {
        "name": "Old name", "slug": "old-name", "colour": "#445566", "order": 6,
        "definition": "x",
    })
    assert response.status_code == 200
    assert "still leads there" in response.content.decode()
