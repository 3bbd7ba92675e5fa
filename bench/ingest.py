"""How long ingestion takes, and how much of it is spaCy's sentence parsing.

Run from the project root: ``.venv/bin/python bench/ingest.py``. Parses all five texts,
stores them as a first load would (in a transaction that is rolled back, so the
database is untouched), and times spaCy alone on exactly the paragraphs the pipeline
gives it, with the same components.
"""

from __future__ import annotations

import dataclasses
import time

import _django  # noqa: F401 (sets Django up)
from django.db import transaction

from corpus.ingest.manifest import manifest_load
from corpus.ingest.pipeline import (
    corpus_vocabulary,
    document_build,
    file_read,
    nlp_load,
    source_parse,
)
from corpus.ingest.segment import sentence_spans
from corpus.services import parsed_source_store

# Each figure is the best of this many runs, alternating, so a busy machine skews less.
ROUNDS = 2


def main() -> None:
    entries = manifest_load()
    raws = {entry.slug: file_read(entry) for entry in entries}
    nlp = nlp_load()
    # Warm up once so neither measurement pays spaCy's first-call costs.
    list(sentence_spans(texts=["A warm-up sentence. And another."], nlp=nlp))
    texts = [
        paragraph.text.text
        for entry in entries
        for paragraph in document_build(
            entry=entry, raw=raws[entry.slug], vocabulary=corpus_vocabulary()
        ).paragraphs
    ]
    parse_seconds = spacy_seconds = steps_seconds = float("inf")
    for _ in range(ROUNDS):
        spacy_seconds = min(spacy_seconds, _spacy_alone(texts=texts, nlp=nlp))
        seconds, parsed = _parse_all(entries=entries, raws=raws, nlp=nlp)
        parse_seconds = min(parse_seconds, seconds)
        steps_seconds = min(steps_seconds, _steps_before_spacy(entries=entries, raws=raws))
    store_seconds = _store_rolled_back(parsed=parsed)

    words = sum(passage.word_count for source in parsed for passage in source.passages)
    passages = sum(len(source.passages) for source in parsed)
    print(f"sources                {len(parsed)}")
    print(f"passages               {passages}")
    print(f"words ingested         {words}")
    print(f"parse (all five)       {parse_seconds:8.2f} s")
    print(f"  of which non-spaCy   {steps_seconds:8.2f} s  (read, normalise, notes, sections)")
    print(f"store (first load)     {store_seconds:8.2f} s  (rolled back)")
    print(f"total                  {parse_seconds + store_seconds:8.2f} s")
    print(
        f"spaCy alone            {spacy_seconds:8.2f} s  ({len(texts)} paragraphs, same components)"
    )
    print(f"parse / spaCy          {parse_seconds / spacy_seconds:8.2f} x")
    print(f"total / spaCy          {(parse_seconds + store_seconds) / spacy_seconds:8.2f} x")


def _spacy_alone(*, texts: list[str], nlp) -> float:
    started = time.perf_counter()
    for _ in sentence_spans(texts=texts, nlp=nlp):
        pass
    return time.perf_counter() - started


def _parse_all(*, entries, raws: dict[str, str], nlp) -> tuple[float, list]:
    started = time.perf_counter()
    vocabulary = corpus_vocabulary()
    parsed = [
        source_parse(entry=entry, raw=raws[entry.slug], nlp=nlp, vocabulary=vocabulary)
        for entry in entries
    ]
    return time.perf_counter() - started, parsed


def _steps_before_spacy(*, entries, raws: dict[str, str]) -> float:
    started = time.perf_counter()
    vocabulary = corpus_vocabulary()
    for entry in entries:
        document_build(entry=entry, raw=raws[entry.slug], vocabulary=vocabulary)
    return time.perf_counter() - started


def _store_rolled_back(*, parsed: list) -> float:
    """A first load's store, under throwaway slugs, in a transaction rolled back after."""
    started = time.perf_counter()
    with transaction.atomic():
        for source in parsed:
            entry = dataclasses.replace(source.entry, slug=f"bench-{source.entry.slug}")
            parsed_source_store(parsed=dataclasses.replace(source, entry=entry))
        transaction.set_rollback(True)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
