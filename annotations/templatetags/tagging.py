"""Rendering tagged passages: the passage text with span highlights, its tag chips, and
the tagging controls a researcher gets.

A passage is rendered here in Python rather than by a template include: the reader
shows a whole source (over 1,000 passages in the Clarke volume) on one page, and
per-passage template rendering cost several seconds there; this costs milliseconds.
Every piece of source or user text goes through ``html.escape`` (what Django's
``escape`` does, without its lazy-string check, which cost a third of the time here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape as _escape
from itertools import pairwise

from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.middleware.csrf import get_token
from django.template import Context
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from annotations.models import MEMO_MAX_CHARS, Theme
from annotations.roles import user_can_change_tag
from annotations.selectors import TagRow
from corpus.models import Passage
from corpus.selectors import PassageEntry, PassageRow

register = template.Library()

QUOTE_PREVIEW_CHARS = 40
# A primary key no URL otherwise contains, to cut a reversed URL into prefix and suffix.
_PK_PLACEHOLDER = 2_147_483_647


def passage_text_html(*, text: str, tags: Iterable[TagRow]) -> SafeString:
    """The passage text, escaped, with each tagged span wrapped in a ``<mark>``.

    The text is cut at every span boundary; a piece inside several spans gets one
    nested ``<mark>`` per span (longest outermost), so overlaps show as stacked
    tints and the marks add no characters: the element's text stays the passage's.
    """
    spans = sorted(
        (tag for tag in tags if tag.start is not None and tag.end <= len(text)),
        key=lambda tag: (tag.start, -tag.end, tag.pk),
    )
    if not spans:
        return mark_safe(_escape(text))  # noqa: S308
    cuts = sorted({0, len(text), *(tag.start for tag in spans), *(tag.end for tag in spans)})
    pieces = []
    for start, end in pairwise(cuts):
        piece = _escape(text[start:end])
        covering = [tag for tag in spans if tag.start <= start and end <= tag.end]
        if covering:
            title = _escape("; ".join(
                f"{tag.theme_name}, tagged by {tag.username}" for tag in covering
            ))
            opening = "".join(f'<mark class="hl theme-{tag.theme_id}">' for tag in covering[:-1])
            opening += f'<mark class="hl theme-{covering[-1].theme_id}" title="{title}">'
            piece = f"{opening}{piece}{'</mark>' * len(covering)}"
        pieces.append(piece)
    # Every piece of text above went through _escape(); only our own markup is added.
    return mark_safe("".join(pieces))  # noqa: S308


def _url_maker(name: str) -> Callable[[int], str]:
    # One reverse() per page instead of one per passage and tag.
    prefix, suffix = reverse(name, args=[_PK_PLACEHOLDER]).split(str(_PK_PLACEHOLDER))
    return lambda pk: f"{prefix}{pk}{suffix}"


@dataclass(frozen=True)
class Viewer:
    """What every passage on a page shares: who is looking, and the tagging controls."""

    user: AbstractBaseUser | AnonymousUser
    user_id: int | None
    can_tag: bool
    csrf_input: SafeString
    picker_buttons: SafeString
    theme_options: SafeString
    passage_url: Callable[[int], str]
    tag_create_url: Callable[[int], str]
    tag_memo_url: Callable[[int], str]
    tag_delete_url: Callable[[int], str]
    # Whose tags this viewer may change, by tagger id: asked once per tagger rather than
    # once per tag, as the request's lazy user makes each asking slow.
    _may_change: dict[int, bool] = field(default_factory=dict)

    def may_change(self, tag_user_id: int) -> bool:
        if tag_user_id not in self._may_change:
            self._may_change[tag_user_id] = self.can_tag and user_can_change_tag(
                user=self.user, tag_user_id=tag_user_id
            )
        return self._may_change[tag_user_id]


def viewer_make(*, request, user, can_tag: bool, themes: list[Theme]) -> Viewer:
    csrf_input = (
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">',
                    get_token(request))
        if can_tag else SafeString()
    )
    picker_buttons = format_html_join(
        "",
        '<button name="theme" value="{}" class="pick theme-{}" title="{} (key {})">'
        '{}<span class="visually-hidden"> {}</span></button>',
        (
            (theme.slug, theme.pk, theme.name, key, key, theme.name)
            for key, theme in enumerate(themes, start=1)
        ),
    )
    theme_options = format_html_join(
        "", '<option value="{}">{}</option>', ((theme.slug, theme.name) for theme in themes)
    )
    return Viewer(
        user=user,
        user_id=user.pk,
        can_tag=can_tag,
        csrf_input=csrf_input,
        picker_buttons=picker_buttons,
        theme_options=theme_options,
        passage_url=_url_maker("corpus:passage-detail"),
        tag_create_url=_url_maker("annotations:tag-create"),
        tag_memo_url=_url_maker("annotations:tag-memo"),
        tag_delete_url=_url_maker("annotations:tag-delete"),
    )


def _tag_controls_html(*, tag: TagRow, viewer: Viewer) -> str:
    theme = _escape(tag.theme_name)
    whose = "" if tag.user_id == viewer.user_id else f" by {_escape(tag.username)}"
    memo_url, delete_url = viewer.tag_memo_url(tag.pk), viewer.tag_delete_url(tag.pk)
    return (
        '<div class="chip-actions">'
        f'<details class="memo-edit"><summary>{"Edit memo" if tag.memo else "Add memo"}'
        f'<span class="visually-hidden"> on the {theme} tag</span></summary>'
        f'<form method="post" action="{memo_url}" hx-post="{memo_url}">{viewer.csrf_input}'
        f'<label for="memo-{tag.pk}" class="visually-hidden">Memo on the {theme} tag</label>'
        f'<textarea id="memo-{tag.pk}" name="memo" rows="3" maxlength="{MEMO_MAX_CHARS}">'
        f"{_escape(tag.memo)}</textarea>"
        '<button type="submit">Save memo</button></form></details>'
        f'<form method="post" action="{delete_url}" hx-post="{delete_url}" class="inline-form">'
        f'{viewer.csrf_input}<button type="submit" class="link-button remove">Remove'
        f'<span class="visually-hidden"> the {theme} tag{whose}</span></button></form></div>'
    )


def _chip_html(*, tag: TagRow, viewer: Viewer) -> str:
    theme, tagger = _escape(tag.theme_name), _escape(tag.username)
    if tag.start is None:
        where, preview = "the whole passage", ""
    else:
        quote = tag.quote
        if len(quote) > QUOTE_PREVIEW_CHARS:
            quote = quote[: QUOTE_PREVIEW_CHARS - 1].rstrip() + "…"
        where = f"the words “{_escape(tag.quote)}”"
        preview = f'<span class="chip-quote" aria-hidden="true">“{_escape(quote)}”</span>'
    memo = (
        f'<p class="memo"><span class="visually-hidden">Memo: </span>{_escape(tag.memo)}</p>'
        if tag.memo else ""
    )
    controls = _tag_controls_html(tag=tag, viewer=viewer) if viewer.may_change(tag.user_id) else ""
    span_class = "" if tag.start is None else " chip-span"
    return (
        f'<li class="chip theme-{tag.theme_id}{span_class}" title="{theme} · tagged by {tagger}">'
        f'<span class="chip-label">{theme}</span>'
        f'<span class="visually-hidden"> on {where}, tagged by {tagger}.</span>'
        f"{preview}{memo}{controls}</li>"
    )


def passage_article_html(*, passage: Passage | PassageRow, tags: list[TagRow],
                         viewer: Viewer) -> SafeString:
    """One passage as the reader shows it; also the fragment htmx swaps in after a change."""
    is_note = passage.kind == Passage.Kind.NOTE
    label = (
        f'<span class="note-label">{_escape(passage.note_label or "Note")}</span>'
        if is_note else ""
    )
    chips = (
        f'<ul class="chips" aria-label="Tags">'
        f'{"".join(_chip_html(tag=tag, viewer=viewer) for tag in tags)}</ul>'
        if tags else ""
    )
    tag_attributes = picker = ""
    if viewer.can_tag:
        tag_url = viewer.tag_create_url(passage.pk)
        tag_attributes = f' data-tag-url="{tag_url}" aria-describedby="tagging-help"'
        picker = (
            f'<form class="picker" method="post" action="{tag_url}" hx-post="{tag_url}" '
            f'aria-label="Tag the whole passage">{viewer.csrf_input}'
            f'<span class="picker-label" aria-hidden="true">Tag</span>{viewer.picker_buttons}'
            "</form>"
            f'<details class="words-tag"><summary>Tag words…</summary>'
            f'<form method="post" action="{tag_url}" hx-post="{tag_url}">{viewer.csrf_input}'
            f'<label for="words-{passage.pk}">Words to tag, as printed</label>'
            f'<input id="words-{passage.pk}" name="words" required maxlength="2000">'
            f'<label for="words-theme-{passage.pk}">Theme</label>'
            f'<select id="words-theme-{passage.pk}" name="theme">{viewer.theme_options}</select>'
            '<button type="submit">Tag the words</button></form></details>'
        )
    note_class = " passage-note" if is_note else ""
    text = passage_text_html(text=passage.text, tags=tags)
    # Every value above is a number, our own markup, or text through _escape().
    return mark_safe(  # noqa: S308
        f'<article id="p{passage.pk}" class="passage{note_class}" tabindex="0" '
        f'hx-target="this" hx-swap="outerHTML"{tag_attributes}>'
        f'<div class="passage-body">{label}<p class="passage-text">{text}</p></div>'
        f'<div class="passage-margin">{chips}<div class="passage-tools">'
        f'<a class="permalink" href="{viewer.passage_url(passage.pk)}" title="Permalink">'
        '<span aria-hidden="true">¶</span>'
        f'<span class="visually-hidden">Permalink to this passage</span></a>{picker}</div>'
        "</div></article>\n"
    )


_VIEWER_KEY = "annotations.tagging.viewer"


def _viewer_for(context: Context) -> Viewer:
    # Built once per page render, shared by every passage on it.
    viewer = context.render_context.get(_VIEWER_KEY)
    if viewer is None:
        viewer = viewer_make(request=context["request"], user=context["user"],
                             can_tag=context.get("can_tag", False), themes=context["themes"])
        context.render_context[_VIEWER_KEY] = viewer
    return viewer


@register.simple_tag(takes_context=True)
def passage_article(context: Context, passage: Passage, tags: list[TagRow]) -> SafeString:
    return passage_article_html(passage=passage, tags=tags, viewer=_viewer_for(context))


@register.simple_tag(takes_context=True)
def passage_articles(context: Context, entries: Iterable[PassageEntry]) -> SafeString:
    """Many ``PassageEntry`` (passage and its tags) at once, as the reader lists them."""
    viewer = _viewer_for(context)
    return SafeString("".join(
        passage_article_html(passage=entry.passage, tags=entry.tags, viewer=viewer)
        for entry in entries
    ))
