from dataclasses import replace

import pytest
from django.core.paginator import Paginator

from annotations.models import Theme
from corpus.models import Passage, Section, Source
from search.selectors import (
    SearchFacets,
    SearchFilters,
    SearchHit,
    clean_text,
    kwic_lines,
    passage_search,
    query_terms,
    search_facets,
    search_hits,
)

pytestmark = pytest.mark.django_db


def found(query: str, **filters) -> list[Passage]:
    results = passage_search(query=query, filters=SearchFilters(**filters))
    return [item.passage if isinstance(item, SearchHit) else item for item in results]


def test_ranking_prefers_more_and_closer_matches(make_passage):
    once = make_passage("A strike is mentioned once here among other words about housing.")
    often = make_passage("The strike grew; strikes spread; the strike ended in July, a strike.")
    apart = make_passage("The strike was long. Months later a committee of inquiry sat.")
    together = make_passage("Months later the strike committee of inquiry sat, very long.")
    make_passage("Nothing about stoppages at all.")

    assert found("strike")[0] == often
    assert set(found("strike")) == {once, often, apart, together}
    assert found("strike committee") == [together, apart]
    ranks = [hit.rank for hit in passage_search(query="strike", filters=SearchFilters())]
    assert ranks == sorted(ranks, reverse=True)
    assert all(0 < rank < 1 for rank in ranks)


def test_heading_counts_less_than_the_text(make_passage):
    heading_only = make_passage("Nothing here names it.", section_title="Paternalism")
    in_text = make_passage("Managers practised paternalism.", section_title="Management")
    both = make_passage("Paternalism again, under its own heading.", section_title="Paternalism")

    assert found("paternalism") == [both, in_text, heading_only]


def test_length_is_normalised_by_its_logarithm(make_passage):
    # Under plain length division (normalisation 2) the short note would win.
    filler = "the plant kept on working"
    short = make_passage(f"Strike. {' '.join([filler] * 8)}", kind="note")
    long = make_passage(
        f"Strike. {' '.join([filler] * 25)} strike, another strike. {' '.join([filler] * 25)}"
    )

    assert found("strike") == [long, short]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("strikes", "a strike"),
        ("striking", "they strike"),
        ("Stakhanovite", "the Stakhánovite movement"),
        ("housing", "houses for workers"),
    ],
)
def test_stemming_and_accents(make_passage, query, text):
    passage = make_passage(text)
    assert found(query) == [passage]


def test_phrase_exclusion_and_or(make_passage):
    phrase = make_passage("The trade union met the director.")
    reversed_words = make_passage("The union of trade cooperatives met.")
    strike = make_passage("A strike without any union.")

    assert found('"trade union"') == [phrase]
    assert set(found("trade union")) == {phrase, reversed_words}
    assert found("union -trade") == [strike]
    assert set(found("strike or director")) == {phrase, strike}


def test_empty_query_lists_in_reading_order(corpus):
    crowley = Source.objects.get(slug="crowley")
    listed = found("", source=crowley)
    assert listed == [corpus["strike"], corpus["union"], corpus["note"]]
    assert {hit.rank for hit in search_hits(items=listed)} == {None}


def test_filters(corpus, themes, researcher, other_researcher):
    crowley = Source.objects.get(slug="crowley")
    love_chapter = Section.objects.get(title="On a Particular Kind of Love")

    assert set(found("strike", source=crowley)) == {
        corpus["strike"],
        corpus["union"],
        corpus["note"],
    }
    assert found("strike", section=love_chapter) == [corpus["love"]]
    assert found("strike", kind="note") == [corpus["note"]]
    assert set(found("strike", kind="body")) == {corpus["strike"], corpus["union"], corpus["love"]}
    assert found("strike", author="alasheev") == [corpus["love"]]
    # The source's authors count for chapters without their own: every test source is
    # by "Test Author", and only the love chapter has authors of its own.
    assert set(found("strike", author="TEST AUTH")) == {
        corpus["strike"],
        corpus["union"],
        corpus["note"],
    }
    assert set(found("strike", theme=themes["collective-action"])) == {
        corpus["strike"],
        corpus["union"],
    }
    assert set(found("strike", tagged_by=researcher)) == {corpus["strike"], corpus["union"]}
    # Together they mean one tag: collective action as tagged by Karl.
    assert found("", theme=themes["collective-action"], tagged_by=other_researcher) == [
        corpus["union"]
    ]
    assert found("strike", theme=themes["workerism"]) == []


