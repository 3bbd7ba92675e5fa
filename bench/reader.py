"""Times the reading pages of the largest source with 1,000 tags present (server side;
``bench/reader_browser.py`` measures what the browser then does).

Standalone: ``python bench/reader.py [--runs N] [--tags N]``. Uses the corpus loaded
in the development database (``manage.py load_corpus``); the tags and the user it
makes live in a transaction that is rolled back at the end, so nothing is left behind.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import _django  # noqa: F401 (sets Django up)
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from annotations.anchoring import quote_context
from annotations.models import RESEARCHERS_GROUP, Tag, Theme
from corpus.models import Passage, Source

BUDGET_MS = 300


def bench_tags_make(*, source: Source, user: User, count: int) -> int:
    """Whole-passage and span tags spread over the source, every theme used."""
    themes = list(Theme.objects.all())
    passages = list(Passage.objects.filter(source=source).defer("search_vector"))
    tags = []
    for n in range(count):
        # Distinct (passage, theme) pairs, so none collide with the unique identity.
        passage = passages[n % len(passages)]
        theme = themes[(n // len(passages) + n % len(passages)) % len(themes)]
        if n % 3 == 0 or len(passage.text) < 40:
            tags.append(Tag(source=source, passage=passage, theme=theme, user=user,
                            quote=passage.text, memo="A memo." if n % 5 == 0 else ""))
            continue
        start = (n * 13) % (len(passage.text) - 30)
        selector = quote_context(text=passage.text, start=start, end=start + 25)
        tags.append(Tag(source=source, passage=passage, theme=theme, user=user, start=start,
                        end=start + 25, quote=selector.exact, prefix=selector.prefix,
                        suffix=selector.suffix))
    return len(Tag.objects.bulk_create(tags, ignore_conflicts=True))


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--tags", type=int, default=1000)
    args = parser.parse_args()

    source = (
        Source.objects.annotate(n=Count("passages")).filter(n__gt=0).order_by("-n").first()
    )
    if source is None:
        print("No corpus loaded: run `python manage.py load_corpus` first.", file=sys.stderr)
        return 1
    with transaction.atomic():
        user = User.objects.create_user("bench-reader-researcher")
        user.groups.add(Group.objects.get(name=RESEARCHERS_GROUP))
        made = bench_tags_make(source=source, user=user, count=args.tags)
        total_tags = Tag.objects.filter(source=source, passage__isnull=False).count()
        client = Client()
        client.force_login(user)
        ordinals = source.sections.order_by("ordinal").values_list("ordinal", flat=True)
        urls = [f"{source.get_absolute_url()}{ordinal}/" for ordinal in ordinals]
        client.get(urls[0])  # warm the template cache
        results = [_time_page(client=client, url=url, runs=args.runs) for url in urls]
        transaction.set_rollback(True)

    print(f"reader, {source.slug}: {source.passages.count()} passages, {total_tags} tags "
          f"({made} made for the run, rolled back), logged-in researcher, {args.runs} runs a page")
    for url, timings, queries, size in results:
        p50, p95 = statistics.median(timings), _percentile(timings, 0.95)
        verdict = "within" if p95 < BUDGET_MS else "OVER"
        print(f"  {url:<28} p50 {p50:6.1f} ms, p95 {p95:6.1f} ms ({verdict} {BUDGET_MS} ms), "
              f"{queries} SQL queries, {size / 1024:.0f} KiB of HTML")
    return 0


def _time_page(*, client: Client, url: str, runs: int) -> tuple[str, list[float], int, int]:
    timings, queries, size = [], 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
        queries, size = len(captured), len(response.content)
    return url, timings, queries, size


if __name__ == "__main__":
    sys.exit(main())
