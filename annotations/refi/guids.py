"""The GUIDs every export gives the same item: UUID5s of stable ids, one namespace per kind.

Tools that mint fresh GUIDs on every export (QualCoder does) make a round trip impossible
to match. Ours are derived from what does not change: a theme's id (or the GUID it was
imported with), a source's slug, a user's name, a tag's id. Ids are unique within one
installation, so the GUIDs are too.
"""

from __future__ import annotations

import uuid
from functools import cache

from annotations.models import Theme

_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, "https://labour-corpus.invalid/refi-qda/")
_CODE = uuid.uuid5(_ROOT, "code")
_SOURCE = uuid.uuid5(_ROOT, "source")
_USER = uuid.uuid5(_ROOT, "user")
_SELECTION = uuid.uuid5(_ROOT, "selection")
_CODING = uuid.uuid5(_ROOT, "coding")
_NOTE = uuid.uuid5(_ROOT, "note")


def theme_guid(*, theme: Theme) -> uuid.UUID:
    return theme.guid or uuid.uuid5(_CODE, str(theme.pk))


@cache
def source_guid(*, slug: str) -> uuid.UUID:
    return uuid.uuid5(_SOURCE, slug)


@cache
def user_guid(*, username: str) -> uuid.UUID:
    return uuid.uuid5(_USER, username)


def selection_guid(*, tag_id: int) -> uuid.UUID:
    return uuid.uuid5(_SELECTION, str(tag_id))


def coding_guid(*, tag_id: int) -> uuid.UUID:
    return uuid.uuid5(_CODING, str(tag_id))


def memo_note_guid(*, tag_id: int) -> uuid.UUID:
    return uuid.uuid5(_NOTE, f"tag-memo:{tag_id}")


def theme_memo_note_guid(*, memo_id: int) -> uuid.UUID:
    return uuid.uuid5(_NOTE, f"theme-memo:{memo_id}")


def theme_criterion_note_guid(*, theme: Theme, criterion: str) -> uuid.UUID:
    """``criterion``: "inclusion" or "exclusion"; tied to the code's GUID, as its note."""
    return uuid.uuid5(_NOTE, f"theme-{criterion}:{theme_guid(theme=theme)}")