def test_facets_count_what_choosing_each_value_gives(corpus, themes):
    crowley = Source.objects.get(slug="crowley")
    facets = search_facets(
        query="strike", filters=SearchFilters(theme=themes["paternalism"], source=crowley)
    )

    theme_counts = {facet.item.slug: facet.count for facet in facets.themes}
    # Theme counts keep the source filter but not the theme filter.
    assert theme_counts == {
        "paternalism": 1,
        "enterprise-dependence": 0,
        "informal-relations": 0,
        "collective-action": 2,
        "workerism": 0,
    }
    assert [facet.item.slug for facet in facets.themes if facet.selected] == ["paternalism"]
    # Source counts keep the theme filter but not the source filter.
    source_counts = {facet.item.slug: facet.count for facet in facets.sources}
    assert source_counts == {"crowley": 1, "clarke": 1}
    assert [facet.item.slug for facet in facets.sources if facet.selected] == ["crowley"]


def test_theme_facet_with_tagged_by_counts_that_users_tags(corpus, researcher):
    facets = search_facets(query="", filters=SearchFilters(tagged_by=researcher))
    counts = {facet.item.slug: facet.count for facet in facets.themes if facet.count}
    assert counts == {"collective-action": 1, "paternalism": 1}


def test_hit_details_are_themes_and_escaped_snippets(make_passage, tag, themes, researcher):
    hostile = make_passage("Before <script>alert(1)</script> the strike & after.")
    tag(hostile, themes["workerism"], researcher)
    tag(hostile, themes["paternalism"], researcher)

    [hit] = search_hits(items=passage_search(query="strike", filters=SearchFilters()))

    assert hit.passage == hostile
    assert [theme.slug for theme in hit.themes] == ["paternalism", "workerism"]
    assert hit.snippet == (
        "Before &lt;script&gt;alert(1)&lt;/script&gt; the <mark>strike</mark> &amp; after."
    )
    [listed] = search_hits(items=found("", theme=themes["workerism"]))
    assert (listed.passage, listed.snippet, listed.marked_words) == (hostile, None, ())


def test_snippet_marks_a_phrase_once_and_shows_the_text_as_stored(make_passage):
    make_passage("A trade union \ue001here\ue000 and a <mark>union</mark> of trade.")
    [hit] = passage_search(query='"trade union"', filters=SearchFilters())
    assert hit.snippet == (
        "A <mark>trade union</mark> \ue001here\ue000 and a &lt;mark&gt;union&lt;/mark&gt; of trade."
    )
    assert hit.marked_words == ("trade union",)


def test_kwic_lines_come_in_rank_then_text_order(make_passage):
    first = make_passage("Strike after strike: the strike wave of 1989.")
    second = make_passage("Miners went on strike.")

    lines = kwic_lines(query="strike", filters=SearchFilters())

    assert [(line.passage, line.keyword) for line in lines] == [
        (first, "Strike"),
        (first, "strike"),
        (first, "strike"),
        (second, "strike"),
    ]
    assert (lines[2].left, lines[2].right) == ("Strike after strike: the", "wave of 1989.")
    by_right = kwic_lines(query="strike", filters=SearchFilters(), sort="right")
    # Nothing to the right sorts first.
    assert [(line.passage, line.right[:5]) for line in by_right] == [
        (second, "."),
        (first, "after"),
        (first, ": the"),
        (first, "wave "),
    ]


