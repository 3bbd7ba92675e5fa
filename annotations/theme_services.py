"""Writes to the codebook: editing, renaming, moving and merging themes, memos, examples.

Every change is recorded as a ``ThemeChange``; a slug a theme gives up stays with it as
a ``ThemeSlugAlias``, so links and scripts that use it keep working. Changes to the
tree (moves, merges) take one transaction-level advisory lock, so two concurrent moves
cannot build a cycle between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from annotations.models import Tag, Theme, ThemeChange, ThemeMemo, ThemeSlugAlias
from annotations.roles import user_can_edit_codebook
from annotations.theme_selectors import codebook_index

# Any fixed number: the lock's name among the application's advisory locks.
CODEBOOK_TREE_LOCK = 0x636F6465
MEMO_SEPARATOR = "\n\n"


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = _Unchanged()

_EDITED_FIELDS = ("definition", "inclusion", "exclusion", "colour", "key")


def _editor_check(user: AbstractBaseUser) -> None:
    if not user_can_edit_codebook(user=user):
        raise PermissionDenied("Only researchers and staff may change the codebook.")


def _tree_lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CODEBOOK_TREE_LOCK])


def _record(*, user: AbstractBaseUser, theme: Theme, kind: str, before: dict,
            after: dict) -> None:
    ThemeChange.objects.create(theme=theme, user=user, kind=kind, before=before, after=after)


def theme_update(
    *,
    user: AbstractBaseUser,
    theme: Theme,
    name: str | None = None,
    slug: str | None = None,
    parent: Theme | None | _Unchanged = UNCHANGED,
    key: int | None | _Unchanged = UNCHANGED,
    definition: str | None = None,
    inclusion: str | None = None,
    exclusion: str | None = None,
    colour: str | None = None,
) -> Theme:
    """Renames, moves (a new parent, never below itself) or edits a theme; ``None`` (or
    ``UNCHANGED`` where ``None`` means something) leaves a field as it is."""
    _editor_check(user)
    texts = {"name": name, "slug": slug, "definition": definition, "inclusion": inclusion,
             "exclusion": exclusion, "colour": colour}
    wanted = {field: value for field, value in texts.items() if value is not None}
    wanted |= {field: value for field, value in (("parent", parent), ("key", key))
               if value is not UNCHANGED}
    with transaction.atomic():
        _tree_lock()
        current = Theme.objects.select_for_update().get(pk=theme.pk)
        changed = {
            field: value for field, value in wanted.items()
            if _value_of(current, field) != _value_of_input(value)
        }
        if not changed:
            return current
        _update_validate(theme=current, changed=changed)
        before = {field: _json_value(current, field) for field in changed}
        old_slug = current.slug
        for field, value in changed.items():
            setattr(current, field, value)
        try:
            with transaction.atomic():
                current.save(update_fields=list(changed))
        except IntegrityError as error:
            raise ValidationError(_integrity_message(changed)) from error
        if "slug" in changed:
            _slug_retire(theme=current, old_slug=old_slug)
        after = {field: _json_value(current, field) for field in changed}
        _record_update(user=user, theme=current, before=before, after=after)
    return current


def _value_of(theme: Theme, field: str):
    return theme.parent_id if field == "parent" else getattr(theme, field)


def _value_of_input(value):
    return value.pk if isinstance(value, Theme) else value


def _json_value(theme: Theme, field: str):
    if field == "parent":
        return theme.parent.slug if theme.parent_id else None
    return getattr(theme, field)


def _update_validate(*, theme: Theme, changed: dict) -> None:
    if "slug" in changed:
        owner = ThemeSlugAlias.objects.filter(slug=changed["slug"]).exclude(theme=theme).first()
        if owner is not None:
            raise ValidationError(
                {"slug": f"“{changed['slug']}” was a slug of another theme, and still leads "
                         "there."}
            )
    if "colour" in changed and not re.fullmatch(r"#[0-9a-fA-F]{6}", changed["colour"]):
        raise ValidationError({"colour": "A colour is written like #b5443a."})
    if changed.get("key") is not None and not 1 <= changed["key"] <= 9:
        raise ValidationError({"key": "A key is a digit from 1 to 9."})
    if changed.get("parent") is not None:
        parent = changed["parent"]
        if parent.pk in codebook_index().descendants(theme.pk):
            raise ValidationError(
                {"parent": f"“{parent.name}” is “{theme.name}” or lies below it: a theme "
                           "cannot sit under itself."}
            )


def _integrity_message(changed: dict) -> dict:
    for field in ("slug", "name", "key"):
        if field in changed and changed[field] is not None:
            taken = Theme.objects.filter(**{field: changed[field]}).first()
            if taken is not None:
                return {field: f"“{taken.name}” already has the {field} “{changed[field]}”."}
    return {"theme": "The theme could not be saved; reload and try again."}


def _slug_retire(*, theme: Theme, old_slug: str) -> None:
    ThemeSlugAlias.objects.filter(theme=theme, slug=theme.slug).delete()
    ThemeSlugAlias.objects.create(theme=theme, slug=old_slug)


def _record_update(*, user: AbstractBaseUser, theme: Theme, before: dict, after: dict) -> None:
    groups = (
        (ThemeChange.Kind.RENAME, ("name", "slug")),
        (ThemeChange.Kind.MOVE, ("parent",)),
        (ThemeChange.Kind.EDIT, _EDITED_FIELDS),
    )
    for kind, fields in groups:
        if any(field in before for field in fields):
            _record(
                user=user, theme=theme, kind=kind,
                before={field: before[field] for field in fields if field in before},
                after={field: after[field] for field in fields if field in after},
            )


# --- Merging ---------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeMergeResult:
    theme: Theme
    tags_moved: int
    tags_collapsed: int
    children_moved: int


def theme_merge(*, user: AbstractBaseUser, theme: Theme, into: Theme) -> ThemeMergeResult:
    """Merges ``theme`` (A) into ``into`` (B): every tag of A becomes a tag of B, a tag
    identical to one of B's (same passage, coder and span) collapses into the earlier
    of the two with both memos; A's sub-themes, memos, history and slugs go to B; then
    A, now empty, is deleted (its fields are kept in the history)."""
    _editor_check(user)
    if theme.pk == into.pk:
        raise ValidationError({"into": "A theme cannot be merged into itself."})
    with transaction.atomic():
        _tree_lock()
        locked = Theme.objects.select_for_update().in_bulk([theme.pk, into.pk])
        source, target = locked[theme.pk], locked[into.pk]
        if target.pk in codebook_index().descendants(source.pk):
            raise ValidationError(
                {"into": f"“{target.name}” lies below “{source.name}”: move it out first."}
            )
        snapshot = _theme_snapshot(source)
        collapsed = _duplicates_collapse(source=source, target=target)
        moved = Tag.objects.filter(theme=source).update(theme=target)
        children = Theme.objects.filter(parent=source).update(parent=target)
        ThemeMemo.objects.filter(theme=source).update(theme=target)
        ThemeChange.objects.filter(theme=source).update(theme=target)
        ThemeSlugAlias.objects.filter(theme=source).update(theme=target)
        key = source.key
        try:
            with transaction.atomic():
                source.delete()
        except ProtectedError as error:
            raise ValidationError(
                {"theme": f"“{source.name}” was used while merging; try again."}
            ) from error
        ThemeSlugAlias.objects.create(theme=target, slug=source.slug)
        if key is not None and target.key is None:
            target.key = key
            target.save(update_fields=["key"])
        _record(
            user=user, theme=target, kind=ThemeChange.Kind.MERGE, before=snapshot,
            after={"into": target.slug, "tags_moved": moved + collapsed,
                   "tags_collapsed": collapsed, "children_moved": children},
        )
    return ThemeMergeResult(theme=target, tags_moved=moved + collapsed,
                            tags_collapsed=collapsed, children_moved=children)


def _theme_snapshot(theme: Theme) -> dict:
    fields = ("name", "slug", "definition", "inclusion", "exclusion", "colour", "key")
    return {
        **{field: getattr(theme, field) for field in fields},
        "parent": theme.parent.slug if theme.parent_id else None,
    }


def _identity(tag: Tag) -> tuple:
    return (tag.passage_id, tag.user_id, tag.start, tag.end)


def _duplicates_collapse(*, source: Theme, target: Theme) -> int:
    """Tags of ``source`` that ``target`` already has (same passage, coder and span) are
    folded into one tag of ``target``: the earlier, with both memos. Returns how many."""
    placed = Tag.objects.filter(theme=source, passage__isnull=False).select_for_update()
    by_identity = {_identity(tag): tag for tag in placed}
    if not by_identity:
        return 0
    twins = Tag.objects.filter(
        theme=target, passage_id__in={identity[0] for identity in by_identity}
    ).select_for_update()
    pairs = [(by_identity[_identity(twin)], twin) for twin in twins
             if _identity(twin) in by_identity]
    for tag, twin in pairs:
        keep, drop = sorted((tag, twin), key=lambda item: (item.created, item.pk))
        keep.memo = MEMO_SEPARATOR.join(
            dict.fromkeys(memo for memo in (keep.memo, drop.memo) if memo)
        )
        keep.is_example = keep.is_example or drop.is_example
        keep.theme = target
        Tag.objects.filter(pk=drop.pk).delete()
        keep.save(update_fields=["memo", "is_example", "theme", "updated"])
    return len(pairs)


# --- Memos and examples --------------------------------------------------------------


def theme_memo_create(*, user: AbstractBaseUser, theme: Theme, text: str) -> ThemeMemo:
    _editor_check(user)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the memo first."})
    return ThemeMemo.objects.create(theme=theme, user=user, text=text)


def tag_example_set(*, user: AbstractBaseUser, tag: Tag, is_example: bool) -> Tag:
    """Marks a tag as an example of its theme in the codebook, or unmarks it."""
    _editor_check(user)
    tag.is_example = is_example
    tag.save(update_fields=["is_example", "updated"])
    return tag
