"""Backups of the coding work: the codebook, the taggers and every tag, as one JSON file.

Tags are written with their W3C-style quote selectors (exact, prefix, suffix) and
positions, not database ids, so a backup restores into any database holding the
same sources: each tag is placed again by its quote (see ``annotations.anchoring``),
and one that cannot be placed is restored as an orphan rather than dropped.
The output is deterministic (sorted, no timestamps of its own), so exporting what
was imported gives the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils.dateparse import parse_datetime

from annotations.anchoring import Placement, QuoteSelector, quote_context, quote_locate
from annotations.models import Tag, Theme, ThemeSlugAlias
from corpus.models import Passage, Source

BACKUP_FORMAT = "labour-corpus-annotations"
BACKUP_VERSION = 1
THEME_FIELDS = ("slug", "name", "definition", "colour", "order")
# Written since the codebook became a tree; older backups restore without them.
THEME_TREE_FIELDS = ("inclusion", "exclusion")


class BackupError(ValueError):
    pass


@dataclass
class ImportResult:
    themes_created: int = 0
    users_created: int = 0
    tags_created: int = 0
    tags_existing: int = 0
    tags_orphaned: int = 0


def annotations_export() -> str:
    themes = [
        {**{field: getattr(theme, field) for field in THEME_FIELDS + THEME_TREE_FIELDS},
         "parent": theme.parent.slug if theme.parent_id else None}
        for theme in Theme.objects.select_related("parent").order_by("slug")
    ]
    users = [
        {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "is_staff": user.is_staff,
            "groups": sorted(group.name for group in user.groups.all()),
        }
        for user in User.objects.filter(tags__isnull=False).distinct()
        .order_by("username").prefetch_related("groups")
    ]
    tags = (
        Tag.objects.select_related("source", "passage", "theme", "user")
        .order_by("source__slug", "passage__ordinal", "start", "theme__slug", "user__username",
                  "created", "pk")
    )
    document = {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "themes": themes,
        "users": users,
        "tags": [_tag_record(tag=tag) for tag in tags],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _tag_record(*, tag: Tag) -> dict[str, Any]:
    return {
        "source": tag.source.slug,
        "passage_ordinal": tag.passage.ordinal if tag.passage else None,
        "theme": tag.theme.slug,
        "user": tag.user.username,
        "start": tag.start,
        "end": tag.end,
        "exact": tag.quote,
        "prefix": tag.prefix,
        "suffix": tag.suffix,
        "memo": tag.memo,
        "created": tag.created.isoformat(),
        "updated": tag.updated.isoformat(),
    }


def annotations_import(*, payload: str) -> ImportResult:
    document = _document_parse(payload=payload)
    result = ImportResult()
    with transaction.atomic():
        themes = _themes_restore(records=document["themes"], result=result)
        users = _users_restore(records=document["users"], result=result)
        corpus = _Corpus()
        for record in document["tags"]:
            _tag_restore(record=record, themes=themes, users=users, corpus=corpus,
                         result=result)
    return result


def _document_parse(*, payload: str) -> dict[str, Any]:
    try:
        document = json.loads(payload)
    except json.JSONDecodeError as error:
        raise BackupError(f"Not a JSON file: {error}") from error
    if not isinstance(document, dict) or document.get("format") != BACKUP_FORMAT:
        raise BackupError(f"Not an annotations backup (expected format {BACKUP_FORMAT!r}).")
    if document.get("version") != BACKUP_VERSION:
        raise BackupError(f"Unsupported backup version {document.get('version')!r}.")
    return document


def _themes_restore(*, records: list[dict], result: ImportResult) -> dict[str, Theme]:
    """Creates the themes the database lacks, under their parents; a slug that a theme
    had before a rename or merge names that theme."""
    themes = {alias.slug: alias.theme
              for alias in ThemeSlugAlias.objects.select_related("theme")}
    themes |= {theme.slug: theme for theme in Theme.objects.all()}
    created = []
    for record in records:
        if record["slug"] not in themes:
            themes[record["slug"]] = Theme.objects.create(
                **{field: record[field] for field in THEME_FIELDS},
                **{field: record.get(field, "") for field in THEME_TREE_FIELDS},
            )
            created.append(record)
            result.themes_created += 1
    for record in created:  # parents once every theme exists
        if record.get("parent"):
            theme = themes[record["slug"]]
            theme.parent = themes[record["parent"]]
            theme.save(update_fields=["parent"])
    return themes


def _users_restore(*, records: list[dict], result: ImportResult) -> dict[str, User]:
    users = {user.username: user for user in User.objects.filter(
        username__in=[record["username"] for record in records])}
    for record in records:
        if record["username"] in users:
            continue
        # Restored accounts cannot log in until an admin sets a password.
        user = User.objects.create_user(
            username=record["username"], password=None,
            first_name=record.get("first_name", ""), last_name=record.get("last_name", ""),
            is_staff=record.get("is_staff", False),
        )
        user.groups.set(Group.objects.filter(name__in=record.get("groups", [])))
        users[user.username] = user
        result.users_created += 1
    return users


class _Corpus:
    """The sources a backup is restored into, each with its passages, loaded once."""

    def __init__(self) -> None:
        self._loaded: dict[str, tuple[Source, dict[int, Passage]]] = {}

    def source(self, slug: str) -> tuple[Source, dict[int, Passage]]:
        """The source and its passages by ordinal."""
        if slug not in self._loaded:
            source = Source.objects.filter(slug=slug).first()
            if source is None:
                raise BackupError(f"The backup names source {slug!r}, which is not loaded.")
            passages = Passage.objects.filter(source=source).only("pk", "text", "ordinal")
            self._loaded[slug] = (source, {passage.ordinal: passage for passage in passages})
        return self._loaded[slug]


def _tag_restore(*, record: dict, themes: dict[str, Theme], users: dict[str, User],
                 corpus: _Corpus, result: ImportResult) -> None:
    source, passages = corpus.source(record["source"])
    placement = _placement_find(passages=passages, record=record)
    fields = {
        "source": source,
        "theme": themes[record["theme"]],
        "user": users[record["user"]],
        "passage_id": placement.passage_id if placement else None,
        "start": placement.start if placement else record["start"],
        "end": placement.end if placement else record["end"],
    }
    if placement and Tag.objects.filter(**fields).exists():
        result.tags_existing += 1
        return
    if placement is None and Tag.objects.filter(
        **fields, quote=record["exact"], memo=record["memo"]
    ).exists():
        result.tags_existing += 1
        return
    selector = _selector_at(placement=placement, passages=passages, record=record)
    tag = Tag.objects.create(
        **fields,
        quote=selector.exact,
        prefix=selector.prefix,
        suffix=selector.suffix,
        memo=record["memo"],
    )
    # auto_now fields ignore given values on create; keep the original times.
    Tag.objects.filter(pk=tag.pk).update(
        created=parse_datetime(record["created"]), updated=parse_datetime(record["updated"])
    )
    result.tags_created += 1
    result.tags_orphaned += placement is None


def _selector_at(*, placement: Placement | None, passages: dict[int, Passage],
                 record: dict) -> QuoteSelector:
    """The quote and its context where the tag now stands (as recorded, for an orphan)."""
    if placement is None:
        return QuoteSelector(exact=record["exact"], prefix=record["prefix"],
                             suffix=record["suffix"])
    if placement.start is None:
        return QuoteSelector(exact=placement.exact, prefix="", suffix="")
    text = next(p.text for p in passages.values() if p.pk == placement.passage_id)
    return quote_context(text=text, start=placement.start, end=placement.end)


def _placement_find(*, passages: dict[int, Passage], record: dict) -> Placement | None:
    selector = QuoteSelector(exact=record["exact"], prefix=record["prefix"],
                             suffix=record["suffix"])
    return quote_locate(selector=selector, passages=passages.values(),
                        whole_passage=record["start"] is None,
                        hint=passages.get(record["passage_ordinal"]))
