"""Writes for team coding: marking a section done, adopting another coder's tag, and
memos on disagreements."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from annotations.models import MEMO_MAX_CHARS, DisagreementMemo, SectionCoding, Tag, Theme
from annotations.roles import user_can_tag
from annotations.services import TagCreateResult, tag_create
from annotations.team_selectors import memo_pair
from corpus.models import Passage, Section


@dataclass(frozen=True)
class SectionCodingResult:
    coding: SectionCoding
    created: bool


def _tagger_required(user: AbstractBaseUser, action: str) -> None:
    if not user_can_tag(user=user):
        raise PermissionDenied(f"Only researchers and staff may {action}.")


def section_coding_mark(*, user: AbstractBaseUser, section: Section) -> SectionCodingResult:
    """Marks a section as coded by the user; marking it again changes nothing."""
    _tagger_required(user, "mark a section done")
    try:
        with transaction.atomic():
            coding, created = SectionCoding.objects.get_or_create(section=section, user=user)
    except IntegrityError:
        # Marked by a concurrent request between our read and our write.
        coding, created = SectionCoding.objects.get(section=section, user=user), False
    return SectionCodingResult(coding=coding, created=created)


def section_coding_unmark(*, user: AbstractBaseUser, section: Section) -> bool:
    """Takes back the user's done mark; False if there was none."""
    _tagger_required(user, "mark a section done")
    deleted, _ = SectionCoding.objects.filter(section=section, user=user).delete()
    return bool(deleted)


def tag_adopt(*, user: AbstractBaseUser, tag: Tag) -> TagCreateResult:
    """Makes another coder's tag the user's own too: the same theme on the same words.

    Idempotent, as ``tag_create`` is: adopting twice returns the copy made the first time.
    """
    _tagger_required(user, "adopt tags")
    if tag.passage_id is None:
        raise ValidationError({"tag": "That tag has lost its place; re-attach it first."})
    if tag.user_id == user.pk:
        raise ValidationError({"tag": "That tag is already yours."})
    passage = Passage.objects.defer("search_vector").get(pk=tag.passage_id)
    return tag_create(user=user, passage=passage, theme=tag.theme, start=tag.start,
                      end=tag.end)


def disagreement_memo_create(*, author: AbstractBaseUser, passage: Passage, theme: Theme,
                             coders: tuple[AbstractBaseUser, AbstractBaseUser],
                             text: str) -> DisagreementMemo:
    """A note on two coders' disagreement about a theme in a passage."""
    _tagger_required(author, "write memos")
    first, second = memo_pair(*coders)
    if first.pk == second.pk:
        raise ValidationError({"coders": "A disagreement is between two different coders."})
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the memo first."})
    if len(text) > MEMO_MAX_CHARS:
        raise ValidationError({"text": f"A memo has at most {MEMO_MAX_CHARS} characters."})
    with transaction.atomic():
        return DisagreementMemo.objects.create(
            source_id=passage.source_id, passage=passage, theme=theme, coder_a=first,
            coder_b=second, author=author, text=text,
        )
