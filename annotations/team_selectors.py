"""Reads for team coding: who finished which section, agreement between coders, and
two coders' tags on a section side by side with their disagreements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.db.models.functions import Length

from annotations import agreement
from annotations.models import DisagreementMemo, SectionCoding, Tag, Theme
from annotations.selectors import TAG_ROW_FIELDS, TagRow, theme_list
from corpus.models import Passage, Section, Source

# --- Coding status ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CodingMark:
    username: str
    done_at: datetime


@dataclass(frozen=True)
class SectionCodingStatus:
    """Who has marked a section done, earliest first."""

    section_id: int
    marks: list[CodingMark] = field(default_factory=list)

    def done_by(self, username: str) -> bool:
        return any(mark.username == username for mark in self.marks)

    def others(self, username: str) -> list[CodingMark]:
        return [mark for mark in self.marks if mark.username != username]


def section_coding_list() -> QuerySet[SectionCoding]:
    """Every done mark, by source and section in reading order."""
    return SectionCoding.objects.select_related("section__source", "user").order_by(
        "section__source__ordinal", "section__source__slug", "section__ordinal", "done_at", "id"
    )


def section_coding_statuses(*, sections: QuerySet[Section] | list[Section],
                            ) -> dict[int, SectionCodingStatus]:
    """The coding status of each of these sections (in one query), keyed by section id."""
    marks: dict[int, list[CodingMark]] = defaultdict(list)
    rows = (
        SectionCoding.objects.filter(section__in=sections)
        .order_by("done_at", "id")
        .values_list("section_id", "user__username", "done_at")
    )
    for section_id, username, done_at in rows:
        marks[section_id].append(CodingMark(username=username, done_at=done_at))
    ids = sections.values_list("pk", flat=True) if isinstance(sections, QuerySet) else [
        section.pk for section in sections
    ]
    return {pk: SectionCodingStatus(section_id=pk, marks=marks.get(pk, [])) for pk in ids}


def section_coding_status(*, section: Section) -> SectionCodingStatus:
    return section_coding_statuses(sections=[section])[section.pk]


def coder_list() -> QuerySet:
    """The users agreement may compare: everyone who has tagged or finished a section.

    Not every account, so that naming coders does not tell who has an account.
    """
    has_tagged = Exists(Tag.objects.filter(user=OuterRef("pk")))
    has_finished = Exists(SectionCoding.objects.filter(user=OuterRef("pk")))
    return (
        get_user_model().objects.filter(has_tagged | has_finished)
        .only("id", "username")
        .order_by("username")
    )


# --- Agreement ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScopeSection:
    pk: int
    title: str


@dataclass(frozen=True)
class AgreementScope:
    source: Source | None
    section: Section | None
    # True when no source or section was named: only sections every coder finished.
    finished_only: bool
    sections: list[ScopeSection]

    @property
    def section_ids(self) -> list[int]:
        return [section.pk for section in self.sections]


@dataclass(frozen=True)
class ThemeAgreement:
    theme: Theme | None  # None for the overall figures
    passages: agreement.PassageFigures
    characters: agreement.CharacterFigures


@dataclass(frozen=True)
class Agreement:
    coders: list[AbstractBaseUser]
    scope: AgreementScope
    passages: int
    characters: int
    themes: list[ThemeAgreement]
    overall: ThemeAgreement

    @property
    def usernames(self) -> list[str]:
        return [coder.get_username() for coder in self.coders]


def _sections_finished_by_all(*, coders: list[AbstractBaseUser]) -> QuerySet:
    return (
        SectionCoding.objects.filter(user__in=coders)
        .values("section")
        .annotate(coders=Count("user", distinct=True))
        .filter(coders=len(coders))
        .values("section")
    )


def agreement_passages(*, coders: list[AbstractBaseUser], source: Source | None = None,
                       section: Section | None = None) -> QuerySet[Passage]:
    """The passages agreement is computed on (body and notes), in reading order."""
    passages = Passage.objects.order_by("source__ordinal", "source__slug", "ordinal")
    if section is not None:
        return passages.filter(section=section)
    if source is not None:
        return passages.filter(source=source)
    return passages.filter(section__in=_sections_finished_by_all(coders=coders))


def agreement_compute(*, coders: list[AbstractBaseUser], source: Source | None = None,
                      section: Section | None = None) -> Agreement:
    """Per theme and overall agreement of the coders, at passage and character level.

    Three queries (themes, passages, tags) whatever the scope; the counting is NumPy's.
    The overall figures pool every (theme, unit) pair as one unit.
    """
    themes = theme_list()
    passages = agreement_passages(coders=coders, source=source, section=section)
    rows = list(passages.annotate(length=Length("text"))
                .values_list("pk", "length", "section_id", "section__title"))
    passage_ids = np.array([row[0] for row in rows], dtype=np.int64)
    lengths = np.array([row[1] for row in rows], dtype=np.int64)
    tags = list(
        Tag.objects.filter(passage__in=passages.values("pk"), user__in=coders)
        .values_list("user_id", "theme_id", "passage_id", "start", "end")
    )
    units = _coded_units(tags=tags, coders=coders, themes=themes, passage_ids=passage_ids,
                         lengths=lengths)
    counts = agreement.theme_counts(units=units, coders=len(coders), themes=len(themes))
    per_theme = [_theme_agreement(theme, *pair) for theme, pair in zip(themes, counts,
                                                                        strict=True)]
    pooled = [reduce(lambda a, b: a + b, level) for level in zip(*counts, strict=True)]
    scope = AgreementScope(
        source=source, section=section, finished_only=source is None and section is None,
        sections=[ScopeSection(pk=pk, title=title)
                  for pk, title in dict((row[2], row[3]) for row in rows).items()],
    )
    return Agreement(
        coders=coders, scope=scope, passages=len(rows), characters=int(lengths.sum()),
        themes=per_theme, overall=_theme_agreement(None, *pooled),
    )


def _coded_units(*, tags: list[tuple], coders: list[AbstractBaseUser], themes: list[Theme],
                 passage_ids: np.ndarray, lengths: np.ndarray) -> agreement.CodedUnits:
    coder_index = {coder.pk: n for n, coder in enumerate(coders)}
    theme_index = {theme.pk: n for n, theme in enumerate(themes)}
    table = np.array(
        [(coder_index[user_id], theme_index[theme_id], passage_id,
          -1 if start is None else start, -1 if end is None else end)
         for user_id, theme_id, passage_id, start, end in tags],
        dtype=np.int64,
    ).reshape(-1, 5)
    order = np.argsort(passage_ids)
    passage = order[np.searchsorted(passage_ids, table[:, 2], sorter=order)]
    whole = table[:, 3] < 0
    return agreement.CodedUnits(
        lengths=lengths, coder=table[:, 0], theme=table[:, 1], passage=passage,
        start=np.where(whole, 0, table[:, 3]),
        end=np.where(whole, lengths[passage], np.minimum(table[:, 4], lengths[passage])),
    )


def _theme_agreement(theme: Theme | None, passages: agreement.BinaryCounts,
                     characters: agreement.BinaryCounts) -> ThemeAgreement:
    return ThemeAgreement(theme=theme, passages=agreement.passage_figures(passages),
                          characters=agreement.character_figures(characters))


# --- Two coders side by side ----------------------------------------------------


class DisagreementKind:
    ONLY_A = "only_a"  # the first coder applied the theme in the passage, the second did not
    ONLY_B = "only_b"
    SPANS = "spans"  # both applied it, to different words


@dataclass(frozen=True, slots=True)
class MemoRow:
    pk: int
    author: str
    text: str
    created: datetime


@dataclass(frozen=True)
class Disagreement:
    theme: Theme
    kind: str
    # Characters of the passage that one coder's tags of the theme cover and the other's not.
    differing_characters: int
    # Those characters as pieces of text: covered by the first coder only, the second only.
    only_a: list[str]
    only_b: list[str]
    tags_a: list[TagRow]
    tags_b: list[TagRow]
    memos: list[MemoRow]


@dataclass(frozen=True)
class PassageComparison:
    pk: int
    kind: str
    note_label: str
    text: str
    tags_a: list[TagRow]
    tags_b: list[TagRow]
    disagreements: list[Disagreement]


@dataclass(frozen=True)
class SectionComparison:
    section: Section
    coder_a: AbstractBaseUser
    coder_b: AbstractBaseUser
    passages: list[PassageComparison]  # those either coder tagged, in reading order
    status: SectionCodingStatus

    @property
    def disagreement_count(self) -> int:
        return sum(len(passage.disagreements) for passage in self.passages)


def memo_pair(first: AbstractBaseUser, second: AbstractBaseUser,
              ) -> tuple[AbstractBaseUser, AbstractBaseUser]:
    """The pair of coders in the order memos store it."""
    return (first, second) if first.pk < second.pk else (second, first)


def section_comparison(*, section: Section, coder_a: AbstractBaseUser,
                       coder_b: AbstractBaseUser) -> SectionComparison:
    """Two coders' tags on every passage of a section, and where they disagree. Five
    queries: themes, passages, tags, memos, coding status."""
    themes = {theme.pk: theme for theme in theme_list()}
    passages = list(
        Passage.objects.filter(section=section).order_by("ordinal")
        .values_list("pk", "kind", "note_label", "text")
    )
    tags: dict[int, list[TagRow]] = defaultdict(list)
    for row in (
        Tag.objects.filter(passage__section=section, user__in=[coder_a, coder_b])
        .order_by(F("start").asc(nulls_first=True), "end", "id")
        .values_list(*TAG_ROW_FIELDS)
    ):
        tags[row[1]].append(TagRow(*row))
    first, second = memo_pair(coder_a, coder_b)
    memos: dict[tuple[int, int], list[MemoRow]] = defaultdict(list)
    for passage_id, theme_id, *memo in (
        DisagreementMemo.objects.filter(passage__section=section, coder_a=first, coder_b=second)
        .order_by("created", "id")
        .values_list("passage_id", "theme_id", "pk", "author__username", "text", "created")
    ):
        memos[passage_id, theme_id].append(MemoRow(*memo))
    compared = []
    for pk, kind, note_label, text in passages:
        if pk not in tags:
            continue
        tags_a = [tag for tag in tags[pk] if tag.user_id == coder_a.pk]
        tags_b = [tag for tag in tags[pk] if tag.user_id == coder_b.pk]
        compared.append(PassageComparison(
            pk=pk, kind=kind, note_label=note_label, text=text, tags_a=tags_a, tags_b=tags_b,
            disagreements=_disagreements(text=text, tags_a=tags_a, tags_b=tags_b,
                                         themes=themes, memos=memos, passage_id=pk),
        ))
    return SectionComparison(section=section, coder_a=coder_a, coder_b=coder_b,
                             passages=compared, status=section_coding_status(section=section))


def _disagreements(*, text: str, tags_a: list[TagRow], tags_b: list[TagRow],
                   themes: dict[int, Theme], memos: dict, passage_id: int) -> list[Disagreement]:
    found = []
    for theme_id, theme in themes.items():
        mine_a = [tag for tag in tags_a if tag.theme_id == theme_id]
        mine_b = [tag for tag in tags_b if tag.theme_id == theme_id]
        if not mine_a and not mine_b:
            continue
        only_a, only_b = _words_covered_by_one(text=text, tags_a=mine_a, tags_b=mine_b)
        if mine_a and mine_b and not (only_a or only_b):
            continue
        kind = (DisagreementKind.SPANS if mine_a and mine_b
                else DisagreementKind.ONLY_A if mine_a else DisagreementKind.ONLY_B)
        found.append(Disagreement(
            theme=theme, kind=kind,
            differing_characters=sum(map(len, only_a)) + sum(map(len, only_b)),
            only_a=only_a, only_b=only_b, tags_a=mine_a, tags_b=mine_b,
            memos=memos.get((passage_id, theme_id), []),
        ))
    return found


def _covered(*, length: int, tags: list[TagRow]) -> tuple[np.ndarray, np.ndarray]:
    return agreement.intervals_merge(
        starts=np.array([tag.start or 0 for tag in tags], dtype=np.int64),
        ends=np.array([length if tag.end is None else tag.end for tag in tags], dtype=np.int64),
    )


def _words_covered_by_one(*, text: str, tags_a: list[TagRow], tags_b: list[TagRow],
                          ) -> tuple[list[str], list[str]]:
    """The pieces of text one coder's tags cover and the other's do not, each way."""
    covered_a = _covered(length=len(text), tags=tags_a)
    covered_b = _covered(length=len(text), tags=tags_b)
    pieces = []
    for first, second in ((covered_a, covered_b), (covered_b, covered_a)):
        starts, ends = agreement.intervals_difference(
            starts=first[0], ends=first[1], minus_starts=second[0], minus_ends=second[1])
        pieces.append([text[start:end] for start, end in zip(starts, ends, strict=True)])
    return pieces[0], pieces[1]
