"""Times the analysis matrices over the whole corpus with 5 coders and 5,000 tags.

Standalone: ``python bench/analysis.py [--runs N] [--tags N] [--coders N]``. Uses the
corpus loaded in the development database (``manage.py load_corpus``); the coders and
their tags live in a transaction that is rolled back at the end, so nothing is left
behind. Times each API answer (everyone's tags, and two coders'), the analysis page
and the drill-down of its largest co-occurrence cell, through Django's test client.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

import _django  # noqa: F401 (sets Django up)
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from analysis.selectors import AnalysisScope, cooccurrence_matrix
from annotations.anchoring import quote_context
from annotations.models import RESEARCHERS_GROUP, Tag, Theme
from corpus.models import Passage

SPAN = 30


def _tags_make(*, coders: list[User], count: int) -> int:
    """Whole-passage and span tags of every theme by every coder, spread over the corpus.

    Coders agree on a passage more often than chance, as real coders do: each picks
    among the same few themes per passage.
    """
    generator = random.Random(1994)
    themes = list(Theme.objects.all())
    passages = list(Passage.objects.defer("search_vector").only("pk", "source_id", "text"))
    tags, identities = [], set()
    while len(tags) < count:
        passage = generator.choice(passages)
        coder = generator.choice(coders)
        theme = themes[(passage.pk + generator.randrange(2)) % len(themes)]
        whole = generator.random() < 0.5 or len(passage.text) <= SPAN
        start = None if whole else generator.randrange(len(passage.text) - SPAN)
        identity = (passage.pk, theme.pk, coder.pk, start)
        if identity in identities:
            continue
        identities.add(identity)
        if whole:
            tags.append(Tag(source_id=passage.source_id, passage=passage, theme=theme,
                            user=coder, quote=passage.text))
            continue
        selector = quote_context(text=passage.text, start=start, end=start + SPAN)
        tags.append(Tag(source_id=passage.source_id, passage=passage, theme=theme, user=coder,
                        start=start, end=start + SPAN, quote=selector.exact,
                        prefix=selector.prefix, suffix=selector.suffix))
    return len(Tag.objects.bulk_create(tags))


def _timed(client: Client, url: str, runs: int) -> tuple[float, int]:
    """The median time in ms of ``runs`` requests, and the queries of one."""
    client.get(url)  # warm the template and statement caches
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(timings), queries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--tags", type=int, default=5000)
    parser.add_argument("--coders", type=int, default=5)
    args = parser.parse_args()

    passages = Passage.objects.count()
    if not passages:
        print("No corpus loaded: run `python manage.py load_corpus` first.", file=sys.stderr)
        return 1
    with transaction.atomic():
        coders = []
        for n in range(1, args.coders + 1):
            coder = User.objects.create_user(f"bench-analysis-coder-{n}")
            coder.groups.add(Group.objects.get(name=RESEARCHERS_GROUP))
            coders.append(coder)
        made = _tags_make(coders=coders, count=args.tags)
        total = Tag.objects.filter(passage__isnull=False).count()
        matrix = cooccurrence_matrix(scope=AnalysisScope())
        pair = max(
            ((i, j) for i in range(len(matrix.themes)) for j in range(len(matrix.themes))
             if i != j),
            key=lambda ij: matrix.counts[ij[0]][ij[1]],
        )
        themes = f"{matrix.themes[pair[0]].slug},{matrix.themes[pair[1]].slug}"
        two = f"{coders[0].username},{coders[1].username}"
        urls = [
            "/api/cooccurrence/",
            f"/api/cooccurrence/?coders={two}",
            "/api/matrices/themes-by-source/",
            "/api/matrices/themes-by-chapter/",
            f"/api/matrices/themes-by-chapter/?coders={two}&format=csv",
            "/analysis/",
            f"/analysis/passages/?themes={themes}",
        ]
        client = Client()
        results = [(url, *_timed(client, url, args.runs)) for url in urls]
        transaction.set_rollback(True)

    print(f"analysis over the whole corpus: {passages} passages, {total} placed tags "
          f"({made} by {args.coders} coders made for the run, rolled back)")
    for url, median, queries in results:
        print(f"  {url:<66} p50 {median:7.1f} ms  {queries} SQL queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