def test_kwic_never_marks_excluded_words(make_passage):
    make_passage("Strike or no strike, the union stayed loyal.")
    make_passage("The union stayed loyal.")
    assert [
        line.keyword for line in kwic_lines(query="union or -strike", filters=SearchFilters())
    ] == []
    assert [
        line.keyword for line in kwic_lines(query="union -director", filters=SearchFilters())
    ] == [
        "union",
        "union",
    ]


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("strike\x00 committee", "strike committee"),
        ("\tstrike\n\r", "strike"),
        ("a\u200bb", "a b"),
        ("\ue000x\ue001", "x"),
        ("🧑\u200d🏭 workers", "🧑 🏭 workers"),
        ("\ud800", ""),
    ],
)
def test_clean_text(raw, cleaned):
    assert clean_text(raw) == cleaned


@pytest.mark.parametrize(
    ("query", "terms"),
    [("the", ""), ("💥", ""), ('"', ""), ("-strike", "T"), ("strikes", "'strike'")],
)
def test_query_terms(query, terms):
    assert query_terms(query=query) == terms


def test_hit_details_come_with_the_page(corpus, django_assert_num_queries):
    def tagged(hits) -> dict[int, list[str]]:
        return {hit.passage.pk: [theme.slug for theme in hit.themes] for hit in hits}

    expected = {
        passage.pk: list(
            Theme.objects.filter(tags__passage=passage).distinct().values_list("slug", flat=True)
        )
        for passage in Passage.objects.all()
    }
    with django_assert_num_queries(1):  # the listed passages, with their themes
        listed = search_hits(items=passage_search(query="", filters=SearchFilters())[:20])
    assert tagged(listed) == expected and any(expected.values())
    with django_assert_num_queries(2):  # the ranked ids, then the page and all it shows
        ranked = search_hits(items=passage_search(query="strike", filters=SearchFilters())[:20])
    assert ranked and all("<mark>" in hit.snippet for hit in ranked)
    assert tagged(ranked) == {pk: expected[pk] for pk in tagged(ranked)}


def test_ranked_matches_count_once_and_fetch_only_what_is_sliced(
    make_passage, django_assert_num_queries
):
    for n in range(5):
        make_passage(f"Strike {'strike ' * n}in the {n}th shop.")
    everything = list(passage_search(query="strike", filters=SearchFilters()))
    results = passage_search(query="strike", filters=SearchFilters())

    with django_assert_num_queries(1):  # the ranked ids
        assert len(results) == 5
    with django_assert_num_queries(1):  # the passages of the slice, with their snippets
        assert results[1:3] == everything[1:3]
    with django_assert_num_queries(0):
        assert len(results) == 5
        assert results[7:] == []
    assert results[-1] == everything[-1]
    with pytest.raises(IndexError):
        results[5]  # noqa: B018


def test_ranked_matches_page_like_a_queryset(make_passage, django_assert_num_queries):
    for n in range(5):
        make_passage(f"Strike number {n}.")
    everything = list(passage_search(query="strike", filters=SearchFilters()))
    results = passage_search(query="strike", filters=SearchFilters())

    with django_assert_num_queries(2):  # the ranked ids, then one page
        page = Paginator(results, 2).page(2)
        assert list(page) == everything[2:4]
    assert page.paginator.count == 5
    assert page.paginator.num_pages == 3
    with django_assert_num_queries(0):  # the snippets and themes came with the page
        [hit, _] = search_hits(items=page.object_list)
    assert "<mark>" in hit.snippet


def facet_counts(facets: SearchFacets) -> dict[str, dict[str, int]]:
    return {
        "themes": {facet.item.slug: facet.count for facet in facets.themes},
        "sources": {facet.item.slug: facet.count for facet in facets.sources},
    }


