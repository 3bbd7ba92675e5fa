"""Team coding in templates: a section's coding status (with its done button) and a
coder's tags highlighted in a passage's text."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.template import Context

from annotations.selectors import TagRow, passage_pieces
from annotations.team_selectors import SectionCodingStatus

register = template.Library()


def coding_status_context(*, request: HttpRequest, can_tag: bool, section_id: int,
                          status: SectionCodingStatus | None, next_url: str) -> dict:
    """What ``annotations/_coding_status.html`` needs, for the tag and for the POST view."""
    status = status or SectionCodingStatus(section_id=section_id)
    username = request.user.get_username()
    return {
        "section_id": section_id,
        "done": status.done_by(username),
        "others": status.others(username),
        "can_tag": can_tag,
        "next": next_url,
        "request": request,
    }


@register.inclusion_tag("annotations/_coding_status.html", takes_context=True)
def coding_status(context: Context, section, statuses: dict[int, SectionCodingStatus]) -> dict:
    """``{% coding_status section statuses %}``: ``statuses`` from
    ``team_selectors.section_coding_statuses`` (one query for a whole source)."""
    request = context["request"]
    return coding_status_context(
        request=request, can_tag=context.get("can_tag", False), section_id=section.pk,
        status=statuses.get(section.pk), next_url=request.get_full_path(),
    )


@register.inclusion_tag("annotations/reader/_pieces.html")
def coded_text(text: str, tags: list[TagRow]) -> dict:
    """A passage's text with these tags' spans highlighted, marked up as in the reader."""
    return {"pieces": passage_pieces(text=text, tags=tags)}


@register.filter
def figure(value: float | None) -> str:
    """An agreement coefficient to three decimals; "undefined" where it has no value."""
    if value is None:
        return "undefined"
    shown = f"{value:.3f}"
    return "0.000" if shown == "-0.000" else shown


@register.filter
def share(value: float | None) -> str:
    """A proportion from 0 to 1 as a percentage."""
    return "undefined" if value is None else f"{100 * value:.1f}%"
