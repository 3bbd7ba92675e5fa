"""Did you mean: the vocabulary, suggestions with counts, the fallback search."""

import pytest
from django.core.management import call_command

from search.models import VocabularyWord
from search.selectors import FEW_PASSAGES, WordCount, spelling_suggestions
from search.services import vocabulary_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def kuzbass(make_passage):
    for n in range(FEW_PASSAGES + 1):
        make_passage(f"The miners of the Kuzbass struck in 1989, pit {n}.")
    make_passage("Vasil’ev spoke for the 'miners'.")
    vocabulary_refresh()


def test_the_vocabulary_holds_printed_words_with_their_search_counts(kuzbass):
    words = dict(VocabularyWord.objects.values_list("word", "passages"))
    assert words["kuzbass"] == FEW_PASSAGES + 1
    assert words["miners"] == FEW_PASSAGES + 2
    assert words["vasil’ev"] == 1  # as printed, without the quotation marks of 'miners'
    assert "pit" in words and "the" not in words  # stop words are not indexed


def test_a_rare_word_gets_close_corpus_words_with_counts(kuzbass):
    [suggestion] = spelling_suggestions(query="kuzbas miners")
    assert (suggestion.typed, suggestion.passages) == ("kuzbas", 0)
    assert suggestion.alternatives[0].word == "kuzbass"
    assert suggestion.alternatives[0].passages == FEW_PASSAGES + 1
    assert spelling_suggestions(query='"kuzbas" -kuzbas kuzbas*') == []


def test_stop_words_are_not_misspelt(kuzbass):
    """"the" is in no index: it must not be "corrected" to "they" or "theme"."""
    assert spelling_suggestions(query="the miners of the kuzbass") == []
    assert [suggestion.typed for suggestion in spelling_suggestions(query="the kuzbas")] == [
        "kuzbas"
    ]


def test_words_every_match_has_are_not_looked_up(kuzbass, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert spelling_suggestions(query="kuzbass miners", matches=FEW_PASSAGES) == []
    # Either word of an "or" may be the rare one.
    [suggestion] = spelling_suggestions(query="kuzbas or miners", matches=FEW_PASSAGES + 2)
    assert suggestion.typed == "kuzbas"


def test_each_rare_word_gets_its_own_suggestions_in_the_order_typed(kuzbass):
    suggestions = spelling_suggestions(query="minrs kuzbas")
    assert [suggestion.typed for suggestion in suggestions] == ["minrs", "kuzbas"]
    assert [suggestion.alternatives[0].word for suggestion in suggestions] == [
        "miners",
        "kuzbass",
    ]


def test_other_romanisations_are_suggested_across_apostrophes(kuzbass):
    [suggestion] = spelling_suggestions(query="Vasilyev")
    assert suggestion.alternatives[0] == WordCount(word="vasil’ev", passages=1)


def test_an_empty_vocabulary_gives_no_suggestions_and_the_search_works(client, make_passage):
    make_passage("The miners of the Kuzbass.")
    assert spelling_suggestions(query="kuzbas") == []
    page = client.get("/search/", {"q": "kuzbas"})
    assert page.status_code == 200
    assert page.context["suggestions"] == []
    assert len(page.context["page"]) == 0


def test_the_page_offers_the_words_and_falls_back_to_the_closest(client, kuzbass):
    page = client.get("/search/", {"q": "kuzbas"})
    html = " ".join(page.content.decode().split())
    assert "Did you mean:" in html
    assert 'href="?q=kuzbass"' in html
    assert "Showing the passages for “<strong>kuzbass</strong>”" in html
    assert len(page.context["page"]) == FEW_PASSAGES + 1


def test_the_api_answers_suggestions(client, kuzbass):
    answer = client.get("/api/passages/", {"q": "kuzbas"}).json()
    assert answer["count"] == 0  # the API never searches what was not asked
    [suggestion] = answer["suggestions"]
    assert suggestion["alternatives"][0] == {"word": "kuzbass", "passages": FEW_PASSAGES + 1}


def test_refresh_vocabulary_command(make_passage, capsys):
    make_passage("Miners struck.")
    call_command("refresh_vocabulary")
    assert "Vocabulary: 2 words." in capsys.readouterr().out
