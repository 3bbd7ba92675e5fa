"""The search language: parsing (no database) and what it matches (Postgres)."""

import pytest

from search.query import Term, query_parse, word_replaced
from search.selectors import SearchFilters, passage_search, query_terms
from tests.search.hostile import HOSTILE_QUERIES


def test_parse_words_phrases_or_exclusions_and_prefixes():
    query = query_parse('strike* "trade union" miners or workers -Donbass')
    assert query.groups == (
        (Term(text="strike", prefix=True),),
        (Term(text="trade union", phrase=True),),
        (Term(text="miners"), Term(text="workers")),
        (Term(text="Donbass", negated=True),),
    )
    assert query.plain_words == ["miners", "workers"]


@pytest.mark.parametrize("text", ["", " ", "or", "-", '""', "*", "- * or"])
def test_nothing_to_parse(text):
    assert not query_parse(text)


def test_word_replaced_replaces_whole_words_only():
    assert word_replaced("Kuzbas kuzbasses KUZBAS", typed="kuzbas", by="kuzbass") == (
        "kuzbass kuzbasses kuzbass"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_compile(query):
    query_terms(query=query.replace("\x00", ""))


@pytest.mark.django_db
def test_prefix_wildcard(make_passage):
    stakhanovite = make_passage("A Stakhanovite broke the record.")
    stakhanovism = make_passage("Stakhanovism spread to the mines.")
    make_passage("Stakhanov himself cut the coal.")
    make_passage("Nothing about records here.")

    def found(query: str) -> set[int]:
        return {hit.passage.pk for hit in passage_search(query=query, filters=SearchFilters())}

    assert len(found("Stakhanov*")) == 3
    assert found("Stakhanovit*") == {stakhanovite.pk}
    assert found("Stakhanov* -record*") == {stakhanovism.pk, *found("Stakhanov himself")}
    assert query_terms(query="the*") == ""  # a stop word even as a prefix


@pytest.mark.django_db
def test_prefix_matches_are_highlighted(make_passage):
    make_passage("The Stakhanovites met the Stakhanov of the mine.")
    [hit] = passage_search(query="stakhanovi*", filters=SearchFilters())
    assert "<mark>Stakhanovites</mark>" in hit.snippet
    assert hit.marked_words == ("Stakhanovites",)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("british", "american"),
    [("labour", "labor"), ("organisation", "organization"), ("centre", "center")],
)
def test_spellings_index_and_search_alike(make_passage, british, american):
    printed_british = make_passage(f"The {british} question.")
    printed_american = make_passage(f"The {american} question.")
    for query in (british, american, british.upper()):
        hits = passage_search(query=query, filters=SearchFilters())
        assert {hit.passage.pk for hit in hits} == {printed_british.pk, printed_american.pk}
        assert all("<mark>" in hit.snippet for hit in hits)


@pytest.mark.django_db
def test_soft_and_hard_signs_and_hacheks_fold(make_passage):
    apostrophe = make_passage("The Zasiad'ko mine and Il'in.")
    prime = make_passage("The Zasiadʹko mine, as romanised with primes.")
    curly = make_passage("The Zasiad’ko mine and the s″ezd.")
    hachek = make_passage("Čeliabinsk and Kuzneck.")
    for query in ("zasiadko", "Zasiad'ko", "Zasiadʹko", "Zasiad’ko"):
        found = {hit.passage.pk for hit in passage_search(query=query, filters=SearchFilters())}
        assert found == {apostrophe.pk, prime.pk, curly.pk}, query
    assert [hit.passage.pk for hit in passage_search(query="chelia*", filters=SearchFilters())] == [
        hachek.pk
    ]
    [hit] = passage_search(query="sezd", filters=SearchFilters())
    assert "<mark>s″ezd</mark>" in hit.snippet