def chosen_counts(query: str, filters: SearchFilters) -> dict[str, dict[str, int]]:
    """What choosing each facet value would find: the meaning of a facet count."""

    def count(filters: SearchFilters) -> int:
        return len(passage_search(query=query, filters=filters))

    return {
        "themes": {
            theme.slug: count(replace(filters, theme=theme)) for theme in Theme.objects.all()
        },
        "sources": {
            source.slug: count(replace(filters, source=source, section=None))
            for source in Source.objects.all()
        },
    }


def test_facets_count_what_each_choice_finds_with_or_without_the_ranked_matches(
    corpus, themes, researcher, django_assert_num_queries
):
    crowley = Source.objects.get(slug="crowley")
    love_chapter = Section.objects.get(title="On a Particular Kind of Love")
    for filters in [
        SearchFilters(),
        SearchFilters(tagged_by=researcher),
        SearchFilters(kind="body", author="alasheev"),
        SearchFilters(theme=themes["paternalism"]),
        SearchFilters(theme=themes["collective-action"], tagged_by=researcher),
        SearchFilters(source=crowley),
        SearchFilters(section=love_chapter, theme=themes["paternalism"]),
    ]:
        results = passage_search(query="strike", filters=filters)
        len(results)
        with django_assert_num_queries(1):
            reused = search_facets(query="strike", filters=filters, results=results)
        fresh = search_facets(query="strike", filters=filters)
        chosen = chosen_counts("strike", filters)
        assert facet_counts(reused) == facet_counts(fresh) == chosen, filters
        # Without a query, the matches are every passage that passes the filters.
        assert facet_counts(search_facets(query="", filters=filters)) == chosen_counts(
            "", filters
        ), filters


def test_facets_ignore_results_of_another_search(corpus):
    other = passage_search(query="housing", filters=SearchFilters())
    facets = search_facets(query="strike", filters=SearchFilters(), results=other)
    assert facet_counts(facets) == facet_counts(
        search_facets(query="strike", filters=SearchFilters())
    )


def test_kwic_reuses_the_ranked_matches(make_passage, django_assert_num_queries):
    make_passage("Strike after strike: the strike wave of 1989.")
    make_passage("Miners went on strike.")
    results = passage_search(query="strike", filters=SearchFilters())
    len(results)

    # The corpus revision; the passages with their marked text; sources; chapters.
    with django_assert_num_queries(4):
        lines = kwic_lines(query="strike", filters=SearchFilters(), results=results)
    assert [line.keyword for line in lines] == ["Strike", "strike", "strike", "strike"]


def test_kwic_lines_are_cached_until_the_corpus_changes(
    make_passage, tag, themes, researcher, django_assert_num_queries
):
    passage = make_passage("Miners went on strike.")
    first = kwic_lines(query="strike", filters=SearchFilters())
    with django_assert_num_queries(1):  # the corpus revision only
        assert kwic_lines(query="strike", filters=SearchFilters()) == first
    with django_assert_num_queries(1):  # re-sorted from the same cached lines
        assert [line.keyword for line in kwic_lines(
            query="strike", filters=SearchFilters(), sort="left")] == ["strike"]

    Passage.objects.filter(pk=passage.pk).update(text="Miners went on strike, twice: strike.")
    assert [line.right for line in kwic_lines(query="strike", filters=SearchFilters())] == [
        ", twice: strike.",
        ".",
    ]
    make_passage("Another strike began.")
    assert len(kwic_lines(query="strike", filters=SearchFilters())) == 3

    # Tags change all the time: a theme's lines are never cached.
    tag(passage, themes["workerism"], researcher)
    by_theme = SearchFilters(theme=themes["workerism"])
    assert len(kwic_lines(query="strike", filters=by_theme)) == 2
    tag(Passage.objects.get(text="Another strike began."), themes["workerism"], researcher)
    assert len(kwic_lines(query="strike", filters=by_theme)) == 3
