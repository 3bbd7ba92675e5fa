"""``manage.py load_corpus [--force] [--only SLUG] [--reset-metadata]``: ingest the
manifest's sources.

It lives in annotations because a reload is the corpus's loader composed with what
annotations must do when passages are replaced: move researchers' tags onto the new
passages (the corpus app never imports annotations).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from annotations.selectors import tag_orphan_count
from annotations.services import tags_reanchor
from corpus.services import IngestResult, corpus_load

_BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Load the corpus sources listed in fixtures/manifest.json (unchanged files are skipped)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Re-ingest unchanged files too.")
        parser.add_argument(
            "--only", action="append", default=[], metavar="SLUG", help="Load only this source."
        )
        parser.add_argument(
            "--reset-metadata",
            action="store_true",
            help="Give titles, citations and authors back their manifest (and parsed) values, "
            "overriding edits made in the admin.",
        )

    def handle(self, *args, force: bool, only: list[str], reset_metadata: bool, **options) -> None:
        started = time.perf_counter()
        results = corpus_load(
            force=force,
            only=only,
            progress=self._progress_show,
            on_passages_replaced=tags_reanchor,
            reset_metadata=reset_metadata,
        )
        self.stdout.write(_summary(results=results, seconds=time.perf_counter() - started))
        self.stdout.write(_tags_report(results=results))

    def _progress_show(self, done: int, total: int, label: str) -> None:
        filled = round(_BAR_WIDTH * done / total) if total else _BAR_WIDTH
        bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
        end = "\n" if done == total else ""
        self.stderr.write(f"\r[{bar}] {done}/{total} {label:<20}{end}", ending="")
        self.stderr.flush()


def _summary(*, results: list[IngestResult], seconds: float) -> str:
    header = (
        f"{'source':<16} {'passages':>9} {'notes':>6} {'sections':>9}  {'status':<9} {'seconds':>7}"
    )
    rows = [header, "-" * len(header)]
    for result in results:
        rows.append(
            f"{result.slug:<16} {result.body_passages:>9} {result.notes:>6} {result.sections:>9}"
            f"  {result.status:<9} {result.seconds:>7.2f}"
        )
    rows.append("-" * len(header))
    rows.append(
        f"{'total':<16} {sum(r.body_passages for r in results):>9}"
        f" {sum(r.notes for r in results):>6} {sum(r.sections for r in results):>9}"
        f"  {'':<9} {seconds:>7.2f}"
    )
    return "\n".join(rows)


def _tags_report(*, results: list[IngestResult]) -> str:
    """What happened to researchers' tags on passages whose text changed, and where
    the orphans (if any, ever) can be found and re-attached."""
    moved = sum(result.tags_moved for result in results)
    orphaned_now = sum(result.tags_orphaned for result in results)
    orphans = tag_orphan_count()
    lines = [f"Tags re-anchored: {moved}; newly orphaned: {orphaned_now}."]
    if orphans:
        lines.append(f"{orphans} orphaned tag(s) wait to be re-attached: see /themes/orphans/.")
    return "\n".join(lines)
