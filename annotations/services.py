"""Writes to the annotations: creating, editing, deleting and re-anchoring tags."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from annotations.anchoring import QuoteSelector, quote_context, quote_locate
from annotations.models import ApiToken, Tag, Theme
from annotations.roles import user_can_change_tag, user_can_tag
from annotations.selectors import api_token_digest
from corpus.models import Passage, Source

# What placing a tag changes; saving only these never undoes a concurrent memo edit.
_PLACEMENT_FIELDS = ["passage", "source", "start", "end", "quote", "prefix", "suffix", "updated"]


@dataclass(frozen=True)
class TagCreateResult:
    tag: Tag
    created: bool


def _span_validate(*, passage: Passage, start: int | None, end: int | None) -> None:
    if (start is None) != (end is None):
        raise ValidationError({"end": "Give both start and end for a span, or neither."})
    if start is None:
        return
    if not 0 <= start < end <= len(passage.text):
        raise ValidationError(
            {"end": f"A span needs 0 <= start < end <= {len(passage.text)} (the passage length)."}
        )


def _selector_for(*, passage: Passage, start: int | None, end: int | None) -> QuoteSelector:
    if start is None:
        return QuoteSelector(exact=passage.text, prefix="", suffix="")
    return quote_context(text=passage.text, start=start, end=end)


def tag_create(
    *,
    user: AbstractBaseUser,
    passage: Passage,
    theme: Theme,
    start: int | None = None,
    end: int | None = None,
    memo: str = "",
) -> TagCreateResult:
    """Creates a tag, or returns the identical one that exists (idempotent, race-safe)."""
    if not user_can_tag(user=user):
        raise PermissionDenied("Only researchers and staff may tag passages.")
    _span_validate(passage=passage, start=start, end=end)
    return _tag_get_or_create(passage=passage, theme=theme, user=user, start=start, end=end,
                              memo=memo)


def _tag_get_or_create(*, passage: Passage, theme: Theme, user: AbstractBaseUser,
                       start: int | None, end: int | None, memo: str) -> TagCreateResult:
    """The tag with this identity: the existing one, else a new one (race-safe)."""
    identity = {"passage": passage, "theme": theme, "user": user, "start": start, "end": end}
    existing = Tag.objects.filter(**identity).first()
    if existing is not None:
        return TagCreateResult(tag=existing, created=False)
    selector = _selector_for(passage=passage, start=start, end=end)
    try:
        with transaction.atomic():
            tag = Tag.objects.create(
                **identity,
                source_id=passage.source_id,
                quote=selector.exact,
                prefix=selector.prefix,
                suffix=selector.suffix,
                memo=memo,
            )
    except IntegrityError as error:
        # Another request created the same tag between our read and our write, or the
        # passage was replaced by a reload meanwhile.
        existing = Tag.objects.filter(**identity).first()
        if existing is None:
            raise ValidationError({"passage": "That passage no longer exists."}) from error
        return TagCreateResult(tag=existing, created=False)
    return TagCreateResult(tag=tag, created=True)


def tag_create_for_words(
    *, user: AbstractBaseUser, passage: Passage, theme: Theme, words: str, memo: str = ""
) -> TagCreateResult:
    """Tags a span given by its words rather than offsets: the way to tag a span from the
    keyboard, a screen reader, or a browser without JavaScript."""
    start, end = _words_find(text=passage.text, words=words)
    return tag_create(user=user, passage=passage, theme=theme, start=start, end=end, memo=memo)


def _words_find(*, text: str, words: str) -> tuple[int, int]:
    words = " ".join(words.split())
    if not words:
        raise ValidationError({"words": "Type the words to tag."})
    pattern = re.escape(words)
    found = [match.span() for match in re.finditer(pattern, text)] or [
        match.span() for match in re.finditer(pattern, text, flags=re.IGNORECASE)
    ]
    if not found:
        raise ValidationError({"words": f"“{words}” is not in this passage."})
    if len(found) > 1:
        raise ValidationError(
            {"words": f"“{words}” occurs {len(found)} times here: add a neighbouring word."}
        )
    return found[0]


def tag_update(*, user: AbstractBaseUser, tag: Tag, memo: str | None = None,
               theme: Theme | None = None) -> Tag:
    if not user_can_change_tag(user=user, tag_user_id=tag.user_id):
        raise PermissionDenied("You may only change your own tags.")
    fields = ["updated"]
    if memo is not None:
        tag.memo = memo
        fields.append("memo")
    if theme is not None:
        tag.theme = theme
        fields.append("theme")
    try:
        with transaction.atomic():
            tag.save(update_fields=fields)
    except IntegrityError as error:
        raise ValidationError({"theme": "You already tagged this with that theme."}) from error
    return tag


def tag_delete(*, user: AbstractBaseUser, tag: Tag) -> None:
    if not user_can_change_tag(user=user, tag_user_id=tag.user_id):
        raise PermissionDenied("You may only delete your own tags.")
    Tag.objects.filter(pk=tag.pk).delete()


def tag_reattach(*, user: AbstractBaseUser, tag: Tag, passage: Passage,
                 start: int | None, end: int | None) -> Tag:
    """Places an orphaned (or misplaced) tag on a passage chosen by a researcher."""
    if not user_can_change_tag(user=user, tag_user_id=tag.user_id):
        raise PermissionDenied("You may only re-attach your own tags.")
    _span_validate(passage=passage, start=start, end=end)
    _tag_place(tag=tag, passage=passage, start=start, end=end)
    try:
        with transaction.atomic():
            tag.save(update_fields=_PLACEMENT_FIELDS)
    except IntegrityError as error:
        raise ValidationError({"passage": "An identical tag already exists there."}) from error
    return tag


def tag_reattach_by_quote(*, user: AbstractBaseUser, tag: Tag, passage: Passage,
                          whole_passage: bool) -> Tag:
    """Re-attaches an orphan to a passage a researcher points at: to its quote found
    there again (exactly, else fuzzily), or to the whole passage."""
    if whole_passage:
        return tag_reattach(user=user, tag=tag, passage=passage, start=None, end=None)
    placement = quote_locate(
        selector=QuoteSelector(exact=tag.quote, prefix=tag.prefix, suffix=tag.suffix),
        passages=[passage],
        whole_passage=False,
    )
    if placement is None:
        raise ValidationError(
            {"passage": "The tagged words are not in that passage; tag the whole passage instead?"}
        )
    return tag_reattach(user=user, tag=tag, passage=passage, start=placement.start,
                        end=placement.end)


@dataclass
class ReanchorResult:
    moved: int = 0
    orphaned: int = 0


def tags_reanchor(
    *, source: Source, stale_passage_ids: Sequence[int], new_passages: Iterable[Passage]
) -> ReanchorResult:
    """Moves every tag off passages that a re-ingestion is about to delete.

    Each tag is placed by its quote and context in the source's new passages (exact
    match first, then fuzzy: see ``annotations.anchoring``); a tag that cannot be
    placed becomes an orphan (``passage`` null), never deleted.
    """
    result = ReanchorResult()
    candidates = {passage.pk: passage for passage in new_passages if passage.pk is not None}
    tags = Tag.objects.filter(passage_id__in=list(stale_passage_ids)).order_by("pk")
    for tag in tags:
        placement = quote_locate(
            selector=QuoteSelector(exact=tag.quote, prefix=tag.prefix, suffix=tag.suffix),
            passages=candidates.values(),
            whole_passage=tag.start is None,
        )
        if placement is None:
            tag.passage = None
            result.orphaned += 1
        else:
            _tag_place(tag=tag, passage=candidates[placement.passage_id],
                       start=placement.start, end=placement.end)
            result.moved += 1
        _tag_save_or_orphan(tag=tag, result=result)
    return result


def _tag_place(*, tag: Tag, passage: Passage, start: int | None, end: int | None) -> None:
    selector = _selector_for(passage=passage, start=start, end=end)
    tag.passage, tag.source_id, tag.start, tag.end = passage, passage.source_id, start, end
    tag.quote, tag.prefix, tag.suffix = selector.exact, selector.prefix, selector.suffix


def _tag_save_or_orphan(*, tag: Tag, result: ReanchorResult) -> None:
    try:
        with transaction.atomic():
            tag.save(update_fields=_PLACEMENT_FIELDS)
    except IntegrityError:
        # Its new place already holds an identical tag: keep this one as an orphan
        # rather than lose the researcher's memo.
        tag.passage = None
        tag.save(update_fields=["passage", "updated"])
        result.moved -= 1
        result.orphaned += 1


def theme_validate_deletable(*, theme: Theme) -> None:
    """Refuses to delete a theme that tags use: they would be lost with it."""
    count = theme.tags.count()
    if count:
        raise ValidationError(
            f"“{theme.name}” cannot be deleted: {count} tag{'s' if count != 1 else ''} use it. "
            "Re-tag those passages first, or refine the theme's definition instead."
        )


def theme_delete(*, theme: Theme) -> None:
    theme_validate_deletable(theme=theme)
    try:
        theme.delete()
    except ProtectedError as error:
        # Tagged between our count and the delete.
        raise ValidationError(
            f"“{theme.name}” cannot be deleted: it has just been used."
        ) from error


# --- Many tags at once (the REST API's bulk endpoint) ---------------------------


@dataclass(frozen=True)
class TagSpec:
    """One tag to create, as ``tag_create`` takes it."""

    passage: Passage
    theme: Theme
    start: int | None = None
    end: int | None = None
    memo: str = ""


@dataclass(frozen=True)
class BulkItemError:
    operation: str  # "create" or "delete": the list the item came in
    index: int
    error: ValidationError | PermissionDenied


class TagsBulkError(Exception):
    """Some items were refused, so nothing was changed."""

    def __init__(self, errors: list[BulkItemError]) -> None:
        super().__init__(f"{len(errors)} item(s) refused; nothing was changed.")
        self.errors = errors


@dataclass(frozen=True)
class TagsBulkResult:
    created: list[TagCreateResult]
    deleted: list[int]


def tags_bulk_apply(
    *, user: AbstractBaseUser, create: Sequence[TagSpec] = (), delete: Sequence[int] = ()
) -> TagsBulkResult:
    """Creates and deletes many tags in one transaction: all of them, or none.

    Every item is tried before giving up, so ``TagsBulkError`` lists all the refused
    items, not just the first. Creating is idempotent as in ``tag_create``.
    """
    if not user_can_tag(user=user):
        raise PermissionDenied("Only researchers and staff may tag passages.")
    errors: list[BulkItemError] = []
    with transaction.atomic():
        created = []
        for index, spec in enumerate(create):
            try:
                created.append(
                    tag_create(user=user, passage=spec.passage, theme=spec.theme,
                               start=spec.start, end=spec.end, memo=spec.memo)
                )
            except (ValidationError, PermissionDenied) as error:
                errors.append(BulkItemError(operation="create", index=index, error=error))
        tags = Tag.objects.in_bulk(list(delete))
        for index, pk in enumerate(delete):
            try:
                if pk not in tags:
                    raise ValidationError({"id": f"There is no tag {pk}."})
                tag_delete(user=user, tag=tags[pk])
            except (ValidationError, PermissionDenied) as error:
                errors.append(BulkItemError(operation="delete", index=index, error=error))
        if errors:
            raise TagsBulkError(errors)
    return TagsBulkResult(created=created, deleted=list(delete))


# --- API tokens ---------------------------------------------------------------

API_TOKENS_PER_USER = 20
# A token's last use is recorded at most this often: not a write per request.
API_TOKEN_USE_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str


def api_token_issue(*, user: AbstractBaseUser, name: str) -> IssuedToken:
    """A new token under ``name``; the user's token of that name, if any, stops working."""
    with transaction.atomic():
        # One issue at a time per user, so two for the same name cannot collide.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        ApiToken.objects.filter(user=user, name=name).delete()
        if ApiToken.objects.filter(user=user).count() >= API_TOKENS_PER_USER:
            raise ValidationError(
                {"name": f"You have {API_TOKENS_PER_USER} tokens: revoke one first."}
            )
        key = secrets.token_hex(20)
        token = ApiToken.objects.create(
            user=user, name=name, key_digest=api_token_digest(key=key), key_prefix=key[:6]
        )
    return IssuedToken(token=token, key=key)


