"""Search latency on the real corpus and on a synthetic corpus of 200,000 passages.

    .venv/bin/python bench/search.py [--runs 100] [--synthetic-runs 20] [--passages 200000]
        [--real-only]

The real corpus is read from the development database (run ``manage.py load_corpus``
first) and nothing is ever written there. Everything is timed in a throwaway database,
``bench_search``, on the same server: the real sources, sections and passages are
copied in, synthetic whole-passage tags are added (about one passage in seven, so the
theme filter has work to do whatever the development database holds), each query
class is timed; then the copy grows to 200,000 passages made of runs of the real
sentences and is timed again. The database is dropped at the end, even on failure.

One timing is one search as the search page runs it through the selectors: the
glossary lookup and spelling suggestions, the count, the first page of ranked hits with
their themes, snippets and glossary terms, and both facets (and, for a word nothing
matches, the search for the closest corpus word instead). The concordance is timed
twice: its first look (lines computed) and a later page (lines cached). The vocabulary behind the
suggestions is rebuilt for each corpus, and the time that takes is printed.

The classes are timed in rounds (one run of each, then again), each round with a fixed
piece of Python beside them, and the report says how much slower than its best the host
ran meanwhile: this machine's speed drifts by up to half within a minute.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass

import _django  # noqa: F401 (sets Django up)
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Tag, Theme
from corpus.models import Passage, Section, Source
from search.query import query_parse
from search.selectors import (
    KWIC_CACHE,
    SearchFilters,
    glossary_expand,
    kwic_lines,
    passage_search,
    query_corrected,
    search_facets,
    search_hits,
    spelling_suggestions,
)
from search.services import vocabulary_refresh
from search.views import HITS_PER_PAGE

BENCH_DATABASE = "bench_search"
THEME = "collective-action"
QUERY_CLASSES = [
    ("rare word", "Vorkuta"),
    ("common word", "workers"),
    ("two words", "housing director"),
    ("phrase", '"trade union"'),
    ("or", "strike or protest"),
    ("glossary-expanded", "udarnik"),
    ("wildcard", "Stakhanov*"),
    ("misspelt, falls back", "Kuzbas"),
]
TAGGED_PERCENT = 15
SYNTHETIC_ORDINAL_OFFSET = 1_000_000
# Runs of 2 to 8 real sentences: 40 to 250 words, like the real passages.
SENTENCES_PER_PASSAGE = (2, 8)


@dataclass(frozen=True)
class Timing:
    label: str
    matches: int
    p50: float
    p95: float


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # A p95 of 30 timings is their second-slowest: on this machine, whichever minute the
    # host was busiest. A hundred say what one search in twenty waits for.
    parser.add_argument(
        "--runs", type=int, default=100, help="Timings per class on the real corpus."
    )
    parser.add_argument(
        "--synthetic-runs",
        type=int,
        default=20,
        help="Timings per class on the synthetic corpus (where a class takes up to a second).",
    )
    parser.add_argument("--passages", type=int, default=200_000)
    parser.add_argument(
        "--real-only", action="store_true", help="Time the real corpus only; skip the growth."
    )
    args = parser.parse_args()

    corpus = dump_real_corpus()
    if not corpus[Passage]:
        sys.exit("The development database has no passages: run `manage.py load_corpus` first.")

    development_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = BENCH_DATABASE
    print(f"Building {BENCH_DATABASE} (a throwaway copy; the development data is only read)…")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        restore(corpus)
        tag_passages(after_id=0)
        analyze()
        refresh_vocabulary()
        real = bench_all(runs=args.runs)
        report(f"Real corpus: {describe()}", real)
        if args.real_only:
            return

        started = time.perf_counter()
        grow(to=args.passages)
        print(f"\nGrew to {args.passages:,} passages in {time.perf_counter() - started:.0f} s.")
        refresh_vocabulary()
        synthetic = bench_all(runs=args.synthetic_runs)
        report(f"Synthetic corpus: {describe()}", synthetic)
    finally:
        connection.creation.destroy_test_db(development_name, verbosity=0)


# --- Building the bench database ---------------------------------------------------

COPIED = (Source, Section, Passage)


def columns(model) -> list[str]:
    return [field.column for field in model._meta.concrete_fields if not field.generated]


def dump_real_corpus() -> dict[type, bytes]:
    """The real sources, sections and passages, as COPY data."""
    dumped = {}
    with connection.cursor() as cursor:
        for model in COPIED:
            names = ", ".join(f'"{column}"' for column in columns(model))
            sql = f"COPY (SELECT {names} FROM {model._meta.db_table} ORDER BY id) TO STDOUT"
            with cursor.cursor.copy(sql) as copy:
                dumped[model] = b"".join(bytes(chunk) for chunk in copy)
    return dumped


def restore(corpus: dict[type, bytes]) -> None:
    with connection.cursor() as cursor:
        for model in COPIED:
            table = model._meta.db_table
            names = ", ".join(f'"{column}"' for column in columns(model))
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                copy.write(corpus[model])
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )


def tag_passages(*, after_id: int) -> None:
    """Whole-passage tags on a fixed pseudo-random share of the passages after ``after_id``."""
    user, _ = User.objects.get_or_create(username="bench")
    theme_ids = list(Theme.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO annotations_tag
                (source_id, passage_id, theme_id, user_id, quote, prefix, suffix, memo,
                 is_example, created, updated)
            SELECT source_id, id, (%s::bigint[])[1 + abs(hashtext(id::text || 't')) %% %s],
                   %s, '', '', '', '', false, now(), now()
            FROM corpus_passage
            WHERE id > %s AND abs(hashtext(id::text)) %% 100 < %s
            """,
            [theme_ids, len(theme_ids), user.pk, after_id, TAGGED_PERCENT],
        )


