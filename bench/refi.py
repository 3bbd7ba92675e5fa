"""Times the REFI-QDA project export (GET /api/exports/project.qdpx) of a 5,000-tag project.

Standalone: ``python bench/refi.py [--tags 5000]``, on a database with the corpus loaded
(``manage.py load_corpus``). Adds taggers and tags over every passage of the real texts
inside a transaction rolled back at the end, so nothing is left behind. Prints the time
of the download through Django's test client (the real view), the archive's size, the
time to validate it against the official schema, and the time of importing it back
(``project_import``: every tag is found already there, the idempotent path).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import zipfile

import _django  # noqa: F401 (sets Django up)
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.test import Client
from lxml import etree

from annotations.anchoring import quote_context
from annotations.models import RESEARCHERS_GROUP, Tag, Theme
from annotations.refi.documents import PROJECT_MEMBER, schema_load
from annotations.refi.import_ import project_import
from corpus.models import Passage

TAGGERS = 4
SPAN = 40


class Rollback(Exception):
    pass


def _tags_make(*, count: int) -> None:
    """Spread over every passage; each passage's n-th tag is by the n-th tagger, so no two
    collide. Every fifth is a whole-passage tag, every third has a memo."""
    passages = list(Passage.objects.order_by("source", "ordinal").only("pk", "source_id", "text"))
    if not passages:
        sys.exit("No passages: run `manage.py load_corpus` first.")
    if count > len(passages) * TAGGERS:
        sys.exit(f"At most {len(passages) * TAGGERS} tags fit this corpus.")
    researchers = Group.objects.get(name=RESEARCHERS_GROUP)
    users = [User.objects.create_user(f"bench-refi-{n}") for n in range(TAGGERS)]
    researchers.user_set.add(*users)
    themes = list(Theme.objects.all())
    tags = []
    for n in range(count):
        passage, round_ = passages[n % len(passages)], n // len(passages)
        fields = {"source_id": passage.source_id, "passage": passage, "user": users[round_],
                  "theme": themes[n % len(themes)],
                  "memo": f"Bench memo {n}." if n % 3 == 0 else ""}
        end = min(len(passage.text), SPAN)
        if n % 5 == 0 or end < 2:
            tags.append(Tag(**fields, quote=passage.text))
            continue
        start = (round_ * 7) % (len(passage.text) - end + 1)
        selector = quote_context(text=passage.text, start=start, end=start + end)
        tags.append(Tag(**fields, start=start, end=start + end, quote=selector.exact,
                        prefix=selector.prefix, suffix=selector.suffix))
    Tag.objects.bulk_create(tags, batch_size=2000)


def _seconds(action) -> tuple[float, object]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=5_000)
    arguments = parser.parse_args()
    if settings.DEBUG:
        sys.exit("Run with DEBUG off: with it on, Django keeps every query in memory.")
    try:
        with transaction.atomic():
            Tag.objects.all().delete()
            _tags_make(count=arguments.tags)
            client = Client()
            client.get("/api/exports/codebook.qdc")  # warm up: imports, URL resolver
            export_seconds, response = _seconds(lambda: client.get("/api/exports/project.qdpx"))
            assert response.status_code == 200, response.status_code
            payload = response.content
            with zipfile.ZipFile(io.BytesIO(payload)) as archive:
                root = etree.fromstring(archive.read(PROJECT_MEMBER))
            validate_seconds, valid = _seconds(lambda: schema_load("Project.xsd").validate(root))
            selections = sum(1 for _ in root.iter("{urn:QDA-XML:project:1.0}PlainTextSelection"))
            import_seconds, result = _seconds(
                lambda: project_import(data=payload, name="bench.qdpx"))
            raise Rollback
    except Rollback:
        pass
    print(f"tags {arguments.tags}, selections exported {selections}, "
          f"archive {len(payload) / 1e6:.2f} MB, valid {valid}")
    print(f"export  {export_seconds:6.2f} s  (target <= 5 s)")
    print(f"validate{validate_seconds:6.2f} s")
    print(f"re-import {import_seconds:4.2f} s  (created {result.tags_created}, "
          f"already there {result.tags_existing})")


if __name__ == "__main__":
    main()