def api_token_revoke(*, user: AbstractBaseUser, token_id: int) -> None:
    """Raises ``ApiToken.DoesNotExist`` unless it is one of the user's tokens."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise ApiToken.DoesNotExist


def api_token_touch(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used is None or now - token.last_used >= API_TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now


# --- Removing with undo ------------------------------------------------------------

UNDO_SECONDS = 15 * 60
_UNDO_SALT = "annotations.tag-undo"


def tag_remove_undoable(*, user: AbstractBaseUser, tag: Tag) -> str:
    """Deletes the tag and returns a signed token that restores it, memo included, for
    ``UNDO_SECONDS``. The token carries the tag's values, so nothing is kept aside."""
    removed = {
        "passage": tag.passage_id, "theme": tag.theme_id, "user": tag.user_id,
        "start": tag.start, "end": tag.end, "memo": tag.memo,
    }
    tag_delete(user=user, tag=tag)
    return signing.dumps(removed, salt=_UNDO_SALT, compress=True)


@transaction.atomic
def tag_restore(*, user: AbstractBaseUser, token: str) -> TagCreateResult:
    """Puts back a tag removed with ``tag_remove_undoable``: same passage, theme, span,
    tagger and memo. Restoring twice gives the one tag back, not two."""
    try:
        removed = signing.loads(token, salt=_UNDO_SALT, max_age=UNDO_SECONDS)
    except signing.SignatureExpired:
        raise ValidationError("Too late to undo: remove it less than 15 minutes ago.") from None
    except signing.BadSignature:
        raise ValidationError("That undo is not valid.") from None
    if not user_can_change_tag(user=user, tag_user_id=removed["user"]):
        raise PermissionDenied("You may only restore your own tags.")
    passage = Passage.objects.filter(pk=removed["passage"]).defer("search_vector").first()
    theme = Theme.objects.filter(pk=removed["theme"]).first()
    if passage is None or theme is None:
        raise ValidationError("That passage or theme no longer exists.")
    tagger = get_user_model().objects.get(pk=removed["user"])
    _span_validate(passage=passage, start=removed["start"], end=removed["end"])
    return _tag_get_or_create(passage=passage, theme=theme, user=tagger,
                              start=removed["start"], end=removed["end"], memo=removed["memo"])
