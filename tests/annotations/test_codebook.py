"""The codebook: a tree without cycles, number keys, rename, move and merge without losing
a tag or a memo, the history of changes, former slugs; on the page and in the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from annotations.models import Tag, Theme, ThemeChange, ThemeMemo, ThemeSlugAlias
from annotations.theme_selectors import theme_keymap
from annotations.theme_services import (
    tag_example_set,
    theme_memo_create,
    theme_merge,
    theme_update,
)
from tests.annotations.codebook_data import (
    sub_theme,
    whole_passage_tag,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db



# --- The tree ---------------------------------------------------------------------------


def test_a_theme_cannot_move_below_itself(theme_tree):
    themes = theme_tree.themes
    for below in ("paternalism", "housing", "rent"):
        with pytest.raises(ValidationError) as error:
            theme_update(user=theme_tree.rosa, theme=themes["paternalism"], parent=themes[below])
        assert "cannot sit under itself" in error.value.message_dict["parent"][0]
    assert Theme.objects.get(slug="paternalism").parent is None
    assert not ThemeChange.objects.exists()


def test_move_records_the_change(theme_tree):
    themes = theme_tree.themes
    theme_update(user=theme_tree.karl, theme=themes["housing"], parent=themes["collective-action"])
    housing = Theme.objects.get(slug="housing")
    assert housing.parent == themes["collective-action"]
    change = housing.changes.get()
    assert (change.kind, change.user, change.before, change.after) == (
        "move", theme_tree.karl, {"parent": "paternalism"}, {"parent": "collective-action"}
    )
    theme_update(user=theme_tree.karl, theme=housing, parent=None)
    assert Theme.objects.get(slug="housing").parent is None


def test_rename_keeps_the_old_slug(theme_tree):
    housing = theme_tree.themes["housing"]
    theme_update(user=theme_tree.rosa, theme=housing, name="Dwellings", slug="dwellings")
    assert ThemeSlugAlias.objects.get(slug="housing").theme == housing
    change = housing.changes.get()
    assert change.kind == "rename"
    assert change.before == {"name": "Housing", "slug": "housing"}
    assert change.after == {"name": "Dwellings", "slug": "dwellings"}
    # Renaming back makes the old slug current again, not an alias of itself.
    theme_update(user=theme_tree.rosa, theme=Theme.objects.get(pk=housing.pk), slug="housing")
    assert list(ThemeSlugAlias.objects.values_list("slug", flat=True)) == ["dwellings"]


def test_a_former_slug_of_another_theme_is_refused(theme_tree):
    theme_update(user=theme_tree.rosa, theme=theme_tree.themes["housing"], slug="dwellings")
    with pytest.raises(ValidationError) as error:
        theme_update(user=theme_tree.rosa, theme=theme_tree.themes["rent"], slug="housing")
    assert "still leads there" in error.value.message_dict["slug"][0]
    with pytest.raises(ValidationError) as error:
        theme_update(user=theme_tree.rosa, theme=theme_tree.themes["rent"], name="Paternalism")
    assert "already has the name" in error.value.message_dict["name"][0]


def test_students_cannot_change_the_codebook(theme_tree, student):
    with pytest.raises(PermissionDenied):
        theme_update(user=student, theme=theme_tree.themes["rent"], name="Rents")
    with pytest.raises(PermissionDenied):
        theme_merge(user=student, theme=theme_tree.themes["rent"],
                    into=theme_tree.themes["housing"])


def test_keymap_defaults_to_the_first_nine_top_level_themes(theme_tree):
    for n in range(6):
        Theme.objects.create(slug=f"top-{n}", name=f"Top {n}", definition="x",
                             colour="#123456", order=10 + n)
    keymap = theme_keymap()
    top_level = list(Theme.objects.filter(parent=None))
    assert list(keymap) == list(range(1, 10))
    assert list(keymap.values()) == top_level[:9]
    assert theme_tree.themes["housing"] not in keymap.values()


def test_keymap_chosen_by_researchers(theme_tree):
    theme_update(user=theme_tree.rosa, theme=theme_tree.themes["rent"], key=3)
    theme_update(user=theme_tree.rosa, theme=theme_tree.themes["workerism"], key=1)
    assert theme_keymap() == {1: theme_tree.themes["workerism"], 3: theme_tree.themes["rent"]}
    with pytest.raises(ValidationError) as error:
        theme_update(user=theme_tree.rosa, theme=theme_tree.themes["housing"], key=3)
    assert "already has the key" in error.value.message_dict["key"][0]


# --- Merging ----------------------------------------------------------------------------


def test_merge_keeps_every_tag_and_memo(theme_tree, make_user):
    """Housing into collective action, with tags by three coders, duplicates among them."""
    themes, passages = theme_tree.themes, theme_tree.passages
    rosa, karl, vera = theme_tree.rosa, theme_tree.karl, make_user("vera", role="researcher")
    housing, target = themes["housing"], themes["collective-action"]
    # Identical to rosa's collective-action tag on p2 (made earlier): collapses into it.
    duplicate = whole_passage_tag(passage=passages["p2"], theme=housing, user=rosa,
                                  memo="housing memo")
    Tag.objects.filter(pk=theme_tree.tags["p2-collective"].pk).update(memo="strike memo")
    # Identical to a later target tag: that one goes, this one (the earliest) stays.
    early = whole_passage_tag(passage=passages["p4"], theme=housing, user=vera, memo="early")
    later = whole_passage_tag(passage=passages["p4"], theme=target, user=vera, memo="later")
    Tag.objects.filter(pk=later.pk).update(created=timezone.now() + timedelta(seconds=5))
    # Not identical: another coder, and a span.
    karls = whole_passage_tag(passage=passages["p2"], theme=housing, user=karl)
    span = Tag.objects.create(source_id=passages["p3"].source_id, passage=passages["p3"],
                              theme=housing, user=vera, start=0, end=7, quote="Passage")
    orphan = Tag.objects.create(source_id=passages["p3"].source_id, passage=None,
                                theme=housing, user=karl, quote="gone")
    theme_memo_create(user=karl, theme=housing, text="Housing overlaps strikes.")
    before = Tag.objects.count()

    result = theme_merge(user=rosa, theme=housing, into=target)

    assert (result.tags_moved, result.tags_collapsed, result.children_moved) == (5, 2, 1)
    assert not Theme.objects.filter(slug="housing").exists()
    assert Tag.objects.count() == before - 2
    kept = Tag.objects.get(pk=theme_tree.tags["p2-collective"].pk)
    assert kept.memo == "strike memo\n\nhousing memo"
    assert not Tag.objects.filter(pk=duplicate.pk).exists()
    assert Tag.objects.get(pk=early.pk).memo == "early\n\nlater"
    assert not Tag.objects.filter(pk=later.pk).exists()
    for tag in (karls, span, orphan, early):
        assert Tag.objects.get(pk=tag.pk).theme == target
    assert set(Tag.objects.filter(theme=target).values_list("user__username", flat=True)) == {
        "rosa", "karl", "vera"
    }
    assert Theme.objects.get(slug="rent").parent == target
    assert ThemeMemo.objects.get().theme == target
    assert ThemeSlugAlias.objects.get(slug="housing").theme == target
    change = target.changes.get(kind="merge")
    assert change.before["slug"] == "housing" and change.before["parent"] == "paternalism"
    assert change.after["tags_collapsed"] == 2


def test_merge_refuses_itself_and_a_descendant(theme_tree):
    themes = theme_tree.themes
    with pytest.raises(ValidationError):
        theme_merge(user=theme_tree.rosa, theme=themes["housing"], into=themes["housing"])
    with pytest.raises(ValidationError) as error:
        theme_merge(user=theme_tree.rosa, theme=themes["paternalism"], into=themes["rent"])
    assert "move it out first" in error.value.message_dict["into"][0]
    assert Theme.objects.filter(slug="paternalism").exists()


def test_merge_moves_history_and_aliases_and_key(theme_tree):
    themes = theme_tree.themes
    theme_update(user=theme_tree.rosa, theme=themes["rent"], slug="rents", key=7)
    theme_merge(user=theme_tree.rosa, theme=Theme.objects.get(slug="rents"),
                into=themes["housing"])
    housing = Theme.objects.get(slug="housing")
    assert set(housing.slug_aliases.values_list("slug", flat=True)) == {"rent", "rents"}
    assert housing.key == 7
    assert list(housing.changes.values_list("kind", flat=True)) == ["rename", "edit", "merge"]


def test_examples_are_marked_by_researchers(theme_tree, student):
    tag = theme_tree.tags["p1-paternalism"]
    tag_example_set(user=theme_tree.karl, tag=tag, is_example=True)
    assert Tag.objects.get(pk=tag.pk).is_example
    with pytest.raises(PermissionDenied):
        tag_example_set(user=student, tag=tag, is_example=False)


# --- The pages ----------------------------------------------------------------------------


def test_codebook_page_shows_the_tree(client, theme_tree, django_assert_num_queries):
    themes = theme_tree.themes
    Theme.objects.filter(pk=themes["housing"].pk).update(
        inclusion="Flats, dormitories, queues for housing.", exclusion="Wages: use welfare."
    )
    theme_memo_create(user=theme_tree.karl, theme=themes["housing"], text="Ask about barracks.")
    tag_example_set(user=theme_tree.rosa, tag=theme_tree.tags["p2-rent"], is_example=True)
    with django_assert_num_queries(5):
        html = client.get("/themes/").content.decode()
    paternalism = html.index('id="theme-paternalism"')
    housing = html.index('id="theme-housing"')
    rent = html.index('id="theme-rent"')
    assert paternalism < housing < rent
    assert html.count('class="codebook-children"') == 2
    assert "Flats, dormitories, queues for housing." in html and "Wages: use welfare." in html
    assert "Ask about barracks." in html
    assert "Passage 2 about workers and flats." in html  # the example
    assert '<kbd class="theme-key"' in html and "Rename, move or merge" not in html


def test_codebook_page_queries_do_not_grow(client, theme_tree, django_assert_num_queries):
    parent = theme_tree.themes["rent"]
    for n in range(10):
        parent = sub_theme(slug=f"deeper-{n}", parent=parent)
        theme_memo_create(user=theme_tree.rosa, theme=parent, text=f"memo {n}")
    client.login(username="rosa", password=PASSWORD)
    html = client.get("/themes/").content.decode()
    assert "Rename, move or merge" in html
    # Session, user and groups come with the login; the codebook's are the same five.
    with django_assert_num_queries(8):
        client.get("/themes/")


def test_rename_move_and_merge_on_the_page(client, theme_tree):
    client.login(username="rosa", password=PASSWORD)
    response = client.post("/themes/housing/edit/", {
        "name": "Dwellings", "slug": "dwellings", "parent": "collective-action", "key": "4",
        "definition": "Flats.", "inclusion": "Queues.", "exclusion": "",
    })
    assert response.status_code == 302 and response["Location"] == "/themes/dwellings/"
    dwellings = Theme.objects.get(slug="dwellings")
    assert (dwellings.name, dwellings.parent.slug, dwellings.key) == (
        "Dwellings", "collective-action", 4
    )
    page = client.get("/themes/dwellings/").content.decode()
    assert "renamed" in page and "moved" in page and "edited" in page
    assert "slug “housing” → “dwellings”" in page
    response = client.post("/themes/dwellings/merge/", {"into": "paternalism"})
    assert response["Location"] == "/themes/paternalism/"
    page = client.get("/themes/paternalism/").content.decode()
    assert "merged into it" in page and "“Dwellings” (dwellings)" in page


def test_page_refusals(client, theme_tree, student):
    client.login(username="sasha", password=PASSWORD)
    assert client.post("/themes/housing/merge/", {"into": "paternalism"}).status_code == 403
    client.login(username="rosa", password=PASSWORD)
    cycle = client.post("/themes/paternalism/edit/", {
        "name": "Paternalism", "slug": "paternalism", "parent": "rent", "definition": "x",
    })
    assert cycle.status_code == 400 and "cannot sit under itself" in cycle.content.decode()
    assert client.post("/themes/housing/merge/", {"into": "nope"}).status_code == 400
    assert client.post("/themes/nope/merge/", {"into": "rent"}).status_code == 404
    assert client.get("/themes/housing/merge/").status_code == 405


def test_old_slugs_redirect(client, theme_tree):
    theme_update(user=theme_tree.rosa, theme=theme_tree.themes["housing"], slug="dwellings")
    response = client.get("/themes/housing/?source=qsource")
    assert response.status_code == 301
    assert response["Location"] == "/themes/dwellings/?source=qsource"
    assert client.get("/themes/nothing-like-it/").status_code == 404


def test_theme_page_includes_sub_themes(client, theme_tree):
    html = client.get("/themes/paternalism/").content.decode()
    assert "2 excerpts" in html  # its own on p1, rent's on p2
    assert 'as <a href="/themes/rent/">Rent</a>' in html
    assert 'href="/themes/housing/"' in html  # listed as a sub-theme
    rent = client.get("/themes/rent/").content.decode()
    assert '<a href="/themes/paternalism/">Paternalism</a> › <a href="/themes/housing/">' in rent


def test_memo_and_example_on_the_page(client, theme_tree):
    client.login(username="karl", password=PASSWORD)
    response = client.post("/themes/housing/memos/", {"text": "Barracks count too."})
    assert response["Location"] == "/themes/housing/#memos"
    assert client.post("/themes/housing/memos/", {"text": "  "}).status_code == 400
    tag = theme_tree.tags["p2-rent"]
    client.post(f"/tags/{tag.pk}/example/", {"is_example": "on"})
    assert Tag.objects.get(pk=tag.pk).is_example
    html = client.get("/themes/rent/").content.decode()
    assert "No longer an example" in html
    assert "Barracks count too." in client.get("/themes/housing/").content.decode()
