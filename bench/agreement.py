"""Times agreement over the whole corpus: 5 coders, 5,000 tags, every section done.

Standalone: ``python bench/agreement.py [--runs N] [--tags N] [--coders N]``. Uses the
corpus loaded in the development database (``manage.py load_corpus``); the coders, their
tags and done marks live in a transaction that is rolled back at the end, so nothing is
left behind. Prints the time of the computation alone (``agreement_compute``) and of the
whole API request, and the number of SQL queries.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import _django  # noqa: F401 (sets Django up)
import numpy as np
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from annotations.anchoring import quote_context
from annotations.models import RESEARCHERS_GROUP, SectionCoding, Tag, Theme
from annotations.team_selectors import agreement_compute
from corpus.models import Passage, Section

BUDGET_S = 1.0


def _tags_make(*, coders: list[User], count: int, seed: int = 1) -> int:
    """Tags as a team makes them: each coder tags about the same passages, with some
    whole-passage tags, spans that mostly overlap the others' and some that do not."""
    rng = np.random.default_rng(seed)
    themes = list(Theme.objects.all())
    passages = list(Passage.objects.defer("search_vector").only("pk", "source_id", "text"))
    tags = {}
    while len(tags) < count:
        passage = passages[rng.integers(len(passages))]
        theme = themes[rng.integers(len(themes))]
        for coder in coders:
            if rng.random() < 0.3 or len(tags) >= count:
                continue  # this coder missed it
            if rng.random() < 0.3 or len(passage.text) < 60:
                start = end = None
            else:
                start = int(rng.integers(len(passage.text) - 50))
                end = start + int(rng.integers(20, 50))
            key = (passage.pk, theme.pk, coder.pk, start, end)
            selector = (quote_context(text=passage.text, start=start, end=end)
                        if start is not None else None)
            tags[key] = Tag(
                source_id=passage.source_id, passage=passage, theme=theme, user=coder,
                start=start, end=end, quote=selector.exact if selector else passage.text,
                prefix=selector.prefix if selector else "",
                suffix=selector.suffix if selector else "",
            )
    return len(Tag.objects.bulk_create(tags.values(), batch_size=2000))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--tags", type=int, default=5000)
    parser.add_argument("--coders", type=int, default=5)
    args = parser.parse_args()
    if not Passage.objects.exists():
        print("No corpus loaded: run `python manage.py load_corpus` first.", file=sys.stderr)
        return 1
    with transaction.atomic():
        researchers = Group.objects.get(name=RESEARCHERS_GROUP)
        coders = [User.objects.create_user(f"bench-coder-{n}") for n in range(args.coders)]
        for coder in coders:
            coder.groups.add(researchers)
        made = _tags_make(coders=coders, count=args.tags)
        sections = list(Section.objects.all())
        SectionCoding.objects.bulk_create(
            SectionCoding(section=section, user=coder) for section in sections for coder in coders
        )
        names = ",".join(coder.username for coder in coders)
        client = Client()
        client.get("/api/agreement/", {"coders": names})  # warm up the URL and view caches
        compute, request = [], []
        for _ in range(args.runs):
            began = time.perf_counter()
            result = agreement_compute(coders=coders)
            compute.append(time.perf_counter() - began)
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.get("/api/agreement/", {"coders": names})
                request.append(time.perf_counter() - began)
            assert response.status_code == 200, response.status_code
        transaction.set_rollback(True)

    print(f"agreement over the whole corpus: {args.coders} coders, {made} tags, "
          f"{len(sections)} sections all marked done (made for the run, rolled back)")
    print(f"  units: {result.passages} passages, {result.characters} characters, "
          f"{len(result.themes)} themes; overall alpha {result.overall.passages.alpha:.3f} "
          f"(passages), {result.overall.characters.alpha:.3f} (characters)")
    print(f"  agreement_compute: median {statistics.median(compute) * 1000:.0f} ms, "
          f"max {max(compute) * 1000:.0f} ms over {args.runs} runs")
    print(f"  GET /api/agreement/: median {statistics.median(request) * 1000:.0f} ms, "
          f"max {max(request) * 1000:.0f} ms, {len(captured)} SQL queries")
    verdict = "within" if statistics.median(request) <= BUDGET_S else "OVER"
    print(f"  median request {verdict} the {BUDGET_S:.0f} s target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
