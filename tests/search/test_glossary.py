"""The glossary: widening searches, its page, links from hits, who may edit it."""

import pytest
from django.contrib.auth.models import Permission

from search.models import GlossaryTerm
from search.query import query_parse
from search.selectors import (
    SearchFilters,
    glossary_expand,
    passage_hit_list,
    passage_search,
    search_hits,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shock_work(make_passage, glossary) -> dict:
    return {
        "udarniki": make_passage("The udarniki pledged to beat the norm."),
        "shock": make_passage("Shock workers were the vanguard of the plan."),
        "apart": make_passage("A shock to the workers: the plan was cut."),
    }


def found(query) -> set[int]:
    return {hit.passage.pk for hit in passage_search(query=query, filters=SearchFilters())}


def test_every_seeded_entry_has_a_definition_and_its_source():
    assert GlossaryTerm.objects.count() >= 30
    for term in GlossaryTerm.objects.all():
        assert term.definition and term.source and term.slug


def test_a_term_searches_its_other_forms(shock_work):
    udarnik = glossary_expand(query=query_parse("udarnik"))
    assert [expansion.term for expansion in udarnik.expansions] == ["udarnik"]
    # The English form is searched as a phrase: "a shock to the workers" is not one.
    assert found(udarnik) == {shock_work["udarniki"].pk, shock_work["shock"].pk}
    assert found("udarnik") == set()


def test_typed_words_in_a_row_match_a_form(shock_work):
    query = glossary_expand(query=query_parse("shock worker plan"))
    assert [expansion.typed for expansion in query.expansions] == ["shock worker"]
    assert found(query) == {shock_work["shock"].pk, shock_work["apart"].pk}
    assert found(glossary_expand(query=query_parse("shock worker"))) == set(
        pk for pk in (passage.pk for passage in shock_work.values())
    )


def test_excluded_words_and_prefixes_are_never_widened(shock_work):
    assert glossary_expand(query=query_parse("-udarnik plan")).expansions == ()
    assert glossary_expand(query=query_parse("udarnik*")).expansions == ()


def test_an_entry_added_by_a_researcher_widens_at_once(make_passage, glossary):
    passage = make_passage("The tolkach found the bearings.")
    GlossaryTerm.objects.create(
        term="snabzhenets",
        slug="snabzhenets",
        variants=["tolkach"],
        translation="supplier",
        definition="A supply agent.",
        source="Test",
    )
    assert found(glossary_expand(query=query_parse("snabzhenets"))) == {passage.pk}


def test_an_edited_entry_widens_with_its_new_forms_at_once(make_passage, shock_work):
    passage = make_passage("The otlichnik beat the norm.")
    entry = GlossaryTerm.objects.get(term="udarnik")
    entry.variants = [*entry.variants, "otlichnik"]
    entry.save()
    assert found(glossary_expand(query=query_parse("udarnik"))) >= {passage.pk}
    [hit] = search_hits(items=passage_hit_list().filter(pk=passage.pk))
    assert "udarnik" in [link.slug for link in hit.glossary]


def test_the_page_says_what_else_it_searches_and_can_turn_it_off(client, shock_work):
    page = client.get("/search/", {"q": "udarnik"})
    html = " ".join(page.content.decode().split())
    assert "Also searching: shock worker, udarniki" in html
    assert 'href="/glossary/#udarnik"' in html
    assert "glossary=off" in html
    assert len(page.context["page"]) == 2

    page = client.get("/search/", {"q": "udarnik", "glossary": "off"})
    assert len(page.context["page"]) == 0
    assert "Widen with the glossary" in page.content.decode()


def test_the_api_lists_expansions_and_has_a_switch(client, shock_work):
    answer = client.get("/api/passages/", {"q": "udarnik"}).json()
    assert answer["count"] == 2
    [expansion] = answer["expansions"]
    assert expansion["term"] == "udarnik" and "shock worker" in expansion["also"]
    answer = client.get("/api/passages/", {"q": "udarnik", "glossary": "off"}).json()
    assert (answer["count"], answer["expansions"]) == (0, [])
    refused = client.get("/api/passages/", {"q": "udarnik", "glossary": "maybe"})
    assert refused.status_code == 400
    assert "glossary" in refused.json()["errors"]


def test_hits_link_the_terms_they_contain(client, shock_work):
    page = client.get("/search/", {"q": "plan"})
    html = page.content.decode()
    assert 'href="/glossary/#udarnik"' in html
    glossary = {hit.passage.pk: hit.glossary for hit in page.context["page"]}
    assert [link.term for link in glossary[shock_work["shock"].pk]] == ["udarnik"]
    assert glossary[shock_work["apart"].pk] == ()


def test_the_glossary_page(client, glossary, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = client.get("/glossary/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="khozraschet"' in html and "cost accounting" in html
    assert "Crowley" in html  # the source of the definition


def test_researchers_edit_but_do_not_delete_the_glossary(client, glossary, researcher, student):
    codenames = set(
        Permission.objects.filter(
            group__name="researchers", content_type__app_label="search"
        ).values_list("codename", flat=True)
    )
    assert codenames == {"view_glossaryterm", "add_glossaryterm", "change_glossaryterm"}
    term = GlossaryTerm.objects.get(slug="blat")
    client.force_login(researcher)
    assert client.get(f"/admin/search/glossaryterm/{term.pk}/change/").status_code == 200
    assert client.get(f"/admin/search/glossaryterm/{term.pk}/delete/").status_code == 403
    client.force_login(student)
    assert client.get("/admin/search/glossaryterm/").status_code == 302


def test_what_researchers_write_in_the_glossary_is_shown_as_text(client, make_passage):
    payload = '<script>alert(1)</script>"'
    make_passage("The sovnarkhoz met its plan.")
    GlossaryTerm.objects.create(
        term="sovnarkhoz",
        slug="sovnarkhoz",
        variants=[payload],
        translation=payload,
        definition=payload,
        source=payload,
    )
    for url, params in [("/glossary/", {}), ("/search/", {"q": "sovnarkhoz"})]:
        html = client.get(url, params).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