def grow(*, to: int) -> None:
    """Adds passages made of runs of consecutive real sentences, up to ``to`` in all."""
    existing = Passage.objects.count()
    last_id = Passage.objects.order_by("-id").values_list("id", flat=True).first()
    shortest, longest = SENTENCES_PER_PASSAGE
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(
            r"""
            CREATE TEMPORARY TABLE bench_sentence AS
            SELECT row_number() OVER (ORDER BY p.id, s.ordinality) AS n,
                   p.source_id, p.section_id, p.kind, p.heading, s.sentence
            FROM corpus_passage p,
                 regexp_split_to_table(p.text, '(?<=[.!?])\s+') WITH ORDINALITY s(sentence)
            WHERE s.sentence ~ '\w'
            """
        )
        cursor.execute("CREATE UNIQUE INDEX ON bench_sentence (n)")
        cursor.execute("SELECT count(*) FROM bench_sentence")
        (sentences,) = cursor.fetchone()
        # One GIN build after the insert is far cheaper than 200,000 index updates.
        cursor.execute("DROP INDEX passage_search_vector_gin")
        cursor.execute(
            r"""
            INSERT INTO corpus_passage
                (source_id, section_id, ordinal, kind, note_label, text, heading,
                 char_start, char_end, word_count, note_markers)
            SELECT first.source_id, first.section_id, %(offset)s + pick.g, first.kind, '',
                   run.text, first.heading, 0, length(run.text), run.words, '[]'::jsonb
            FROM (
                SELECT g, 1 + floor(random() * (%(sentences)s - %(longest)s))::int AS start,
                       %(shortest)s + floor(random() * (%(longest)s - %(shortest)s + 1))::int
                           AS length
                FROM generate_series(1, %(count)s) g
            ) pick
            JOIN bench_sentence first ON first.n = pick.start
            CROSS JOIN LATERAL (
                SELECT string_agg(sentence, ' ' ORDER BY n) AS text,
                       sum(array_length(regexp_split_to_array(sentence, '\s+'), 1)) AS words
                FROM bench_sentence
                WHERE n >= pick.start AND n < pick.start + pick.length
            ) run
            """,
            {
                "offset": SYNTHETIC_ORDINAL_OFFSET,
                "sentences": sentences,
                "shortest": shortest,
                "longest": longest,
                "count": to - existing,
            },
        )
        cursor.execute(
            "CREATE INDEX passage_search_vector_gin ON corpus_passage USING gin (search_vector)"
        )
    tag_passages(after_id=last_id)
    analyze()


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE corpus_passage")
        cursor.execute("VACUUM ANALYZE annotations_tag")


def refresh_vocabulary() -> None:
    started = time.perf_counter()
    words = vocabulary_refresh()
    print(f"Vocabulary: {words:,} words in {time.perf_counter() - started:.1f} s.")


def describe() -> str:
    passages = Passage.objects.count()
    tagged = Tag.objects.values("passage").distinct().count()
    return f"{passages:,} passages, {tagged:,} tagged"


# --- Timing ----------------------------------------------------------------------


def search_page(*, query: str, filters: SearchFilters) -> int:
    """What the search page asks of the selectors; returns the number of matches."""
    compiled = glossary_expand(query=query_parse(query))
    results = passage_search(query=compiled, filters=filters)
    suggestions = spelling_suggestions(query=compiled, matches=len(results))
    if not len(results) and suggestions:
        compiled = query_corrected(query=compiled, suggestions=suggestions)
        results = passage_search(query=compiled, filters=filters)
    page = Paginator(results, HITS_PER_PAGE).page(1)
    search_hits(items=page.object_list)
    search_facets(query=compiled, filters=filters, results=results)
    return page.paginator.count


