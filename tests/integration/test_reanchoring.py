"""Researchers' tags survive re-ingestion: a new segmentation, and an edited text."""

from __future__ import annotations

import random
import re

import pytest

from annotations.models import Tag
from annotations.services import tag_create, tags_reanchor
from corpus.ingest.manifest import manifest_load
from corpus.ingest.pipeline import corpus_vocabulary, file_read, nlp_load, source_parse
from corpus.models import Passage
from corpus.services import parsed_source_store

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

RANDOM_TAGS = 200
WORD = re.compile(r"\S+")
EDITED_WORD = ("Works was built at the site", "Works was erected at the site")
INSERTED_AFTER = "Soviet society. \n"
INSERTED_PARAGRAPH = (
    "\nAn editor inserted this paragraph into the new edition, so that every later "
    "passage of the article moves further down the file. \n"
)


def _tag_randomly(*, passages: list[Passage], count: int, user, themes, seed: int) -> None:
    """``count`` tags on random passages: nine in ten on a span of 1-15 words."""
    rng = random.Random(seed)
    theme_list = list(themes.values())
    made = 0
    while made < count:
        passage = rng.choice(passages)
        words = list(WORD.finditer(passage.text))
        if rng.random() < 0.1:
            start = end = None
        else:
            first = rng.randrange(len(words))
            last = min(len(words) - 1, first + rng.randrange(15))
            start, end = words[first].start(), words[last].end()
        made += tag_create(user=user, passage=passage, theme=rng.choice(theme_list),
                           start=start, end=end).created


def _placed_quotes() -> dict[int, str | None]:
    """Each tag's words as they stand in its passage now (None for an orphan)."""
    placed = {}
    for tag in Tag.objects.select_related("passage"):
        if tag.passage is None:
            placed[tag.pk] = None
        else:
            text = tag.passage.text
            placed[tag.pk] = text if tag.start is None else text[tag.start : tag.end]
    return placed


def _reload(*, raws: dict[str, str]) -> list:
    vocabulary = corpus_vocabulary()
    entries = {entry.slug: entry for entry in manifest_load()}
    return [
        parsed_source_store(parsed=source_parse(
            entry=entries[slug], raw=raw, nlp=nlp_load(), vocabulary=vocabulary),
            on_passages_replaced=tags_reanchor)
        for slug, raw in raws.items()
    ]


def test_a_new_segmentation_keeps_every_tag_on_its_words(real_corpus, researcher, themes,
                                                          settings):
    _tag_randomly(passages=list(Passage.objects.all()), count=RANDOM_TAGS, user=researcher,
                  themes=themes, seed=1917)
    quotes_before = _placed_quotes()
    settings.PASSAGE_MAX_WORDS = 400

    results = _reload(raws={entry.slug: file_read(entry) for entry in manifest_load()})

    assert sum(result.passages_deleted for result in results) > 0, "segmentation unchanged"
    assert sum(result.tags_moved for result in results) > 0
    assert sum(result.tags_orphaned for result in results) == 0
    assert _placed_quotes() == quotes_before
    assert Tag.objects.count() == RANDOM_TAGS


def test_an_edited_text_keeps_tags_whose_words_survive(real_corpus, researcher, themes):
    kotkin = next(entry for entry in manifest_load() if entry.slug == "kotkin-1991")
    kotkin_passages = list(Passage.objects.filter(source__slug=kotkin.slug))
    _tag_randomly(passages=list(Passage.objects.all()), count=RANDOM_TAGS, user=researcher,
                  themes=themes, seed=1991)
    _tag_randomly(passages=kotkin_passages, count=40, user=researcher, themes=themes, seed=7)
    edited_passage = next(p for p in kotkin_passages if "was built at the site" in p.text)
    start = edited_passage.text.index("was built at the site")
    doomed = tag_create(user=researcher, passage=edited_passage, theme=themes["workerism"],
                        start=start, end=start + len("was built")).tag
    quotes_before = _placed_quotes()
    raw = file_read(kotkin)
    assert raw.count(EDITED_WORD[0]) == 1 and raw.count(INSERTED_AFTER) == 1
    edited = raw.replace(*EDITED_WORD).replace(
        INSERTED_AFTER, INSERTED_AFTER + INSERTED_PARAGRAPH)

    [result] = _reload(raws={kotkin.slug: edited})

    assert result.passages_created > 0 and result.passages_deleted > 0
    quotes_after = _placed_quotes()
    lost = [pk for pk, quote in quotes_after.items() if quote != quotes_before[pk]]
    # Only tags whose own words were edited may be orphaned (or placed fuzzily).
    assert all("built" in quotes_before[pk] for pk in lost), [quotes_before[pk] for pk in lost]
    assert doomed.pk in lost
    assert Tag.objects.count() == len(quotes_before)
    assert Passage.objects.filter(source__slug=kotkin.slug,
                                  text__contains="An editor inserted this paragraph").exists()
