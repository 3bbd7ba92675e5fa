"""Shows that the CSV export of /api/excerpts/ streams: memory stays flat as tags grow.

Standalone: ``python bench/export.py [--sizes 1000 10000]``. Makes a throwaway source
of generated passages and, per size, a tagger with that many tags, all inside a
transaction rolled back at the end, so nothing is left behind. For each size it
downloads the whole CSV through Django's test client (the real view, renderer and
server-side cursor) and reports rows, seconds, and the peak Python memory allocated
while streaming it (tracemalloc), timed in a separate run without tracemalloc.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc

import _django  # noqa: F401 (sets Django up)
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.test import Client

from annotations.anchoring import quote_context
from annotations.models import RESEARCHERS_GROUP, Tag, Theme
from corpus.models import Passage, Section, Source

PASSAGES = 200
SPAN = 40
# Per passage, theme and tagger, spans start this far apart (tags must not collide).
STRIDE = 7
SENTENCE = ("The director promised flats to loyal workers, and the strike committee "
            "met at night to decide whether anyone would dare to stop the furnaces. ")


class Rollback(Exception):
    pass


def _passages_make() -> list[Passage]:
    source = Source.objects.create(
        slug="bench-export", title="Generated for bench/export.py", authors="Bench",
        year=2000, citation="Bench (2000).", filename="bench.txt", ordinal=999,
    )
    section = Section.objects.create(source=source, ordinal=1, title="Generated",
                                     authors="Bench Author")
    text = SENTENCE * 6
    return Passage.objects.bulk_create(
        Passage(source=source, section=section, ordinal=n, text=text, heading=section.title,
                char_start=n * 10_000, char_end=n * 10_000 + len(text),
                word_count=len(text.split()))
        for n in range(1, PASSAGES + 1)
    )


def _tags_make(*, user: User, passages: list[Passage], count: int) -> None:
    themes = list(Theme.objects.all())
    per_passage_theme = len(passages[0].text) // STRIDE - SPAN
    assert count <= len(passages) * len(themes) * per_passage_theme, "not enough room"
    tags = []
    for n in range(count):
        passage = passages[n % len(passages)]
        theme = themes[(n // len(passages)) % len(themes)]
        start = STRIDE * (n // (len(passages) * len(themes)))
        selector = quote_context(text=passage.text, start=start, end=start + SPAN)
        tags.append(Tag(
            source_id=passage.source_id, passage=passage, theme=theme, user=user,
            start=start, end=start + SPAN, quote=selector.exact, prefix=selector.prefix,
            suffix=selector.suffix,
            # Some memos a spreadsheet would run as formulas, to exercise neutralising.
            memo="=SUM(A1:A9) looks like a formula" if n % 10 == 0 else "A memo.",
        ))
    Tag.objects.bulk_create(tags, batch_size=2000)


def _download(client: Client, username: str) -> tuple[int, int]:
    response = client.get("/api/excerpts/", {"format": "csv", "user": username})
    assert response.status_code == 200, response.status_code
    assert response.streaming, "the export must stream"
    rows = size = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\r\n")
        size += len(chunk)
    return rows - 1, size  # less the header row


def _measure(*, client: Client, username: str) -> dict:
    started = time.perf_counter()
    rows, size = _download(client, username)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    _download(client, username)
    peak = tracemalloc.get_traced_memory()[1] - baseline
    tracemalloc.stop()
    return {"rows": rows, "bytes": size, "seconds": seconds, "peak": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    arguments = parser.parse_args()
    if settings.DEBUG:
        sys.exit("Run with DEBUG off: with it on, Django keeps every query in memory.")
    results = []
    try:
        with transaction.atomic():
            passages = _passages_make()
            researchers = Group.objects.get(name=RESEARCHERS_GROUP)
            client = Client()
            for size in arguments.sizes:
                user = User.objects.create_user(f"bench-export-{size}")
                user.groups.add(researchers)
                _tags_make(user=user, passages=passages, count=size)
                client.force_login(user)
                results.append((size, _measure(client=client, username=user.username)))
            raise Rollback
    except Rollback:
        pass
    print(f"{'tags':>8} {'rows':>8} {'MB sent':>8} {'seconds':>8} {'rows/s':>8} "
          f"{'peak MB':>8}")
    for size, result in results:
        print(f"{size:>8} {result['rows']:>8} {result['bytes'] / 1e6:>8.2f} "
              f"{result['seconds']:>8.2f} {result['rows'] / result['seconds']:>8.0f} "
              f"{result['peak'] / 1e6:>8.2f}")
    (small, first), (large, last) = results[0], results[-1]
    print(f"{large / small:.0f}x the tags: {last['peak'] / first['peak']:.2f}x the peak memory, "
          f"{last['bytes'] / first['bytes']:.1f}x the bytes sent.")


if __name__ == "__main__":
    main()