def concordance(*, query: str, filters: SearchFilters) -> int:
    """What the search page's concordance view asks of the selectors, its lines not yet
    cached (the first look at a concordance)."""
    KWIC_CACHE.clear()
    return concordance_page(query=query, filters=filters)


def concordance_page(*, query: str, filters: SearchFilters) -> int:
    """What the search page's concordance view asks of the selectors, as when paging
    through or re-sorting lines the first look cached."""
    compiled = glossary_expand(query=query_parse(query))
    results = passage_search(query=compiled, filters=filters)
    spelling_suggestions(query=compiled, matches=len(results))
    lines = kwic_lines(query=compiled, filters=filters, results=results)
    search_facets(query=compiled, filters=filters, results=results)
    return len(lines)


def cases() -> list[tuple[str, object, str, SearchFilters]]:
    theme = Theme.objects.get(slug=THEME)
    found = []
    for name, query in QUERY_CLASSES:
        found.append((f"{name}: {query}", search_page, query, SearchFilters()))
        found.append((f"{name} + theme", search_page, query, SearchFilters(theme=theme)))
    found.append(("concordance: workers", concordance, "workers", SearchFilters()))
    found.append(("concordance, cached", concordance_page, "workers", SearchFilters()))
    return found


def bench_all(*, runs: int) -> tuple[list[tuple[Timing, object, str, SearchFilters]], list[float]]:
    """Each case ``runs`` times, in rounds of one run of every case, and the host's speed.

    This machine's host speeds it up and slows it down by half over tens of seconds.
    Rounds spread that over every class alike, so that classes compare within a run;
    and each round also times a fixed piece of pure Python (FIXED_WORK), whose spread
    says how busy the host was while the classes were timed.
    """
    found = cases()
    matches = [run(query=query, filters=filters) for _, run, query, filters in found]  # warm
    samples: list[list[float]] = [[] for _ in found]
    host: list[float] = []
    for _ in range(runs):
        host.append(fixed_work())
        for (_, run, query, filters), taken in zip(found, samples, strict=True):
            started = time.perf_counter()
            run(query=query, filters=filters)
            taken.append((time.perf_counter() - started) * 1000)
    results = []
    for (label, run, query, filters), count, taken in zip(found, matches, samples, strict=True):
        p95 = statistics.quantiles(taken, n=20, method="inclusive")[-1]
        timing = Timing(label=label, matches=count, p50=statistics.median(taken), p95=p95)
        results.append((timing, run, query, filters))
    return results, host


FIXED_WORK = 500_000


def fixed_work() -> float:
    """Milliseconds for FIXED_WORK rounds of a pure-Python loop."""
    started = time.perf_counter()
    total = 0
    for n in range(FIXED_WORK):
        total += n * n
    return (time.perf_counter() - started) * 1000


def report(title: str, measured: tuple[list, list[float]]) -> None:
    results, host = measured
    timings = [timing for timing, *_ in results]
    baseline = timings[0].p50
    print(f"\n{title}")
    print(
        f"Host: a fixed piece of Python took {min(host):.1f} ms at best, "
        f"{statistics.median(host):.1f} at the median: the host ran "
        f"{statistics.median(host) / min(host):.2f} times slower than its best, typically."
    )
    print(f"{'query class':32} {'matches':>8} {'p50 ms':>8} {'p95 ms':>8} {'× rare':>7}")
    for timing in timings:
        print(
            f"{timing.label:32} {timing.matches:>8,} {timing.p50:>8.1f} {timing.p95:>8.1f} "
            f"{timing.p50 / baseline:>7.1f}"
        )
    slowest, run, query, filters = max(
        (result for result in results if result[1] is search_page), key=lambda r: r[0].p95
    )
    explain(slowest.label, run, query, filters)


def explain(label: str, run, query: str, filters: SearchFilters) -> None:
    """Where the slowest search spends its time: each statement, then the dearest's plan."""
    with CaptureQueriesContext(connection) as captured:
        run(query=query, filters=filters)
    # Some executions send two statements at once (search.selectors.ranked_hits).
    statements = [
        part for query in captured.captured_queries for part in query["sql"].split(";\n")
    ]
    plans = []
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}")
            plan = [row[0] for row in cursor.fetchall()]
            milliseconds = float(plan[-1].split(":")[1].split()[0])
            plans.append((milliseconds, statement, plan))
    print(f"\nSlowest class, {label!r}: its statements under EXPLAIN ANALYZE")
    for milliseconds, sql, _ in plans:
        print(f"  {milliseconds:8.2f} ms  {' '.join(sql.split())[:110]}")
    milliseconds, sql, plan = max(plans, key=lambda item: item[0])
    print(f"\nThe dearest ({milliseconds:.1f} ms):\n  {' '.join(sql.split())[:400]}")
    print("\n".join(f"    {line}" for line in plan))


if __name__ == "__main__":
    main()
