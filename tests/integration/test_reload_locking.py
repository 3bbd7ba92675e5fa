"""A reload holds every passage it is about to replace: a researcher re-attaching a tag
to any of them meanwhile waits, instead of making the reload fail (or losing the tag)."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, transaction

from annotations.models import Tag
from annotations.services import tag_reattach, tags_reanchor
from corpus.models import Passage, Source
from corpus.services import parsed_source_store
from tests.corpus.test_ingest_store import ENTRY, parsed_source

# Long enough to be sure the other client is held, short enough to keep the test quick.
LOCK_TIMEOUT = "300ms"
FIRST = parsed_source(
    (1, "body", "Workers depended on the enterprise for housing."),
    (1, "body", "The miners struck in 1989."),
    (2, "body", "Steelworkers stayed at the mills."),
)
EDITED = parsed_source(
    (1, "body", "Workers depended on the enterprise for housing and food."),
    (1, "body", "The miners struck in 1989 and 1991."),
    (2, "body", "Steelworkers stayed at the mills."),
)


def _reattach_elsewhere(*, tag_id: int, passage_id: int) -> str:
    """Another client re-attaches a tag, on its own connection: what happened."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            tag = Tag.objects.get(pk=tag_id)
            tag_reattach(
                user=tag.user, tag=tag, passage=Passage.objects.get(pk=passage_id),
                start=None, end=None,
            )
        return "re-attached"
    except OperationalError:
        return "waited"
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_reload_locks_every_stale_passage(researcher, themes):
    parsed_source_store(parsed=FIRST)
    source = Source.objects.get(slug=ENTRY.slug)
    stale_ids = list(
        Passage.objects.filter(source=source, text__in=[p.text for p in FIRST.passages[:2]])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    orphans = [
        Tag.objects.create(source=source, passage=None, theme=theme, user=researcher,
                           quote="A whole passage")
        for theme in (themes["paternalism"], themes["workerism"])
    ]
    outcomes: dict[int, str] = {}

    def reanchor_then_race(**kwargs):
        result = tags_reanchor(**kwargs)
        # Between the hand-over and the delete, someone puts a tag on each stale passage.
        for orphan, passage_id in zip(orphans, stale_ids, strict=True):
            other_client = threading.Thread(
                target=lambda tag_id=orphan.pk, passage_id=passage_id: outcomes.__setitem__(
                    passage_id, _reattach_elsewhere(tag_id=tag_id, passage_id=passage_id)
                )
            )
            other_client.start()
            other_client.join()
        return result

    result = parsed_source_store(parsed=EDITED, on_passages_replaced=reanchor_then_race)

    assert outcomes == {passage_id: "waited" for passage_id in stale_ids}
    assert result.passages_deleted == 2
    assert not Passage.objects.filter(pk__in=stale_ids).exists()
    assert Tag.objects.filter(pk__in=[orphan.pk for orphan in orphans], passage=None).count() == 2
