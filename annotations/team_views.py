"""Team coding pages: agreement, two coders compared, and their write views (marking
a section done, adopting a tag, a memo on a disagreement)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from annotations import team_services
from annotations.models import Tag
from annotations.roles import user_can_tag
from annotations.team_forms import (
    AgreementQueryForm,
    CompareForm,
    DisagreementMemoForm,
    SectionCodingForm,
)
from annotations.team_selectors import (
    agreement_compute,
    coder_list,
    section_coding_status,
    section_comparison,
)
from annotations.templatetags.coding import coding_status_context
from annotations.views import _valid_form, tag_write_view
from config.access import read_permission_required
from corpus.models import Section
from corpus.selectors import section_list_with_counts


def _next_url(request: HttpRequest, *, fallback: str) -> str:
    """The page a form came from (its ``next`` field), if it is one of ours."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return fallback


@read_permission_required
def agreement_page(request: HttpRequest) -> HttpResponse:
    form = AgreementQueryForm(request.GET if "coders" in request.GET else None)
    result = agreement_compute(**form.cleaned_data) if form.is_bound and form.is_valid() else None
    context = {"form": form, "result": result,
               "compare_coders": ",".join(result.usernames) if result else ""}
    return render(request, "annotations/agreement.html", context,
                  status=400 if form.is_bound and not form.is_valid() else 200)


@read_permission_required
def compare_page(request: HttpRequest) -> HttpResponse:
    bound = "section" in request.GET or "coders" in request.GET
    form = CompareForm(request.GET if bound else None)
    comparison = None
    if bound and form.is_valid():
        coder_a, coder_b = form.cleaned_data["coders"]
        comparison = section_comparison(section=form.cleaned_data["section"],
                                        coder_a=coder_a, coder_b=coder_b)
    context = {
        "form": form,
        "comparison": comparison,
        "sections": section_list_with_counts() if comparison is None else [],
        "coders": coder_list() if comparison is None else [],
    }
    if comparison is not None:
        context["coding"] = coding_status_context(
            request=request, can_tag=user_can_tag(user=request.user),
            section_id=comparison.section.pk,
            status=comparison.status, next_url=request.get_full_path(),
        )
        context["pair"] = f"{coder_a.get_username()},{coder_b.get_username()}"
    return render(request, "annotations/compare.html", context,
                  status=400 if bound and not form.is_valid() else 200)


@tag_write_view
def section_coding(request: HttpRequest, pk: int) -> HttpResponse:
    """Marks (``done`` on) or unmarks the section for the user: the coding-status form."""
    section = get_object_or_404(Section, pk=pk)
    done = _valid_form(SectionCodingForm(request.POST))["done"]
    if done:
        team_services.section_coding_mark(user=request.user, section=section)
    else:
        team_services.section_coding_unmark(user=request.user, section=section)
    fallback = reverse("corpus:source-detail", kwargs={"slug": section.source.slug})
    next_url = _next_url(request, fallback=f"{fallback}#{section.anchor}")
    if not request.htmx:
        return redirect(next_url)
    context = coding_status_context(
        request=request, can_tag=True, section_id=section.pk,
        status=section_coding_status(section=section), next_url=next_url,
    )
    return render(request, "annotations/_coding_status.html", context)


@tag_write_view
def tag_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    tag = get_object_or_404(Tag.objects.select_related("theme"), pk=pk)
    result = team_services.tag_adopt(user=request.user, tag=tag)
    verb = "is now yours too" if result.created else "was already yours"
    messages.success(request, f"The {tag.theme.name} tag {verb}.")
    fallback = reverse("corpus:passage-detail", kwargs={"pk": tag.passage_id})
    return redirect(_next_url(request, fallback=fallback))


@tag_write_view
def disagreement_memo(request: HttpRequest) -> HttpResponse:
    data = _valid_form(DisagreementMemoForm(request.POST))
    team_services.disagreement_memo_create(
        author=request.user, passage=data["passage"], theme=data["theme"],
        coders=tuple(data["coders"]), text=data["text"],
    )
    messages.success(request, "Memo saved.")
    fallback = reverse("corpus:passage-detail", kwargs={"pk": data["passage"].pk})
    return redirect(_next_url(request, fallback=fallback))
